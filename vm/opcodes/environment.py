"""Environment information: ADDRESS ... EXTCODEHASH and SELFBALANCE (0x30-0x3f, 0x47), KECCAK256.
Account-reading opcodes charge EIP-2929's cold surcharge on first access; the table charges the
warm cost. Copies cost EIP-150's 3 gas a word plus memory expansion."""
from pydevnet.state.hashing import keccak256
from pydevnet.vm.errors import ReturnDataOutOfBounds, StackOverflow
from pydevnet.vm.gas import (GAS_COLD_ACCOUNT_ACCESS, GAS_COPY_WORD, GAS_KECCAK256_WORD,
                             GAS_WARM_ACCESS, STACK_LIMIT, charge, expand_memory)

ADDRESS_MASK = (1 << 160) - 1
COLD_EXTRA = GAS_COLD_ACCOUNT_ACCESS - GAS_WARM_ACCESS


def to_address(word: int) -> bytes:
    return (word & ADDRESS_MASK).to_bytes(20, "big")


def push_word(f, pc, value):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(value)
    return pc + 1


def _access(f, addr: bytes) -> None:
    if f.state.warm_address(addr):
        charge(f, COLD_EXTRA)


def keccak(f, pc):
    s = f.stack
    o = s.pop()
    n = s[-1]
    if n:
        charge(f, GAS_KECCAK256_WORD * ((n + 31) >> 5))
        expand_memory(f, o, n)
    s[-1] = int.from_bytes(keccak256(f.memory[o:o + n]), "big")
    return pc + 1


def address(f, pc):
    return push_word(f, pc, int.from_bytes(f.address, "big"))


def balance(f, pc):
    s = f.stack
    addr = to_address(s[-1])
    _access(f, addr)
    s[-1] = f.state.get_balance(addr)
    return pc + 1


def origin(f, pc):
    return push_word(f, pc, int.from_bytes(f.tx.origin, "big"))


def caller(f, pc):
    return push_word(f, pc, int.from_bytes(f.caller, "big"))


def callvalue(f, pc):
    return push_word(f, pc, f.value)


def calldataload(f, pc):
    s = f.stack
    i = s[-1]
    chunk = f.data[i:i + 32]
    s[-1] = int.from_bytes(chunk.ljust(32, b"\x00"), "big") if chunk else 0
    return pc + 1


def calldatasize(f, pc):
    return push_word(f, pc, len(f.data))


def _copy(f, source: bytes) -> None:
    """Pop (destOffset, offset, size) and copy source[offset:offset+size], zero-filled."""
    s = f.stack
    dst = s.pop()
    src = s.pop()
    n = s.pop()
    if n:
        charge(f, GAS_COPY_WORD * ((n + 31) >> 5))
        expand_memory(f, dst, n)
        chunk = source[src:src + n]
        if len(chunk) < n:
            chunk = chunk + bytes(n - len(chunk))
        f.memory[dst:dst + n] = chunk


def calldatacopy(f, pc):
    _copy(f, f.data)
    return pc + 1


def codesize(f, pc):
    return push_word(f, pc, f.code_size)


def codecopy(f, pc):
    _copy(f, f.code)  # the padding past code_size is zeros, as the copy requires
    return pc + 1


def gasprice(f, pc):
    return push_word(f, pc, f.tx.gas_price)


def extcodesize(f, pc):
    s = f.stack
    addr = to_address(s[-1])
    _access(f, addr)
    s[-1] = len(f.state.get_code(addr))
    return pc + 1


def extcodecopy(f, pc):
    addr = to_address(f.stack.pop())
    _access(f, addr)
    _copy(f, f.state.get_code(addr))
    return pc + 1


def returndatasize(f, pc):
    return push_word(f, pc, len(f.return_data))


def returndatacopy(f, pc):
    s = f.stack
    src = s[-2]
    n = s[-3]
    if src + n > len(f.return_data):  # EIP-211
        raise ReturnDataOutOfBounds
    _copy(f, f.return_data)
    return pc + 1


def extcodehash(f, pc):
    s = f.stack
    addr = to_address(s[-1])
    _access(f, addr)
    st = f.state
    s[-1] = int.from_bytes(st.get_code_hash(addr), "big") if st.is_alive(addr) else 0
    return pc + 1


def selfbalance(f, pc):
    return push_word(f, pc, f.state.get_balance(f.address))
