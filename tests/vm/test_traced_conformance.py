"""With a call-level tracer attached (steps=False: frames stay in the fast loop, only the
enter/exit hooks run), call- and create-heavy GeneralStateTests still reach their post states,
and the hooks nest: every enter is closed by exactly one exit at the same depth.
The debug_trace* replays run this traced path, so it must execute exactly as the untraced one
(which tests/conformance checks in full)."""

import pytest

from pydevnet.node.statetest import run_file
from tests.fixtures import fixture_dir
from pydevnet.vm.tracing import Tracer

SUITE = fixture_dir("GeneralStateTests")
GROUPS = ("stCallCodes", "stCreate2", "stRevertTest", "stCallCreateCallCodeTest",
          "stDelegatecallTestHomestead", "stStaticCall")
FILES = sorted(p for g in GROUPS for p in (SUITE / g).glob("*.json"))

class NestingTracer(Tracer):
    steps = False
    def __init__(self) -> None:
        self.open: list[int] = []
        self.entered = 0
    def enter(self, kind, sender, to, value, data, gas, depth) -> None:
        assert depth == len(self.open), (depth, self.open)
        assert gas >= 0 and len(sender) == 20
        self.open.append(depth)
        self.entered += 1
    def exit(self, depth, gas_used, output, error) -> None:
        assert self.open and self.open.pop() == depth
        assert gas_used >= 0

def test_groups_present():
    assert len(FILES) > 300

@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_traced_post_state(path):
    tracer = NestingTracer()
    results = list(run_file(path, tracer=tracer))
    bad = [r for r in results if not r.passed]
    assert not bad, [(r.name, r.index, r.detail) for r in bad[:3]]
    assert not tracer.open
    executed = sum(1 for r in results if not r.detail.startswith("rejected"))
    assert tracer.entered >= executed  # each executed transaction enters its own message
