"""The run compiler (vm/jit) against the fast loop it replaces: whatever the code, KVM_JIT=off and
KVM_JIT=always (and auto, once hot) must end a frame the same way: success, gas left, output,
error type, memory, storage and logs, and the stack unless the frame ended exceptionally (then the
frame is discarded and its stack is never read)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import workloads
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import MemoryStore
from tests.vm.asm import asm, run
from tests.vm.test_fast_loop_equivalence import CALLER, OTHER, TARGET, _piece
from pydevnet.vm import analysis, jit, message
from pydevnet.vm.errors import ExceptionalHalt
from pydevnet.vm.frame import BlockEnv, TxEnv
from pydevnet.vm.table import CANCUN


@pytest.fixture(autouse=True)
def _restore_mode():
    mode = jit.MODE
    yield
    jit.set_mode(mode)


def _frame(code: bytes, gas: int, mode: str, data: bytes = b"", repeat: int = 1):
    jit.set_mode(mode)
    for _ in range(repeat):  # auto: the later runs go through compiled units
        f = run(code, gas=gas, data=data)
    err = f.error
    stack = None if isinstance(err, ExceptionalHalt) else list(f.stack)
    return (f.error is None, f.gas, f.output, type(err), stack, bytes(f.memory),
            f.state.logs if hasattr(f.state, "logs") else None)


def _call(code: bytes, gas: int, mode: str):
    jit.set_mode(mode)
    st_ = StateDB(MemoryStore())
    st_.set_code(TARGET, code)
    st_.set_code(OTHER, bytes.fromhex("5a60005500"))
    st_.set_balance(CALLER, 10 ** 18)
    st_.begin_tx()
    block = BlockEnv(spec=CANCUN, coinbase=bytes(20), number=1, timestamp=1, gas_limit=10 ** 7,
                     prevrandao=0, base_fee=0, chain_id=1)
    ok, left, out, err = message.call(st_, block, TxEnv(CALLER, 0), CALLER, TARGET, TARGET, 0,
                                      b"", gas, 0, False)
    storage = {(a, k): st_.get_storage(a, k) for a in (TARGET, OTHER) for k in range(4)}
    return ok, left, out, storage, list(st_.logs), type(err)


def _agree(code: bytes, gas: int = 1_000_000, data: bytes = b""):
    base = _frame(code, gas, "off", data)
    assert _frame(code, gas, "always", data) == base
    assert _frame(code, gas, "auto", data, repeat=jit.HOT_THRESHOLD + 1) == base
    return base


# Ops the compiler inlines, weighted in, on top of the fast-loop test's pieces.
INLINED = [0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
           0x19, 0x1A, 0x1B, 0x1C, 0x50, 0x51, 0x52, 0x58, 0x5A, 0x5B, 0x5F, 0x35, 0x0A, 0x1D,
           *range(0x80, 0x90), *range(0x90, 0xA0)]


def _piece2():
    big = st.sampled_from([0, 1, 31, 32, 255, 256, 257, 2 ** 255, 2 ** 256 - 1, 2 ** 64])
    push32 = big.map(lambda v: b"\x7f" + v.to_bytes(32, "big"))
    return st.one_of(_piece(), st.sampled_from(INLINED).map(lambda b: bytes([b])), push32,
                     st.integers(0, 255).map(lambda b: bytes([b])))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece2(), min_size=1, max_size=50), st.integers(0, 60000),
       st.binary(max_size=40))
def test_frames_agree(pieces, gas, data):
    _agree(b"".join(pieces), gas, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece(), min_size=1, max_size=40), st.integers(0, 60000))
def test_message_calls_agree(pieces, gas):
    code = b"".join(pieces)
    base = _call(code, gas, "off")
    assert _call(code, gas, "always") == base


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece2(), min_size=1, max_size=30), st.integers(0, 1030))
def test_deep_stacks_agree(pieces, depth):
    # PUSH0 x depth, then a JUMPDEST entry so the unit's bounds check sees a deep stack
    code = b"\x5f" * depth + b"\x5b" + b"".join(pieces)
    _agree(code, 1_000_000)


CASES = {
    "underflow at run start": asm("ADD", "STOP"),
    "underflow mid-run": asm(1, 2, "ADD", "ADD", "STOP"),
    "underflow after a memory OOG": asm(1, 2 ** 40, "MSTORE", "ADD"),
    "overflow at run start": b"\x5f" * 1025,
    "overflow mid-run": b"\x5f" * 1020 + asm("JUMPDEST") + b"\x80" * 10,
    "overflow by PUSH+JUMP": b"\x5f" * 1024 + asm("l:", "JUMPDEST", "@l", "JUMP"),
    "OOG mid-run": asm(1, 10 ** 6, "MSTORE", "STOP"),
    "jump to non-JUMPDEST": asm(4, "JUMP", "STOP", "STOP"),
    "jump into PUSH data": asm(3, "JUMP", "PUSH1", 0x5B, "STOP"),
    "dynamic jump into PUSH data": asm(3, 0, "ADD", "JUMP", "PUSH1", 0x5B, "STOP"),
    "jumpi not taken to bad dest": asm(0, 99, "JUMPI", 1, "STOP"),
    "jumpi taken to bad dest": asm(1, 99, "JUMPI", 1, "STOP"),
    "wraparound": asm(0, 1, "SUB", 1, "ADD", 2 ** 255, 2, "MUL", "NOT", "STOP"),
    "shifts >= 256": asm(1, 256, "SHL", 2 ** 255, 256, "SHR", 1, 255, "SHL", 7, 2 ** 300 % 2 ** 256,
                         "SHR", "STOP"),
    "no STOP at end": asm(1, 2, "ADD"),
    "PUSH32 at end": asm(1) + b"\x7f\x01\x02",
    "mload/mstore": asm(0xAB, 0x20, "MSTORE", 0x10, "MLOAD", 0x3F, "MLOAD", "MSIZE", "STOP"),
    "gas op": asm(1, "GAS", 2, "GAS", "ADD", "STOP"),
    "return": asm(0x1234, 0, "MSTORE", 32, 0, "RETURN"),
    "revert": asm(0x1234, 0, "MSTORE", 32, 0, "REVERT"),
    "loop": asm(100, "top:", "JUMPDEST", 1, "SWAP1", "SUB", "DUP1", "@top", "JUMPI", "STOP"),
    "calldataload": asm(0, "CALLDATALOAD", 30, "CALLDATALOAD", 2 ** 70, "CALLDATALOAD", "STOP"),
    "swap deep": asm(*range(1, 18), "SWAP16", "DUP16", "POP", "SWAP1", "STOP"),
    "undefined opcode": asm(1, 2) + b"\x0c",
    "taken JUMPI skips a deep segment": asm(1, "@skip", "JUMPI", "ADD", "ADD", "ADD", "skip:",
                                            "JUMPDEST", 5, "STOP"),
    "untaken JUMPI into a deep segment": asm(0, "@skip", "JUMPI", "ADD", "skip:", "JUMPDEST",
                                             "STOP"),
    "constant jump chain": asm("@a", "JUMP", "b:", "JUMPDEST", 2, "@c", "JUMP", "a:", "JUMPDEST",
                               1, "@b", "JUMP", "c:", "JUMPDEST", "ADD", "STOP"),
    "endless constant jump loop": asm("l:", "JUMPDEST", 1, "POP", "@l", "JUMP"),
    "endless loop growing the stack": asm("l:", "JUMPDEST", 1, "@l", "JUMP"),
    "GAS then more": asm("GAS", 1, "ADD", "GAS", "SWAP1", "SUB", 0, "MSTORE", 32, 0, "RETURN"),
    "jump to the end of code": asm(1, "@e", "JUMPI", "e:", "JUMPDEST"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_assembled(name):
    for gas in (1_000_000, 30, 7, 0):
        _agree(CASES[name], gas, data=bytes(range(40)))


def test_bench_programs_agree():
    callee = workloads.callee_program()
    for code in (workloads.arith_program(50), workloads.keccak_program(20),
                 workloads.storage_program(10), workloads.memcopy_program(10),
                 workloads.caller_program(3, b"\x77" * 20), callee):
        for gas in (10_000_000, 5000):
            _agree(code, gas, data=workloads.memcopy_calldata())


def test_compiled_units_replace_entries():
    jit.set_mode("always")
    code = asm(100, "top:", "JUMPDEST", 1, "SWAP1", "SUB", "DUP1", "@top", "JUMPI", "STOP")
    a = analysis.analyse(code, CANCUN)
    assert a.program[0].__name__ == "unit"
    jit.set_mode("off")
    assert analysis.analyse(code, CANCUN).program[0].__name__ != "unit"


def test_auto_compiles_hot_entries_only():
    jit.set_mode("auto")
    code = asm(3, "top:", "JUMPDEST", 1, "SWAP1", "SUB", "DUP1", "@top", "JUMPI", "STOP")
    program = analysis.analyse(code, CANCUN).program
    run(code)
    assert program[0].__name__ == "count"  # executed once: still counting
    for _ in range(jit.HOT_THRESHOLD):
        run(code)
    assert program[0].__name__ == "unit"


def test_compiled_source_is_bounded_process_wide_and_returned_on_eviction():
    """Past the process-wide budget new units stay interpreted (same results); the source of a
    code whose analysis leaves the cache is given back."""
    jit.set_mode("always")
    base = jit.total_left()
    loop = asm("PUSH1 100 JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 2 JUMPI STOP")
    a = analysis.analyse(loop, CANCUN)
    spent = a.jit_budget.spent
    assert spent > 0 and jit.total_left() == base - spent
    assert a.program[2].__name__ == "unit"
    saved = jit._total[0]
    jit._total[0] = 0  # nothing left: the next code is not compiled
    try:
        b = analysis.analyse(loop + b"\x00", CANCUN)
        assert b.jit_budget.spent == 0 and b.program[2].__name__ != "unit"
        assert _frame(loop + b"\x00", 100_000, "always") == _frame(loop, 100_000, "off")
    finally:
        jit._total[0] = saved
    del a, b
    analysis.clear_cache()
    assert jit.total_left() == base
