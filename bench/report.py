"""Turning both runners' answers into the benchmark's verdict: the fairness check (both VMs must
agree on gas, refund, output, logs, post-state root and deployment gas) and the table / JSON."""
import os
import platform
import statistics
from pathlib import Path

# What both VMs must agree on for a comparison to count; any difference is a consensus bug
# in one of them (or a set-up that differs), never noise.
COMPARED = ("success", "gas_used", "refund", "output", "logs", "state_root", "deploy_gas")


def cpu_name() -> str:
    """The CPU model and count, for the tables of both benchmarks."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ({os.cpu_count()} CPUs)"
    except OSError:
        pass
    return f"{platform.machine()} ({os.cpu_count()} CPUs)"


class Mismatch(Exception):
    pass


def check_same(ours: dict, peer: dict) -> None:
    """Raise Mismatch unless the two results describe the same execution."""
    diffs = [f"  {k}: KVM {ours[k]!r} != py-evm {peer[k]!r}"
             for k in COMPARED if ours[k] != peer[k]]
    if diffs:
        raise Mismatch(f"workload {ours['name']!r}: the VMs disagree\n" + "\n".join(diffs))
    if not ours["success"]:
        raise Mismatch(f"workload {ours['name']!r} failed on both VMs ({ours['error']}, output "
                       f"{ours['output']}): fix the workload")


def _side(times: list[float], gas: int, ops: int | None) -> dict:
    med = statistics.median(times)
    return {"times_s": times, "median_s": med, "mgas_per_s": gas / med / 1e6,
            "mops_per_s": ops / med / 1e6 if ops else None}


def summarize(spec: dict, ours: dict, peer: dict | None, ops: int | None, bar: float) -> dict:
    gas = ours["gas_used"]
    row = {"name": spec["name"], "title": spec["title"], "gas_used": gas, "opcodes": ops,
           "kvm": _side(ours["times"], gas, ops)}
    if peer is not None:
        row["pyevm"] = _side(peer["times"], gas, ops)
        row["ratio"] = row["pyevm"]["median_s"] / row["kvm"]["median_s"]
        row["meets_bar"] = row["ratio"] >= bar
    return row


def _f(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def table(rows: list[dict], bar: float) -> str:
    head = (f"{'workload':<11} {'gas used':>11} {'KVM ms':>8} {'py-evm ms':>9} "
            f"{'KVM Mgas/s':>10} {'py-evm Mgas/s':>13} {'ratio':>6} {'KVM Mop/s':>9} "
            f"{'py-evm Mop/s':>12}  {f'>={bar:g}x':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        k, p = r["kvm"], r.get("pyevm")
        verdict = "-" if p is None else ("yes" if r["meets_bar"] else "NO")
        lines.append(
            f"{r['name']:<11} {r['gas_used']:>11,} {k['median_s'] * 1e3:>8.0f} "
            f"{_f(p and p['median_s'] * 1e3, '.0f'):>9} {k['mgas_per_s']:>10.2f} "
            f"{_f(p and p['mgas_per_s'], '.2f'):>13} {_f(r.get('ratio'), '.2f'):>6} "
            f"{_f(k['mops_per_s'], '.2f'):>9} {_f(p and p['mops_per_s'], '.2f'):>12}  "
            f"{verdict:>5}")
    return "\n".join(lines)


def whole_process_lines(wp: dict) -> list[str]:
    out = [f"whole process ({wp['what']}), median of {wp['runs']}:"]
    for key, label in (("kvm", "KVM   "), ("pyevm", "py-evm")):
        if key in wp:
            w = wp[key]
            out.append(f"  {label} {w['wall_s']:.3f} s wall = {w['call_s']:.3f} s in the call "
                       f"+ {w['wall_s'] - w['call_s']:.3f} s start-up, imports and set-up")
    if "kvm" in wp and "pyevm" in wp:
        ratio = wp["pyevm"]["wall_s"] / wp["kvm"]["wall_s"]
        out.append(f"  ratio (py-evm wall / KVM wall) {ratio:.2f}")
    return out
