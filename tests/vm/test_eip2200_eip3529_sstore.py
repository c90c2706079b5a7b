"""SSTORE net gas metering: EIP-2200's original/current/new cases with EIP-2929's cold surcharge
and EIP-3529's reduced refunds; the EIP-2200 sentry (SSTORE fails with 2300 gas or less left);
refunds journaled with their frame; and the transaction-level refund cap of gasUsed / 5."""
import pytest

from tests.vm.asm import CONTRACT, SENDER, asm, new_state, run, transact
from pydevnet.vm.errors import OutOfGas, WriteProtection

# EIP-3529's table: (original, values stored one after another, gas used, refund). The code
# is PUSH1 v PUSH1 0 SSTORE for each value; the slot is warm before the code starts.
EIP3529_CASES = [
    (0, [0, 0], 212, 0),
    (0, [0, 1], 20112, 0),
    (0, [1, 0], 20112, 19900),
    (0, [1, 2], 20112, 0),
    (0, [1, 1], 20112, 0),
    (1, [0, 0], 3012, 4800),
    (1, [0, 1], 3012, 2800),
    (1, [0, 2], 3012, 0),
    (1, [2, 0], 3012, 4800),
    (1, [2, 3], 3012, 0),
    (1, [2, 1], 3012, 2800),
    (1, [2, 2], 3012, 0),
    (1, [1, 0], 3012, 4800),
    (1, [1, 2], 3012, 0),
    (1, [1, 1], 212, 0),
    (0, [1, 0, 1], 40118, 19900),
    (1, [0, 1, 0], 5918, 7600),
]


def stores(values: list[int], slot: int = 0) -> bytes:
    return b"".join(asm("PUSH1", v, "PUSH1", slot, "SSTORE") for v in values)


def run_stores(original: int, values: list[int], *, warm: bool = True, gas: int = 1_000_000):
    state = new_state({CONTRACT: {"code": b"\x00", "storage": {0: original} if original else {}}})
    if warm:
        state.warm_slot(CONTRACT, 0)
    return run(stores(values), state=state, gas=gas)


@pytest.mark.parametrize(("original", "values", "gas", "refund"), EIP3529_CASES)
def test_eip3529_table(original: int, values: list[int], gas: int, refund: int) -> None:
    f = run_stores(original, values)
    assert f.error is None
    assert 1_000_000 - f.gas == gas
    assert f.state.refund == refund
    assert f.state.get_storage(CONTRACT, 0) == values[-1]
    assert f.state.get_original_storage(CONTRACT, 0) == original


@pytest.mark.parametrize(("original", "value", "gas"), [
    (0, 0, 2100 + 100),     # no-op
    (0, 1, 2100 + 20000),   # set
    (1, 2, 2100 + 2900),    # reset
    (1, 0, 2100 + 2900),    # clear (refund 4800)
])
def test_cold_slot_adds_2100(original: int, value: int, gas: int) -> None:
    f = run_stores(original, [value], warm=False)
    assert 1_000_000 - f.gas == 2 * 3 + gas
    assert (CONTRACT, 0) in f.state.warm_slots


def test_sload_warms_the_slot_for_sstore() -> None:
    state = new_state({CONTRACT: {"code": b"\x00"}})
    f = run(asm("PUSH1 0 SLOAD POP") + stores([1]), state=state)
    assert 1_000_000 - f.gas == 3 + 2100 + 2 + 3 + 3 + 20000


def test_sentry_fails_with_2300_gas_left_eip2200() -> None:
    f = run_stores(0, [0], gas=3 + 3 + 2300)
    assert isinstance(f.error, OutOfGas)
    assert f.gas == 0


def test_sentry_passes_with_2301_gas_left() -> None:
    f = run_stores(0, [0], gas=3 + 3 + 2301)
    assert f.error is None
    assert f.gas == 2301 - 100


def test_sstore_charges_before_writing() -> None:
    f = run_stores(0, [1], gas=3 + 3 + 19999)
    assert isinstance(f.error, OutOfGas)
    assert f.state.get_storage(CONTRACT, 0) == 0


def test_sstore_in_a_static_context_is_write_protected() -> None:
    state = new_state({CONTRACT: {"code": b"\x00"}})
    f = run(stores([1]), state=state, static=True)
    assert isinstance(f.error, WriteProtection)


def test_original_value_is_the_value_at_transaction_start() -> None:
    state = new_state({CONTRACT: {"code": b"\x00", "storage": {0: 1}}})
    state.warm_slot(CONTRACT, 0)
    run(stores([2]), state=state)
    f = run(stores([3]), state=state)  # same transaction: original is still 1, current 2
    assert 1_000_000 - f.gas == 3 + 3 + 100
    state.finalize_tx()
    state.warm_slot(CONTRACT, 0)
    f = run(stores([4]), state=state)  # next transaction: original is now 3
    assert 1_000_000 - f.gas == 3 + 3 + 2900


def _clearing_contract(slots: int) -> dict:
    return {"code": b"".join(stores([0], s) for s in range(slots)),
            "storage": {s: 1 for s in range(slots)}}


def test_refund_below_the_cap_is_paid_in_full() -> None:
    state = new_state({SENDER: {"balance": 10**18}, CONTRACT: _clearing_contract(1)})
    result = transact(state, to=CONTRACT)
    execution = 3 + 3 + 2100 + 2900
    assert result.gas_used == 21000 + execution - 4800


def test_refund_is_capped_at_a_fifth_of_gas_used_eip3529() -> None:
    state = new_state({SENDER: {"balance": 10**18}, CONTRACT: _clearing_contract(5)})
    result = transact(state, to=CONTRACT)
    before_refund = 21000 + 5 * (3 + 3 + 2100 + 2900)
    assert 5 * 4800 > before_refund // 5
    assert result.gas_used == before_refund - before_refund // 5
    assert all(state.get_storage(CONTRACT, s) == 0 for s in range(5))


def test_refund_of_a_reverted_frame_is_dropped() -> None:
    state = new_state({SENDER: {"balance": 10**18},
                       CONTRACT: {"code": stores([0]) + asm("PUSH0 PUSH0 REVERT"),
                                  "storage": {0: 1}}})
    result = transact(state, to=CONTRACT)
    assert not result.success
    assert result.gas_used == 21000 + 3 + 3 + 2100 + 2900 + 2 + 2
    assert state.get_storage(CONTRACT, 0) == 1
