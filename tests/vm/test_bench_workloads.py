"""bench/vm.py's KVM side still runs (a smoke test of the harness, not a timing): every workload
at a small scale completes with the expected outcome, and the op counter (a vm.tracing.Tracer in
the traced loop) agrees with a second count. The speed figures come from `make bench` only."""
import pytest

from bench import kvm_runner, workloads
from pydevnet.node.workers import run_in_vm_thread

SPECS = workloads.build(scale=0.01)


def test_every_workload_listed():
    assert {s["name"] for s in SPECS} == {"arith", "keccak", "storage", "memcopy", "calls",
                                          "erc20", "sort", "sieve", "fixedpoint"}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s["name"])
def test_workload_runs_and_counts_ops(spec):
    result = run_in_vm_thread(kvm_runner.run_workload, spec, 2)  # both runs end the same way
    assert result["success"] and result["error"] is None
    assert result["gas_used"] > 10_000
    ops = run_in_vm_thread(kvm_runner.count_ops, spec)
    assert ops > 10 and ops == run_in_vm_thread(kvm_runner.count_ops, spec)
