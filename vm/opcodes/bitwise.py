"""Comparison and bitwise logic: LT ... SAR (0x10-0x1d), shifts EIP-145's; CLZ (0x1e, EIP-7939,
Osaka)."""
from pydevnet.vm.opcodes.arithmetic import M, SIGN


def lt(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if a < s[-1] else 0
    return pc + 1


def gt(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if a > s[-1] else 0
    return pc + 1


def slt(f, pc):
    # Flipping the sign bit maps two's complement order onto unsigned order.
    s = f.stack
    a = s.pop()
    s[-1] = 1 if (a ^ SIGN) < (s[-1] ^ SIGN) else 0
    return pc + 1


def sgt(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if (a ^ SIGN) > (s[-1] ^ SIGN) else 0
    return pc + 1


def eq(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = 1 if a == s[-1] else 0
    return pc + 1


def iszero(f, pc):
    s = f.stack
    s[-1] = 0 if s[-1] else 1
    return pc + 1


def and_(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] &= a
    return pc + 1


def or_(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] |= a
    return pc + 1


def xor(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] ^= a
    return pc + 1


def not_(f, pc):
    s = f.stack
    s[-1] = M ^ s[-1]
    return pc + 1


def byte(f, pc):
    s = f.stack
    i = s.pop()
    s[-1] = (s[-1] >> (248 - (i << 3))) & 0xFF if i < 32 else 0
    return pc + 1


def shl(f, pc):
    s = f.stack
    shift = s.pop()
    s[-1] = (s[-1] << shift) & M if shift < 256 else 0
    return pc + 1


def shr(f, pc):
    s = f.stack
    shift = s.pop()
    s[-1] = s[-1] >> shift if shift < 256 else 0
    return pc + 1


def sar(f, pc):
    s = f.stack
    shift = s.pop()
    x = s[-1]
    if x & SIGN:
        s[-1] = ((x - (1 << 256)) >> shift) & M if shift < 256 else M
    else:
        s[-1] = x >> shift if shift < 256 else 0
    return pc + 1


def clz(f, pc):
    # EIP-7939: the number of leading zero bits of the word, 256 for zero
    s = f.stack
    s[-1] = 256 - s[-1].bit_length()
    return pc + 1
