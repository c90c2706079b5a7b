"""0x09 blake2f (EIP-152): BLAKE2b compression F against RFC 7693 and hashlib, input rules, gas."""
import hashlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pydevnet.vm.errors import OutOfGas, PrecompileError
from pydevnet.vm.precompiles.blake2f import IV, blake2f

BLOCK_SIZE = 128
DIGEST_SIZE = 64
# RFC 7693 appendix A: BLAKE2b-512("abc")
RFC_ABC_DIGEST = (
    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
)
# EIP-152 test vector 4: "abc" with 0 rounds
EIP152_ZERO_ROUNDS = (
    "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5"
    "d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b"
)


def _encode(rounds: int, h: tuple[int, ...], block: bytes, t: int, final: bool) -> bytes:
    return (
        rounds.to_bytes(4, "big")
        + struct.pack("<8Q", *h)
        + block.ljust(BLOCK_SIZE, b"\x00")
        + struct.pack("<2Q", t & (2**64 - 1), t >> 64)
        + bytes((final,))
    )


def _initial_state(digest_size: int = DIGEST_SIZE) -> tuple[int, ...]:
    """RFC 7693 2.5: h = IV xor the parameter block (no key, fanout 1, depth 1)."""
    return (IV[0] ^ 0x01010000 ^ digest_size,) + IV[1:]


def _blake2b(message: bytes, rounds: int = 12) -> bytes:
    """BLAKE2b-512 built on the precompile alone (RFC 7693 3.3)."""
    h = _initial_state()
    blocks = [message[i : i + BLOCK_SIZE] for i in range(0, len(message), BLOCK_SIZE)] or [b""]
    for index, block in enumerate(blocks):
        final = index == len(blocks) - 1
        counter = min(len(message), (index + 1) * BLOCK_SIZE)
        _, out = blake2f(_encode(rounds, h, block, counter, final), rounds)
        h = struct.unpack("<8Q", out)
    return struct.pack("<8Q", *h)


def test_rfc7693_abc_with_12_rounds() -> None:
    data = _encode(12, _initial_state(), b"abc", 3, True)
    assert blake2f(data, 12) == (12, bytes.fromhex(RFC_ABC_DIGEST))


def test_zero_rounds_costs_nothing() -> None:
    data = _encode(0, _initial_state(), b"abc", 3, True)
    assert blake2f(data, 0) == (0, bytes.fromhex(EIP152_ZERO_ROUNDS))


@pytest.mark.parametrize("length", [0, 1, 16, 17, 127, 128, 129, 300])
def test_full_hash_of_distinct_words_matches_hashlib(length: int) -> None:
    # every message word distinct, so a wrong sigma entry in any round shows up
    message = bytes((i * 37 + 11) % 256 for i in range(length))
    assert _blake2b(message) == hashlib.blake2b(message).digest()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3 * BLOCK_SIZE + 5))
def test_matches_hashlib_blake2b(message: bytes) -> None:
    assert _blake2b(message) == hashlib.blake2b(message).digest()


def test_rounds_beyond_ten_reuse_the_schedule() -> None:
    # 20 rounds apply sigma 0-9 twice; the result must differ from 10 and be deterministic
    data20 = _encode(20, _initial_state(), b"abc", 3, True)
    data10 = _encode(10, _initial_state(), b"abc", 3, True)
    assert blake2f(data20, 20)[1] == blake2f(data20, 20)[1] != blake2f(data10, 10)[1]


def test_counter_high_word_is_used() -> None:
    low = _encode(12, _initial_state(), b"abc", 3, True)
    high = _encode(12, _initial_state(), b"abc", 3 + (1 << 64), True)
    assert blake2f(low, 12)[1] != blake2f(high, 12)[1]


@pytest.mark.parametrize("length", [0, 212, 214])
def test_rejects_wrong_length(length: int) -> None:
    data = _encode(12, _initial_state(), b"abc", 3, True)
    with pytest.raises(PrecompileError):
        blake2f((data + b"\x00")[:length], 100)


@pytest.mark.parametrize("flag", [2, 0xFF])
def test_rejects_final_flag_other_than_0_or_1(flag: int) -> None:
    data = _encode(12, _initial_state(), b"abc", 3, True)[:-1] + bytes((flag,))
    with pytest.raises(PrecompileError):
        blake2f(data, 12)


def test_gas_is_one_per_round_and_checked_before_running() -> None:
    data = _encode(12, _initial_state(), b"abc", 3, True)
    with pytest.raises(OutOfGas):
        blake2f(data, 11)
    huge = _encode(2**32 - 1, _initial_state(), b"abc", 3, True)
    with pytest.raises(OutOfGas):
        blake2f(huge, 30_000_000)
