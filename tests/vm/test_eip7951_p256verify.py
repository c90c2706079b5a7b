"""EIP-7951: P256VERIFY at 0x100 from Osaka, secp256r1 ECDSA verification.

The EIP's 781 vectors (data/eip7951_vectors.json, Wycheproof among them) must give the word 1 or the
empty output; then each input rule on signatures made here with `cryptography`: the price is 6900
whatever the outcome, nothing but a lack of gas halts the call, and the fork tables.
"""
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

from pydevnet.vm.errors import OutOfGas
from pydevnet.vm.forks import CANCUN, OSAKA, PRAGUE
from pydevnet.vm.precompiles import address, loaded
from pydevnet.vm.precompiles.p256verify import P256_N, P256_P, SUCCESS, p256verify
from pydevnet.vm.precompiles.pricing import P256VERIFY_GAS

VECTORS = json.loads((Path(__file__).parent / "data" / "eip7951_vectors.json").read_text())
GAS = 6900


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _sign(digest: bytes, secret: int = 0xC0FFEE) -> tuple[int, int, int, int]:
    """(r, s, x, y) of an ECDSA P-256 signature of a 32-byte digest, made by `cryptography`."""
    key = ec.derive_private_key(secret, ec.SECP256R1())
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(SHA256()))))
    numbers = key.public_key().public_numbers()
    return r, s, numbers.x, numbers.y


def _input(digest: bytes, r: int, s: int, x: int, y: int) -> bytes:
    return digest + _word(r) + _word(s) + _word(x) + _word(y)


DIGEST = bytes(range(32))
R, S, X, Y = _sign(DIGEST)
VALID = _input(DIGEST, R, S, X, Y)


def test_price_is_6900() -> None:
    assert P256VERIFY_GAS == GAS


@pytest.mark.parametrize("index", range(len(VECTORS["vectors"])))
def test_eip_vectors(index: int) -> None:
    data, valid = VECTORS["vectors"][index]
    assert p256verify(bytes.fromhex(data), GAS) == (GAS, SUCCESS if valid else b"")


def test_valid_signature_returns_the_word_one() -> None:
    assert p256verify(VALID, GAS) == (GAS, (1).to_bytes(32, "big"))
    assert p256verify(VALID, 10**6) == (GAS, SUCCESS)  # only the price is used


def test_high_s_is_accepted() -> None:
    """Unlike transaction signatures, no low-s rule: (r, n - s) verifies too."""
    assert p256verify(_input(DIGEST, R, P256_N - S, X, Y), GAS) == (GAS, SUCCESS)


@pytest.mark.parametrize("digest", [bytes(32), b"\xff" * 32, _word(P256_N), _word(P256_N + 1)])
def test_any_32_byte_hash_is_signed_as_is(digest: bytes) -> None:
    """h is not hashed again and may be >= n (reduced in the scalar arithmetic)."""
    assert p256verify(_input(digest, *_sign(digest)), GAS) == (GAS, SUCCESS)


def test_out_of_gas_is_the_only_halt() -> None:
    with pytest.raises(OutOfGas):
        p256verify(VALID, GAS - 1)
    with pytest.raises(OutOfGas):
        p256verify(b"", GAS - 1)


@pytest.mark.parametrize("length", [0, 1, 159, 161, 192])
def test_wrong_length_returns_empty_at_full_price(length: int) -> None:
    data = (VALID * 2)[:length]
    assert p256verify(data, GAS) == (GAS, b"")


@pytest.mark.parametrize(("r", "s"), [(0, S), (R, 0), (P256_N, S), (R, P256_N), (P256_N + 1, S),
                                      (R, 2**256 - 1)],
                         ids=["r0", "s0", "r=n", "s=n", "r>n", "smax"])
def test_r_and_s_must_lie_in_1_to_n(r: int, s: int) -> None:
    assert p256verify(_input(DIGEST, r, s, X, Y), GAS) == (GAS, b"")


@pytest.mark.parametrize(("x", "y"), [(0, 0), (X, (Y + 1) % P256_P), ((X + 1) % P256_P, Y),
                                      (P256_P, Y), (X, P256_P), (X, 2**256 - 1), (X, P256_P - Y)],
                         ids=["infinity", "off-curve-y", "off-curve-x", "x=p", "y=p", "ymax",
                              "negated-key"])
def test_public_key_must_be_a_curve_point(x: int, y: int) -> None:
    assert p256verify(_input(DIGEST, R, S, x, y), GAS) == (GAS, b"")


def test_tampered_signature_or_hash_fails() -> None:
    assert p256verify(_input(b"\x01" + DIGEST[1:], R, S, X, Y), GAS) == (GAS, b"")
    assert p256verify(_input(DIGEST, R ^ 1, S, X, Y), GAS) == (GAS, b"")
    other = _sign(DIGEST, secret=0xBEEF)
    assert p256verify(_input(DIGEST, R, S, other[2], other[3]), GAS) == (GAS, b"")


def test_osaka_adds_0x100() -> None:
    assert loaded(OSAKA.precompiles[address(0x100)]) is p256verify
    assert address(0x100) not in PRAGUE.precompiles
    assert address(0x100) not in CANCUN.precompiles
