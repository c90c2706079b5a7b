"""Gas prices of the precompiled contracts, each named after the EIP that set it, and the two
helpers every precompile uses to charge: `words` and `charge`.

Prices: Frontier (Yellow Paper appendix E) for 0x01-0x04, EIP-2565 for modexp (0x05, semantics from
EIP-198; EIP-7883 and the EIP-7823 bound from Osaka), EIP-1108 for the BN254 contracts (0x06-0x08,
semantics from EIP-196/197), EIP-152 for blake2f (0x09), EIP-4844 for the KZG point evaluation
(0x0a), EIP-2537 for the BLS12-381 contracts (0x0b-0x11, Prague) and EIP-7951 for P256VERIFY
(0x100, Osaka).
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
MODEXP_MAX_INPUT_LENGTH = 1024  # EIP-7823 (Osaka): a longer base, exponent or modulus fails
MODEXP_OSAKA_MIN_GAS = 500  # EIP-7883 (and no divisor)
MODEXP_OSAKA_EXPONENT_BYTE_BITS = 16  # EIP-7883: each exponent byte past the head adds 16
MODEXP_OSAKA_MIN_COMPLEXITY = 16  # EIP-7883: the complexity of operands up to 32 bytes
MODEXP_OSAKA_COMPLEXITY_THRESHOLD = 32  # EIP-7883: past this many bytes, 2 * limbs**2
MODEXP_OSAKA_COMPLEXITY_FACTOR = 2  # EIP-7883

BN254_ADD_GAS = 150  # EIP-1108 (was 500 in EIP-196)
BN254_MUL_GAS = 6000  # EIP-1108 (was 40000 in EIP-196)
BN254_PAIRING_BASE_GAS = 45000  # EIP-1108 (was 100000 in EIP-197)
BN254_PAIRING_PER_PAIR_GAS = 34000  # EIP-1108 (was 80000 in EIP-197)

BLAKE2F_GAS_PER_ROUND = 1  # EIP-152

POINT_EVALUATION_GAS = 50000  # EIP-4844

BLS12_G1ADD_GAS = 375  # EIP-2537
BLS12_G2ADD_GAS = 600  # EIP-2537
BLS12_G1MUL_GAS = 12000  # EIP-2537: the MSM price of one pair, before the discount
BLS12_G2MUL_GAS = 22500  # EIP-2537
BLS12_PAIRING_BASE_GAS = 37700  # EIP-2537
BLS12_PAIRING_PER_PAIR_GAS = 32600  # EIP-2537
BLS12_MAP_FP_TO_G1_GAS = 5500  # EIP-2537
BLS12_MAP_FP2_TO_G2_GAS = 23800  # EIP-2537
BLS12_MSM_MULTIPLIER = 1000  # EIP-2537: the discounts are in thousandths
# EIP-2537: the MSM discount for k = 1..128 pairs; k > 128 takes the last (the max discount)
BLS12_G1MSM_DISCOUNTS = (
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665,
    661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615,
    613, 611, 609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585,
    584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563,
    562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545,
    544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529,
    528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
)  # fmt: skip
BLS12_G2MSM_DISCOUNTS = (
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699,
    693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629,
    627, 624, 622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592,
    590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567,
    566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548,
    547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533,
    532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
)  # fmt: skip

P256VERIFY_GAS = 6900  # EIP-7951


def words(length: int) -> int:
    """Number of 32-byte words needed to hold `length` bytes (rounded up)."""
    return (length + WORD_SIZE - 1) // WORD_SIZE


def charge(required: int, gas: int) -> int:
    """Return `required` if the call can afford it; raise OutOfGas (burning all gas) otherwise."""
    if required > gas:
        raise OutOfGas(f"precompile needs {required} gas, has {gas}")
    return required
