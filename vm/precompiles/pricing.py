"""Gas prices of the precompiled contracts 0x01-0x0a (Cancun), each named after the EIP that set it,
and the two helpers every precompile uses to charge: `words` and `charge`.

Prices: Frontier (Yellow Paper appendix E) for 0x01-0x04, EIP-2565 for modexp (0x05, semantics from
EIP-198), EIP-1108 for the BN254 contracts (0x06-0x08, semantics from EIP-196/197), EIP-152 for
blake2f (0x09) and EIP-4844 for the KZG point evaluation (0x0a).
"""
from pydevnet.vm.errors import OutOfGas

WORD_SIZE = 32  # bytes per word in the per-word prices

ECRECOVER_GAS = 3000  # Frontier
SHA256_BASE_GAS = 60  # Frontier
SHA256_WORD_GAS = 12  # Frontier
RIPEMD160_BASE_GAS = 600  # Frontier
RIPEMD160_WORD_GAS = 120  # Frontier
IDENTITY_BASE_GAS = 15  # Frontier
IDENTITY_WORD_GAS = 3  # Frontier

MODEXP_MIN_GAS = 200  # EIP-2565
MODEXP_GAS_DIVISOR = 3  # EIP-2565 (was GQUADDIVISOR = 20 in EIP-198)
MODEXP_COMPLEXITY_WORD_SIZE = 8  # EIP-2565: multiplication complexity counts 64-bit limbs
MODEXP_EXPONENT_HEAD_SIZE = 32  # EIP-198: only the first 32 exponent bytes are read for pricing
MODEXP_EXPONENT_BYTE_BITS = 8  # EIP-198: each exponent byte past the head adds 8 iterations

BN254_ADD_GAS = 150  # EIP-1108 (was 500 in EIP-196)
BN254_MUL_GAS = 6000  # EIP-1108 (was 40000 in EIP-196)
BN254_PAIRING_BASE_GAS = 45000  # EIP-1108 (was 100000 in EIP-197)
BN254_PAIRING_PER_PAIR_GAS = 34000  # EIP-1108 (was 80000 in EIP-197)

BLAKE2F_GAS_PER_ROUND = 1  # EIP-152

POINT_EVALUATION_GAS = 50000  # EIP-4844


def words(length: int) -> int:
    """Number of 32-byte words needed to hold `length` bytes (rounded up)."""
    return (length + WORD_SIZE - 1) // WORD_SIZE


def charge(required: int, gas: int) -> int:
    """Return `required` if the call can afford it; raise OutOfGas (burning all gas) otherwise."""
    if required > gas:
        raise OutOfGas(f"precompile needs {required} gas, has {gas}")
    return required
