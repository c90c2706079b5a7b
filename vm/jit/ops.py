"""What vm/jit/codegen.py knows of each opcode: how many stack items it reads and leaves, and
the Python expression of the pure ones it inlines (folded at compile time when every operand is a
literal, simplified when a shift, index or divisor is)."""
from pydevnet.vm.opcodes.arithmetic import M, SIGN

PUSH0, PUSH1, PUSH32 = 0x5F, 0x60, 0x7F
DUP1, DUP16, SWAP1, SWAP16 = 0x80, 0x8F, 0x90, 0x9F

# (items read, items left) of every opcode; an unassigned opcode reads nothing.
STACK_IO = [(0, 0)] * 256
for _ops, _io in (
        ((0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x10, 0x11, 0x12, 0x13, 0x14,
          0x16, 0x17, 0x18, 0x1A, 0x1B, 0x1C, 0x1D, 0x20), (2, 1)),
        ((0x08, 0x09), (3, 1)),
        ((0x15, 0x19, 0x1E, 0x31, 0x35, 0x3B, 0x3F, 0x40, 0x49, 0x51, 0x54, 0x5C), (1, 1)),
        ((0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3A, 0x3D, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
          0x47, 0x48, 0x4A, 0x58, 0x59, 0x5A, 0x5F) + tuple(range(PUSH1, PUSH32 + 1)), (0, 1)),
        ((0x37, 0x39, 0x3E, 0x5E), (3, 0)),
        ((0x3C,), (4, 0)),
        ((0x50, 0x56, 0xFF), (1, 0)),
        ((0x52, 0x53, 0x55, 0x57, 0x5D, 0xF3, 0xFD), (2, 0)),
        ((0xF0,), (3, 1)), ((0xF1, 0xF2), (7, 1)), ((0xF4, 0xFA), (6, 1)), ((0xF5,), (4, 1))):
    for _op in _ops:
        STACK_IO[_op] = _io
for _n in range(1, 17):
    STACK_IO[DUP1 + _n - 1] = (_n, _n + 1)
    STACK_IO[SWAP1 + _n - 1] = (_n + 1, _n + 1)
for _n in range(5):
    STACK_IO[0xA0 + _n] = (_n + 2, 0)

# Inlined pure ops: a is the top of the stack, b the one below (as the handlers pop them). Only
# where the fork defines the op (CLZ is Osaka's): elsewhere its slot runs `invalid`.
BINARY = {
    0x01: "({a} + {b}) & M", 0x02: "({a} * {b}) & M", 0x03: "({a} - {b}) & M",
    0x04: "{a} // {b} if {b} else 0", 0x06: "{a} % {b} if {b} else 0",
    0x10: "1 if {a} < {b} else 0", 0x11: "1 if {a} > {b} else 0",
    0x12: "1 if ({a} ^ SIGN) < ({b} ^ SIGN) else 0", 0x13: "1 if ({a} ^ SIGN) > ({b} ^ SIGN) else 0",
    0x14: "1 if {a} == {b} else 0",
    0x16: "{a} & {b}", 0x17: "{a} | {b}", 0x18: "{a} ^ {b}",
    0x1A: "({b} >> (248 - ({a} << 3))) & 255 if {a} < 32 else 0",
    0x1B: "({b} << {a}) & M if {a} < 256 else 0", 0x1C: "{b} >> {a} if {a} < 256 else 0",
}
UNARY = {0x15: "0 if {a} else 1", 0x19: "M ^ {a}", 0x1E: "256 - ({a}).bit_length()"}
FOLD_ENV = {"M": M, "SIGN": SIGN}


def is_const(x: str) -> bool:
    return x.isdigit()


def end(o: str) -> str:
    return str(int(o) + 32) if is_const(o) else f"{o} + 32"


def specialise(op: int, a: str, b: str) -> str | None:
    """A simpler form of a binary op when its shift, index or divisor is a literal."""
    if op in (0x1B, 0x1C, 0x1A) and is_const(a):
        k = int(a)
        if k >= (32 if op == 0x1A else 256):
            return "0"
        if op == 0x1B:
            return f"({b} << {k}) & M"
        if op == 0x1C:
            return f"{b} >> {k}"
        return f"({b} >> {248 - 8 * k}) & 255"
    if op in (0x04, 0x06) and is_const(b):
        return f"{a} {'//' if op == 0x04 else '%'} {b}" if int(b) else "0"
    return None
