"""The VM benchmark: our KVM against py-evm's Cancun VM on the same fixed workloads, in one run.

    .venv/bin/python bench/vm.py [--quick] [--json] [--runs N] [--only a,b] [--scale F]
    make bench                    (creates the py-evm venv first; BENCH_ARGS=... passes options)

Workloads (bench/workloads.py): five hand-assembled loops (arithmetic, KECCAK256, SLOAD/SSTORE,
CALLDATACOPY/MCOPY/MLOAD/MSTORE, nested CALLs) and four Solidity programs (ERC-20 transfers,
quicksort, sieve, fixed-point math; sources and solc-js artifacts in bench/contracts/).

Both VMs run each workload as one message call on a freshly built and committed pre-state;
time.perf_counter() brackets the call only, and the figure is the median of --runs runs. The
KVM runs in this process (bench/kvm_runner.py); py-evm runs in a child process started with the
interpreter of its own venv (bench/pyevm_runner.py), because its eth-* pins clash with the
project venv. Both must report the same gas, refund, output, logs, post-state root and
deployment gas, or the run stops with exit status 2: only equal work is compared. A separate
whole-process figure times a fresh interpreter that imports the VM, sets up and runs `arith`
once. The issue's bar is the KVM at least 3x py-evm on every workload; a workload below it gets
a cProfile of the KVM printed under the table.
"""
import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # bench/ itself must not be on the path: this file would shadow vm/

from bench import kvm_runner, report, workloads  # noqa: E402
from pydevnet.node.workers import run_in_vm_thread  # noqa: E402

PYEVM_PYTHON = HERE / ".peers" / "pyevm" / "bin" / "python"
BAR = 3.0
WHOLE_PROCESS_WORKLOAD = "arith"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/vm.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5, help="timed runs per workload and VM (median)")
    p.add_argument("--quick", action="store_true", help="one run each, one whole-process run")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--only", help="comma-separated workload names")
    p.add_argument("--scale", type=float, default=1.0, help="multiply every workload's size")
    p.add_argument("--pyevm-python", default=os.environ.get("PYEVM_PYTHON", str(PYEVM_PYTHON)),
                   help="interpreter of the venv with py-evm installed")
    p.add_argument("--no-pyevm", action="store_true", help="time the KVM alone (no comparison)")
    p.add_argument("--no-whole-process", action="store_true")
    p.add_argument("--profile", metavar="WORKLOAD",
                   help="only print a cProfile of the KVM running this workload")
    args = p.parse_args(argv)
    if args.quick:
        args.runs = 1
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def select(specs: list[dict], only: str | None) -> list[dict]:
    if not only:
        return specs
    names = only.split(",")
    unknown = set(names) - {s["name"] for s in specs}
    if unknown:
        have = [s["name"] for s in specs]
        raise SystemExit(f"unknown workload(s) {sorted(unknown)}; have {have}")
    return [s for s in specs if s["name"] in names]


def run_kvm(specs: list[dict], runs: int, log) -> tuple[list[dict], list[int]]:
    def work() -> tuple[list[dict], list[int]]:
        results, ops = [], []
        for spec in specs:
            log(f"KVM     {spec['name']} ...")
            results.append(kvm_runner.run_workload(spec, runs))
            ops.append(kvm_runner.count_ops(spec))
        return results, ops
    return run_in_vm_thread(work)


