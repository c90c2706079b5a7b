"""A few cycles of the crash harness (tests/integration/crash_harness.py) in each mining mode:
SIGKILL at seeded points under three concurrent senders, the whole chain checked after every
restart, 0 acknowledged transactions lost. The automine run grows a chain of more than a thousand
blocks with contract storage, which a clean restart then keeps hash for hash. `make soak` runs
hundreds of cycles. Each mode runs with the default unsynced writes (which must survive any crash
of the process) and automine again with --fsync."""
import pytest

from tests.integration.crash_harness import Harness

CYCLES = {"auto": (4, (250, 400)), "interval": (3, (60, 150)), "manual": (3, (60, 150))}


@pytest.mark.parametrize("mode, fsync", [*((m, False) for m in sorted(CYCLES)), ("auto", True)],
                         ids=[*sorted(CYCLES), "auto-fsync"])
def test_sigkill_cycles_lose_nothing(tmp_path, mode, fsync) -> None:
    cycles, per_cycle = CYCLES[mode]
    report = Harness(tmp_path, mode, seed=7, per_cycle=per_cycle, fsync=fsync).run(cycles)
    print(report.line())
    assert report.cycles == cycles and not report.lost
    assert report.acknowledged >= cycles * per_cycle[0]
    assert report.mined + report.pending == report.acknowledged
    if mode == "auto":
        assert report.blocks > 1000
        assert report.mined == report.acknowledged
