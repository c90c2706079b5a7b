"""Where pydevnet's time goes on the RPC benchmark's two heavy paths, automined transfers and
eth_call, measured in process (`bench/rpc.py --profile`).

For each store (memory, then a fresh LevelDB data dir) and each path, on a fresh Devnet built by
node.cli.parse_node_args every time:
  node only  one job on the VM worker loops over devnet.send_raw_transaction / devnet.call: the
             chain's own cost, no RPC and no thread hop (timed without a profiler);
  + hop      devnet.worker.run(...) once per request from another thread: adds the hand-off to
             the VM worker and back that every RPC method pays (timed without a profiler);
  stages     the node-only loop again under cProfile: cumulative time per request of the main
             stages (decode, validation, execution, trie commit, block encoding, the store write);
  HTTP       the app from rpc.server.create_app served by aiohttp in this process and driven by a
             client process over one keep-alive connection, as bench/rpc.py does, with cProfile on
             in both server threads: the event loop (HTTP, JSON, dispatch) and the VM worker.
cProfile slows Python code several times over, so its figures are shares, not speeds; the
whole-process speeds are bench/rpc.py's table.
"""
import asyncio
import cProfile
import io
import json
import multiprocessing
import pstats
import socket
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench import rpc_workloads as wl
from bench.rpc_client import Client, body, result_of, timed_posts
from bench.rpc_nodes import free_port

TOP = 14
# where a thread waits for work: the event loop in epoll, the VM worker on its job queue
IDLE = ("'poll' of 'select.epoll'", "'get' of '_queue.SimpleQueue'")
GROUPS = (("/rpc/", "rpc/"), ("/node/", "node/"), ("/vm/", "vm/"), ("/state/", "state/"),
          ("aiohttp", "aiohttp"), ("asyncio", "asyncio"), ("concurrent/futures", "futures"),
          ("threading", "threading"), ("json", "json"), ("plyvel", "plyvel (LevelDB)"),
          ("coincurve", "coincurve"), ("sha3", "keccak"))
# (file suffix, function, label): the stages of one request, by cumulative time
TRANSFER_STAGES = (
    ("node/devnet.py", "send_raw_transaction", "send_raw_transaction, all of it"),
    ("node/tx/decode.py", "decode_transaction", "  decode the raw transaction"),
    ("node/devnet.py", "_admit", "  validate and pool (ecrecover included)"),
    ("node/tx/crypto.py", "recover_address", "    ecrecover of the sender"),
    ("node/devnet.py", "_mine", "  mine the block, all of it"),
    ("node/chain/transition.py", "apply_transaction", "    execute the transfer"),
    ("state/statedb.py", "commit", "    commit the state trie"),
    ("node/chain/blocks.py", "receipts_root", "    receipts root"),
    ("node/chain/blocks.py", "transactions_root", "    transactions root"),
    ("node/chain/db.py", "block_batch", "    encode block, receipts, lookups"),
    ("node/chain/db.py", "write", "    write the batch to the store"),
    ("node/pool.py", "prune", "    prune the pool"),
    ("node/devnet.py", "_log_block", "    block log lines (--quiet: formatted, not shown)"),
)
CALL_STAGES = (
    ("node/devnet.py", "call", "devnet.call, all of it"),
    ("node/chain/chain.py", "state_at", "  open a StateDB at the block"),
    ("node/calls.py", "execute_call", "  execute_call"),
    ("vm/interpreter.py", "execute", "    interpreter loop"),
    ("state/trie.py", "_load", "    load trie nodes from the store"),
    ("state/rlp.py", "decode", "    RLP-decode trie nodes and accounts"),
)


def _devnet(datadir: str | None):
    from pydevnet.node.cli import parse_node_args
    argv = ["--quiet"] + (["--datadir", datadir] if datadir else ["--memory"])
    return parse_node_args(argv)[1]


def _raws(plan: wl.Plan) -> list[bytes]:
    return [bytes.fromhex(json.loads(p)["params"][0][2:]) for p in plan.transfer_payloads]


def _call_request(plan: wl.Plan):
    from pydevnet.node.calls import CallRequest
    token = wl.create_address(plan.sender, len(plan.transfer_hashes))
    return CallRequest(to=bytes.fromhex(token[2:]), data=bytes.fromhex(plan.call_data[2:]))


def _deploy(devnet, plan: wl.Plan) -> None:
    devnet.worker.run(devnet.send_raw_transaction, bytes.fromhex(plan.deploy_raw[2:]))


