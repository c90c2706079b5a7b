"""Memory: MLOAD, MSTORE, MSTORE8, MSIZE and MCOPY (EIP-5656). Expansion is charged through
vm.gas.expand_memory; the fast path skips it when the access is inside current memory."""
from pydevnet.vm.errors import StackOverflow
from pydevnet.vm.gas import GAS_COPY_WORD, STACK_LIMIT, charge, expand_memory


def mload(f, pc):
    s = f.stack
    o = s[-1]
    mem = f.memory
    if o + 32 > len(mem):
        expand_memory(f, o, 32)
    s[-1] = int.from_bytes(mem[o:o + 32], "big")
    return pc + 1


def mstore(f, pc):
    s = f.stack
    o = s.pop()
    v = s.pop()
    mem = f.memory
    if o + 32 > len(mem):
        expand_memory(f, o, 32)
    mem[o:o + 32] = v.to_bytes(32, "big")
    return pc + 1


def mstore8(f, pc):
    s = f.stack
    o = s.pop()
    v = s.pop()
    mem = f.memory
    if o >= len(mem):
        expand_memory(f, o, 1)
    mem[o] = v & 0xFF
    return pc + 1


def msize(f, pc):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(len(f.memory))
    return pc + 1


def mcopy(f, pc):
    s = f.stack
    dst = s.pop()
    src = s.pop()
    n = s.pop()
    if n:
        charge(f, GAS_COPY_WORD * ((n + 31) >> 5))
        expand_memory(f, max(dst, src), n)
        mem = f.memory
        mem[dst:dst + n] = mem[src:src + n]
    return pc + 1
