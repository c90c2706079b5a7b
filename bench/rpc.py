"""The RPC benchmark: pydevnet's JSON-RPC server against Anvil and Hardhat 3's node, in one run.

    .venv/bin/python bench/rpc.py [--quick] [--json] [--runs N] [--only devnet,anvil,hardhat]
    make bench-rpc                (installs the pinned peers first; BENCH_ARGS=... passes options)
    .venv/bin/python bench/rpc.py --profile     (where pydevnet's time goes, in process)

Each node is started from its own binary on a free port with fresh state (pydevnet twice: with
--memory and with a new --datadir, i.e. LevelDB), automine, chain id 31337 and the `test test ...
junk` accounts, and stopped by its PID after the run. Per start it measures: the time from spawn
to the first eth_chainId answer; N value transfers from account 0, signed beforehand (EIP-1559,
100 gwei fee cap) and sent one at a time over one keep-alive connection, each automined before
its answer (then the nonce and every receipt are checked); M eth_call requests to a BenchToken's
balanceOf; eth_blockNumber over one connection and over K at once. Runs are interleaved (run 1 of
every node, then run 2, ...) and every figure is the median over the runs.
"""
import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # bench/ itself must not be on the path: this file would shadow rpc/

from bench import report, rpc_nodes, rpc_report  # noqa: E402
from bench import rpc_workloads as wl  # noqa: E402

FAMILIES = ("devnet", "anvil", "hardhat")
FULL = dict(runs=5, transfers=400, calls=2000, block_numbers=3000, concurrency=4)
QUICK = dict(runs=3, transfers=150, calls=500, block_numbers=1000, concurrency=4)
WARMUP = 50


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/rpc.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help=f"fewer runs and requests: {QUICK}")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--only", default=",".join(FAMILIES),
                   help="comma-separated nodes: devnet (both variants), devnet-memory, "
                        "devnet-datadir, anvil, hardhat (default: all)")
    p.add_argument("--runs", type=int, help=f"starts per node (default {FULL['runs']})")
    p.add_argument("--transfers", type=int, help=f"N (default {FULL['transfers']})")
    p.add_argument("--calls", type=int, help=f"M eth_call requests (default {FULL['calls']})")
    p.add_argument("--block-numbers", type=int,
                   help=f"eth_blockNumber requests (default {FULL['block_numbers']})")
    p.add_argument("--concurrency", type=int,
                   help=f"K connections for eth_blockNumber (default {FULL['concurrency']}, "
                        "0 skips it); each sends --block-numbers / K requests")
    p.add_argument("--profile", action="store_true",
                   help="profile pydevnet in process (cProfile) instead of comparing nodes")
    args = p.parse_args(argv)
    for k, v in (QUICK if args.quick else FULL).items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    if args.runs < 1 or args.transfers < 1 or args.calls < 1 or args.block_numbers < 1:
        p.error("--runs, --transfers, --calls and --block-numbers must be at least 1")
    return args


def select_kinds(only: str) -> list[rpc_nodes.Kind]:
    names = [n.strip() for n in only.split(",") if n.strip()]
    kinds = rpc_nodes.all_kinds()
    known = set(FAMILIES) | {k.key for k in kinds}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"--only: unknown node(s) {unknown}; choose from {sorted(known)}")
    return [k for k in kinds if k.key in names or k.family in names]


def measure_once(kind: rpc_nodes.Kind, plan: wl.Plan, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"pydevnet-bench-{kind.key}-") as scratch:
        node = rpc_nodes.start(kind, Path(scratch))
        try:
            return _measure(node, plan, args)
        except Exception as e:
            tail = node.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{kind.key}: {e}\n--- its log (tail) ---\n{tail}") from e
        finally:
            node.stop()


def _measure(node: rpc_nodes.Running, plan: wl.Plan, args: argparse.Namespace) -> dict:
    c = node.client
    wl.check_fresh(c, plan)
    strict = node.kind.family != "anvil"  # Anvil answers before mining (bench/README.md)
    out = {"startup_s": node.startup_s, "transfers": wl.transfers(c, plan)}
    out["transfers"]["blocks"] = wl.verify_transfers(c, plan, strict)
    token, deployed_in = wl.deploy_token(c, plan)
    out["confirmed"] = wl.confirmed_transfers(c, plan)
    out["confirmed"]["blocks"] = wl.verify_confirmed(c, plan, deployed_in, strict)
    out["call"] = wl.call_latency(c, plan, token, args.calls, WARMUP)
    out["block_number"] = wl.block_number_rate(c, args.block_numbers, WARMUP)
    if args.concurrency:
        per_conn = max(1, args.block_numbers // args.concurrency)
        out["block_number_concurrent"] = wl.block_number_concurrent(
            node.port, args.concurrency, per_conn, WARMUP, c.call("eth_blockNumber"))
    return out


def run_all(kinds: list[rpc_nodes.Kind], plan: wl.Plan, args: argparse.Namespace,
            log) -> tuple[dict, dict]:
    runs: dict[str, list[dict]] = {k.key: [] for k in kinds}
    failed: dict[str, str] = {}
    for r in range(args.runs):
        for kind in kinds:
            if kind.key in failed:
                continue
            log(f"run {r + 1}/{args.runs}: {kind.key} ...")
            try:
                runs[kind.key].append(measure_once(kind, plan, args))
            except Exception as e:  # one broken node must not hide the others' figures
                failed[kind.key] = str(e)
                log(f"FAILED {kind.key}: {e}")
    return runs, failed


def build_doc(args: argparse.Namespace, kinds: list[rpc_nodes.Kind], runs: dict, failed: dict,
              skipped: dict, ms: list[rpc_report.Metric]) -> dict:
    medians = rpc_report.summarize({k: v for k, v in runs.items() if k not in failed}, ms)
    return {
        "meta": {"cpu": report.cpu_name(), "cpus": os.cpu_count(), "python": platform.python_version(),
                 "runs": args.runs, "transfers": args.transfers, "calls": args.calls,
                 "block_numbers": args.block_numbers, "concurrency": args.concurrency,
                 "block_numbers_per_conn": max(1, args.block_numbers // max(1, args.concurrency)),
                 "versions": {k.key: k.version for k in kinds if k.key in medians},
                 "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
        "metrics": {m.key: {"title": m.title, "unit": m.unit,
                            "higher_is_better": m.higher_is_better} for m in ms},
        "medians": medians,
        "ratios": rpc_report.ratios(medians, ms),
        "skipped": {**skipped, **{k: f"failed: {why.splitlines()[0]}"
                                  for k, why in failed.items()}},
        "failures": failed,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.profile:
        from bench import rpc_profile
        print(rpc_profile.run(args, log))
        return 0
    kinds = select_kinds(args.only)
    skipped = {k.key: k.missing for k in kinds if k.missing}
    for key, why in skipped.items():
        log(f"skipping {key}: {why}")
    kinds = [k for k in kinds if not k.missing]
    if not kinds:
        log("nothing to run")
        return 1
    log(f"signing {args.transfers} transfers and the BenchToken deployment ...")
    plan = wl.make_plan(args.transfers)
    t0 = time.perf_counter()
    runs, failed = run_all(kinds, plan, args, log)
    log(f"done in {time.perf_counter() - t0:.0f} s")
    ms = rpc_report.metrics(args.concurrency)
    doc = build_doc(args, kinds, runs, failed, skipped, ms)
    print(json.dumps(doc, indent=2) if args.json else rpc_report.render({**doc, "_metrics": ms}))
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
