"""0x0a KZG point evaluation (EIP-4844): valid and invalid proofs, versioned hash, input rules."""
import ckzg
import pytest

from pydevnet.vm.errors import OutOfGas, PrecompileError
from pydevnet.vm.precompiles.kzg import (BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB,
                                         kzg_to_versioned_hash, point_evaluation, trusted_setup)
from pydevnet.vm.precompiles.pricing import POINT_EVALUATION_GAS

EXPECTED_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")
# go-ethereum core/vm/testdata/precompiles/pointEvaluation.json ("pointEvaluation1"): a proof made
# with the mainnet trusted setup, so it also pins which setup is loaded.
GETH_VECTOR = bytes.fromhex(
    "01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b"
    "564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306"
    "24d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a1"
    "8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f"
    "26936857bc3a7c2539ea8ec3a952b7873033e038326e87ed3e1276fd140253fa08"
    "e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a"
)


@pytest.fixture(scope="module")
def blob_proof() -> tuple[bytes, bytes, bytes, bytes]:
    """(commitment, z, y, proof) for a blob of small field elements, made by ckzg."""
    blob = b"".join((i * 7 + 1).to_bytes(32, "big") for i in range(FIELD_ELEMENTS_PER_BLOB))
    commitment = ckzg.blob_to_kzg_commitment(blob, trusted_setup())
    z = (123456789).to_bytes(32, "big")
    proof, y = ckzg.compute_kzg_proof(blob, z, trusted_setup())
    return commitment, z, y, proof


def _input(commitment: bytes, z: bytes, y: bytes, proof: bytes) -> bytes:
    return kzg_to_versioned_hash(commitment) + z + y + commitment + proof


def test_geth_vector_verifies_against_the_mainnet_setup() -> None:
    expected = (POINT_EVALUATION_GAS, EXPECTED_OUTPUT)
    assert point_evaluation(GETH_VECTOR, POINT_EVALUATION_GAS) == expected


def test_valid_proof_of_a_blob(blob_proof: tuple[bytes, bytes, bytes, bytes]) -> None:
    data = _input(*blob_proof)
    assert point_evaluation(data, POINT_EVALUATION_GAS) == (POINT_EVALUATION_GAS, EXPECTED_OUTPUT)


def test_wrong_claimed_value_fails(blob_proof: tuple[bytes, bytes, bytes, bytes]) -> None:
    commitment, z, y, proof = blob_proof
    wrong_y = ((int.from_bytes(y, "big") + 1) % BLS_MODULUS).to_bytes(32, "big")
    with pytest.raises(PrecompileError, match="does not verify"):
        point_evaluation(_input(commitment, z, wrong_y, proof), POINT_EVALUATION_GAS)


def test_versioned_hash_must_match_the_commitment() -> None:
    bad_version = b"\x02" + GETH_VECTOR[1:]
    with pytest.raises(PrecompileError, match="versioned hash"):
        point_evaluation(bad_version, POINT_EVALUATION_GAS)
    flipped = GETH_VECTOR[:5] + bytes((GETH_VECTOR[5] ^ 1,)) + GETH_VECTOR[6:]
    with pytest.raises(PrecompileError, match="versioned hash"):
        point_evaluation(flipped, POINT_EVALUATION_GAS)


def test_non_canonical_z_fails(blob_proof: tuple[bytes, bytes, bytes, bytes]) -> None:
    commitment, z, y, proof = blob_proof
    z_plus_modulus = (int.from_bytes(z, "big") + BLS_MODULUS).to_bytes(32, "big")
    with pytest.raises(PrecompileError):
        point_evaluation(_input(commitment, z_plus_modulus, y, proof), POINT_EVALUATION_GAS)


def test_invalid_proof_encoding_fails(blob_proof: tuple[bytes, bytes, bytes, bytes]) -> None:
    commitment, z, y, _ = blob_proof
    with pytest.raises(PrecompileError):
        point_evaluation(_input(commitment, z, y, b"\xff" * 48), POINT_EVALUATION_GAS)


@pytest.mark.parametrize("length", [0, 191, 193])
def test_rejects_wrong_length(length: int) -> None:
    with pytest.raises(PrecompileError):
        point_evaluation((GETH_VECTOR + b"\x00")[:length], POINT_EVALUATION_GAS)


def test_out_of_gas_boundary() -> None:
    with pytest.raises(OutOfGas):
        point_evaluation(GETH_VECTOR, POINT_EVALUATION_GAS - 1)


def test_trusted_setup_is_loaded_once() -> None:
    assert trusted_setup() is trusted_setup()
