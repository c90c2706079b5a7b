"""The genesis block of a new chain: its accounts (the fork's system contracts, then
genesis.json's alloc), its state (built in one pass, node/chain/genesis_state.py), the digest of
everything that shapes that state (a data dir records it, so a restart with the same genesis does
not rebuild it) and its header. Used by node/chain/chain.py when it opens a data dir."""
import hashlib

from pydevnet.state.store import KVStore
from pydevnet.node.chain import system
from pydevnet.node.chain.blocks import Header, receipts_root, transactions_root
from pydevnet.node.chain.genesis_state import build_genesis_state
from pydevnet.node.chain.requests import EMPTY_REQUESTS_HASH
from pydevnet.node.config import AllocAccount, Genesis
from pydevnet.vm.forks import spec_for


def genesis_alloc(genesis: Genesis) -> dict[bytes, AllocAccount]:
    """The genesis accounts: the fork's system contracts (nonce 1, their code, as geth's dev mode
    predeploys them), then genesis.json's alloc, which wins at the same address."""
    alloc = {c.address: AllocAccount(nonce=1, code=c.code)
             for c in system.predeploys(spec_for(genesis.fork))}
    alloc.update(genesis.alloc)
    return alloc


def genesis_state(store: KVStore, genesis: Genesis, batch: dict) -> bytes:
    """Build the genesis state in one pass (node/chain/genesis_state.py): a large alloc's nodes
    go to the store in unsynced chunks, the rest into `batch`; returns the state root."""
    return build_genesis_state(store, genesis_alloc(genesis), batch)


def genesis_digest(genesis: Genesis) -> bytes:
    """A digest of everything that shapes the genesis state (the alloc, in address order)."""
    h = hashlib.sha256()
    alloc = genesis_alloc(genesis)
    for addr in sorted(alloc):
        acct = alloc[addr]
        h.update(addr + acct.balance.to_bytes(32, "big") + acct.nonce.to_bytes(8, "big")
                 + len(acct.code).to_bytes(4, "big") + acct.code
                 + len(acct.storage).to_bytes(4, "big"))
        for k in sorted(acct.storage):
            h.update(k.to_bytes(32, "big") + acct.storage[k].to_bytes(32, "big"))
    return h.digest()


def genesis_header(genesis: Genesis, state_root: bytes) -> Header:
    spec = spec_for(genesis.fork)
    return Header(parent_hash=bytes(32), coinbase=genesis.coinbase, state_root=state_root,
                  transactions_root=transactions_root([]), receipts_root=receipts_root([]),
                  number=0, gas_limit=genesis.gas_limit, gas_used=0,
                  timestamp=genesis.timestamp, extra_data=genesis.extra_data,
                  mix_hash=bytes(32), base_fee=genesis.unit_price,
                  requests_hash=EMPTY_REQUESTS_HASH if spec.has(7685) else None)
