"""0x0a point evaluation: verify a KZG proof that a blob polynomial p has p(z) = y (EIP-4844).

Input, exactly 192 bytes: versioned_hash (32), z (32), y (32), commitment (48), proof (48). The
versioned hash must be 0x01 ++ sha256(commitment)[1:]; z and y must be canonical field elements
(below BLS_MODULUS); commitment and proof valid compressed BLS12-381 G1 points; and the proof must
verify. Any failure fails the call (PrecompileError). Output: FIELD_ELEMENTS_PER_BLOB and
BLS_MODULUS as two 32-byte words.

Verification is ckzg's (the reference C library) against the mainnet trusted setup, which ckzg
does not ship: the copy inside the eth_account package is used (found without importing
eth_account, which takes about a second), loaded once on first use (about 1.5 s) and cached. Its format (4096, 65, then 4096 Lagrange G1 points, 65 monomial G2 points and
4096 monomial G1 points) is the one ckzg 2.x's load_trusted_setup reads.
"""
import hashlib
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import ckzg

from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.gas import VERSIONED_HASH_VERSION_KZG
from pydevnet.vm.precompiles.pricing import POINT_EVALUATION_GAS, WORD_SIZE, charge

INPUT_SIZE = 192
COMMITMENT_SIZE = 48
FIELD_ELEMENTS_PER_BLOB = 4096  # EIP-4844
BLS_MODULUS = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001  # EIP-4844
RESULT = FIELD_ELEMENTS_PER_BLOB.to_bytes(WORD_SIZE, "big") + BLS_MODULUS.to_bytes(WORD_SIZE, "big")

TRUSTED_SETUP_PACKAGE = "eth_account"
TRUSTED_SETUP_RESOURCE = "typed_transactions/blob_transactions/kzg_trusted_setup.txt"
TRUSTED_SETUP_PRECOMPUTE = 0  # ckzg's fixed-base precomputation level: none (verification only)


@cache
def trusted_setup() -> object:
    """The mainnet KZG trusted setup as a ckzg handle, loaded on first use."""
    package = find_spec(TRUSTED_SETUP_PACKAGE)
    if package is None or not package.submodule_search_locations:
        raise FileNotFoundError(f"the KZG trusted setup's package {TRUSTED_SETUP_PACKAGE} is "
                                "not installed")
    path = Path(package.submodule_search_locations[0]) / TRUSTED_SETUP_RESOURCE
    return ckzg.load_trusted_setup(str(path), TRUSTED_SETUP_PRECOMPUTE)


def kzg_to_versioned_hash(commitment: bytes) -> bytes:
    """EIP-4844: the version byte followed by the last 31 bytes of sha256(commitment)."""
    return bytes((VERSIONED_HASH_VERSION_KZG,)) + hashlib.sha256(commitment).digest()[1:]


def point_evaluation(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x0a point evaluation (EIP-4844): verify p(z) = y for the blob committed to."""
    used = charge(POINT_EVALUATION_GAS, gas)
    if len(data) != INPUT_SIZE:
        raise PrecompileError("point evaluation: input must be exactly 192 bytes")
    data = bytes(data)
    versioned_hash, z, y = data[:32], data[32:64], data[64:96]
    commitment, proof = data[96:144], data[144:192]
    if kzg_to_versioned_hash(commitment) != versioned_hash:
        raise PrecompileError("point evaluation: versioned hash does not match the commitment")
    try:
        valid = ckzg.verify_kzg_proof(commitment, z, y, proof, trusted_setup())
    except RuntimeError as error:  # ckzg's C_KZG_BADARGS: non-canonical z/y or a bad point encoding
        raise PrecompileError(f"point evaluation: {error}") from error
    if not valid:
        raise PrecompileError("point evaluation: proof does not verify")
    return used, RESULT
