"""The load test: many concurrent clients on loopback for a bounded time, every answer checked.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 50] [--json]
    .venv/bin/python bench/load.py --url http://127.0.0.1:8545 [--pid PID]    (any node)
    make load                      (LOAD_SECONDS=30 LOAD_CLIENTS=50 by default)

Without --url it starts a fresh `devnet` (a LevelDB data dir in a temporary directory, a free
port, --quiet) and stops it by its PID afterwards. Set-up, untimed: the Token deployed from dev
account 0 and shared out to the senders, and every transaction signed ahead. Then, for --seconds,
each client runs on one asyncio loop over its own keep-alive connection, in this mix (at 50):
10 senders (dev accounts 1..10, token and plain transfers alternately, sequential nonces, each
sent after the previous answer), 20 callers (eth_call Token.balanceOf), 10 readers
(eth_blockNumber, eth_getBalance, eth_getBlockByNumber latest, in turn), 5 eth_getLogs clients
(the token's logs over the last 100 blocks) and 5 WebSocket subscribers (newHeads and the
token's logs). Afterwards each subscriber's newHeads must be exactly the blocks mined in the
window (numbers and hashes, in order), its logs exactly the token's logs of those blocks, and the
blocks must hold exactly the acknowledged transactions. Exit status 1 on any error or mismatch,
2 when the set-up fails.
"""
import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/ would shadow rpc/

import aiohttp  # noqa: E402

from bench import load_report, rpc_nodes  # noqa: E402
from bench.load_clients import (HttpConn, LoadError, Stats, Subscriber, request_loop,  # noqa: E402
                                sender_loop)
from bench.load_setup import TRANSFER_TOPIC, Plan, prepare, wait_receipt  # noqa: E402

MAX_SENDERS = 19          # dev accounts 1..19 (account 0 deploys and holds still)
TX_RATE_PER_SENDER = 150  # signed ahead per sender and second of window; far above what is used
HANG_S = 30.0             # after the window: a request still unanswered then is an error
SETTLE_S = 15.0           # after the window: time for the last notifications to arrive
GETLOGS_SPAN = 100
BATCH = 100


@dataclass
class Mix:
    senders: int
    callers: int
    readers: int
    getlogs: int
    subscribers: int

    @classmethod
    def of(cls, clients: int) -> "Mix":
        """The 50-client mix 10/20/10/5/5, scaled; every kind gets at least one client."""
        if clients < 5:
            raise ValueError("--clients must be at least 5 (one of each kind)")
        senders = min(MAX_SENDERS, max(1, round(clients * 0.2)))
        readers = max(1, round(clients * 0.2))
        getlogs = subscribers = max(1, round(clients * 0.1))
        return cls(senders, clients - senders - readers - getlogs - subscribers, readers,
                   getlogs, subscribers)


@dataclass
class Result:
    url: str
    seconds: float
    mix: Mix
    window_s: float = 0.0
    kinds: list[Stats] = field(default_factory=list)
    head_before: int = 0
    head_after: int | None = None   # None: the node stopped answering before the checks
    acked: int = 0
    in_blocks: int | None = None
    heads: list[tuple[int, int]] = field(default_factory=list)   # (expected, received) each
    logs: list[tuple[int, int]] = field(default_factory=list)
    getlogs_results: int = 0
    rss_kib: tuple[int | None, int | None] = (None, None)
    peak_rss_kib: int | None = None
    node_cpu_s: float | None = None
    client_cpu_s: float = 0.0
    signing_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(k.errors for k in self.kinds)


