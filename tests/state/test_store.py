"""The key-value stores: MemoryStore and LevelDBStore (a real LevelDB in a tmp dir) share one suite."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pydevnet.state.store import KVStore, LevelDBStore, MemoryStore, StoreOpenError


@pytest.fixture(params=["memory", "leveldb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KVStore]:
    s: KVStore = MemoryStore() if request.param == "memory" else LevelDBStore(str(tmp_path / "db"))
    yield s
    s.close()


def test_put_get_delete(store: KVStore) -> None:
    assert store.get(b"k") is None
    store.put(b"k", b"v")
    assert store.get(b"k") == b"v"
    store.put(b"k", b"w")
    assert store.get(b"k") == b"w"
    store.delete(b"k")
    assert store.get(b"k") is None
    store.delete(b"never there")  # deleting an absent key is fine


def test_empty_value_is_stored(store: KVStore) -> None:
    store.put(b"k", b"")
    assert store.get(b"k") == b""


def test_write_batch_puts_then_deletes(store: KVStore) -> None:
    store.put(b"old", b"1")
    store.put(b"both", b"1")
    store.write_batch({b"a": b"1", b"b": b"2", b"both": b"2"}, deletes=[b"old", b"both"])
    assert store.get(b"a") == b"1" and store.get(b"b") == b"2"
    assert store.get(b"old") is None
    assert store.get(b"both") is None  # deletes are applied after puts


def test_write_batch_accepts_pairs_and_unsynced(store: KVStore) -> None:
    store.write_batch(iter([(b"x", b"1"), (b"y", b"2")]), sync=False)
    assert [k for k, _ in store.iterate()] == [b"x", b"y"]


def test_write_batch_is_all_or_nothing(store: KVStore) -> None:
    store.put(b"keep", b"1")
    with pytest.raises(TypeError):
        store.write_batch([(b"a", b"1"), (b"b", "not bytes")], deletes=[b"keep"])  # type: ignore[list-item]
    assert store.get(b"a") is None
    assert store.get(b"keep") == b"1"
    with pytest.raises(TypeError):
        store.write_batch({b"c": b"1"}, deletes=["not bytes"])  # type: ignore[list-item]
    assert store.get(b"c") is None
    for bad in ({b"d": b"1", b"e": bytearray(b"2")}, {b"d": b"1", "e": b"2"}):  # a dict batch
        with pytest.raises(TypeError):
            store.write_batch(bad)  # type: ignore[arg-type]
        assert store.get(b"d") is None


def test_iterate_in_key_order_with_prefix(store: KVStore) -> None:
    data = {b"b\x01": b"3", b"a": b"1", b"b": b"2", b"b\xff": b"4", b"c": b"5", b"ba": b"6"}
    store.write_batch(data)
    assert list(store.iterate()) == sorted(data.items())
    assert [k for k, _ in store.iterate(b"b")] == [b"b", b"b\x01", b"ba", b"b\xff"]
    assert list(store.iterate(b"z")) == []


def test_iterate_is_a_snapshot(store: KVStore) -> None:
    store.write_batch({b"a": b"1", b"b": b"2"})
    it = store.iterate()
    first = next(it)
    store.put(b"c", b"3")
    assert [first, *it] == [(b"a", b"1"), (b"b", b"2")]


def test_closed_store_refuses_work(store: KVStore) -> None:
    store.close()
    store.close()  # idempotent
    with pytest.raises(RuntimeError):
        store.get(b"k")


def test_concurrent_batches(store: KVStore) -> None:
    """Threads writing disjoint batches all land; readers never see a batch half-applied."""
    def writer(t: int) -> None:
        for i in range(50):
            store.write_batch({b"%d-%d-a" % (t, i): b"x", b"%d-%d-b" % (t, i): b"x"}, sync=False)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for _ in range(20):
        keys = [k for k, _ in store.iterate()]
        assert all(k[:-1] + b"b" in keys for k in keys if k.endswith(b"a"))
    for th in threads:
        th.join()
    assert len(list(store.iterate())) == 4 * 50 * 2


def test_leveldb_persists_across_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    with LevelDBStore(path) as s:
        s.write_batch({b"k": b"v"})
        s.put(b"single", b"put")
    with LevelDBStore(path, create_if_missing=False) as s:
        assert s.get(b"k") == b"v"
        assert s.get(b"single") == b"put"


def test_leveldb_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreOpenError, match="does not exist"):
        LevelDBStore(str(tmp_path / "nope"), create_if_missing=False)


def test_leveldb_locked_by_another_opener(tmp_path: Path) -> None:
    first = LevelDBStore(str(tmp_path / "db"))
    try:
        with pytest.raises(StoreOpenError, match="lock"):
            LevelDBStore(str(tmp_path / "db"))
    finally:
        first.close()


def test_memory_store_length() -> None:
    s = MemoryStore()
    s.write_batch({b"a": b"1", b"b": b"2"})
    assert len(s) == 2