# -- node only, without and with a profiler ------------------------------------------------------
def _loop(devnet, fn, args_list: list, prof: cProfile.Profile | None) -> float:
    """Seconds for fn(*args) over args_list in one job on the VM worker."""
    def job() -> float:
        if prof is not None:
            prof.enable()
        t0 = time.perf_counter()
        for args in args_list:
            fn(*args)
        wall = time.perf_counter() - t0
        if prof is not None:
            prof.disable()
        return wall
    return devnet.worker.run(job)


def _node_only(datadir: str | None, plan: wl.Plan, calls: int, profiled: bool) -> dict:
    from pydevnet.node.queries import LATEST
    raws = _raws(plan)
    devnet = _devnet(datadir)
    tprof, cprof = (cProfile.Profile(), cProfile.Profile()) if profiled else (None, None)
    try:
        send_s = _loop(devnet, devnet.send_raw_transaction, [(r,) for r in raws], tprof)
        _deploy(devnet, plan)
        req = _call_request(plan)
        call_s = _loop(devnet, devnet.call, [(req, LATEST)] * calls, cprof)
        t0 = time.perf_counter()
        for _ in range(calls):
            devnet.worker.run(devnet.call, req, LATEST)
        hop_s = time.perf_counter() - t0
    finally:
        devnet.shutdown()
    return {"tx_per_s": len(raws) / send_s, "call_ms": call_s / calls * 1e3,
            "call_hop_ms": hop_s / calls * 1e3, "transfer_prof": tprof, "call_prof": cprof}


def _hop_transfers(datadir: str | None, plan: wl.Plan) -> float:
    raws = _raws(plan)
    devnet = _devnet(datadir)
    try:
        t0 = time.perf_counter()
        for raw in raws:
            devnet.worker.run(devnet.send_raw_transaction, raw)
        return len(raws) / (time.perf_counter() - t0)
    finally:
        devnet.shutdown()


def stage_lines(prof: cProfile.Profile, stages: tuple, n: int) -> list[str]:
    stats = pstats.Stats(prof).stats
    lines = []
    for suffix, func, label in stages:
        cum = sum(v[3] for (f, _, name), v in stats.items()
                  if name == func and f.endswith(suffix))
        if cum:
            lines.append(f"    {cum / n * 1e3:8.4f} ms  {label}")
    return lines


# -- profiled, over HTTP -------------------------------------------------------------------------
def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _client(port: int, payloads: list[bytes], expected: list[str], out) -> None:
    _wait_listening(port)
    client = Client(port)

    def check(i: int, answer: dict) -> None:
        if result_of(answer, "profile").lower() != expected[i]:
            raise RuntimeError(f"request {i}: {answer!r}"[:300])
    r = timed_posts(client, payloads, check)
    out.put(r["wall_s"])
    client.close()


async def _serve_until(app, port: int, proc) -> None:
    from aiohttp import web

    from pydevnet.rpc.front import start_server
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await start_server(runner, "127.0.0.1", port)  # the front, as the devnet process serves
        while proc.is_alive():
            await asyncio.sleep(0.02)
    finally:
        await runner.cleanup()


def _profiled_http(devnet, payloads: list[bytes], expected: list[str]) -> dict:
    """Serve `devnet` in this process with cProfile on in the loop and VM worker threads while a
    client process sends `payloads`; returns the client's rate and both profiles."""
    from pydevnet.rpc.server import create_app
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_client, args=(port, payloads, expected, out))
    proc.start()  # it waits for the port; its start-up stays out of the profile
    loop_prof, vm_prof = cProfile.Profile(), cProfile.Profile()
    devnet.worker.run(vm_prof.enable)
    loop_prof.enable()
    try:
        asyncio.run(_serve_until(create_app(devnet), port, proc))
    finally:
        loop_prof.disable()
        devnet.worker.run(vm_prof.disable)
    if proc.exitcode != 0:
        raise RuntimeError(f"profile client exited with {proc.exitcode}")
    wall = out.get(timeout=10)
    return {"req_per_s": len(payloads) / wall, "loop": loop_prof, "vm": vm_prof}