# -- the process being measured ------------------------------------------------------------------
def proc_status(pid: int | None, key: str) -> int | None:
    """A kB figure from /proc/PID/status (VmRSS, VmHWM); None without a PID."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_cpu_s(pid: int | None) -> float | None:
    """User plus system CPU time of a process, all its threads; None without a PID."""
    if pid is None:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the clients ---------------------------------------------------------------------------------
def _exact(want: str):
    return lambda r: None if r == want else f"expected {want}, got {str(r)[:100]}"


def _reader_steps(plan: Plan, kinds: dict[str, Stats]) -> list:
    """eth_blockNumber, eth_getBalance, eth_getBlockByNumber: the head never goes backwards."""
    seen = [0]

    def head_number(r) -> str | None:
        n = int(r, 16) if isinstance(r, str) else -1
        if n < seen[0]:
            return f"block number {r} after {hex(seen[0])}"
        seen[0] = n
        return None

    def block(r) -> str | None:
        if not isinstance(r, dict) or not isinstance(r.get("hash"), str):
            return f"not a block: {str(r)[:100]}"
        return head_number(r.get("number"))

    def body(method: str, params: list):
        t = b'{"jsonrpc":"2.0","id":%%d,"method":"%s","params":%s}' % (
            method.encode(), json.dumps(params).encode())
        return lambda rid: t % rid
    return [(kinds["eth_blockNumber"], body("eth_blockNumber", []), head_number),
            (kinds["eth_getBalance"], body("eth_getBalance", [plan.owner, "latest"]),
             _exact(plan.owner_balance_hex)),
            (kinds["eth_getBlockByNumber"], body("eth_getBlockByNumber", ["latest", False]),
             block)]


def _getlogs_step(plan: Plan, stats: Stats, latest: list[int], tally: list[int]) -> list:
    t = (b'{"jsonrpc":"2.0","id":%%d,"method":"eth_getLogs","params":[{"fromBlock":"0x%%x",'
         b'"toBlock":"latest","address":"%s"}]}' % plan.token.encode())

    def check(r) -> str | None:
        if not isinstance(r, list):
            return f"not a list: {str(r)[:100]}"
        tally[0] += len(r)
        for e in r:
            if e.get("address", "").lower() != plan.token or e["topics"][0] != TRANSFER_TOPIC:
                return f"a log the filter excludes: {str(e)[:150]}"
        return None
    return [(stats, lambda rid: t % (rid, max(0, latest[0] - GETLOGS_SPAN + 1)), check)]


def _call_step(plan: Plan, stats: Stats) -> list:
    t = (b'{"jsonrpc":"2.0","id":%%d,"method":"eth_call","params":[{"to":"%s","data":"%s"},'
         b'"latest"]}' % (plan.token.encode(), plan.balance_of_owner.encode()))
    return [(stats, lambda rid: t % rid, _exact(plan.owner_tokens_hex))]


KIND_NAMES = ("eth_sendRawTransaction token", "eth_sendRawTransaction ether", "eth_call",
              "eth_blockNumber", "eth_getBalance", "eth_getBlockByNumber", "eth_getLogs")


async def _window(url: str, plan: Plan, mix: Mix, seconds: float, latest: list[int],
                  result: Result) -> list[list[str]]:
    """Run every HTTP client for `seconds`; each sender's acknowledged hashes."""
    kinds = {name: Stats(name) for name in KIND_NAMES}
    result.kinds = list(kinds.values())
    tally = [0]
    acked: list[list[str]] = [[] for _ in plan.senders]
    n_http = mix.senders + mix.callers + mix.readers + mix.getlogs
    conns = [await HttpConn.open(url) for _ in range(n_http)]
    tx_stats = [kinds["eth_sendRawTransaction token"], kinds["eth_sendRawTransaction ether"]]
    cpu0, t0 = time.process_time(), time.perf_counter()
    deadline = t0 + seconds
    jobs = [sender_loop(conns[i], deadline, tx_stats, s.bodies, s.hashes, acked[i])
            for i, s in enumerate(plan.senders)]
    it = iter(conns[mix.senders:])
    jobs += [request_loop(next(it), deadline, _call_step(plan, kinds["eth_call"]))
             for _ in range(mix.callers)]
    jobs += [request_loop(next(it), deadline, _reader_steps(plan, kinds))
             for _ in range(mix.readers)]
    jobs += [request_loop(next(it), deadline,
                          _getlogs_step(plan, kinds["eth_getLogs"], latest, tally))
             for _ in range(mix.getlogs)]
    tasks = [asyncio.ensure_future(j) for j in jobs]
    done, pending = await asyncio.wait(tasks, timeout=seconds + HANG_S)
    result.window_s = time.perf_counter() - t0
    result.client_cpu_s = time.process_time() - cpu0
    for task in pending:
        task.cancel()
        result.problems.append(f"a client had no answer {HANG_S:.0f} s after the window")
    for i, task in enumerate(tasks):
        if task not in done:
            continue
        if task.exception() is not None:
            result.problems.append(f"a client failed: {task.exception()!r}")
        elif i < mix.senders and task.result() is False:
            result.problems.append(f"sender {plan.senders[i].index} ran out of its "
                                   f"{len(plan.senders[i].bodies)} signed transactions "
                                   "before the window ended: raise --tx-per-sender")
    for conn in conns:
        conn.close()
    result.getlogs_results = tally[0]
    result.acked = sum(map(len, acked))
    return acked