def run_child(python: str, script: str, specs: list[dict], runs: int) -> tuple[dict, float]:
    """Start `python script`, hand it the request, return its answer and the wall time."""
    req = json.dumps({"runs": runs, "workloads": specs})
    t0 = time.perf_counter()
    p = subprocess.run([python, str(HERE / script)], input=req, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{script} failed (exit {p.returncode}):\n{p.stderr}")
    return json.loads(p.stdout), wall


def check_pyevm(python: str) -> None:
    if not Path(python).exists():
        raise SystemExit(f"no py-evm interpreter at {python}: run `make bench`, or\n"
                         f"  python3 -m venv bench/.peers/pyevm && bench/.peers/pyevm/bin/pip "
                         f"install -r bench/requirements-pyevm.txt\n(or pass --no-pyevm)")


def whole_process(spec: dict, args: argparse.Namespace, log) -> dict:
    """Wall time of a fresh process that starts Python, imports the VM, sets up and runs `spec`
    once, for each VM; the call time it reports itself shows what the rest costs."""
    n = 1 if args.quick else 3
    out = {"what": f"start python, import the VM, set up, run {spec['name']!r} once, exit",
           "runs": n}
    sides = [("kvm", sys.executable, "kvm_runner.py")]
    if not args.no_pyevm:
        sides.append(("pyevm", args.pyevm_python, "pyevm_runner.py"))
    for key, python, script in sides:
        log(f"whole process: {key} ...")
        walls, calls = [], []
        for _ in range(n):
            answer, wall = run_child(python, script, [spec], 1)
            walls.append(wall)
            calls.append(answer["results"][0]["times"][0])
        out[key] = {"wall_s": statistics.median(walls), "call_s": statistics.median(calls),
                    "walls_s": walls}
    return out


def profile_text(spec: dict, top: int = 15) -> str:
    """cProfile of one KVM run of `spec` (the call only), top functions by own time."""
    prof = cProfile.Profile()
    run_in_vm_thread(kvm_runner.run_once, spec, None, prof)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    specs = select(workloads.build(args.scale), args.only)
    if args.profile:
        print(profile_text(select(specs, args.profile)[0], top=25))
        return 0
    if not args.no_pyevm:
        check_pyevm(args.pyevm_python)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    ours, ops = run_kvm(specs, args.runs, log)
    peer = None
    if not args.no_pyevm:
        log(f"py-evm  {len(specs)} workloads ...")
        peer, _ = run_child(args.pyevm_python, "pyevm_runner.py", specs, args.runs)
        try:
            for o, p in zip(ours, peer["results"]):
                report.check_same(o, p)
        except report.Mismatch as e:
            print(f"FAIL: {e}", file=sys.stderr)
            return 2
    rows = [report.summarize(s, o, None if peer is None else peer["results"][i], n, BAR)
            for i, (s, o, n) in enumerate(zip(specs, ours, ops))]
    doc = {
        "meta": {"python": platform.python_version(), "cpu": report.cpu_name(), "runs": args.runs,
                 "scale": args.scale, "kvm": "pydevnet KVM",
                 "pyevm": None if peer is None else peer["vm"], "bar": BAR},
        "workloads": rows,
    }
    if peer is not None:
        doc["all_meet_bar"] = all(r["meets_bar"] for r in rows)
    slow = [s for s, r in zip(specs, rows) if r.get("meets_bar") is False]
    doc["profiles"] = {s["name"]: profile_text(s) for s in slow}
    wp_spec = next((s for s in specs if s["name"] == WHOLE_PROCESS_WORKLOAD), None)
    if not args.no_whole_process and wp_spec is not None:
        doc["whole_process"] = whole_process(wp_spec, args, log)
    print(json.dumps(doc, indent=2) if args.json else render(doc))
    return 0


def render(doc: dict) -> str:
    m, rows = doc["meta"], doc["workloads"]
    head = (f"KVM vs {m['pyevm'] or '(no peer)'} on Python {m['python']}, {m['cpu']}; "
            f"median of {m['runs']} run(s), scale {m['scale']:g}")
    if m["pyevm"]:
        head += ("\nratio = KVM speed / py-evm speed; gas, refund, output, logs, post-state "
                 "root and deployment gas checked equal")
    lines = [head, "", report.table(rows, m["bar"]), ""]
    for r in rows:
        if r["name"] == "arith":
            peer = r.get("pyevm")
            lines.append(f"arith: {r['opcodes']:,} opcodes; KVM {r['kvm']['mops_per_s']:.2f} M "
                         f"opcodes/s" + (f", py-evm {peer['mops_per_s']:.2f} M opcodes/s"
                                         if peer else ""))
    if "all_meet_bar" in doc:
        lines.append(f"every workload >= {m['bar']:g}x py-evm: "
                     f"{'yes' if doc['all_meet_bar'] else 'NO'}")
    if "whole_process" in doc:
        lines += [""] + report.whole_process_lines(doc["whole_process"])
    for name, text in doc["profiles"].items():
        lines += ["", f"below the bar: {name}; cProfile of one KVM run (the call only):", text]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
