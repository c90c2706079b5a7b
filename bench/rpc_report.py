"""Turning the RPC benchmark's runs into its verdict: the median of every metric per node, the
ratios devnet / peer, the table and the JSON document."""
import statistics
from dataclasses import dataclass
from typing import Callable

COLUMNS = {"devnet-memory": "devnet mem", "devnet-datadir": "devnet ldb",
           "anvil": "anvil", "hardhat": "hardhat"}
SHORT = {"devnet-memory": "mem", "devnet-datadir": "ldb"}


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    unit: str
    higher_is_better: bool
    value: Callable[[dict], float | None]


def metrics(concurrency: int) -> list[Metric]:
    out = [
        Metric("startup_s", "start-up: spawn -> 1st eth_chainId", "s", False,
               lambda r: r["startup_s"]),
        Metric("transfers_tx_per_s", "automined transfers, sendRawTx", "tx/s", True,
               lambda r: r["transfers"]["tx_per_s"]),
        Metric("confirmed_tx_per_s", "  same, then receipt polled each", "tx/s", True,
               lambda r: r["confirmed"]["tx_per_s"]),
        Metric("call_median_ms", "eth_call balanceOf, median", "ms", False,
               lambda r: r["call"]["median_ms"]),
        Metric("call_p99_ms", "eth_call balanceOf, p99", "ms", False,
               lambda r: r["call"]["p99_ms"]),
        Metric("block_number_req_per_s", "eth_blockNumber, 1 connection", "req/s", True,
               lambda r: r["block_number"]["req_per_s"]),
    ]
    if concurrency:
        out.append(Metric("block_number_concurrent_req_per_s",
                          f"eth_blockNumber, {concurrency} connections", "req/s", True,
                          lambda r: r["block_number_concurrent"]["req_per_s"]))
    return out


def summarize(runs: dict[str, list[dict]], ms: list[Metric]) -> dict:
    """{node key: {metric key: median over its runs}} for the nodes that have runs."""
    return {key: {m.key: statistics.median(m.value(r) for r in rs) for m in ms}
            for key, rs in runs.items() if rs}


def ratios(medians: dict, ms: list[Metric]) -> dict:
    """{"devnet-memory/anvil": {metric: devnet value / peer value}, ...}"""
    out = {}
    for ours in ("devnet-memory", "devnet-datadir"):
        for peer in ("anvil", "hardhat"):
            if ours in medians and peer in medians:
                out[f"{ours}/{peer}"] = {m.key: medians[ours][m.key] / medians[peer][m.key]
                                         for m in ms}
    return out


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def table(medians: dict, rats: dict, ms: list[Metric]) -> str:
    nodes = [k for k in COLUMNS if k in medians]
    pairs = list(rats)
    pair_names = [f"{SHORT[a]}/{b}" for a, b in (p.split("/") for p in pairs)]
    head = f"{'metric':<36} {'unit':<5} {'best':<4}" + "".join(
        f" {COLUMNS[k]:>10}" for k in nodes) + "".join(f" {n:>11}" for n in pair_names)
    lines = [head, "-" * len(head)]
    for m in ms:
        row = f"{m.title:<36} {m.unit:<5} {'high' if m.higher_is_better else 'low':<4}"
        row += "".join(f" {_num(medians[k][m.key]):>10}" for k in nodes)
        row += "".join(f" {rats[p][m.key]:>11.2f}" for p in pairs)
        lines.append(row)
    return "\n".join(lines)


def render(doc: dict) -> str:
    m = doc["meta"]
    lines = [f"JSON-RPC over HTTP on 127.0.0.1, {m['cpu']}; median of {m['runs']} run(s) per "
             f"node, interleaved; fresh node per run",
             f"sizes: {m['transfers']} transfers, {m['calls']} eth_call, {m['block_numbers']} "
             f"eth_blockNumber" + (f", {m['concurrency']} x {m['block_numbers_per_conn']} over "
                                   f"{m['concurrency']} connections" if m["concurrency"] else ""),
             ""]
    for key, version in m["versions"].items():
        lines.append(f"  {COLUMNS[key]:<11} {version}")
    lines += ["", table(doc["medians"], doc["ratios"], doc["_metrics"]), ""]
    if doc["ratios"]:
        lines.append("ratio = devnet value / peer value: above 1 is better where best = high "
                     "(rates), below 1 is better where best = low (times)")
    for key, why in doc["skipped"].items():
        lines.append(f"skipped {key}: {why}")
    return "\n".join(lines)
