"""The load test's report: a table per kind of request (requests, errors, req/s over the window,
p50 and p99 latency, nearest rank), then the chain, the subscriptions, the node's memory and CPU
and the client's own CPU; or the same as one JSON document."""
import math
import platform

from bench.report import cpu_name


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not sorted_values:
        return None
    k = math.ceil(q * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, k))]


def kind_rows(result) -> list[dict]:
    rows = []
    for k in result.kinds:
        lat = sorted(k.latencies)
        p50, p99 = percentile(lat, 0.50), percentile(lat, 0.99)
        rows.append({"kind": k.name, "requests": len(lat), "errors": k.errors,
                     "req_per_s": len(lat) / result.window_s if result.window_s else 0.0,
                     "p50_ms": None if p50 is None else p50 * 1e3,
                     "p99_ms": None if p99 is None else p99 * 1e3,
                     "error_samples": k.samples})
    return rows


def _mib(kib: int | None) -> str:
    return "?" if kib is None else f"{kib / 1024:.1f} MiB"


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _chain(result) -> str:
    if result.head_after is None:
        return (f"transactions acknowledged {result.acked:,}; the blocks were not checked (the "
                "node stopped answering)")
    blocks = result.head_after - result.head_before
    return (f"blocks mined: {blocks:,} (#{result.head_before + 1}..#{result.head_after}, "
            f"{blocks / result.window_s:,.1f}/s); transactions acknowledged {result.acked:,}, in "
            f"those blocks {result.in_blocks:,}")


def table(result) -> str:
    m = result.mix
    lines = [f"load: {sum(vars(m).values())} clients for {result.seconds:g} s on {result.url} "
             f"({cpu_name()}, Python {platform.python_version()})",
             f"mix: {m.senders} senders (dev accounts 1..{m.senders}, token and ether transfers "
             f"in turn), {m.callers} eth_call balanceOf, {m.readers} readers, {m.getlogs} "
             f"eth_getLogs (last 100 blocks), {m.subscribers} WebSocket subscribers "
             "(newHeads + logs)", "",
             f"{'kind':<30} {'requests':>9} {'errors':>7} {'req/s':>9} {'p50 ms':>8} "
             f"{'p99 ms':>8}"]
    rows = kind_rows(result)
    for r in rows:
        lines.append(f"{r['kind']:<30} {r['requests']:>9,} {r['errors']:>7} "
                     f"{r['req_per_s']:>9,.1f} {_ms(r['p50_ms']):>8} {_ms(r['p99_ms']):>8}")
    total = sum(r["requests"] for r in rows)
    lines.append(f"{'total':<30} {total:>9,} {sum(r['errors'] for r in rows):>7} "
                 f"{total / result.window_s if result.window_s else 0:>9,.1f}")
    lines += ["", f"window: {result.window_s:.2f} s; " + _chain(result),
              "newHeads expected/received per subscriber: "
              + ("  ".join(f"{w}/{g}" for w, g in result.heads) or "not checked"),
              "token logs expected/received per subscriber: "
              + ("  ".join(f"{w}/{g}" for w, g in result.logs) or "not checked"),
              f"eth_getLogs returned {result.getlogs_results:,} logs in all",
              f"node RSS: before {_mib(result.rss_kib[0])}, after {_mib(result.rss_kib[1])} "
              f"(peak {_mib(result.peak_rss_kib)}); node CPU in the window: "
              + ("?" if result.node_cpu_s is None else f"{result.node_cpu_s:.1f} s "
                 f"({result.node_cpu_s / result.window_s:.0%} of a core)"),
              f"client CPU in the window: {result.client_cpu_s:.1f} s "
              f"({result.client_cpu_s / result.window_s:.0%} of a core); transactions signed "
              f"ahead in {result.signing_s:.1f} s"]
    for r in rows:
        lines += [f"  {r['kind']}: {s}" for s in r["error_samples"]]
    lines.append("result: OK" if result.ok else "result: FAILED")
    lines += [f"  {p}" for p in result.problems]
    return "\n".join(lines)


def as_json(result) -> dict:
    return {"url": result.url, "seconds": result.seconds, "mix": vars(result.mix),
            "window_s": result.window_s, "kinds": kind_rows(result),
            "head_before": result.head_before, "head_after": result.head_after,
            "transactions_acknowledged": result.acked, "transactions_in_blocks": result.in_blocks,
            "new_heads_expected_received": result.heads,
            "logs_expected_received": result.logs, "getlogs_results": result.getlogs_results,
            "rss_kib_before_after": result.rss_kib, "peak_rss_kib": result.peak_rss_kib,
            "node_cpu_s": result.node_cpu_s, "client_cpu_s": result.client_cpu_s,
            "signing_s": result.signing_s, "ok": result.ok, "problems": result.problems}
