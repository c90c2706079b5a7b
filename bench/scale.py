"""The scale benchmark (issue 13): the node with a large genesis, a long chain and a long run.

    make bench-scale                    (BENCH_ARGS=... passes options)
    .venv/bin/python bench/scale.py [--only genesis,chain,memory] [--accounts N] [--blocks N]
                                    [--txs N] [--json]

* genesis: a genesis.json of --accounts funded accounts (default 1,000,000; cached under
  build/scale/) on a fresh --datadir: the time from spawn to the first answer of the first start
  (parse, build and write the genesis trie) and of a second one (open it), the node's CPU time
  for each, then eth_getBalance latency (median and p99 of LATENCY_REQUESTS requests for funded
  accounts, every balance checked) beside the same on a fresh 20-account chain.
* chain: the cached --blocks chain (default 100,000, see bench/scale_inputs.py): restart time
  (median of RESTARTS starts), then eth_getLogs over 10,000-block ranges with an address filter
  (median of LOG_QUERIES ranges, each answer's count checked against the chain's plan).
* memory: --txs automined transfers (default 100,000) on a fresh --datadir, sent in JSON-RPC
  batches; the node's VmRSS (settled, as tests/integration/test_memory_bounds.py reads it) and
  its parts RssAnon and RssFile after a warm-up of WARMUP_TXS and every 10,000 after. Flat (exit
  status 0) is RssAnon within 10 % of its warm value throughout: RssFile is LevelDB's table files
  mapped in (clean page cache, reclaimable), which moves with the tables reads touched lately.

The machine is shared: wall times move with its load (printed with the figures); the CPU times
do less. Figures are recorded in bench/README.md.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # bench/ itself must not be on the path: this file would shadow rpc/

from bench import rpc_nodes  # noqa: E402
from bench import scale_inputs as inputs  # noqa: E402
from bench.rpc_client import Client  # noqa: E402

RUN_DIR = inputs.CACHE / "run"
LATENCY_REQUESTS = 2000
RESTARTS = 3
LOG_RANGE = 10_000
LOG_QUERIES = 7
WARMUP_TXS = 10_000
RSS_EVERY = 10_000
TX_BATCH = 100
SENDERS = 8
GROWTH_BOUND = 1.10
rpc_nodes.START_TIMEOUT_S = 600.0  # a million-account genesis on a loaded machine


class Node:
    """A devnet process on a free port; `startup_s` and `startup_cpu_s` as it first answered."""

    def __init__(self, *args: str) -> None:
        port = rpc_nodes.free_port()
        self.log_path = RUN_DIR / f"devnet-{port}.log"
        argv = [str(rpc_nodes.DEVNET_BIN), "--port", str(port), "--quiet", *args]
        with open(self.log_path, "wb") as log:
            t0 = time.perf_counter()
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        try:
            self.client = rpc_nodes._wait_ready(self.proc, port, self.log_path)
        except BaseException:
            rpc_nodes.stop_pid(self.proc)
            raise
        self.startup_s = time.perf_counter() - t0
        self.startup_cpu_s = cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.client.close()
        rpc_nodes.stop_pid(self.proc)

    def __enter__(self) -> "Node":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


MEMORY_FIELDS = ("VmRSS", "RssAnon", "RssFile")


def memory_mib(pid: int, readings: int = 5) -> dict[str, float]:
    """VmRSS and its parts RssAnon (the process's own memory) and RssFile (mapped files: LevelDB
    maps its table files, so pages of them read lately count), each the lowest of a few readings
    0.1 s apart (a passing peak is not growth)."""
    out: dict[str, list[float]] = {f: [] for f in MEMORY_FIELDS}
    for _ in range(readings):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name = line.split(":", 1)[0]
            if name in out:
                out[name].append(int(line.split()[1]) / 1024)
        time.sleep(0.1)
    return {f: min(v) for f, v in out.items()}


def rss_mib(pid: int) -> float:
    return memory_mib(pid)["VmRSS"]


def fresh(name: str) -> Path:
    path = RUN_DIR / name
    shutil.rmtree(path, ignore_errors=True)
    return path


# -- genesis -------------------------------------------------------------------------------------
def bench_genesis(accounts: int) -> dict:
    genesis = inputs.genesis_file(accounts)
    datadir = fresh(f"genesis-{accounts}")
    addresses = inputs.funded_addresses(accounts, LATENCY_REQUESTS)
    rng = random.Random(1)
    picks = [rng.randrange(len(addresses)) for _ in range(LATENCY_REQUESTS)]
    calls = [("eth_getBalance", [addresses[i], "latest"]) for i in picks]
    expected = {addresses[i]: hex(10 ** 18 + i) for i in picks}

    def check(params, result):
        assert result == expected[params[0]], (params, result)

    out = {"accounts": accounts, "genesis_mib": round(genesis.stat().st_size / 2 ** 20, 1)}
    with Node("--datadir", str(datadir), "--genesis", str(genesis)) as node:
        out["first_start_s"], out["first_start_cpu_s"] = node.startup_s, node.startup_cpu_s
        out["rss_mib"] = rss_mib(node.proc.pid)
    dev = ["0x" + a.address.hex() for a in inputs.dev_accounts(count=20)]
    calls20 = [("eth_getBalance", [dev[i % 20], "latest"]) for i in range(LATENCY_REQUESTS)]
    with Node("--datadir", str(datadir), "--genesis", str(genesis)) as node, \
            Node("--datadir", str(fresh("genesis-20"))) as small:
        out["second_start_s"], out["second_start_cpu_s"] = node.startup_s, node.startup_cpu_s
        # the two nodes in turns, so that the machine's load weighs on both alike; the first
        # pass reads each account for the first time (trie nodes from LevelDB), the second again
        for label in ("cold", "warm"):
            big, few = interleaved(node.client, calls, check, small.client, calls20)
            out[f"get_balance_{label}"], out[f"get_balance_20_{label}"] = big, few
    shutil.rmtree(datadir, ignore_errors=True)
    return out


def interleaved(a: Client, calls_a: list, check_a, b: Client, calls_b: list) -> tuple:
    lat_a, lat_b = [], []
    for (ma, pa), (mb, pb) in zip(calls_a, calls_b):
        t = time.perf_counter()
        result = a.call(ma, *pa)
        lat_a.append((time.perf_counter() - t) * 1000)
        check_a(pa, result)
        t = time.perf_counter()
        b.call(mb, *pb)
        lat_b.append((time.perf_counter() - t) * 1000)
    return summary(lat_a), summary(lat_b)


def summary(lat: list[float]) -> dict:
    lat = sorted(lat)
    return {"median_ms": statistics.median(lat), "p99_ms": lat[int(len(lat) * 0.99) - 1],
            "requests": len(lat)}


# -- chain ---------------------------------------------------------------------------------------
def bench_chain(blocks: int) -> dict:
    datadir = inputs.chain_datadir(blocks, log=lambda m: print(m, file=sys.stderr))
    starts, cpus = [], []
    out: dict = {"blocks": blocks}
    for i in range(RESTARTS + 1):
        with Node("--datadir", str(datadir)) as node:
            assert int(node.client.call("eth_blockNumber"), 16) == blocks
            if i == 0:  # the first start after a build or an upgrade may migrate the data dir
                out["first_open_s"] = node.startup_s
                continue
            starts.append(node.startup_s)
            cpus.append(node.startup_cpu_s)
            if i == RESTARTS:
                out["logs"] = _log_queries(node.client, blocks)
    out["restart_s"], out["restart_cpu_s"] = statistics.median(starts), statistics.median(cpus)
    return out


def _log_queries(client: Client, blocks: int) -> dict:
    rng = random.Random(2)
    span = min(LOG_RANGE, blocks)
    times, counts = [], []
    for q in range(LOG_QUERIES):
        first = rng.randrange(0, blocks - span + 2)
        last = first + span - 1
        emitter = q % inputs.EMITTERS
        t = time.perf_counter()
        logs = client.call("eth_getLogs", {"fromBlock": hex(first), "toBlock": hex(last),
                                           "address": inputs.emitter_address(emitter)})
        times.append(time.perf_counter() - t)
        want = inputs.expected_logs(blocks, first, last, emitter)
        assert len(logs) == want, (first, last, emitter, len(logs), want)
        counts.append(len(logs))
    return {"range": span, "queries": LOG_QUERIES, "median_s": statistics.median(times),
            "max_s": max(times), "logs_per_answer": statistics.median(counts)}


# -- memory --------------------------------------------------------------------------------------
def bench_memory(txs: int) -> dict:
    from pydevnet.node.tx.signing import sign_transaction
    keys = [a.private_key for a in inputs.dev_accounts(count=SENDERS + 1)]
    to = inputs.dev_accounts(count=SENDERS + 1)[SENDERS].address
    raws = []
    for nonce in range(txs // SENDERS):
        for key in keys[:SENDERS]:
            tx = sign_transaction(dict(type=2, chain_id=inputs.CHAIN_ID, nonce=nonce,
                                       gas_limit=21_000, to=to, value=1,
                                       max_fee_per_gas=inputs.UNIT_PRICE,
                                       max_priority_fee_per_gas=0), key)
            raws.append("0x" + tx.raw.hex())
    samples = []
    with Node("--datadir", str(fresh("memory"))) as node:
        started = time.perf_counter()
        for i in range(0, len(raws), TX_BATCH):
            node.client.batch([("eth_sendRawTransaction", [r]) for r in raws[i:i + TX_BATCH]])
            sent = i + TX_BATCH
            if sent >= WARMUP_TXS and (sent - WARMUP_TXS) % RSS_EVERY == 0:
                samples.append((sent, memory_mib(node.proc.pid)))
        seconds = time.perf_counter() - started
        assert int(node.client.call("eth_blockNumber"), 16) == len(raws)
    out = {"txs": len(raws), "seconds": seconds, "samples": samples}
    for field in MEMORY_FIELDS:
        series = [m[field] for _, m in samples]
        out[field] = {"warm_mib": series[0], "end_mib": series[-1], "max_mib": max(series),
                      "growth_pct": (series[-1] / series[0] - 1) * 100,
                      "flat": max(series) < series[0] * GROWTH_BOUND}
    # judged on the process's own memory: RssFile is the kernel's page cache of LevelDB's
    # tables, mapped in, clean and reclaimable, and follows which tables reads touched lately
    out["flat"] = out["RssAnon"]["flat"]
    return out


# -- report --------------------------------------------------------------------------------------
def print_report(res: dict) -> None:
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    if "genesis" in res:
        g = res["genesis"]
        print(f"\ngenesis of {g['accounts']:,} funded accounts ({g['genesis_mib']} MiB of JSON)")
        print(f"  first start (build and write the trie) {g['first_start_s']:6.1f} s "
              f"({g['first_start_cpu_s']:.1f} s CPU), RSS after {g['rss_mib']:.0f} MiB")
        print(f"  second start (open it)                 {g['second_start_s']:6.1f} s "
              f"({g['second_start_cpu_s']:.1f} s CPU)")
        for label in ("cold", "warm"):
            b, b20 = g[f"get_balance_{label}"], g[f"get_balance_20_{label}"]
            print(f"  eth_getBalance, {label}: median {b['median_ms']:.3f} ms, p99 "
                  f"{b['p99_ms']:.3f} ms; 20 accounts {b20['median_ms']:.3f} ms, p99 "
                  f"{b20['p99_ms']:.3f} ms")
    if "chain" in res:
        c = res["chain"]
        lg = c["logs"]
        print(f"\nchain of {c['blocks']:,} blocks")
        print(f"  restart {c['restart_s']:.2f} s median of {RESTARTS} ({c['restart_cpu_s']:.2f} s "
              f"CPU); first open after the build {c['first_open_s']:.2f} s")
        print(f"  eth_getLogs, {lg['range']:,} blocks, one address: median {lg['median_s']:.3f} s,"
              f" max {lg['max_s']:.3f} s over {lg['queries']} ranges "
              f"(~{lg['logs_per_answer']:.0f} logs each)")
    if "memory" in res:
        m = res["memory"]
        print(f"\n{m['txs']:,} automined transfers in {m['seconds']:.0f} s; memory after "
              f"{WARMUP_TXS:,} (warm), at the end and the highest sample, MiB:")
        for field in MEMORY_FIELDS:
            f = m[field]
            print(f"  {field:8} {f['warm_mib']:6.1f} {f['end_mib']:6.1f} ({f['growth_pct']:+.1f} %)"
                  f" {f['max_mib']:6.1f}: {'flat' if f['flat'] else 'NOT flat'} within 10 %")
        for field in MEMORY_FIELDS:
            print(f"  {field:8} " + ", ".join(f"{n // 1000}k {v[field]:.0f}"
                                             for n, v in m["samples"]))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--only", default="genesis,chain,memory")
    p.add_argument("--accounts", type=int, default=1_000_000)
    p.add_argument("--blocks", type=int, default=100_000)
    p.add_argument("--txs", type=int, default=100_000)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    args = p.parse_args(argv)
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    only = args.only.split(",")
    for old_log in RUN_DIR.glob("devnet-*.log"):
        old_log.unlink()
    res: dict = {}
    benches = {"genesis": lambda: bench_genesis(args.accounts),
               "chain": lambda: bench_chain(args.blocks),
               "memory": lambda: bench_memory(max(args.txs, WARMUP_TXS + RSS_EVERY))}
    for name, bench in benches.items():
        if name in only:
            res[name] = bench()
            if not args.json:
                print_report({name: res[name]})
                sys.stdout.flush()
    if args.json:
        print(json.dumps(res, indent=1))
    return 0 if res.get("memory", {}).get("flat", True) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