def _http(datadir: str | None, plan: wl.Plan, calls: int, path: str) -> dict:
    devnet = _devnet(datadir)
    try:
        if path == "transfers":
            return _profiled_http(devnet, plan.transfer_payloads, plan.transfer_hashes)
        for raw in _raws(plan):
            devnet.worker.run(devnet.send_raw_transaction, raw)
        _deploy(devnet, plan)
        token = wl.create_address(plan.sender, len(plan.transfer_hashes))
        payload = body("eth_call", [{"to": token, "data": plan.call_data}, "latest"])
        return _profiled_http(devnet, [payload] * calls, [plan.call_expected] * calls)
    finally:
        devnet.shutdown()


# -- reading the HTTP profiles -------------------------------------------------------------------
def _group(filename: str) -> str:
    for needle, name in GROUPS:
        if needle in filename:
            return name
    return "builtins/C" if filename == "~" else "other Python"


def _idle(func: str) -> bool:
    return any(name in func for name in IDLE)


def by_group(prof: cProfile.Profile) -> tuple[list[tuple[str, float]], float]:
    """Own time per package, busiest first, and the time spent waiting for work."""
    totals: dict[str, float] = defaultdict(float)
    idle = 0.0
    for (filename, _, func), (_, _, tottime, _, _) in pstats.Stats(prof).stats.items():
        if _idle(func):
            idle += tottime
        else:
            totals[_group(filename)] += tottime
    return sorted(totals.items(), key=lambda kv: -kv[1]), idle


def top_text(prof: cProfile.Profile, n: int = TOP) -> str:
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    for key in [k for k in st.stats if _idle(k[2])]:
        del st.stats[key]
    st.strip_dirs().sort_stats("tottime").print_stats(n)
    text = buf.getvalue()
    return text[text.find("   ncalls"):].rstrip()


def http_lines(title: str, r: dict, n: int) -> list[str]:
    lines = [f"  {title} over HTTP, cProfile on: {r['req_per_s']:.0f} req/s"]
    for thread in ("loop", "vm"):
        groups, idle = by_group(r[thread])
        busy = sum(t for _, t in groups)
        shares = ", ".join(f"{g} {t / n * 1e3:.3f}" for g, t in groups[:9] if t > 0)
        label = "event loop thread" if thread == "loop" else "VM worker thread"
        lines += [f"  {label}: busy {busy / n * 1e3:.3f} ms per request (waiting "
                  f"{idle / n * 1e3:.3f}); busy ms per request by package: {shares}",
                  "", top_text(r[thread]), ""]
    return lines


def _store_report(store: str, plan: wl.Plan, calls: int, log) -> list[str]:
    n = len(plan.transfer_hashes)
    with tempfile.TemporaryDirectory(prefix="pydevnet-profile-") as tmp:
        def fresh(name: str) -> str | None:
            return None if store == "memory" else str(Path(tmp) / name)
        log(f"{store}: node only, no profiler ...")
        base = _node_only(fresh("a"), plan, calls, profiled=False)
        hop = _hop_transfers(fresh("b"), plan)
        log(f"{store}: node only, cProfile ...")
        prof = _node_only(fresh("c"), plan, calls, profiled=True)
        log(f"{store}: HTTP, cProfile ...")
        tr = _http(fresh("d"), plan, calls, "transfers")
        cl = _http(fresh("e"), plan, calls, "calls")
    return [f"== pydevnet --{store}: {n} automined transfers, {calls} eth_call ==",
            f"node only (one loop on the VM worker): {base['tx_per_s']:.0f} tx/s "
            f"({1e3 / base['tx_per_s']:.3f} ms/tx); eth_call {base['call_ms']:.3f} ms",
            f"+ hop (worker.run per request):        {hop:.0f} tx/s "
            f"({1e3 / hop:.3f} ms/tx); eth_call {base['call_hop_ms']:.3f} ms",
            "", "  stages of a transfer, node only, cProfile on (cumulative ms per tx):",
            *stage_lines(prof["transfer_prof"], TRANSFER_STAGES, n),
            "", "  stages of an eth_call, node only, cProfile on (cumulative ms per call):",
            *stage_lines(prof["call_prof"], CALL_STAGES, calls), "",
            *http_lines("transfers (eth_sendRawTransaction)", tr, n),
            *http_lines("eth_call (BenchToken.balanceOf)", cl, calls)]


def run(args, log) -> str:
    log(f"signing {args.transfers} transfers ...")
    plan = wl.make_plan(args.transfers)
    out: list[str] = []
    for store in ("memory", "datadir"):
        out += _store_report(store, plan, args.calls, log)
    return "\n".join(out)