# -- after the window ----------------------------------------------------------------------------
async def _settle(conn: HttpConn, plan: Plan, acked: list[list[str]], subs: list[Subscriber],
                  result: Result) -> tuple[list[tuple[int, str]], list[dict]]:
    """Wait for the last transactions to be mined and the last notifications to arrive; the
    blocks (number, hash) and the token's logs mined in the window."""
    for sender, hashes in zip(plan.senders, acked):
        if hashes:
            try:
                await wait_receipt(conn, hashes[-1], SETTLE_S)
            except LoadError as e:
                result.problems.append(f"sender {sender.index}'s last acknowledged transaction "
                                       f"was not mined: {e}")
    result.head_after = head = int(await conn.call("eth_blockNumber"), 16)
    first = result.head_before + 1
    blocks: list[dict] = []
    for start in range(first, head + 1, BATCH):
        blocks += await conn.batch([("eth_getBlockByNumber", [hex(n), False])
                                    for n in range(start, min(start + BATCH, head + 1))])
    logs = await conn.call("eth_getLogs", {"fromBlock": hex(first), "toBlock": hex(head),
                                           "address": plan.token}) if head >= first else []
    deadline = time.perf_counter() + SETTLE_S
    while time.perf_counter() < deadline and not all(
            len(s.heads) >= len(blocks) and len(s.logs) >= len(logs) for s in subs):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # anything beyond what was expected would show up now
    heads = [(int(b["number"], 16), b["hash"]) for b in blocks]
    mined = [h for b in blocks for h in b["transactions"]]
    _check_transactions(acked, mined, logs, result)
    return heads, logs


def _check_transactions(acked: list[list[str]], mined: list[str], logs: list[dict],
                        result: Result) -> None:
    """The blocks hold exactly the acknowledged transactions, once each, and every token
    transfer among them logged its Transfer."""
    sent = {h for hashes in acked for h in hashes}
    mined_set = {h.lower() for h in mined}
    result.in_blocks = len(mined)
    if len(mined_set) != len(mined):
        result.problems.append("a transaction is in two blocks")
    if lost := sent - mined_set:
        result.problems.append(f"{len(lost)} acknowledged transactions are in no block, e.g. "
                               f"{sorted(lost)[0]}")
    if extra := mined_set - sent:
        result.problems.append(f"{len(extra)} transactions in the blocks were not acknowledged, "
                               f"e.g. {sorted(extra)[0]}")
    token_txs = {h for hashes in acked for h in hashes[0::2]}  # even: token transfers
    logged = [e["transactionHash"].lower() for e in logs]
    if sorted(logged) != sorted(token_txs) or any(e["topics"][0] != TRANSFER_TOPIC for e in logs):
        result.problems.append(f"{len(logs)} token logs in the window's blocks for "
                               f"{len(token_txs)} acknowledged token transfers")


def _check_subscribers(subs: list[Subscriber], heads: list[tuple[int, str]], logs: list[dict],
                       result: Result) -> None:
    want_logs = [(e["blockHash"], e["transactionHash"], int(e["logIndex"], 16), False)
                 for e in logs]
    for k, s in enumerate(subs, 1):
        result.heads.append((len(heads), len(s.heads)))
        result.logs.append((len(want_logs), len(s.logs)))
        for what in s.errors[:3]:
            result.problems.append(f"subscriber {k}: {what}")
        if s.heads != heads:
            result.problems.append(f"subscriber {k}: newHeads {_difference(s.heads, heads)}")
        if s.logs != want_logs:
            result.problems.append(f"subscriber {k}: logs {_difference(s.logs, want_logs)}")


def _difference(got: list, want: list) -> str:
    """Where a received sequence first differs from the expected one."""
    missing = len(set(want) - set(got))
    duplicated = len(got) - len(set(got))
    i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    at = f"{got[i] if i < len(got) else 'nothing'} where {want[i] if i < len(want) else 'nothing'}"
    return (f"{len(got)} received, {len(want)} expected, {missing} missing, {duplicated} "
            f"duplicated; first difference at #{i}: {at} was expected")


# -- the run -------------------------------------------------------------------------------------
def ws_url_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme={"https": "wss"}.get(parts.scheme, "ws")))


async def _set_up(url: str, session: aiohttp.ClientSession, subs: list[Subscriber],
                  per_sender: int, result: Result) -> tuple[Plan, list[int]]:
    """Deploy, fund and sign; subscribe while no block is being mined; the head before the
    window, in a list the subscribers update and the eth_getLogs clients read."""
    conn = await HttpConn.open(url)
    try:
        plan = await prepare(conn, result.mix.senders, per_sender)
        result.signing_s = plan.signing_s
        for s in subs:
            await s.subscribe(session, ws_url_of(url), plan.token)
        result.head_before = int(await conn.call("eth_blockNumber"), 16)
    finally:
        conn.close()
    latest = [result.head_before]
    for s in subs:
        s.latest = latest
    return plan, latest


