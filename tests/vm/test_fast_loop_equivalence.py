"""The fast loop charges static gas a run at a time through a pre-decoded program (vm/analysis.py,
vm/table.py); the traced loop charges every opcode before running it, as the Yellow Paper does.
Whatever the code, both must end a frame the same way: success, gas left, output, storage, logs.
Hypothesis writes the programs: arithmetic, stack, memory, jumps (valid and not), GAS, SSTORE,
calls and PUSH/JUMPI pairs, run with gas limits that often stop them half-way."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pydevnet.state.statedb import StateDB
from pydevnet.state.store import MemoryStore
from pydevnet.vm import message
from pydevnet.vm.frame import BlockEnv, TxEnv
from pydevnet.vm.table import CANCUN
from pydevnet.vm.tracing import Tracer

CALLER = bytes.fromhex("aa" * 20)
TARGET = bytes.fromhex("bb" * 20)
OTHER = bytes.fromhex("cc" * 20)

SIMPLE = [0x01, 0x02, 0x03, 0x04, 0x06, 0x0A, 0x10, 0x14, 0x15, 0x16, 0x19, 0x1B, 0x50, 0x51,
          0x52, 0x53, 0x54, 0x59, 0x5A, 0x5B, 0x58, 0x80, 0x81, 0x82, 0x90, 0x91, 0x5F, 0x20,
          0x3D, 0x33, 0xA0, 0xA1]
HALTS = [0x00, 0xF3, 0xFD, 0xFE]


class NullTracer(Tracer):
    def step(self, f, pc, op):
        pass

    def frame_end(self, f):
        pass


def _piece():
    push = st.tuples(st.integers(1, 3), st.integers(0, 2 ** 16)).map(
        lambda t: bytes([0x5F + t[0]]) + t[1].to_bytes(3, "big")[-t[0]:])
    jump = st.tuples(st.integers(0, 80), st.sampled_from([0x56, 0x57])).map(
        lambda t: bytes([0x60, t[0], t[1]]))
    sstore = st.tuples(st.integers(0, 3), st.integers(0, 2)).map(
        lambda t: bytes([0x60, t[1], 0x60, t[0], 0x55]))
    call = st.just(bytes.fromhex("6000600060006000600073" + OTHER.hex() + "5af150"))
    return st.one_of(st.sampled_from(SIMPLE).map(lambda b: bytes([b])), push, jump, sstore,
                     call, st.sampled_from(HALTS).map(lambda b: bytes([b])))


def _run(code: bytes, gas: int, traced: bool):
    st_ = StateDB(MemoryStore())
    st_.set_code(TARGET, code)
    st_.set_code(OTHER, bytes.fromhex("5a60005500"))  # stores GAS: the 63/64 rule shows in it
    st_.set_balance(CALLER, 10 ** 18)
    st_.begin_tx()
    block = BlockEnv(spec=CANCUN, coinbase=bytes(20), number=1, timestamp=1, gas_limit=10 ** 7,
                     prevrandao=0, base_fee=0, chain_id=1)
    tx = TxEnv(CALLER, 0, (), NullTracer() if traced else None)
    ok, left, out, err = message.call(st_, block, tx, CALLER, TARGET, TARGET, 0, b"", gas, 0,
                                      False)
    storage = {(a, k): st_.get_storage(a, k) for a in (TARGET, OTHER) for k in range(4)}
    return ok, left, out, storage, list(st_.logs), type(err) if ok else None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece(), min_size=1, max_size=40), st.integers(0, 60000))
def test_fast_and_traced_loops_agree(pieces, gas):
    code = b"".join(pieces)
    assert _run(code, gas, traced=False) == _run(code, gas, traced=True)


def test_gas_opcode_sees_exact_gas_in_both_loops():
    # PUSH1 0; GAS; PUSH1 0; SSTORE; STOP: GAS pushes gas left after its own 2
    code = bytes.fromhex("60005a60005500")
    for traced in (False, True):
        ok, left, out, storage, logs, _ = _run(code, 100_000, traced)
        assert ok and storage[(TARGET, 0)] == 100_000 - 3 - 2
