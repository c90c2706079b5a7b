"""The data dir's key layout (schema 2): every record kind in its own key range, so a grown chain
restarts; a schema-1 data dir is migrated; a newer one and a locked one are refused in words.

The collisions these guard against were deterministic: schema 1 stored trie nodes under their
bare hash, and the pool restore's prefix scan (b"p") returned every node whose hash began with
0x70. A chain of a few hundred transfers, or a genesis of a few hundred accounts, was enough.
"""
import pytest

from pydevnet.node.chain.chain import GenesisMismatch
from pydevnet.node.chain.db import K_GENESIS_SPEC, K_SCHEMA, P_POOL, PREFIXES, LayoutError
from pydevnet.node.config import ETHER, AllocAccount, Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.state.store import LevelDBStore, StoreOpenError
from pydevnet.state.trie import NODE_PREFIX
from tests.node.helpers import accounts, make_devnet, run, transfer

MANY = 2_000  # accounts in the big genesis: ~20 of schema 1's nodes would have begun with b"p"


def _big_genesis(n: int = MANY) -> Genesis:
    alloc = {i.to_bytes(20, "big"): AllocAccount(ETHER + i) for i in range(1, n + 1)}
    g = Genesis()
    alloc.update(g.alloc)
    return Genesis(alloc=alloc)


def _send_transfers(d, count: int) -> None:
    key = accounts(d)[0].private_key
    for nonce in range(count):
        run(d, d.send_raw_transaction, transfer(key, nonce, (nonce + 1).to_bytes(20, "big")).raw)


def test_prefixes_are_distinct() -> None:
    assert len({p[:1] for p in PREFIXES}) == len(PREFIXES)
    assert NODE_PREFIX in PREFIXES


def test_big_genesis_starts_and_restarts(tmp_path) -> None:
    d = make_devnet(tmp_path / "db", genesis=_big_genesis())
    nodes = sum(1 for _ in d.store.iterate(NODE_PREFIX))
    assert nodes > MANY  # the genesis trie is there, under its own prefix
    assert list(d.store.iterate(P_POOL)) == []
    assert run(d, d.balance, (MANY).to_bytes(20, "big"), "latest") == ETHER + MANY
    d.shutdown()
    d = make_devnet(tmp_path / "db", genesis=_big_genesis())
    assert run(d, d.balance, (7).to_bytes(20, "big"), "latest") == ETHER + 7
    d.shutdown()


def test_big_genesis_in_memory() -> None:
    d = make_devnet(genesis=_big_genesis())
    assert run(d, d.balance, (1).to_bytes(20, "big"), "latest") == ETHER + 1
    d.shutdown()


def test_restart_after_many_transfers_with_a_pooled_one(tmp_path) -> None:
    d = make_devnet(tmp_path / "db")
    _send_transfers(d, 400)
    key = accounts(d)[1].private_key
    gap = transfer(key, 5, bytes(20))  # waits in the pool behind a nonce gap
    run(d, d.send_raw_transaction, gap.raw)
    head = d.chain.head.hash
    d.shutdown()
    d = make_devnet(tmp_path / "db")
    assert d.chain.head.hash == head
    assert [t.hash for t in d.pool.all()] == [gap.hash]
    d.shutdown()


def _to_schema_1(store) -> int:
    """Rewrite a schema-2 store as schema 1 wrote it: nodes under their bare hash, no version
    or genesis-spec record."""
    nodes = list(store.iterate(NODE_PREFIX))
    store.write_batch({k[1:]: v for k, v in nodes},
                      [k for k, _ in nodes] + [K_SCHEMA, K_GENESIS_SPEC])
    return len(nodes)


def test_schema_1_data_dir_is_migrated(tmp_path) -> None:
    d = make_devnet(tmp_path / "db")
    _send_transfers(d, 50)
    head, balance = d.chain.head.hash, run(d, d.balance, (50).to_bytes(20, "big"), "latest")
    d.shutdown()
    with LevelDBStore(str(tmp_path / "db")) as store:
        count = _to_schema_1(store)
        assert store.get(K_SCHEMA) is None
    d = make_devnet(tmp_path / "db")
    assert d.chain.head.hash == head
    assert run(d, d.balance, (50).to_bytes(20, "big"), "latest") == balance
    assert sum(1 for _ in d.store.iterate(NODE_PREFIX)) == count
    assert not [k for k, _ in d.store.iterate() if len(k) == 32]
    assert d.store.get(K_SCHEMA) == b"3"  # through schema 2 to 3 (the log index)
    _send_transfers_from(d, 1, 3)  # and the chain goes on
    d.shutdown()


def _send_transfers_from(d, account: int, count: int) -> None:
    key = accounts(d)[account].private_key
    for nonce in range(count):
        run(d, d.send_raw_transaction, transfer(key, nonce, bytes(20)).raw)


def test_newer_schema_is_refused(tmp_path) -> None:
    make_devnet(tmp_path / "db").shutdown()
    with LevelDBStore(str(tmp_path / "db")) as store:
        store.put(K_SCHEMA, b"4")
    with pytest.raises(LayoutError, match="newer than this pydevnet"):
        make_devnet(tmp_path / "db")


def test_locked_data_dir_says_so(tmp_path) -> None:
    d = make_devnet(tmp_path / "db")
    with pytest.raises(StoreOpenError, match="in use by another process"):
        LevelDBStore(str(tmp_path / "db"))
    d.shutdown()


def test_other_genesis_is_refused_without_rebuilding(tmp_path) -> None:
    make_devnet(tmp_path / "db", genesis=_big_genesis(50)).shutdown()
    with pytest.raises(GenesisMismatch, match="genesis"):
        make_devnet(tmp_path / "db", genesis=_big_genesis(51))
    d = make_devnet(tmp_path / "db", genesis=_big_genesis(50), mining=MiningMode.MANUAL)
    assert d.chain.head.number == 0
    d.shutdown()
