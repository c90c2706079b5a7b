"""State dumps in Anvil's format (anvil_dumpState / anvil_loadState, --dump-state, --load-state,
--state): Anvil's `SerializableState`, a JSON object

    {"block": {number, beneficiary, timestamp, gas_limit, basefee, difficulty, prevrandao,
               blob_excess_gas_and_price: {excess_blob_gas, blob_gasprice}, slot_num},
     "accounts": {"0x<address>": {"nonce": int, "balance": "0x..", "code": "0x..",
                                   "storage": {"0x<32-byte slot>": "0x<32-byte value>"}}},
     "best_block_number": int, "blocks": [], "transactions": [], "historical_states": null}

The RPC methods carry it gzip-compressed as a hex string; files hold the plain JSON (as Anvil's
do). Accounts and slots are read from the head state's tries; their keys are hashed, so names
come from the preimage records StateDB writes at commit (state/statedb.py PREIMAGE_PREFIX), with
the genesis and dev accounts as a fallback for a data dir older than those records.

Loading merges into the current state as Anvil does: each listed account gets the dump's balance
and code, the larger of the two nonces, and the dump's storage slots on top of its own. The dump's
block history is not replayed: the chain keeps its own blocks, head and hashes.
"""
import gzip
import json
import logging
import os
from typing import Any

from pydevnet.node.chain.system import predeploys
from pydevnet.state.account import decode_account, decode_storage_value
from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.statedb import CODE_PREFIX, PREIMAGE_PREFIX, StateDB
from pydevnet.state.trie import Trie

log = logging.getLogger("devnet")
MAX_WORD = 2 ** 256 - 1
MAX_NONCE = 2 ** 64 - 1
GZIP_MAGIC = b"\x1f\x8b"


class StateFileError(ValueError):
    """A state dump that is not Anvil's format; the message names the field."""


# -- dumping -------------------------------------------------------------------------------------
def dump_state(devnet) -> dict:
    """The head state of `devnet` as Anvil's SerializableState (a JSON-ready dict)."""
    chain = devnet.chain
    head, root = chain.head, chain.head_root
    return {"block": _block_env(chain, head), "accounts": _accounts(devnet, root),
            "best_block_number": head.number, "blocks": [_head_block(head)],
            "transactions": [], "historical_states": None}


# Anvil's header JSON names, in our Header's field order (node/chain/blocks.py)
_HEADER_NAMES = ("parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot",
                 "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit", "gasUsed",
                 "timestamp", "extraData", "mixHash", "nonce", "baseFeePerGas",
                 "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot",
                 "requestsHash")


def _head_block(head) -> dict:
    """The head block's header (Anvil loads a dump's state at the block numbered
    best_block_number, so it must be there; with the same fields, Anvil's hash of it is ours).
    Its transactions stay here: Anvil's history of them is not rebuilt."""
    header = {}
    for name, value in zip(_HEADER_NAMES, head.fields()):
        header[name] = hex(value) if isinstance(value, int) else "0x" + value.hex()
    return {"header": header, "transactions": [], "ommers": [], "withdrawals": None}


def _block_env(chain, head) -> dict:
    return {"number": hex(head.number), "beneficiary": "0x" + head.coinbase.hex(),
            "timestamp": hex(head.timestamp), "gas_limit": head.gas_limit,
            "basefee": head.base_fee, "difficulty": hex(head.difficulty),
            "prevrandao": "0x" + head.mix_hash.hex(),
            "blob_excess_gas_and_price": {"excess_blob_gas": head.excess_blob_gas or 0,
                                          "blob_gasprice": chain.blob_base_fee_of(head)},
            "slot_num": 0}


def _known_addresses(devnet) -> dict[bytes, bytes]:
    """keccak256(address) -> address for the accounts a node knows without preimages."""
    known = list(devnet.accounts) + list(devnet.genesis.alloc) + [devnet.genesis.coinbase]
    known += [c.address for c in predeploys(devnet.chain.spec)]
    return {keccak256(a): a for a in known}


def _accounts(devnet, root: bytes) -> dict:
    store, cache = devnet.store, devnet.chain.node_cache
    fallback = _known_addresses(devnet)
    out: dict[str, dict] = {}
    missing = [0, 0]  # accounts, slots without a preimage
    for hashed, raw in Trie(store, root, cache).items():
        addr = store.get(PREIMAGE_PREFIX + hashed) or fallback.get(hashed)
        if addr is None:
            missing[0] += 1
            continue
        acct = decode_account(raw)
        code = b"" if acct.code_hash == EMPTY_CODE_HASH else store.get(CODE_PREFIX + acct.code_hash)
        out["0x" + addr.hex()] = {"nonce": acct.nonce, "balance": hex(acct.balance),
                                  "code": "0x" + (code or b"").hex(),
                                  "storage": _storage(store, cache, acct.storage_root, missing)}
    if any(missing):
        log.warning("state dump: %d accounts and %d storage slots left out (no preimage: "
                    "written before this pydevnet recorded them)", *missing)
    return dict(sorted(out.items()))


