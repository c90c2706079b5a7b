"""Environment opcodes 0x30-0x3f: the call's context (ADDRESS, ORIGIN, CALLER, CALLVALUE,
GASPRICE), call data and code reads zero-padded past their end (CALLDATALOAD, CALLDATACOPY,
CODECOPY, EXTCODECOPY), CODESIZE/EXTCODESIZE and EIP-1052 EXTCODEHASH (0 for an account that does
not exist or is empty, keccak256 of the code otherwise)."""
import pytest

from pydevnet.state.hashing import EMPTY_CODE_HASH, keccak256
from tests.vm.asm import (CALLER, CONTRACT, SENDER, address, as_int, asm, new_state, run,
                          tx_env)

X = address(0x99)
DATA = bytes(range(1, 41))  # 40 bytes


@pytest.mark.parametrize(("op", "expected"), [
    ("ADDRESS", as_int(CONTRACT)),
    ("ORIGIN", as_int(SENDER)),
    ("CALLER", as_int(CALLER)),
    ("CALLVALUE", 77),
    ("CALLDATASIZE", 40),
    ("GASPRICE", 123),
])
def test_context_values(op: str, expected: int) -> None:
    f = run(asm(op), value=77, data=DATA, tx=tx_env(gas_price=123))
    assert f.stack == [expected]
    assert 1_000_000 - f.gas == 2


@pytest.mark.parametrize(("offset", "expected"), [
    (0, DATA[:32]),
    (8, DATA[8:40]),
    (20, DATA[20:] + bytes(12)),   # zero-padded past the end
    (40, bytes(32)),
    (2**256 - 1, bytes(32)),
])
def test_calldataload(offset: int, expected: bytes) -> None:
    f = run(asm("PUSH", offset, "CALLDATALOAD"), data=DATA)
    assert f.stack == [int.from_bytes(expected, "big")]
    assert 1_000_000 - f.gas == 3 + 3


def test_calldatacopy_pads_with_zeros_and_charges_per_word() -> None:
    f = run(asm(48, 30, 0, "CALLDATACOPY"), data=DATA)
    assert bytes(f.memory) == DATA[30:] + bytes(38) + bytes(16)
    assert 1_000_000 - f.gas == 3 * 3 + 3 + 3 * 2 + 6


def test_calldatacopy_from_a_huge_offset_copies_zeros() -> None:
    f = run(asm("PUSH1 1 PUSH0 MSTORE", 32, "PUSH", 2**256 - 1, "PUSH0 CALLDATACOPY PUSH0 MLOAD"),
            data=DATA)
    assert f.stack == [0]


def test_codesize_and_codecopy_past_the_end() -> None:
    code = asm("CODESIZE", 64, 0, 0, "CODECOPY")
    f = run(code)
    assert f.stack == [len(code)]
    assert bytes(f.memory) == code + bytes(64 - len(code))


def test_extcodesize_and_extcodecopy() -> None:
    state = new_state({X: {"code": b"\x60\x01\x00"}})
    f = run(asm("PUSH20", as_int(X), "EXTCODESIZE", 8, 1, 0, "PUSH20", as_int(X),
                "EXTCODECOPY"), state=state)
    assert f.stack == [3]
    assert bytes(f.memory) == b"\x01\x00" + bytes(30)


@pytest.mark.parametrize(("account", "expected"), [
    (None, 0),
    ({}, 0),                                     # exists but empty: 0, not keccak256("")
    ({"balance": 1}, as_int(EMPTY_CODE_HASH)),   # alive without code
    ({"nonce": 1}, as_int(EMPTY_CODE_HASH)),
    ({"code": b"\xfe"}, as_int(keccak256(b"\xfe"))),
], ids=["missing", "empty", "balance", "nonce", "code"])
def test_extcodehash_eip1052(account: dict | None, expected: int) -> None:
    state = new_state({} if account is None else {X: account})
    f = run(asm("PUSH20", as_int(X), "EXTCODEHASH"), state=state)
    assert f.stack == [expected]


def test_extcodehash_of_self_during_execution() -> None:
    code = asm("ADDRESS EXTCODEHASH")
    assert run(code).stack == [as_int(keccak256(code))]
