"""The gas schedule: every constant named after the EIP that set it, and the helpers that
handlers use to charge the dynamic part of an opcode's cost (the loop charges the static part).

EIPs: 150 (63/64ths), 160 (EXP), 1108 (BN254, see precompiles/pricing.py), 2028 (calldata),
2200/3529 (SSTORE and refunds), 2929/2930 (warm and cold access), 3860 (initcode), 1153, 5656, 4844;
Prague's 7702 (set-code authorizations) and 7623 (calldata floor); Osaka's 7825 (transaction gas
cap). Which of them apply is the block's spec's (vm/forks.py).
"""
from pydevnet.vm.errors import OutOfGas

# Tiers (Yellow Paper)
GAS_ZERO = 0
GAS_BASE = 2
GAS_VERYLOW = 3
GAS_LOW = 5
GAS_MID = 8
GAS_HIGH = 10
GAS_JUMPDEST = 1

GAS_EXP = 10
GAS_EXP_BYTE = 50  # EIP-160
GAS_KECCAK256 = 30
GAS_KECCAK256_WORD = 6
GAS_COPY_WORD = 3
GAS_MEMORY = 3
GAS_QUADRATIC_DENOMINATOR = 512
GAS_BLOCKHASH = 20
GAS_LOG = 375
GAS_LOG_TOPIC = 375
GAS_LOG_DATA = 8

# EIP-2929 warm and cold access
GAS_WARM_ACCESS = 100
GAS_COLD_ACCOUNT_ACCESS = 2600
GAS_COLD_SLOAD = 2100

# EIP-2200 / EIP-3529 SSTORE
GAS_SSTORE_SET = 20000
GAS_SSTORE_RESET = 5000 - GAS_COLD_SLOAD  # 2900
GAS_SSTORE_SENTRY = 2300  # EIP-2200: SSTORE fails with this much gas or less left
REFUND_SSTORE_CLEARS = 4800  # EIP-3529: GAS_SSTORE_RESET + ACCESS_LIST_STORAGE_KEY_COST
MAX_REFUND_QUOTIENT = 5  # EIP-3529: refund at most gasUsed / 5

# EIP-1153 transient storage
GAS_TLOAD = GAS_WARM_ACCESS
GAS_TSTORE = GAS_WARM_ACCESS

# Calls and creates
GAS_CALL_VALUE = 9000
GAS_CALL_STIPEND = 2300
GAS_NEW_ACCOUNT = 25000
GAS_SELFDESTRUCT = 5000
GAS_CREATE = 32000
GAS_CODE_DEPOSIT = 200
GAS_INITCODE_WORD = 2  # EIP-3860
MAX_CODE_SIZE = 0x6000  # EIP-170
MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE  # EIP-3860
CALL_DEPTH_LIMIT = 1024
STACK_LIMIT = 1024

# Transaction intrinsic gas
GAS_TX = 21000  # Yellow Paper G_transaction
GAS_TX_CREATE = 53000  # Homestead (EIP-2): G_transaction + G_txcreate
GAS_TX_DATA_ZERO = 4
GAS_TX_DATA_NONZERO = 16  # EIP-2028 (was 68)
GAS_ACCESS_LIST_ADDRESS = 2400  # EIP-2930
GAS_ACCESS_LIST_STORAGE_KEY = 1900  # EIP-2930
MAX_TX_NONCE = 2 ** 64 - 1  # EIP-2681: nonces stay below this
PER_EMPTY_ACCOUNT_COST = 25000  # EIP-7702: intrinsic gas per authorization
PER_AUTH_BASE_COST = 12500  # EIP-7702: refunded down to this for an authority that exists
TOKENS_PER_NONZERO_BYTE = 4  # EIP-7623: a zero data byte is one token, a non-zero byte four
GAS_TX_FLOOR_PER_TOKEN = 10  # EIP-7623: TOTAL_COST_FLOOR_PER_TOKEN
MAX_TX_GAS = 2 ** 24  # EIP-7825: the most gas one transaction may have (Osaka)

# EIP-4844 blobs
GAS_BLOBHASH = GAS_VERYLOW
GAS_PER_BLOB = 1 << 17
MIN_BLOB_BASE_FEE = 1  # a fork's blob target, limit and update fraction: vm/spec.py BlobSchedule
VERSIONED_HASH_VERSION_KZG = 0x01

# Memory offsets beyond this can never be paid for with a 64-bit gas budget; treating them as
# out of gas up front keeps huge offsets from allocating anything.
MAX_MEMORY_END = 1 << 32


def memory_cost(words: int) -> int:
    return GAS_MEMORY * words + words * words // GAS_QUADRATIC_DENOMINATOR


def expand_memory(f, offset: int, size: int) -> None:
    """Charge for and perform memory expansion to cover [offset, offset + size)."""
    if size == 0:
        return
    end = offset + size
    mem = f.memory
    n = len(mem)
    if end <= n:
        return
    if end > MAX_MEMORY_END:
        raise OutOfGas
    words = (end + 31) >> 5
    cost = memory_cost(words) - memory_cost(n >> 5)
    g = f.gas - cost
    if g < 0:
        raise OutOfGas
    f.gas = g
    mem.extend(bytes((words << 5) - n))


def charge(f, cost: int) -> None:
    g = f.gas - cost
    if g < 0:
        raise OutOfGas
    f.gas = g


def words(size: int) -> int:
    return (size + 31) >> 5


def all_but_one_64th(gas: int) -> int:
    """EIP-150: a call may forward at most all but one 64th of the remaining gas."""
    return gas - (gas >> 6)


def fake_exponential(factor: int, numerator: int, denominator: int) -> int:
    """EIP-4844's integer approximation of factor * e ** (numerator / denominator)."""
    i = 1
    output = 0
    acc = factor * denominator
    while acc > 0:
        output += acc
        acc = (acc * numerator) // (denominator * i)
        i += 1
    return output // denominator

