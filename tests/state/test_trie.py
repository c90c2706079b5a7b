"""Unit and property tests of the Merkle Patricia trie (Yellow Paper appendix D) and EIP-1186 proofs."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.store import LevelDBStore, MemoryStore
from pydevnet.state.trie import (NODE_PREFIX, BadNode, MissingNode, ProofError, SecureTrie, Trie,
                                 trie_root, verify_proof)

keys = st.binary(min_size=0, max_size=6)
values = st.binary(min_size=1, max_size=40)
mappings = st.dictionaries(keys, values, max_size=40)


def _filled(data: dict[bytes, bytes], store: MemoryStore | None = None) -> Trie:
    trie = Trie(store if store is not None else MemoryStore())
    for k, v in data.items():
        trie.put(k, v)
    return trie


def test_empty_trie() -> None:
    trie = Trie(MemoryStore())
    assert trie.root_hash() == EMPTY_TRIE_ROOT == keccak256(b"\x80")
    assert trie.get(b"x") is None
    assert trie.commit() == EMPTY_TRIE_ROOT
    assert list(trie.items()) == []
    assert trie.prove(b"x") == []
    assert verify_proof(EMPTY_TRIE_ROOT, b"x", []) is None


def test_put_get_overwrite_delete() -> None:
    trie = Trie(MemoryStore())
    trie.put(b"dog", b"puppy")
    trie.put(b"doge", b"coin")
    trie.put(b"do", b"verb")
    assert trie.get(b"dog") == b"puppy" and trie.get(b"doge") == b"coin" and trie.get(b"do") == b"verb"
    assert trie.get(b"d") is None and trie.get(b"dogs") is None
    trie.put(b"dog", b"hound")
    assert trie.get(b"dog") == b"hound"
    trie.delete(b"dog")
    assert trie.get(b"dog") is None and trie.get(b"doge") == b"coin"
    trie.put(b"doge", b"")  # an empty value deletes
    assert trie.get(b"doge") is None
    trie.delete(b"absent")
    assert list(trie.items()) == [(b"do", b"verb")]


def test_empty_key_and_prefix_keys() -> None:
    trie = _filled({b"": b"root value", b"\x00": b"zero", b"\x00\x00": b"zero zero"})
    assert trie.get(b"") == b"root value"
    assert trie.root_hash() == trie_root(trie.items())
    trie.delete(b"\x00")
    assert trie.get(b"\x00\x00") == b"zero zero"
    assert trie.root_hash() == trie_root([(b"", b"root value"), (b"\x00\x00", b"zero zero")])


def test_same_value_put_keeps_the_node() -> None:
    trie = _filled({b"a": b"1", b"b": b"2"})
    root = trie._root
    trie.put(b"a", b"1")
    assert trie._root is root  # nothing changed, nothing copied


@settings(max_examples=100, deadline=None)
@given(mappings, st.randoms(use_true_random=False))
def test_order_independent_and_matches_trie_root(data: dict[bytes, bytes], rnd: random.Random) -> None:
    items = list(data.items())
    forward = _filled(dict(items)).root_hash()
    rnd.shuffle(items)
    assert _filled(dict(items)).root_hash() == forward == trie_root(items)


@settings(max_examples=100, deadline=None)
@given(mappings, st.randoms(use_true_random=False))
def test_deleting_everything_returns_to_empty(data: dict[bytes, bytes], rnd: random.Random) -> None:
    trie = _filled(data)
    trie.commit()
    order = list(data)
    rnd.shuffle(order)
    for key in order:
        trie.delete(key)
    assert trie.root_hash() == EMPTY_TRIE_ROOT


ops = st.lists(st.tuples(keys, st.binary(max_size=40)), max_size=80)


@settings(max_examples=150, deadline=None)
@given(ops, st.integers(min_value=1, max_value=10))
def test_random_operations_against_a_dict(operations: list[tuple[bytes, bytes]], every: int) -> None:
    """Puts and deletes (empty values), with commits and reloads in between, match a dict model."""
    store = MemoryStore()
    trie = Trie(store)
    model: dict[bytes, bytes] = {}
    for i, (key, value) in enumerate(operations):
        trie.put(key, value)
        if value:
            model[key] = value
        else:
            model.pop(key, None)
        if i % every == 0:
            trie = Trie(store, trie.commit())  # continue from the store: exercises lazy loading
    assert trie.root_hash() == trie_root(model.items())
    assert list(trie.items()) == sorted(model.items())
    for key, value in model.items():
        assert trie.get(key) == value


def test_old_roots_stay_readable() -> None:
    store = MemoryStore()
    trie = Trie(store)
    roots = []
    for i in range(20):
        trie.put(b"key%d" % i, b"value%d" % i)
        trie.put(b"key0", b"version%d" % i)
        if i % 3 == 0:
            trie.delete(b"key%d" % (i - 1))
        roots.append((trie.commit(), dict(trie.items())))
    for root, content in roots:
        old = Trie(store, root)
        assert dict(old.items()) == content
        assert old.get(b"key0") == content[b"key0"]


def test_commit_writes_only_new_nodes_and_is_idempotent() -> None:
    store = MemoryStore()
    trie = _filled({os.urandom(32): os.urandom(40) for _ in range(1000)}, store)
    root = trie.commit()
    size = len(store)
    assert trie.commit() == root and len(store) == size
    key, _ = next(trie.items())
    batch: dict[bytes, bytes] = {}
    trie.put(key, b"changed")
    new_root = trie.commit(batch)
    assert 0 < len(batch) <= 6  # the changed path only
    assert all(k == NODE_PREFIX + keccak256(v) for k, v in batch.items())
    assert len(store) == size  # with a batch, the store is not touched
    store.write_batch(batch)
    assert Trie(store, new_root).get(key) == b"changed"
    assert Trie(store, root).get(key) != b"changed"


def test_root_hash_writes_nothing() -> None:
    store = MemoryStore()
    trie = _filled({b"a" * 40: b"b" * 40, b"c" * 40: b"d" * 40}, store)
    trie.root_hash()
    assert len(store) == 0


def test_short_root_is_hashed_and_stored() -> None:
    """A root node under 32 bytes is still referenced by its hash, and can be reopened."""
    store = MemoryStore()
    trie = _filled({b"a": b"b"}, store)
    root = trie.commit()
    assert root == keccak256(store.get(NODE_PREFIX + root))
    assert len(store.get(NODE_PREFIX + root)) < 32
    reopened = Trie(store, root)
    assert reopened.get(b"a") == b"b"
    reopened.put(b"c", b"d")
    assert reopened.root_hash() == trie_root([(b"a", b"b"), (b"c", b"d")])


def test_embedded_nodes_reload() -> None:
    """Short children are embedded in their parent, not stored on their own."""
    store = MemoryStore()
    data = {bytes([i]): bytes([i + 1]) for i in range(0, 250, 10)}
    root = _filled(data, store).commit()
    assert len(store) == 1  # one branch, every leaf embedded in it
    reopened = Trie(store, root)
    assert dict(reopened.items()) == data
    reopened.delete(b"\x00")
    assert reopened.root_hash() == trie_root((k, v) for k, v in data.items() if k != b"\x00")


def test_copy_is_independent() -> None:
    trie = _filled({b"a": b"1", b"b": b"2"})
    root = trie.root_hash()
    clone = trie.copy()
    clone.put(b"c", b"3")
    clone.delete(b"a")
    assert trie.root_hash() == root and trie.get(b"a") == b"1" and trie.get(b"c") is None
    assert clone.get(b"c") == b"3"


def test_missing_node_on_unknown_root() -> None:
    unknown = keccak256(b"no such root")
    trie = Trie(MemoryStore(), unknown)
    assert trie.root_hash() == unknown  # nothing is loaded until needed
    with pytest.raises(MissingNode) as info:
        trie.get(b"x")
    assert info.value.node_hash == unknown
    assert unknown.hex() in str(info.value)
    with pytest.raises(MissingNode):
        trie.put(b"x", b"y")


def test_missing_inner_node() -> None:
    store = MemoryStore()
    root = _filled({os.urandom(32): os.urandom(40) for _ in range(100)}, store).commit()
    inner = next(k for k, _ in store.iterate(NODE_PREFIX) if k != NODE_PREFIX + root)
    store.delete(inner)
    with pytest.raises(MissingNode):
        list(Trie(store, root).items())


def test_corrupt_node_and_bad_root() -> None:
    store = MemoryStore()
    bogus = keccak256(b"x")
    store.put(NODE_PREFIX + bogus, b"\xc1")
    with pytest.raises(BadNode):
        Trie(store, bogus).get(b"k")
    store.put(NODE_PREFIX + bogus, b"\xc3\x01\x02\x03")  # valid RLP, but a 3-item list is no node
    with pytest.raises(BadNode):
        Trie(store, bogus).get(b"k")
    with pytest.raises(ValueError):
        Trie(store, b"\x00" * 31)


def test_leveldb_persistence(tmp_path: Path) -> None:
    path = str(tmp_path / "db")
    data = {os.urandom(20): os.urandom(70) for _ in range(300)}
    with LevelDBStore(path) as store:
        trie = SecureTrie(store)
        for k, v in data.items():
            trie.put(k, v)
        root = trie.commit()
        trie.put(next(iter(data)), b"uncommitted")
    with LevelDBStore(path) as store:
        trie = SecureTrie(store, root)
        for k, v in data.items():
            assert trie.get(k) == v
        assert len(list(trie.items())) == len(data)


def test_secure_trie_hashes_keys() -> None:
    secure = SecureTrie(MemoryStore())
    plain = Trie(MemoryStore())
    for k, v in [(b"\x01" * 20, b"account"), (b"\x02" * 20, b"other")]:
        secure.put(k, v)
        plain.put(keccak256(k), v)
    assert secure.root_hash() == plain.root_hash()
    assert secure.get(b"\x01" * 20) == b"account"
    secure.put(b"\x01" * 20, b"")
    assert secure.get(b"\x01" * 20) is None
    secure.delete(b"\x02" * 20)
    assert secure.root_hash() == EMPTY_TRIE_ROOT


# --- proofs (EIP-1186) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def proved() -> tuple[Trie, bytes, dict[bytes, bytes]]:
    data = {os.urandom(32): os.urandom(50) for _ in range(500)}
    data[b"\x00" * 32] = b"\x01"  # a short leaf
    trie = _filled(data)
    return trie, trie.commit(), data


def test_inclusion_proofs(proved: tuple[Trie, bytes, dict[bytes, bytes]]) -> None:
    trie, root, data = proved
    for key, value in list(data.items())[:100]:
        proof = trie.prove(key)
        assert keccak256(proof[0]) == root
        assert all(len(node) >= 32 for node in proof[1:])  # short nodes are embedded, not listed
        assert verify_proof(root, key, proof) == value


def test_exclusion_proofs(proved: tuple[Trie, bytes, dict[bytes, bytes]]) -> None:
    trie, root, data = proved
    existing = next(iter(data))
    for absent in [os.urandom(32), existing[:31] + bytes([existing[31] ^ 1]), existing[:5], b""]:
        assert absent not in data
        assert verify_proof(root, absent, trie.prove(absent)) is None


def test_tampered_proofs_fail(proved: tuple[Trie, bytes, dict[bytes, bytes]]) -> None:
    trie, root, data = proved
    key = next(iter(data))
    proof = trie.prove(key)
    for i, node in enumerate(proof):
        bad = bytearray(node)
        bad[-1] ^= 1
        with pytest.raises(ProofError):
            verify_proof(root, key, proof[:i] + [bytes(bad)] + proof[i + 1:])
    with pytest.raises(ProofError):
        verify_proof(root, key, proof[:-1])  # a node missing
    with pytest.raises(ProofError):
        verify_proof(keccak256(b"another root"), key, proof)
    with pytest.raises(ProofError):
        verify_proof(root, key, [])


def test_malformed_proof_node() -> None:
    junk = b"\xc5\x01\x02\x03\x04\x05"  # a 5-item list
    with pytest.raises(ProofError):
        verify_proof(keccak256(junk), b"k", [junk])
    with pytest.raises(ProofError):
        verify_proof(keccak256(b"\xc1"), b"k", [b"\xc1"])  # not RLP


def test_proof_of_uncommitted_changes_and_secure_trie() -> None:
    trie = SecureTrie(MemoryStore())
    for i in range(50):
        trie.put(b"addr%d" % i, b"account %d" % i)
    root = trie.root_hash()  # nothing committed: proofs come from memory
    assert SecureTrie.verify_proof(root, b"addr7", trie.prove(b"addr7")) == b"account 7"
    assert SecureTrie.verify_proof(root, b"nobody", trie.prove(b"nobody")) is None
    assert verify_proof(root, keccak256(b"addr7"), trie.prove(b"addr7")) == b"account 7"


@settings(max_examples=50, deadline=None)
@given(mappings, keys)
def test_proofs_property(data: dict[bytes, bytes], probe: bytes) -> None:
    trie = _filled(data)
    root = trie.root_hash()
    assert verify_proof(root, probe, trie.prove(probe)) == data.get(probe)


def test_shared_node_cache_keeps_old_and_new_roots_apart(tmp_path: Path) -> None:
    from pydevnet.state.store import LevelDBStore
    from pydevnet.state.trie import NodeCache
    store = LevelDBStore(str(tmp_path / "db"))
    cache = NodeCache(size=8)  # small: eviction happens
    try:
        t = Trie(store, cache=cache)
        for i in range(200):
            t.put(i.to_bytes(4, "big"), b"v%d" % i)
        old_root = t.commit()
        a = Trie(store, old_root, cache)
        b = Trie(store, old_root, cache)
        assert a.get((5).to_bytes(4, "big")) == b"v5"
        for i in range(0, 200, 3):
            b.put(i.to_bytes(4, "big"), b"new%d" % i)
        new_root = b.commit()
        # a and fresh readers of the old root still see the old values through the shared cache
        assert a.get((6).to_bytes(4, "big")) == b"v6"
        assert Trie(store, old_root, cache).get((9).to_bytes(4, "big")) == b"v9"
        fresh = Trie(store, new_root, cache)
        assert [fresh.get(i.to_bytes(4, "big")) for i in (6, 7)] == [b"new6", b"v7"]
        assert dict(Trie(store, new_root).items()) == dict(fresh.items())
    finally:
        store.close()
