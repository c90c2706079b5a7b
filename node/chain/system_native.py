"""The four system calls without the EVM, for an account that holds exactly its EIP's runtime code.

node/chain/system.py runs a system call through the VM. When the called account's code hash is
that of the canonical runtime (users may replace the code with anvil_setCode; then the VM runs
it), the call's effect is a fixed function of a few storage slots, the block's NUMBER and
TIMESTAMP and the call data, and this module computes it directly. What follows is read off the
runtime bytecode's SYSTEM_ADDRESS branch (the EIPs' pseudo-code leaves word overflow out):
every number is a 256-bit word, so head + i, 4 + 3 * (head + i), excess + count and NUMBER - 1
wrap modulo 2**256 exactly as the VM's ADD, MUL and SUB do.

An SSTORE is mirrored by `_sstore`: the VM's SSTORE writes (journaled, the slot made dirty) only
a value different from the current one, so a slot written with its own value stays clean here too.
SLOADs read the same slots in the same order (a forked state fetches what the VM would fetch).
The caller (system.system_call) keeps the transaction frame around it: begin_tx, the touch of
the called account, finalize_tx; nothing else is read or written (SYSTEM_ADDRESS is only CALLER
to the code: no account is created for it, no nonce or balance moves). None of these branches
can fail or run out of the 30,000,000 gas: a canonical contract's call always succeeds.
"""
from typing import Callable

from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import StateDB
from pydevnet.vm.frame import BlockEnv

WORD = 2**256
MASK = WORD - 1
HISTORY_BUFFER_LENGTH = 8191  # EIP-4788
HISTORY_SERVE_WINDOW = 8191  # EIP-2935
# EIP-7002 and EIP-7251: the storage layout both request contracts share
EXCESS_SLOT, COUNT_SLOT, HEAD_SLOT, TAIL_SLOT, QUEUE_OFFSET = 0, 1, 2, 3, 4
EXCESS_INHIBITOR = MASK
_LOW_160 = 2**160 - 1
_LOW_64 = 2**64 - 1


def _sstore(state: StateDB, addr: bytes, key: int, value: int) -> None:
    """The state effect of SSTORE (vm/opcodes/storage.py): a write only when the value changes."""
    if state.get_storage(addr, key) != value:
        state.set_storage(addr, key, value)


def _calldata_word(data: bytes) -> int:
    """CALLDATALOAD(0): the first 32 bytes of the input, zero-padded on the right."""
    return int.from_bytes(data[:32].ljust(32, b"\0"), "big")


def beacon_roots(state: StateDB, block: BlockEnv, addr: bytes, data: bytes) -> bytes:
    """EIP-4788's set: the timestamp at timestamp % 8191, the root 8191 slots above it."""
    ts = block.timestamp & MASK
    idx = ts % HISTORY_BUFFER_LENGTH
    _sstore(state, addr, idx, ts)
    _sstore(state, addr, idx + HISTORY_BUFFER_LENGTH, _calldata_word(data))
    return b""


def history_storage(state: StateDB, block: BlockEnv, addr: bytes, data: bytes) -> bytes:
    """EIP-2935's set: the parent hash at (NUMBER - 1) % 8191 (NUMBER - 1 wraps at block 0)."""
    _sstore(state, addr, ((block.number - 1) & MASK) % HISTORY_SERVE_WINDOW, _calldata_word(data))
    return b""


def _dequeue(state: StateDB, addr: bytes, max_per_block: int, stride: int, target: int,
             entry: Callable[[list[int]], bytes]) -> bytes:
    """The request contracts' end-of-block branch: up to `max_per_block` queue entries of
    `stride` slots from the head, the head moved (both indices zeroed when the queue empties),
    the excess updated towards `target` and the block's count reset. `entry` lays out one
    entry's slots as the returned bytes."""
    tail = state.get_storage(addr, TAIL_SLOT)
    head = state.get_storage(addr, HEAD_SLOT)
    count = min((tail - head) & MASK, max_per_block)
    out = []
    for i in range(count):
        slot = (QUEUE_OFFSET + stride * ((head + i) & MASK)) & MASK
        out.append(entry([state.get_storage(addr, (slot + k) & MASK) for k in range(stride)]))
    new_head = (head + count) & MASK
    if new_head == tail:
        _sstore(state, addr, HEAD_SLOT, 0)
        _sstore(state, addr, TAIL_SLOT, 0)
    else:
        _sstore(state, addr, HEAD_SLOT, new_head)
    excess = state.get_storage(addr, EXCESS_SLOT)
    if excess == EXCESS_INHIBITOR:
        excess = 0
    total = (excess + state.get_storage(addr, COUNT_SLOT)) & MASK
    _sstore(state, addr, EXCESS_SLOT, total - target if total > target else 0)
    _sstore(state, addr, COUNT_SLOT, 0)
    return b"".join(out)


def _withdrawal(s: list[int]) -> bytes:
    """76 bytes: source address (20), validator pubkey (48: a word and the top half of the
    next), amount (the next 8 bytes of that word, as the contract writes it: little-endian)."""
    return ((s[0] & _LOW_160).to_bytes(20, "big") + s[1].to_bytes(32, "big")
            + (s[2] >> 128).to_bytes(16, "big")
            + ((s[2] >> 64) & _LOW_64).to_bytes(8, "little"))


def _consolidation(s: list[int]) -> bytes:
    """116 bytes: source address (20), source pubkey and target pubkey (96: three words)."""
    return ((s[0] & _LOW_160).to_bytes(20, "big") + s[1].to_bytes(32, "big")
            + s[2].to_bytes(32, "big") + s[3].to_bytes(32, "big"))


def withdrawal_requests(state: StateDB, block: BlockEnv, addr: bytes, data: bytes) -> bytes:
    """EIP-7002: MAX_WITHDRAWAL_REQUESTS_PER_BLOCK 16, 3 slots an entry, target 2 a block."""
    return _dequeue(state, addr, 16, 3, 2, _withdrawal)


def consolidation_requests(state: StateDB, block: BlockEnv, addr: bytes, data: bytes) -> bytes:
    """EIP-7251: MAX_CONSOLIDATION_REQUESTS_PER_BLOCK 2, 4 slots an entry, target 1 a block."""
    return _dequeue(state, addr, 2, 4, 1, _consolidation)


NativeCall = Callable[[StateDB, BlockEnv, bytes, bytes], bytes]


def natives(contracts: list[tuple[bytes, bytes, NativeCall]]
            ) -> dict[bytes, tuple[bytes, NativeCall]]:
    """address -> (the canonical runtime's code hash, its native call), from (address, runtime
    code, call) triples."""
    return {address: (keccak256(code), fn) for address, code, fn in contracts}
