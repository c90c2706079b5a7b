"""EIP-3855 PUSH0 (0x5f): pushes zero for G_base (2), takes no immediate, and overflows the
1024-item stack like any push. Also PUSHn reading past the end of the code (zero padded)."""
from tests.vm.asm import asm, run
from pydevnet.vm.errors import StackOverflow
from pydevnet.vm.table import CANCUN


def test_push0_is_opcode_0x5f_costing_2() -> None:
    assert CANCUN.names[0x5F] == "PUSH0"
    assert CANCUN.static_gas[0x5F] == 2


def test_push0_pushes_zero() -> None:
    f = run(b"\x5f")
    assert f.error is None
    assert f.stack == [0]
    assert 1_000_000 - f.gas == 2


def test_push0_has_no_immediate_so_the_next_byte_runs() -> None:
    f = run(bytes.fromhex("5f" "5f" "01"))  # PUSH0 PUSH0 ADD
    assert f.stack == [0]
    assert 1_000_000 - f.gas == 2 + 2 + 3


def test_1024_push0_fit_the_stack() -> None:
    f = run(asm(*["PUSH0"] * 1024))
    assert f.error is None
    assert len(f.stack) == 1024
    assert 1_000_000 - f.gas == 2 * 1024


def test_the_1025th_push0_overflows_and_burns_all_gas() -> None:
    f = run(asm(*["PUSH0"] * 1025))
    assert isinstance(f.error, StackOverflow)
    assert f.gas == 0


def test_push_past_the_end_of_code_reads_zeros() -> None:
    f = run(bytes.fromhex("62" "1234"))  # PUSH3 with only two immediate bytes
    assert f.error is None
    assert f.stack == [0x123400]


def test_push32_of_all_ones() -> None:
    f = run(b"\x7f" + b"\xff" * 32)
    assert f.stack == [2**256 - 1]
    assert 1_000_000 - f.gas == 3
