"""EIP-5656 MCOPY (0x5e): a memmove inside memory. Cost 3 + 3 per copied word + expansion to
cover the higher of source and destination; overlap in either direction copies the original
bytes; a zero-length copy touches nothing whatever its offsets."""
import pytest

from tests.vm.asm import asm, run
from pydevnet.vm.errors import OutOfGas

SEQ = bytes(range(32))  # 0x000102...1f


def mcopy(dst: int, src: int, size: int) -> bytes:
    return asm(size, src, dst, "MCOPY")


def run_after(setup: bytes, code: bytes) -> tuple[bytes, int]:
    """(memory, gas used by `code` alone) when `code` runs after `setup`."""
    base = run(setup)
    f = run(setup + code)
    assert base.error is None and f.error is None
    return bytes(f.memory), base.gas - f.gas


def mstore(offset: int, data: bytes) -> bytes:
    return asm("PUSH32", int.from_bytes(data.ljust(32, b"\0"), "big"), offset, "MSTORE")


# The EIP's four examples; every one copies within existing memory, so MCOPY costs 3 + 3.
def test_eip_example_copy_one_word_down() -> None:
    mem, gas = run_after(mstore(32, SEQ), mcopy(0, 32, 32))
    assert mem == SEQ + SEQ
    assert gas == 3 * 3 + 6


def test_eip_example_copy_onto_itself() -> None:
    mem, gas = run_after(mstore(0, b"\x01" * 32), mcopy(0, 0, 32))
    assert mem == b"\x01" * 32
    assert gas == 3 * 3 + 6


def test_eip_example_overlapping_copy_forward() -> None:
    mem, _ = run_after(mstore(0, bytes(range(9))), mcopy(1, 0, 8))
    assert mem[:10] == bytes.fromhex("00 00 01 02 03 04 05 06 07 00")


def test_eip_example_overlapping_copy_backward() -> None:
    mem, _ = run_after(mstore(0, bytes(range(9))), mcopy(0, 1, 8))
    assert mem[:10] == bytes.fromhex("01 02 03 04 05 06 07 08 08 00")


def test_source_beyond_memory_expands_and_copies_zeros() -> None:
    mem, gas = run_after(b"", mcopy(0, 32, 32))
    assert mem == bytes(64)
    # pushes + static 3 + one word copied + expansion to 2 words (3 * 2 + 2 * 2 // 512)
    assert gas == 3 * 3 + 3 + 3 + 6


def test_destination_beyond_memory_expands() -> None:
    mem, gas = run_after(mstore(0, SEQ), mcopy(64, 1, 1))
    assert mem == SEQ + bytes(32) + b"\x01" + bytes(31)
    assert gas == 3 * 3 + 3 + 3 + 6  # expansion from 1 to 3 words costs 9 - 3


def test_copy_cost_is_per_started_word() -> None:
    _, gas = run_after(mstore(0, SEQ) + mstore(32, SEQ) + mstore(64, SEQ), mcopy(0, 1, 33))
    assert gas == 3 * 3 + 3 + 3 * 2


def test_zero_length_copy_with_huge_offsets_costs_only_static_gas() -> None:
    mem, gas = run_after(b"", mcopy(2**256 - 1, 2**255, 0))
    assert mem == b""
    assert gas == 3 * 3 + 3


@pytest.mark.parametrize(("dst", "src", "size"), [
    (0, 0, 2**64), (2**64, 0, 1), (0, 2**255, 1),
])
def test_huge_copy_is_out_of_gas_without_allocating(dst: int, src: int, size: int) -> None:
    f = run(mcopy(dst, src, size))
    assert isinstance(f.error, OutOfGas)
    assert len(f.memory) == 0
