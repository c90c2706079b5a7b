"""debug_traceCall's `timeout` (a Go duration) at its limits: past Go's int64 nanoseconds it is
an invalid duration (-32602), as in geth. It was accepted: "999...9h" became an infinite wait,
which killed the watchdog thread (OverflowError) so that no later call in the process was ever
stopped at --rpc-timeout. The longest valid one still leaves the watchdog working."""
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import Devnet
from pydevnet.state.store import MemoryStore
from tests.rpc.fuzzing import InProcess

DEV = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
LOOP = "0x" + "00" * 19 + "77"
CALL = {"from": DEV, "to": LOOP, "gas": hex(50_000_000)}
OVERRIDES = {LOOP: {"code": "0x5b600056"}}  # JUMPDEST PUSH1 0 JUMP: loops until out of gas


@pytest.fixture
def node():
    n = InProcess(Devnet(MemoryStore(), Genesis(), rpc_timeout=0.05))
    yield n
    n.close()


def _trace(node, timeout) -> dict:
    return node.request("debug_traceCall", [CALL, "latest", {
        "tracer": "noopTracer", "timeout": timeout, "stateOverrides": OVERRIDES}])


@pytest.mark.parametrize("timeout", ["9" * 400 + "h", "2562048h", "9223372037s", "١s", "1e3s"])
def test_durations_go_refuses_are_invalid_params(node, timeout):
    err = _trace(node, timeout)["error"]
    assert err["code"] == -32602 and "invalid duration" in err["message"]
    assert len(err["message"]) < 120


def test_the_longest_duration_leaves_the_watchdog_alive(node):
    # the most Go's int64 nanoseconds hold, about what a thread can wait (threading.TIMEOUT_MAX)
    assert _trace(node, "9223372036.8s") == {"jsonrpc": "2.0", "id": 1, "result": {}}
    err = node.request("eth_call", [CALL, "latest", OVERRIDES])["error"]
    assert err["code"] == -32000 and "timeout" in err["message"]  # stopped at 50 ms
