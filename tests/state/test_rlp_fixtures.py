"""ethereum/tests RLPTests against state.rlp (valid, invalid and random cases), and a property
test against pyrlp's encoder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import rlp as pyrlp
from hypothesis import given, settings
from hypothesis import strategies as st

from pydevnet.state.rlp import RLPError, decode, decode_int, encode, int_to_be
from tests.fixtures import ETHEREUM_TESTS

FIXTURES = ETHEREUM_TESTS
RLP_TESTS = FIXTURES / "RLPTests"


def _hex(s: str) -> bytes:
    """Fixture outputs are hex, mostly (not always) with a 0x prefix."""
    return bytes.fromhex(s[2:] if s.startswith("0x") else s)


def _load(path: Path) -> list:
    return [pytest.param(case, id=f"{path.stem}-{name}")
            for name, case in json.loads(path.read_text()).items()]


def _to_item(x: object) -> object:
    """The fixture's "in" as an encodable item: "#digits" is a big integer, text is UTF-8."""
    if isinstance(x, str):
        return int(x[1:]) if x.startswith("#") else x.encode()
    if isinstance(x, list):
        return [_to_item(i) for i in x]
    return x


def _as_decoded(x: object) -> object:
    """What decoding gives back for an "in" value: integers come back as big-endian strings."""
    if isinstance(x, int):
        return int_to_be(x)
    if isinstance(x, list):
        return [_as_decoded(i) for i in x]
    return x


VALID = _load(RLP_TESTS / "rlptest.json")
INVALID = _load(RLP_TESTS / "invalidRLPTest.json")
RANDOM = [p for f in sorted((RLP_TESTS / "RandomRLPTests").glob("*.json")) for p in _load(f)]


def test_fixture_sets_are_not_empty() -> None:
    assert len(VALID) >= 20 and len(INVALID) >= 20 and RANDOM


@pytest.mark.parametrize("case", VALID)
def test_valid_encode_and_round_trip(case: dict) -> None:
    item = _to_item(case["in"])
    out = _hex(case["out"])
    assert encode(item) == out
    assert decode(out) == _as_decoded(item)
    if isinstance(item, int):
        assert decode_int(decode(out)) == item


@pytest.mark.parametrize("case", INVALID)
def test_invalid_is_rejected(case: dict) -> None:
    assert case["in"] == "INVALID"
    with pytest.raises(RLPError):
        decode(_hex(case["out"]))


@pytest.mark.parametrize("case", RANDOM)
def test_random(case: dict) -> None:
    data = _hex(case["out"])
    if case["in"] == "INVALID":
        with pytest.raises(RLPError):
            decode(data)
    else:
        assert case["in"] == "VALID"
        assert encode(decode(data)) == data  # canonical, so it re-encodes to the same bytes


items = st.recursive(st.binary(max_size=80),
                     lambda children: st.lists(children, max_size=6), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(items)
def test_encode_matches_pyrlp_and_round_trips(item: object) -> None:
    assert encode(item) == pyrlp.encode(item)
    assert decode(encode(item)) == item


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**300))
def test_integers_match_pyrlp(n: int) -> None:
    assert encode(n) == pyrlp.encode(n)
    assert decode_int(decode(encode(n))) == n


@pytest.mark.parametrize("bad", [
    b"\x81\x00",  # a byte below 0x80 must be its own encoding
    b"\x00\x00",  # trailing bytes
    b"\xc1",  # truncated list
    b"\x82\x01",  # truncated string
    b"",  # nothing at all
])
def test_non_canonical_or_truncated(bad: bytes) -> None:
    with pytest.raises(RLPError):
        decode(bad)


def test_decode_int_rejects_leading_zeros_and_lists() -> None:
    with pytest.raises(RLPError):
        decode_int(b"\x00\x01")
    with pytest.raises(RLPError):
        decode_int([])  # type: ignore[arg-type]


def _nested(depth: int) -> bytes:
    enc = b"\x80"
    for _ in range(depth):
        n = len(enc)
        if n < 56:
            enc = bytes([0xC0 + n]) + enc
        else:
            lb = n.to_bytes((n.bit_length() + 7) // 8, "big")
            enc = bytes([0xF7 + len(lb)]) + lb + enc
    return enc


def test_hostile_nesting_is_an_rlp_error_not_a_crash() -> None:
    assert decode(_nested(200)) is not None
    with pytest.raises(RLPError, match="nested"):
        decode(_nested(3000))
