"""EIP-3155 JSON tracing (vm/tracing.py JsonTracer): one object per instruction, written before it
runs, with pc, op, gas, gasCost, memSize, stack, depth, refund and opName; then one summary line
for the outermost frame with its output, the gas its execution used and its error."""
import io
import json

from tests.vm.asm import (CONTRACT, SENDER, address, asm, call_op, new_state, run, transact,
                          tx_env)
from pydevnet.vm.tracing import JsonTracer

B = address(0xB)
CODE = asm("PUSH1 1 PUSH1 2 ADD PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")


def traced(code: bytes, gas: int = 100_000, **kw) -> tuple[list[dict], object]:
    out = io.StringIO()
    f = run(code, gas=gas, tx=tx_env(tracer=JsonTracer(out)), **kw)
    return [json.loads(line) for line in out.getvalue().splitlines()], f


def test_first_step_has_every_field() -> None:
    lines, _ = traced(CODE)
    assert lines[0] == {"pc": 0, "op": 0x60, "gas": "0x186a0", "gasCost": "0x3", "memSize": 0,
                        "stack": [], "depth": 1, "refund": 0, "opName": "PUSH1"}


def test_steps_show_the_state_before_each_instruction() -> None:
    lines, _ = traced(CODE)
    steps = lines[:-1]
    assert [s["opName"] for s in steps] == ["PUSH1", "PUSH1", "ADD", "PUSH0", "MSTORE", "PUSH1",
                                            "PUSH0", "RETURN"]
    assert [s["pc"] for s in steps] == [0, 2, 4, 5, 6, 7, 9, 10]
    assert steps[2]["stack"] == ["0x1", "0x2"]
    assert steps[4]["stack"] == ["0x3", "0x0"]
    assert [s["memSize"] for s in steps] == [0, 0, 0, 0, 0, 32, 32, 32]
    assert steps[5]["gas"] == hex(100_000 - 3 - 3 - 3 - 2 - 6)


def test_summary_line_reports_output_and_gas_used() -> None:
    lines, f = traced(CODE)
    assert lines[-1] == {"output": "00" * 31 + "03", "gasUsed": hex(100_000 - f.gas),
                         "error": None}
    assert 100_000 - f.gas == 3 + 3 + 3 + 2 + 6 + 3 + 2


def test_summary_of_an_exceptional_halt_uses_all_gas() -> None:
    lines, _ = traced(asm("PUSH0 INVALID"), gas=5000)
    assert lines[-1] == {"output": "", "gasUsed": hex(5000), "error": "InvalidOpcode"}


def test_summary_of_a_revert() -> None:
    lines, _ = traced(asm("PUSH1 2 PUSH1 30 REVERT"))
    assert lines[-1]["error"] == "Revert"
    assert lines[-1]["output"] == "0000"


def test_nested_call_steps_have_depth_2_and_no_summary_of_their_own() -> None:
    state = new_state({B: {"code": asm("PUSH1 7 POP")}})
    lines, _ = traced(call_op("CALL", B), state=state)
    depths = [line.get("depth") for line in lines[:-1]]
    assert depths == [1] * 8 + [2, 2, 2] + [1]  # 7 pushes and CALL; B's PUSH1 POP STOP; STOP
    assert [line["opName"] for line in lines if line.get("depth") == 2] == ["PUSH1", "POP",
                                                                           "STOP"]
    assert "gasUsed" in lines[-1] and sum("gasUsed" in line for line in lines) == 1


def test_refund_field_follows_the_refund_counter() -> None:
    state = new_state({CONTRACT: {"code": b"\x00", "storage": {0: 1}}})
    lines, _ = traced(asm("PUSH0 PUSH0 SSTORE STOP"), state=state)
    assert [line["refund"] for line in lines[:-1]] == [0, 0, 0, 4800]


def test_tracing_does_not_change_the_result() -> None:
    _, f = traced(CODE)
    plain = run(CODE, gas=100_000)
    assert (f.gas, f.output, f.stack) == (plain.gas, plain.output, plain.stack)


def test_transaction_summary_excludes_intrinsic_gas() -> None:
    state = new_state({SENDER: {"balance": 10**18}, CONTRACT: {"code": CODE}})
    out = io.StringIO()
    result = transact(state, to=CONTRACT, tracer=JsonTracer(out))
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert int(summary["gasUsed"], 16) == result.gas_used - 21000 == 22
