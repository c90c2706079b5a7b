"""The genesis state built in one pass (node/chain/genesis_state.py) against the slow reference it
replaced: every account put into a StateDB one by one and committed. Same root and the same
records (trie nodes, code, storage slots' preimages; not the accounts' preimages, which the
genesis alloc gives a state dump), on a real LevelDB, including a genesis large enough for the
chunked writer thread; a restart opens it without building again, and anvil_dumpState names
the genesis accounts."""
import gzip
import json
import random

import pytest

from pydevnet import Devnet

from pydevnet.node.chain import genesis_state as gs
from pydevnet.node.chain.chain import Chain
from pydevnet.node.chain.genesis import genesis_alloc, genesis_state
from pydevnet.node.config import ETHER, AllocAccount, Genesis
from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import PREIMAGE_PREFIX, StateDB
from pydevnet.state.store import LevelDBStore, MemoryStore


def _reference(alloc: dict[bytes, AllocAccount]) -> tuple[bytes, dict[bytes, bytes]]:
    st = StateDB(MemoryStore())
    for addr, acct in alloc.items():
        st.set_balance(addr, acct.balance)
        if acct.nonce:
            st.set_nonce(addr, acct.nonce)
        if acct.code:
            st.set_code(addr, acct.code)
        for k, v in acct.storage.items():
            if v:
                st.set_storage(addr, k, v)
    st.begin_tx()
    batch: dict[bytes, bytes] = {}
    root = st.commit(batch)
    for addr in alloc:
        del batch[PREIMAGE_PREFIX + keccak256(addr)]
    return root, batch


def _random_alloc(n: int, seed: int) -> dict[bytes, AllocAccount]:
    rng = random.Random(seed)
    alloc = {}
    for i in range(n):
        kind = rng.random()
        acct = AllocAccount(balance=rng.choice((0, 1, ETHER, rng.getrandbits(100))),
                            nonce=rng.choice((0, 0, 1, 2 ** 64 - 2)))
        if kind < 0.05:
            acct.code = rng.randbytes(rng.randint(1, 300))
        if kind < 0.03:
            acct.storage = {rng.getrandbits(rng.choice((8, 256))): rng.choice((0, 1, 2 ** 256 - 1))
                            for _ in range(rng.randint(1, 40))}
        alloc[rng.randbytes(20)] = acct
    return alloc


@pytest.mark.parametrize("n", [0, 1, 25, 700])
def test_same_root_and_records_as_insertion(n: int) -> None:
    alloc = _random_alloc(n, n)
    batch: dict[bytes, bytes] = {}
    store = MemoryStore()
    root = gs.build_genesis_state(store, alloc, batch)
    assert (root, batch) == _reference(alloc)
    assert list(store.iterate()) == []  # a small genesis is all in the caller's batch


def test_large_genesis_through_the_writer_thread(tmp_path, monkeypatch) -> None:
    """20,000 accounts with FLUSH_RECORDS at 3,000: about a dozen chunks go through the writer
    thread into LevelDB while the trie is built; together with the batch they are exactly the
    reference's records."""
    monkeypatch.setattr(gs, "FLUSH_RECORDS", 3000)
    alloc = _random_alloc(20_000, 99)
    store = LevelDBStore(str(tmp_path / "db"))
    batch: dict[bytes, bytes] = {}
    root = gs.build_genesis_state(store, alloc, batch)
    ref_root, ref_records = _reference(alloc)
    assert root == ref_root
    written = dict(store.iterate())
    assert len(written) > 10 * 3000 - 3000 and len(batch) < 3000
    assert {**written, **batch} == ref_records
    store.close()


def test_a_store_error_reaches_the_builder(monkeypatch) -> None:
    monkeypatch.setattr(gs, "FLUSH_RECORDS", 500)

    class Failing(MemoryStore):
        def write_batch(self, puts, deletes=(), sync=True):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        gs.build_genesis_state(Failing(), _random_alloc(2000, 5), {})


def test_chain_genesis_and_restart(tmp_path, monkeypatch) -> None:
    """A chain's genesis with the system contracts (Osaka) and 5,000 funded accounts: its state
    root is the reference's, and a restart on the same LevelDB finds the same genesis."""
    monkeypatch.setattr(gs, "FLUSH_RECORDS", 2000)
    g = Genesis(fork="osaka", alloc={i.to_bytes(20, "big"): AllocAccount(ETHER + i)
                                     for i in range(1, 5001)})
    assert genesis_state(MemoryStore(), g, {}) == _reference(genesis_alloc(g))[0]
    store = LevelDBStore(str(tmp_path / "db"))
    chain = Chain(store, g)
    first = chain.genesis_hash
    assert chain.head.state_root == _reference(genesis_alloc(g))[0]
    assert chain.state_at(chain.head).get_balance((4321).to_bytes(20, "big")) == ETHER + 4321
    store.close()
    store = LevelDBStore(str(tmp_path / "db"))

    def no_rebuild(*args):
        raise AssertionError("a restart with the same genesis builds its state again")

    monkeypatch.setattr("pydevnet.node.chain.genesis.build_genesis_state", no_rebuild)
    again = Chain(store, Genesis(fork="osaka", alloc=dict(g.alloc)))
    assert again.genesis_hash == first
    assert again.state_at(again.head).get_balance((5000).to_bytes(20, "big")) == ETHER + 5000
    store.close()


def test_state_dump_names_genesis_accounts(tmp_path) -> None:
    """No preimage records for the genesis accounts: anvil_dumpState names them from the alloc."""
    alloc = {"0x" + (i + 7).to_bytes(20, "big").hex(): {"balance": hex(ETHER + i)}
             for i in range(300)}
    with Devnet(genesis={"config": {"fork": "Osaka"}, "alloc": alloc}, datadir=tmp_path) as d:
        d.request("anvil_setBalance", "0x" + (5).to_bytes(20, "big").hex(), "0x1")
        raw = d.request("anvil_dumpState")
    state = json.loads(gzip.decompress(bytes.fromhex(raw[2:])))
    accounts = state["accounts"]
    for address, acct in alloc.items():
        assert int(accounts[address]["balance"], 16) == int(acct["balance"], 16)
    assert int(accounts["0x" + (5).to_bytes(20, "big").hex()]["balance"], 16) == 1


def test_genesis_digest_is_unchanged() -> None:
    """The digest a data dir records of its genesis (b"S") stays what it was: a data dir whose
    recorded digest matches opens without building its genesis state again."""
    from pydevnet.node.chain.genesis import genesis_digest
    g = Genesis(fork="osaka", alloc={
        (i * 7919).to_bytes(20, "big"): AllocAccount(
            balance=i * 10 ** 17, nonce=i % 3, code=bytes([i % 256]) * (i % 5),
            storage={j: j * i for j in range(i % 4)}) for i in range(1, 50)})
    assert genesis_digest(g).hex() == \
        "3f51e51e560824ba20a26cac8daae65cd63ca53d975061cfe3c0a3dc13fbd557"
    assert genesis_digest(Genesis(fork="cancun")).hex() == \
        "23305855f4c3e2f28f4de85b2546199c03869cf44b0a340522ee96bf28672481"
