"""Ethereum's header rules (execution-specs' validate_header), for importing blocks: the fields
a header of each fork has and their sizes, its link to the parent (hash, number, timestamp), the
gas limit's bounds, the EIP-1559 base fee, the EIP-4844 excess blob gas (with EIP-7918's reserve
price from Osaka), and the proof-of-stake constants (EIP-3675: no difficulty, nonce or ommers).

The node's own blocks follow only the blob rule here (next_excess_blob_gas): their base fee is
the unit price (node/chain/chain.py).
"""
from pydevnet.node.chain.blocks import BLOOM_BYTES, EMPTY_OMMERS_HASH, Header
from pydevnet.node.chain.errors import InvalidHeader
from pydevnet.vm.spec import Spec

ELASTICITY_MULTIPLIER = 2  # EIP-1559
BASE_FEE_MAX_CHANGE_DENOMINATOR = 8  # EIP-1559
GAS_LIMIT_ADJUSTMENT_FACTOR = 1024
GAS_LIMIT_MINIMUM = 5000
MAX_EXTRA_DATA = 32
MAX_UINT64 = 2 ** 64 - 1
MAX_RLP_BLOCK_SIZE = 10_485_760 - 2_097_152  # EIP-7934: MAX_BLOCK_SIZE less SAFETY_MARGIN

_SIZES = {"parent_hash": 32, "ommers_hash": 32, "coinbase": 20, "state_root": 32,
          "transactions_root": 32, "receipts_root": 32, "logs_bloom": BLOOM_BYTES,
          "mix_hash": 32, "nonce": 8, "withdrawals_root": 32, "parent_beacon_block_root": 32,
          "requests_hash": 32}
_UINT64 = ("number", "gas_limit", "gas_used", "timestamp", "blob_gas_used", "excess_blob_gas")


def next_base_fee(parent: Header) -> int:
    """EIP-1559: the base fee of the block after `parent`, moved by at most 1/8 towards the
    parent's use of half its gas limit (at least 1 wei up when above it)."""
    target = parent.gas_limit // ELASTICITY_MULTIPLIER
    if parent.gas_used == target:
        return parent.base_fee
    if parent.gas_used > target:
        delta = parent.base_fee * (parent.gas_used - target) // target
        return parent.base_fee + max(delta // BASE_FEE_MAX_CHANGE_DENOMINATOR, 1)
    delta = parent.base_fee * (target - parent.gas_used) // target
    return parent.base_fee - delta // BASE_FEE_MAX_CHANGE_DENOMINATOR


def gas_limit_allowed(gas_limit: int, parent_gas_limit: int) -> bool:
    """Within 1/1024 of the parent's gas limit (exclusive), and at least 5000."""
    step = parent_gas_limit // GAS_LIMIT_ADJUSTMENT_FACTOR
    return (parent_gas_limit - step < gas_limit < parent_gas_limit + step
            and gas_limit >= GAS_LIMIT_MINIMUM)


def next_excess_blob_gas(spec: Spec, parent: Header) -> int:
    """EIP-4844: the excess blob gas of a `spec` block after `parent`, under EIP-7918 where in
    force (the parent's base fee sets the reserve price)."""
    reserve = parent.base_fee if spec.has(7918) else None
    return spec.blob.next_excess(parent.excess_blob_gas, parent.blob_gas_used, reserve)


def check_shape(header: Header, spec: Spec) -> None:
    """The fork's fields, each of its size: byte strings of fixed length, uint64 numbers."""
    has_requests = spec.has(7685)
    if (header.requests_hash is not None) != has_requests:
        raise InvalidHeader(f"a {spec.name} header {'needs' if has_requests else 'has no'} "
                            f"requestsHash", "requests_hash")
    for name, size in _SIZES.items():
        value = getattr(header, name)
        if value is not None and (not isinstance(value, bytes) or len(value) != size):
            raise InvalidHeader(f"{name} is not {size} bytes", name)
    if not isinstance(header.extra_data, bytes) or len(header.extra_data) > MAX_EXTRA_DATA:
        raise InvalidHeader(f"extraData longer than {MAX_EXTRA_DATA} bytes", "extra_data")
    for name in _UINT64:
        if getattr(header, name) > MAX_UINT64:
            raise InvalidHeader(f"{name} does not fit 64 bits", name)


def validate_header(header: Header, parent: Header, spec: Spec) -> None:
    """Every rule of execution-specs' validate_header for a `spec` block on `parent`; raises
    InvalidHeader naming the first field that breaks one."""
    check_shape(header, spec)
    expected_excess = next_excess_blob_gas(spec, parent)
    if header.excess_blob_gas != expected_excess:
        raise InvalidHeader(f"excessBlobGas {header.excess_blob_gas}, expected {expected_excess}",
                            "excess_blob_gas")
    if header.gas_used > header.gas_limit:
        raise InvalidHeader(f"gasUsed {header.gas_used} above gasLimit {header.gas_limit}",
                            "gas_used")
    if not gas_limit_allowed(header.gas_limit, parent.gas_limit):
        raise InvalidHeader(f"gasLimit {header.gas_limit} too far from the parent's "
                            f"{parent.gas_limit}", "gas_limit")
    expected_fee = next_base_fee(parent)
    if header.base_fee != expected_fee:
        raise InvalidHeader(f"baseFeePerGas {header.base_fee}, expected {expected_fee}",
                            "base_fee")
    if header.timestamp <= parent.timestamp:
        raise InvalidHeader(f"timestamp {header.timestamp} not after the parent's "
                            f"{parent.timestamp}", "timestamp")
    if header.number != parent.number + 1:
        raise InvalidHeader(f"number {header.number} does not follow the parent's "
                            f"{parent.number}", "number")
    if header.difficulty != 0 or header.nonce != bytes(8):
        raise InvalidHeader("difficulty and nonce must be zero after the merge (EIP-3675)",
                            "difficulty" if header.difficulty else "nonce")
    if header.ommers_hash != EMPTY_OMMERS_HASH:
        raise InvalidHeader("ommersHash is not that of an empty list (EIP-3675)", "ommers_hash")
    if header.parent_hash != parent.hash:
        raise InvalidHeader("parentHash is not the parent's hash", "parent_hash")