async def _after(url: str, plan: Plan, acked: list[list[str]], subs: list[Subscriber],
                 result: Result) -> tuple[list, list] | None:
    """_settle on a new connection (the node may have closed an idle one during a long window);
    None if the node no longer answers."""
    try:
        conn = await HttpConn.open(url)
        try:
            return await _settle(conn, plan, acked, subs, result)
        finally:
            conn.close()
    except (LoadError, OSError) as e:
        result.problems.append(f"after the window: {e!r}")
        return None


async def run_async(url: str, pid: int | None, seconds: float, clients: int,
                    tx_per_sender: int | None = None) -> Result:
    """The whole load test against the node at `url` (its PID, if given, for RSS and CPU)."""
    result = Result(url, seconds, Mix.of(clients))
    per_sender = tx_per_sender or math.ceil(seconds * TX_RATE_PER_SENDER)
    subs = [Subscriber() for _ in range(result.mix.subscribers)]
    receivers: list[asyncio.Future] = []
    async with aiohttp.ClientSession() as session:
        try:
            plan, latest = await _set_up(url, session, subs, per_sender, result)
            receivers = [asyncio.ensure_future(s.receive()) for s in subs]
            rss0, cpu0 = proc_status(pid, "VmRSS"), proc_cpu_s(pid)
            acked = await _window(url, plan, result.mix, seconds, latest, result)
            cpu1 = proc_cpu_s(pid)
            result.rss_kib = (rss0, proc_status(pid, "VmRSS"))
            result.peak_rss_kib = proc_status(pid, "VmHWM")
            if cpu0 is not None and cpu1 is not None:
                result.node_cpu_s = cpu1 - cpu0
            expected = await _after(url, plan, acked, subs, result)
        finally:
            for s in subs:
                await s.close()
        for r in await asyncio.gather(*receivers, return_exceptions=True):
            if isinstance(r, Exception):
                result.problems.append(f"a subscriber failed: {r!r}")
    if expected is not None:
        _check_subscribers(subs, *expected, result)
    return result


def run_load(url: str | None = None, pid: int | None = None, seconds: float = 30.0,
             clients: int = 50, tx_per_sender: int | None = None) -> Result:
    """run_async on a fresh `devnet` (a LevelDB data dir in a temporary directory, a free port,
    --quiet), stopped by its PID afterwards; or on the node at `url`."""
    if url is not None:
        return asyncio.run(run_async(url, pid, seconds, clients, tx_per_sender))
    kind = rpc_nodes.Kind("devnet-datadir", "devnet", rpc_nodes.DEVNET_PREFIX,
                          [str(rpc_nodes.DEVNET_BIN), "--host", "127.0.0.1", "--port", "{port}",
                           "--datadir", "{scratch}/datadir", "--quiet"])
    with tempfile.TemporaryDirectory(prefix="pydevnet-load-") as scratch:
        node = rpc_nodes.start(kind, Path(scratch))
        try:
            node.client.close()
            result = asyncio.run(run_async(f"http://127.0.0.1:{node.port}", node.proc.pid,
                                           seconds, clients, tx_per_sender))
            if note := _exit_note(node):
                result.problems.append(note)
            return result
        except (LoadError, OSError) as e:
            raise LoadError(f"{e}{_exit_note(node)}") from e
        finally:
            rpc_nodes.stop_pid(node.proc)


def _exit_note(node: rpc_nodes.Running) -> str:
    """If the devnet has exited: its exit code and the end of its log."""
    if node.proc.poll() is None:
        return ""
    tail = node.log_path.read_text(errors="replace")[-2000:]
    return f"; devnet exited with {node.proc.returncode}:\n{tail}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/load.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=30.0, help="the timed window (default 30)")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--url", help="target this node instead of starting a devnet")
    p.add_argument("--pid", type=int, help="with --url: the node's PID, for its RSS and CPU")
    p.add_argument("--tx-per-sender", type=int,
                   help=f"transactions signed ahead per sender (default {TX_RATE_PER_SENDER} "
                        "per second of window)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    args = p.parse_args(argv)
    if args.pid is not None and args.url is None:
        p.error("--pid goes with --url")
    if args.clients < 5 or args.seconds <= 0:
        p.error("--clients must be at least 5 and --seconds positive")
    try:
        result = run_load(args.url, args.pid, args.seconds, args.clients, args.tx_per_sender)
    except (LoadError, OSError, RuntimeError) as e:
        print(f"load: the set-up or the checks failed: {e}", file=sys.stderr)
        return 2
    print(json.dumps(load_report.as_json(result), indent=1) if args.json
          else load_report.table(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
