"""LOG0-LOG4 (0xa0-0xa4): 375 gas, 375 per topic and 8 per data byte plus memory expansion; the
first popped topic is the first topic of the log; logs of a reverted frame are dropped."""
import pytest

from tests.vm.asm import CONTRACT, address, asm, call_op, message_call, new_state, run

B = address(0xB)


@pytest.mark.parametrize("n", range(5))
def test_log_gas_and_topics(n: int) -> None:
    topics = [0x10 + i for i in range(n)]
    code = asm("PUSH4 0xAABBCCDD PUSH0 MSTORE", *reversed(topics), 4, 28, f"LOG{n}")
    f = run(code)
    assert f.error is None
    assert f.state.logs == [(CONTRACT, topics, b"\xaa\xbb\xcc\xdd")]
    setup = 3 + 2 + 3 + 3  # PUSH4 PUSH0 MSTORE (+1 word)
    assert 1_000_000 - f.gas == setup + 3 * (n + 2) + 375 + 375 * n + 8 * 4


def test_log_data_expands_memory() -> None:
    f = run(asm(64, 0, "LOG0"))
    assert f.state.logs == [(CONTRACT, [], bytes(64))]
    assert 1_000_000 - f.gas == 3 + 3 + 375 + 8 * 64 + 6


def test_empty_log_at_a_huge_offset() -> None:
    f = run(asm("PUSH0", "PUSH", 2**256 - 1, "LOG0"))
    assert f.error is None
    assert f.state.logs == [(CONTRACT, [], b"")]


def test_logs_of_a_reverted_call_are_dropped() -> None:
    state = new_state({B: {"code": asm("PUSH0 PUSH0 LOG0 PUSH0 PUSH0 REVERT")}})
    f = run(asm("PUSH0 PUSH0 LOG0") + call_op("CALL", B) + asm("PUSH0 PUSH0 LOG0"), state=state)
    assert f.stack == [0]
    assert state.logs == [(CONTRACT, [], b""), (CONTRACT, [], b"")]


def test_logs_of_a_successful_call_are_kept_in_order() -> None:
    state = new_state({B: {"code": asm("PUSH1 2 PUSH0 PUSH0 LOG1")}})
    code = asm("PUSH1 1 PUSH0 PUSH0 LOG1") + call_op("CALL", B) + asm("PUSH1 3 PUSH0 PUSH0 LOG1")
    run(code, state=state)
    assert [(a, t) for a, t, _ in state.logs] == [(CONTRACT, [1]), (B, [2]), (CONTRACT, [3])]


def test_failed_message_call_drops_its_logs() -> None:
    state = new_state({B: {"code": asm("PUSH0 PUSH0 LOG0 INVALID")}})
    assert not message_call(state, B).ok
    assert state.logs == []
