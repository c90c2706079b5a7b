"""Arithmetic: ADD ... SIGNEXTEND (0x01-0x0b). EXP's per-byte cost is EIP-160's."""
from pydevnet.vm.gas import GAS_EXP_BYTE, charge

M = (1 << 256) - 1
SIGN = 1 << 255
MOD = 1 << 256


def add(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = (a + s[-1]) & M
    return pc + 1


def mul(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = (a * s[-1]) & M
    return pc + 1


def sub(f, pc):
    s = f.stack
    a = s.pop()
    s[-1] = (a - s[-1]) & M
    return pc + 1


def div(f, pc):
    s = f.stack
    a = s.pop()
    b = s[-1]
    s[-1] = a // b if b else 0
    return pc + 1


def sdiv(f, pc):
    s = f.stack
    a = s.pop()
    b = s[-1]
    if b == 0:
        s[-1] = 0
        return pc + 1
    neg = (a ^ b) & SIGN
    if a & SIGN:
        a = MOD - a
    if b & SIGN:
        b = MOD - b
    q = a // b
    s[-1] = (MOD - q) & M if neg else q
    return pc + 1


def mod(f, pc):
    s = f.stack
    a = s.pop()
    b = s[-1]
    s[-1] = a % b if b else 0
    return pc + 1


def smod(f, pc):
    s = f.stack
    a = s.pop()
    b = s[-1]
    if b == 0:
        s[-1] = 0
        return pc + 1
    neg = a & SIGN
    if neg:
        a = MOD - a
    if b & SIGN:
        b = MOD - b
    r = a % b
    s[-1] = (MOD - r) & M if neg else r
    return pc + 1


def addmod(f, pc):
    s = f.stack
    a = s.pop()
    b = s.pop()
    n = s[-1]
    s[-1] = (a + b) % n if n else 0
    return pc + 1


def mulmod(f, pc):
    s = f.stack
    a = s.pop()
    b = s.pop()
    n = s[-1]
    s[-1] = (a * b) % n if n else 0
    return pc + 1


def exp(f, pc):
    s = f.stack
    base = s.pop()
    e = s[-1]
    if e:
        charge(f, GAS_EXP_BYTE * ((e.bit_length() + 7) >> 3))
    s[-1] = pow(base, e, MOD)
    return pc + 1


def signextend(f, pc):
    s = f.stack
    b = s.pop()
    x = s[-1]  # read even when unchanged: a missing operand is a stack underflow
    if b < 31:
        bit = (b << 3) + 7
        if (x >> bit) & 1:
            s[-1] = x | (M ^ ((1 << bit) - 1))
        else:
            s[-1] = x & ((1 << bit) - 1)
    return pc + 1
