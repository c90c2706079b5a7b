"""ethereum/tests TrieTests: every case of every file, on a MemoryStore- and a LevelDB-backed trie,
plus the one-shot `trie_root`, proofs of every final key and `items()` ordering (trietestnextprev)."""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from pathlib import Path

import pytest

from pydevnet.state.hashing import keccak256
from pydevnet.state.store import LevelDBStore, MemoryStore
from pydevnet.state.trie import SecureTrie, Trie, trie_root, verify_proof
from tests.fixtures import ETHEREUM_TESTS

FIXTURES = ETHEREUM_TESTS
TRIE_TESTS = FIXTURES / "TrieTests"
NEXT_PREV = "trietestnextprev.json"


def _bytes(s: str | None) -> bytes:
    """Fixture strings: "0x..." is hex, null is the empty value (a deletion), else UTF-8 text."""
    if s is None:
        return b""
    return bytes.fromhex(s[2:]) if s.startswith("0x") else s.encode()


def _cases() -> list:
    params = []
    for path in sorted(TRIE_TESTS.glob("*.json")):
        if path.name == NEXT_PREV:
            continue
        for name, case in json.loads(path.read_text()).items():
            params.append(pytest.param(path.name, case, id=f"{path.stem}-{name}"))
    return params


def _pairs(case: dict) -> list[tuple[bytes, bytes]]:
    raw = case["in"].items() if isinstance(case["in"], dict) else case["in"]
    return [(_bytes(k), _bytes(v)) for k, v in raw]


def _final(pairs: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    model: dict[bytes, bytes] = {}
    for key, value in pairs:
        if value:
            model[key] = value
        else:
            model.pop(key, None)
    return model


def _trie_class(filename: str) -> type[Trie]:
    return SecureTrie if "securetrie" in filename.lower() else Trie


def test_every_fixture_file_is_covered() -> None:
    names = {p.name for p in TRIE_TESTS.glob("*.json")}
    assert {"trietest.json", "trieanyorder.json", "trietest_secureTrie.json",
            "trieanyorder_secureTrie.json", "hex_encoded_securetrie_test.json", NEXT_PREV} <= names
    assert len(_cases()) >= 25


@pytest.mark.parametrize(("filename", "case"), _cases())
def test_root_in_memory(filename: str, case: dict) -> None:
    expected = bytes.fromhex(case["root"][2:])
    trie = _trie_class(filename)(MemoryStore())
    for key, value in _pairs(case):
        trie.put(key, value)
    assert trie.root_hash() == expected
    assert trie.commit() == expected
    assert trie.root_hash() == expected


@pytest.mark.parametrize(("filename", "case"), _cases())
def test_root_in_leveldb_and_reopen(filename: str, case: dict, tmp_path: Path) -> None:
    expected = bytes.fromhex(case["root"][2:])
    cls = _trie_class(filename)
    pairs = _pairs(case)
    final = _final(pairs)
    with LevelDBStore(str(tmp_path / "db")) as store:
        trie = cls(store)
        for key, value in pairs:
            trie.put(key, value)
        assert trie.commit() == expected
    with LevelDBStore(str(tmp_path / "db"), create_if_missing=False) as store:
        reopened = cls(store, expected)
        assert reopened.root_hash() == expected
        for key, value in final.items():
            assert reopened.get(key) == value
        assert reopened.get(b"surely-not-a-fixture-key") is None


@pytest.mark.parametrize(("filename", "case"), _cases())
def test_trie_root_one_shot(filename: str, case: dict) -> None:
    pairs = _pairs(case)
    if _trie_class(filename) is SecureTrie:
        pairs = [(keccak256(k), v) for k, v in pairs]
    assert trie_root(pairs) == bytes.fromhex(case["root"][2:])


@pytest.mark.parametrize(("filename", "case"), _cases())
def test_proofs_and_items(filename: str, case: dict) -> None:
    cls = _trie_class(filename)
    final = _final(_pairs(case))
    trie = cls(MemoryStore())
    for key, value in final.items():
        trie.put(key, value)
    root = trie.commit()
    hashed = {keccak256(k) if cls is SecureTrie else k: v for k, v in final.items()}
    assert list(trie.items()) == sorted(hashed.items())
    for key, value in final.items():
        proof = trie.prove(key)
        assert keccak256(proof[0]) == root
        lookup_key = keccak256(key) if cls is SecureTrie else key
        assert verify_proof(root, lookup_key, proof) == value
    absent = b"\xffnot there"
    assert cls.verify_proof(root, absent, trie.prove(absent)) is None


def _next_prev_case() -> dict:
    return json.loads((TRIE_TESTS / NEXT_PREV).read_text())["basic"]


@pytest.mark.parametrize("row", _next_prev_case()["tests"], ids=lambda r: r[0] or "empty")
def test_next_prev_by_items_order(row: list[str]) -> None:
    """trietestnextprev: [key, previous key, next key] among the inserted keys ("" = none)."""
    trie = Trie(MemoryStore())
    for key in _next_prev_case()["in"]:
        trie.put(key.encode(), key.encode())
    keys = [k for k, _ in trie.items()]
    assert keys == sorted(keys)
    probe, prev, nxt = (s.encode() for s in row)
    before = bisect_left(keys, probe)
    after = bisect_right(keys, probe)
    assert (keys[before - 1] if before else b"") == prev
    assert (keys[after] if after < len(keys) else b"") == nxt