def _storage(store, cache, root: bytes, missing: list[int]) -> dict[str, str]:
    if root == EMPTY_TRIE_ROOT:
        return {}
    slots = {}
    for hashed, raw in Trie(store, root, cache).items():
        key = store.get(PREIMAGE_PREFIX + hashed)
        if key is None:
            missing[1] += 1
            continue
        slots["0x" + key.hex()] = "0x" + decode_storage_value(raw).to_bytes(32, "big").hex()
    return dict(sorted(slots.items()))


def encode_dump(state: dict) -> bytes:
    """anvil_dumpState's bytes: the gzip-compressed JSON."""
    return gzip.compress(json.dumps(state).encode())


def write_state_file(path: str, state: dict) -> str:
    """Write `state` as plain JSON to `path` (`path`/state.json for a directory), atomically;
    returns the file written."""
    if os.path.isdir(path):
        path = os.path.join(path, "state.json")
    tmp = f"{path}.tmp"
    with open(tmp, "w") as fh:
        json.dump(state, fh)
    os.replace(tmp, path)
    return path


# -- loading -------------------------------------------------------------------------------------
def decode_dump(data: bytes) -> dict:
    """A dump's object from anvil_loadState's bytes: gzip-compressed JSON, or plain JSON."""
    try:
        if data[:2] == GZIP_MAGIC:
            data = gzip.decompress(data)
        obj = json.loads(data)
    except (OSError, EOFError, ValueError) as e:
        raise StateFileError(f"not a state dump (gzip-compressed or plain JSON): {e}") from None
    if not isinstance(obj, dict):
        raise StateFileError("a state dump is a JSON object")
    return obj


def read_state_file(path: str) -> dict:
    """The dump in file `path` (`path`/state.json for a directory)."""
    if os.path.isdir(path):
        path = os.path.join(path, "state.json")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise StateFileError(f"cannot read state file {path}: {e.strerror}") from None
    try:
        return decode_dump(data)
    except StateFileError as e:
        raise StateFileError(f"{path}: {e}") from None


def load_state(devnet, state: dict) -> int:
    """Merge the accounts of the dump `state` into the head state (see the module docstring);
    returns how many accounts it set. Checked whole before anything changes."""
    accounts = parse_accounts(state)

    def apply(st: StateDB) -> None:
        for addr, (nonce, balance, code, storage) in accounts.items():
            st.set_nonce(addr, max(nonce, st.get_nonce(addr)))
            st.set_balance(addr, balance)
            st.set_code(addr, code)
            for k, v in storage.items():
                st.set_storage(addr, k, v)
            if st.account(addr).is_empty() and not st.has_storage(addr):
                st.touch(addr)  # EIP-161: an empty account is not written
        st.finalize_tx()
    devnet.chain.modify_head_state(apply)
    stale = devnet.pool.prune(devnet._nonce_of)
    devnet.chain.db.remove_pool_transactions([t.hash for t in stale])
    return len(accounts)


def parse_accounts(state: dict) -> dict[bytes, tuple[int, int, bytes, dict[int, int]]]:
    """The dump's accounts, validated: address -> (nonce, balance, code, storage)."""
    raw = state.get("accounts")
    if not isinstance(raw, dict):
        raise StateFileError("accounts: expected an object of address -> account")
    out = {}
    for key, acct in raw.items():
        name = f"accounts.{key}"
        addr = _bytes(key, name, 20)
        if not isinstance(acct, dict):
            raise StateFileError(f"{name}: expected an object with nonce, balance, code, storage")
        storage = acct.get("storage") or {}
        if not isinstance(storage, dict):
            raise StateFileError(f"{name}.storage: expected an object of slot -> value")
        out[addr] = (_uint(acct.get("nonce", 0), f"{name}.nonce", MAX_NONCE),
                     _uint(acct.get("balance", 0), f"{name}.balance", MAX_WORD),
                     _bytes(acct.get("code", "0x"), f"{name}.code"),
                     {_uint(k, f"{name}.storage key", MAX_WORD):
                      _uint(v, f"{name}.storage[{k}]", MAX_WORD) for k, v in storage.items()})
    return out


def _uint(v: Any, name: str, maximum: int) -> int:
    """A number as Anvil writes one: a JSON integer, or a 0x-hex (or decimal) string."""
    try:
        if isinstance(v, bool):
            raise ValueError
        n = v if isinstance(v, int) else int(v, 16) if v.lower().startswith("0x") else int(v)
    except (AttributeError, TypeError, ValueError):
        raise StateFileError(f"{name}: expected a number, got {v!r}") from None
    if not 0 <= n <= maximum:
        raise StateFileError(f"{name}: {n} is out of range")
    return n


def _bytes(v: Any, name: str, size: int | None = None) -> bytes:
    try:
        if not v.startswith("0x"):
            raise ValueError
        b = bytes.fromhex(v[2:])
    except (AttributeError, ValueError):
        raise StateFileError(f"{name}: expected 0x-prefixed hex, got {v!r}") from None
    if size is not None and len(b) != size:
        raise StateFileError(f"{name}: expected {size} bytes, got {len(b)}")
    return b
