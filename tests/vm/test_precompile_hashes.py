"""0x02 sha256, 0x03 ripemd160, 0x04 identity (Frontier): known digests and per-word pricing."""
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pydevnet.vm.errors import OutOfGas
from pydevnet.vm.precompiles.hashes import identity, ripemd160, sha256

# Well-known digests of the empty string and of "abc" (FIPS 180-2, RIPEMD-160 reference page)
SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
RIPEMD160_EMPTY = "9c1185a5c5e9fc54612808977ee8f548b2258d31"
RIPEMD160_ABC = "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"


def test_sha256_known_digest() -> None:
    assert sha256(b"", 60) == (60, bytes.fromhex(SHA256_EMPTY))


def test_ripemd160_known_digests_left_padded() -> None:
    assert ripemd160(b"", 600) == (600, bytes(12) + bytes.fromhex(RIPEMD160_EMPTY))
    assert ripemd160(b"abc", 720)[1] == bytes(12) + bytes.fromhex(RIPEMD160_ABC)


def test_identity_returns_its_input() -> None:
    assert identity(b"", 15) == (15, b"")
    assert identity(bytearray(b"\x01\x02"), 18) == (18, b"\x01\x02")


# (length, sha256 price, ripemd160 price, identity price): base + per_word * ceil(len / 32)
PRICES = [
    (0, 60, 600, 15),
    (1, 72, 720, 18),
    (32, 72, 720, 18),
    (33, 84, 840, 21),
    (1024, 444, 4440, 111),
]


@pytest.mark.parametrize(("length", "sha_gas", "ripemd_gas", "identity_gas"), PRICES)
def test_word_pricing_and_out_of_gas_boundary(
    length: int, sha_gas: int, ripemd_gas: int, identity_gas: int
) -> None:
    data = bytes(range(256)) * (length // 256) + bytes(range(length % 256))
    for precompile, price in ((sha256, sha_gas), (ripemd160, ripemd_gas), (identity, identity_gas)):
        assert precompile(data, price)[0] == price
        with pytest.raises(OutOfGas):
            precompile(data, price - 1)


@given(st.binary(max_size=300))
def test_sha256_matches_hashlib(data: bytes) -> None:
    assert sha256(data, 10**6)[1] == hashlib.sha256(data).digest()
