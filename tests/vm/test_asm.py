"""The test assembler itself (tests/vm/asm.py): push sizing, labels, raw bytes, errors."""
import pytest

from tests.vm.asm import asm, initcode, run


def test_explicit_push_width_pads_the_immediate() -> None:
    assert asm("PUSH1 1 PUSH1 2 ADD") == bytes.fromhex("6001600201")
    assert asm("PUSH4", 0x1234) == bytes.fromhex("6300001234")


def test_bare_push_and_bare_numbers_pick_the_smallest_push() -> None:
    assert asm("PUSH", 0x1234, "DUP1") == bytes.fromhex("61123480")
    assert asm(0, 255, 256) == bytes.fromhex("6000" "60ff" "610100")
    assert asm(2**256 - 1) == b"\x7f" + b"\xff" * 32


def test_push0_takes_no_immediate() -> None:
    assert asm("PUSH0 PUSH0 ADD") == bytes.fromhex("5f5f01")


def test_labels_are_push2_of_their_offset() -> None:
    code = asm("PUSH0", "@end", "JUMP", "INVALID", "end:", "JUMPDEST")
    assert code == bytes.fromhex("5f" "610006" "56" "fe" "5b")


def test_undefined_label_is_rejected() -> None:
    with pytest.raises(KeyError):
        asm("@nowhere JUMP")


def test_raw_bytes_are_spliced_in() -> None:
    assert asm("STOP", b"\xef\x00") == b"\x00\xef\x00"


def test_value_too_wide_for_push_is_rejected() -> None:
    with pytest.raises(ValueError):
        asm("PUSH1", 256)


def test_unknown_mnemonic_is_rejected() -> None:
    with pytest.raises(KeyError):
        asm("DIFFICULTY")


def test_initcode_deploys_its_runtime() -> None:
    runtime = asm("PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")
    f = run(initcode(runtime))
    assert f.error is None
    assert f.output == runtime
