"""The one-pass trie builder (`Trie.build`, state/trie_build.py's `build_nodes`): the same root
and the same stored nodes as inserting the keys one by one and committing (Yellow Paper
appendix D), on random key sets, and the chunked sink a large build writes through."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.store import MemoryStore
from pydevnet.state.trie import NODE_PREFIX, SecureTrie, Trie, trie_root
from pydevnet.state.trie_build import Sink, build_nodes


def _by_insertion(cls: type[Trie], pairs: list[tuple[bytes, bytes]]) -> tuple[bytes, dict]:
    trie = cls(MemoryStore())
    for k, v in pairs:
        trie.put(k, v)
    batch: dict[bytes, bytes] = {}
    return trie.commit(batch), batch


def _built(cls: type[Trie], pairs: list[tuple[bytes, bytes]]) -> tuple[bytes, dict]:
    batch: dict[bytes, bytes] = {}
    return cls.build(MemoryStore(), pairs, batch).root_hash(), batch


# short keys, so that keys are prefixes of one another and share long runs
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=5), st.binary(max_size=40)), max_size=60))
def test_build_equals_insertion(pairs: list[tuple[bytes, bytes]]) -> None:
    root, nodes = _built(Trie, pairs)
    assert (root, nodes) == _by_insertion(Trie, pairs)
    assert root == trie_root(pairs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.binary(min_size=1, max_size=32), st.binary(max_size=80)),
                max_size=80))
def test_secure_build_equals_insertion(pairs: list[tuple[bytes, bytes]]) -> None:
    assert _built(SecureTrie, pairs) == _by_insertion(SecureTrie, pairs)


def test_build_random_sets_of_hashed_keys() -> None:
    """Account-trie shapes: 32-byte keys, values of a few sizes (embedded short nodes too)."""
    rng = random.Random(13)
    for n in (1, 2, 17, 300, 5000):
        pairs = [(rng.randbytes(20), rng.randbytes(rng.choice((1, 3, 30, 70)))) for _ in range(n)]
        root, nodes = _built(SecureTrie, pairs)
        assert (root, nodes) == _by_insertion(SecureTrie, pairs)
        trie = SecureTrie(_store_with(nodes), root)
        for k, v in pairs[:50]:
            assert trie.get(k) == v


def _store_with(nodes: dict[bytes, bytes]) -> MemoryStore:
    store = MemoryStore()
    store.write_batch(nodes)
    return store


def test_build_empty_and_deleted() -> None:
    assert _built(Trie, [])[0] == EMPTY_TRIE_ROOT
    assert _built(Trie, [(b"a", b"1"), (b"a", b"")]) == (EMPTY_TRIE_ROOT, {})


def test_short_root_is_stored() -> None:
    """A root whose RLP is under 32 bytes is still stored under its hash, as commit() does."""
    root, nodes = _built(Trie, [(b"\x01", b"x")])
    assert nodes[NODE_PREFIX + root] and len(nodes[NODE_PREFIX + root]) < 32
    assert (root, nodes) == _by_insertion(Trie, [(b"\x01", b"x")])


def test_sink_hands_over_full_chunks() -> None:
    """A sink with a limit hands each full dict to `full` and goes on with the one it returns;
    the chunks together are exactly the nodes of an unlimited build."""
    rng = random.Random(7)
    keys = sorted(keccak256(rng.randbytes(8)) for _ in range(3000))
    values = [rng.randbytes(40) for _ in keys]
    whole: dict[bytes, bytes] = {}
    root = build_nodes(keys, values, Sink(whole, NODE_PREFIX))
    chunks: list[dict] = []

    def full(out: dict) -> dict:
        chunks.append(out)
        return {}

    sink = Sink({}, NODE_PREFIX, 500, full)
    assert build_nodes(keys, values, sink) == root
    assert all(len(c) == 500 for c in chunks) and len(chunks) == len(whole) // 500
    merged = dict(sink.out)
    for c in chunks:
        merged.update(c)
    assert merged == whole
