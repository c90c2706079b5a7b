"""A small two-pass assembler for the hand-written benchmark programs.

A program is a list of items: a mnemonic ("ADD"), an int (pushed with the shortest PUSHn, PUSH0
for zero), a label definition (":loop", emits JUMPDEST) or a label reference ("@loop", pushed as
PUSH2 so the first pass knows every size). The mnemonic table is the bench's own, independent of
vm/table.py, so a mislabelled opcode in the VM cannot hide behind the assembler.
"""

_OPS = {
    "STOP": 0x00, "ADD": 0x01, "MUL": 0x02, "SUB": 0x03, "DIV": 0x04, "MOD": 0x06,
    "ADDMOD": 0x08, "MULMOD": 0x09, "EXP": 0x0A,
    "LT": 0x10, "GT": 0x11, "EQ": 0x14, "ISZERO": 0x15, "AND": 0x16, "OR": 0x17, "XOR": 0x18,
    "NOT": 0x19, "BYTE": 0x1A, "SHL": 0x1B, "SHR": 0x1C,
    "KECCAK256": 0x20,
    "ADDRESS": 0x30, "CALLER": 0x33, "CALLVALUE": 0x34, "CALLDATALOAD": 0x35,
    "CALLDATASIZE": 0x36, "CALLDATACOPY": 0x37, "RETURNDATASIZE": 0x3D, "RETURNDATACOPY": 0x3E,
    "POP": 0x50, "MLOAD": 0x51, "MSTORE": 0x52, "MSTORE8": 0x53, "SLOAD": 0x54, "SSTORE": 0x55,
    "JUMP": 0x56, "JUMPI": 0x57, "GAS": 0x5A, "JUMPDEST": 0x5B, "MCOPY": 0x5E, "PUSH0": 0x5F,
    "CALL": 0xF1, "RETURN": 0xF3, "STATICCALL": 0xFA, "REVERT": 0xFD, "INVALID": 0xFE,
    **{f"DUP{n}": 0x80 + n - 1 for n in range(1, 17)},
    **{f"SWAP{n}": 0x90 + n - 1 for n in range(1, 17)},
}
_PUSH1 = 0x60
_LABEL_WIDTH = 2


def _push(value: int) -> bytes:
    if not 0 <= value < 2**256:
        raise ValueError(f"push value out of range: {value}")
    if value == 0:
        return bytes([_OPS["PUSH0"]])
    n = (value.bit_length() + 7) // 8
    return bytes([_PUSH1 + n - 1]) + value.to_bytes(n, "big")


def _size(item) -> int:
    if isinstance(item, int):
        return len(_push(item))
    if item.startswith("@"):
        return 1 + _LABEL_WIDTH
    return 1  # a mnemonic or a label's JUMPDEST


def assemble(program: list) -> bytes:
    """Assemble `program` (see the module docstring) into bytecode."""
    labels: dict[str, int] = {}
    pc = 0
    for item in program:
        if isinstance(item, str) and item.startswith(":"):
            if item[1:] in labels:
                raise ValueError(f"label defined twice: {item}")
            labels[item[1:]] = pc
        pc += _size(item)
    out = bytearray()
    for item in program:
        if isinstance(item, int):
            out += _push(item)
        elif item.startswith(":"):
            out.append(_OPS["JUMPDEST"])
        elif item.startswith("@"):
            out.append(_PUSH1 + _LABEL_WIDTH - 1)
            out += labels[item[1:]].to_bytes(_LABEL_WIDTH, "big")
        else:
            out.append(_OPS[item])
    return bytes(out)
