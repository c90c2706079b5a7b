"""`make load`'s mixed load on pydevnet and on Anvil in one run, side by side (`make bench-rpc`
runs it after bench/rpc.py's table).

    .venv/bin/python bench/load_compare.py [--seconds 15] [--clients 50] [--runs 1] [--json]

Each run starts a fresh devnet (LevelDB data dir, as `make load`) and a fresh Anvil (its
prebuilt binary from bench/rpc_peers, the 20 dev accounts), one after the other, and puts the
same mix of clients on each for the same window (bench/load.py: every answer checked). Printed
per node: requests per second over the window (all kinds) and, per kind, the median over the
runs of each run's p50 and p99 latency; the ratio column is devnet / Anvil.
"""
import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # bench/ itself must not be on the path: it would shadow rpc/

from bench import load, rpc_nodes  # noqa: E402


def _summary(result) -> dict:
    doc = load.load_report.as_json(result)
    total = sum(k["requests"] for k in doc["kinds"])
    p99 = max(k["p99_ms"] for k in doc["kinds"])
    problems = list(result.problems) + [f"{k.kind}: {k.errors} errors, e.g. {k.samples[:1]}"
                                        for k in result.kinds if k.errors]
    return {"req_per_s": total / doc["window_s"], "worst_p99_ms": p99, "ok": result.ok,
            "problems": problems,
            "kinds": {k["kind"]: {"req_per_s": k["req_per_s"], "p50_ms": k["p50_ms"],
                                  "p99_ms": k["p99_ms"]} for k in doc["kinds"]}}


def _anvil(seconds: float, clients: int) -> dict:
    kind = rpc_nodes.anvil_kind()
    if kind.missing:
        raise SystemExit(f"anvil: {kind.missing}")
    with tempfile.TemporaryDirectory(prefix="pydevnet-load-anvil-") as scratch:
        node = rpc_nodes.start(kind, Path(scratch))
        try:
            node.client.close()
            return _summary(load.run_load(f"http://127.0.0.1:{node.port}", node.proc.pid,
                                          seconds, clients))
        finally:
            rpc_nodes.stop_pid(node.proc)


def _median(runs: list[dict], *path: str) -> float:
    values = []
    for r in runs:
        v = r
        for key in path:
            v = v[key]
        values.append(v)
    return statistics.median(values)


def table(runs: dict[str, list[dict]], seconds: float, clients: int) -> str:
    n = len(runs["devnet"])
    lines = [f"make load's mix, {clients} clients, {seconds:g} s window, median of {n} run(s) "
             f"per node (devnet: LevelDB data dir)", "",
             f"{'':44} {'devnet':>17} {'anvil':>17} {'devnet/anvil':>13}"]
    d, a = _median(runs["devnet"], "req_per_s"), _median(runs["anvil"], "req_per_s")
    lines.append(f"{'all requests, req/s':44} {d:>17,.0f} {a:>17,.0f} {d / a:>13.2f}")
    for kind in runs["devnet"][0]["kinds"]:
        cells = []
        for node in ("devnet", "anvil"):
            p50 = _median(runs[node], "kinds", kind, "p50_ms")
            p99 = _median(runs[node], "kinds", kind, "p99_ms")
            cells.append((p50, p99))
        ratio = cells[0][1] / cells[1][1]
        lines.append(f"{kind + ', p50 / p99 ms':44} {cells[0][0]:>8.1f} /{cells[0][1]:>7.1f} "
                     f"{cells[1][0]:>8.1f} /{cells[1][1]:>7.1f} {ratio:>13.2f}")
    lines += ["", "goal (issue 13): devnet/anvil within 1.5x, p99 included (ratio of p99s above)"]
    for node, rs in runs.items():
        for i, r in enumerate(rs, 1):
            lines += [f"{node} run {i}: check failed: {msg}" for msg in r.get("problems", [])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/load_compare.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=15.0, help="the window (default 15)")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--runs", type=int, default=1, help="runs per node (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    args = p.parse_args(argv)
    runs: dict[str, list[dict]] = {"devnet": [], "anvil": []}
    for i in range(args.runs):
        print(f"load run {i + 1}/{args.runs}: devnet ...", file=sys.stderr, flush=True)
        runs["devnet"].append(_summary(load.run_load(None, None, args.seconds, args.clients)))
        print(f"load run {i + 1}/{args.runs}: anvil ...", file=sys.stderr, flush=True)
        runs["anvil"].append(_anvil(args.seconds, args.clients))
    print(json.dumps(runs, indent=1) if args.json else table(runs, args.seconds, args.clients))
    # the exit status is the devnet's checks; a peer's failed checks are printed, not fatal
    return 0 if all(r["ok"] for r in runs["devnet"]) else 1


if __name__ == "__main__":
    sys.exit(main())
