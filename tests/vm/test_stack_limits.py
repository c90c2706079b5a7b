"""The 1024-item stack: every opcode that takes k inputs underflows with k - 1 items (SIGNEXTEND
too when its byte index is 31 or more and the value is unchanged), and every opcode that grows
the stack overflows when it is already full. Both are exceptional halts burning all gas."""
import pytest

from tests.vm.asm import OPCODE, asm, run
from pydevnet.vm.errors import StackOverflow, StackUnderflow

# Inputs per opcode (Yellow Paper appendix H, plus EIP-145, 1014, 1153, 1052, 211, 214, 3198,
# 4844, 5656, 7516); the opcodes that take none are listed in GROWERS.
INPUTS = {
    "ADD": 2, "MUL": 2, "SUB": 2, "DIV": 2, "SDIV": 2, "MOD": 2, "SMOD": 2, "ADDMOD": 3,
    "MULMOD": 3, "EXP": 2, "SIGNEXTEND": 2, "LT": 2, "GT": 2, "SLT": 2, "SGT": 2, "EQ": 2,
    "ISZERO": 1, "AND": 2, "OR": 2, "XOR": 2, "NOT": 1, "BYTE": 2, "SHL": 2, "SHR": 2, "SAR": 2,
    "KECCAK256": 2, "BALANCE": 1, "CALLDATALOAD": 1, "CALLDATACOPY": 3, "CODECOPY": 3,
    "EXTCODESIZE": 1, "EXTCODECOPY": 4, "RETURNDATACOPY": 3, "EXTCODEHASH": 1, "BLOCKHASH": 1,
    "BLOBHASH": 1, "POP": 1, "MLOAD": 1, "MSTORE": 2, "MSTORE8": 2, "SLOAD": 1, "SSTORE": 2,
    "JUMP": 1, "JUMPI": 2, "TLOAD": 1, "TSTORE": 2, "MCOPY": 3,
    **{f"DUP{n}": n for n in range(1, 17)},
    **{f"SWAP{n}": n + 1 for n in range(1, 17)},
    **{f"LOG{n}": n + 2 for n in range(5)},
    "CREATE": 3, "CALL": 7, "CALLCODE": 7, "RETURN": 2, "DELEGATECALL": 6, "CREATE2": 4,
    "STATICCALL": 6, "REVERT": 2, "SELFDESTRUCT": 1,
}

# Opcodes that push without popping: each must refuse to grow a full stack.
GROWERS = [
    "ADDRESS", "ORIGIN", "CALLER", "CALLVALUE", "CALLDATASIZE", "CODESIZE", "GASPRICE",
    "RETURNDATASIZE", "COINBASE", "TIMESTAMP", "NUMBER", "PREVRANDAO", "GASLIMIT", "CHAINID",
    "SELFBALANCE", "BASEFEE", "BLOBBASEFEE", "PC", "MSIZE", "GAS", "PUSH0",
    *[f"PUSH{n}" for n in range(1, 33)], *[f"DUP{n}" for n in range(1, 17)],
]


def test_the_tables_cover_every_assigned_opcode() -> None:
    no_stack_effect = {"STOP", "JUMPDEST", "INVALID"}
    assert set(INPUTS) | set(GROWERS) | no_stack_effect == set(OPCODE)


@pytest.mark.parametrize(("op", "inputs"), INPUTS.items(), ids=INPUTS.keys())
def test_one_input_short_underflows(op: str, inputs: int) -> None:
    f = run(asm(*["PUSH0"] * (inputs - 1), op))
    assert isinstance(f.error, StackUnderflow)
    assert f.gas == 0


@pytest.mark.parametrize(("op", "inputs"), INPUTS.items(), ids=INPUTS.keys())
def test_enough_inputs_do_not_underflow(op: str, inputs: int) -> None:
    f = run(asm(*["PUSH0"] * inputs, op))
    assert not isinstance(f.error, StackUnderflow)


@pytest.mark.parametrize("b", [31, 32, 2**256 - 1])
def test_signextend_with_large_byte_index_still_needs_its_value(b: int) -> None:
    f = run(asm(b, "SIGNEXTEND"))
    assert isinstance(f.error, StackUnderflow)


@pytest.mark.parametrize("op", GROWERS)
def test_growing_a_full_stack_overflows(op: str) -> None:
    f = run(asm(*["PUSH0"] * 1024) + bytes([OPCODE[op]]) + bytes(32))
    assert isinstance(f.error, StackOverflow)
    assert f.gas == 0


@pytest.mark.parametrize("op", GROWERS)
def test_growing_to_exactly_1024_is_fine(op: str) -> None:
    f = run(asm(*["PUSH0"] * 1023) + bytes([OPCODE[op]]) + bytes(32))
    assert f.error is None
    assert len(f.stack) == 1024


def test_ops_that_pop_more_than_they_push_work_on_a_full_stack() -> None:
    f = run(asm(*["PUSH0"] * 1024, "ADD", "SWAP16", "POP"))
    assert f.error is None
    assert len(f.stack) == 1022


def test_empty_stack_underflow_on_pop() -> None:
    f = run(asm("POP"))
    assert isinstance(f.error, StackUnderflow)
    assert f.stack == []
