"""The load test's clients, all on one asyncio loop: a lean keep-alive HTTP/1.1 connection per
client (an asyncio.Protocol: the request written in one call, the answer framed by its
Content-Length), the request loops of each kind, and the WebSocket subscribers (aiohttp).

Every answer is checked inside the loop: an HTTP status other than 200, a body that is no JSON
object, a wrong id, a JSON-RPC error or an unexpected result each count as one error of that
kind, with the first few kept as samples. Bodies are byte templates filled with the id (and a
block number for eth_getLogs), so the client's own cost per request stays small.
"""
import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

import aiohttp

SAMPLES_KEPT = 5
Check = Callable[[Any], str | None]  # a result -> a problem, or None when it is right


class LoadError(Exception):
    """The node answered something the load test cannot accept (set-up, settling, checks)."""


@dataclass
class Stats:
    """One kind of request: its latencies (s) and errors."""
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.samples) < SAMPLES_KEPT:
            self.samples.append(what[:300])


class HttpConn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, head: bytes) -> None:
        self._head = head
        self._buf = bytearray()
        self._body_at = -1
        self._length = 0
        self._status = b""
        self._waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None

    @classmethod
    async def open(cls, url: str) -> "HttpConn":
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        head = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Type: application/json\r\nContent-Length: ").encode()
        loop = asyncio.get_running_loop()
        # asyncio's TCP transports set TCP_NODELAY themselves
        _, conn = await loop.create_connection(lambda: cls(head), host, port)
        return conn

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        if self._body_at < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            self._status = head[9:12]
            i = head.lower().find(b"\r\ncontent-length:")
            if i < 0:
                self._fail(LoadError(f"an answer without Content-Length: {head[:200]!r}"))
                return
            j = head.find(b"\r\n", i + 2)
            self._length = int(head[i + 17:j if j >= 0 else len(head)])
            self._body_at = end + 4
        end = self._body_at + self._length
        if len(buf) >= end:
            body = bytes(buf[self._body_at:end])
            del buf[:end]
            self._body_at = -1
            waiter, self._waiter = self._waiter, None
            if waiter is None or waiter.done():
                return
            if self._status != b"200":
                waiter.set_exception(LoadError(f"HTTP {self._status.decode()}: {body[:200]!r}"))
            else:
                waiter.set_result(body)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError(f"the node closed the connection ({exc})"))
        self.transport = None

    def _fail(self, exc: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def post(self, payload: bytes) -> asyncio.Future:
        """Send one body; the future gets the answer's body."""
        if self.transport is None:
            raise ConnectionError("the node closed the connection")
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(b"%s%d\r\n\r\n%s" % (self._head, len(payload), payload))
        return self._waiter

    async def call(self, method: str, *params: Any) -> Any:
        """One request outside the timed window; a JSON-RPC error raises LoadError."""
        answer = json.loads(await self.post(json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()))
        if "result" not in answer:
            raise LoadError(f"{method}: {answer.get('error', answer)}")
        return answer["result"]

    async def batch(self, calls: list[tuple[str, list]]) -> list[Any]:
        payload = json.dumps([{"jsonrpc": "2.0", "id": i, "method": m, "params": p}
                              for i, (m, p) in enumerate(calls)]).encode()
        answers = json.loads(await self.post(payload))
        by_id = {a.get("id"): a for a in answers} if isinstance(answers, list) else {}
        if len(by_id) != len(calls) or any("result" not in a for a in by_id.values()):
            raise LoadError(f"a batch of {len(calls)}: {str(answers)[:300]}")
        return [by_id[i]["result"] for i in range(len(calls))]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def template(method: str, params_json: str) -> bytes:
    """A body with `%d` for the id; '%' in the parameters is escaped."""
    return (b'{"jsonrpc":"2.0","id":%%d,"method":"%s","params":%s}'
            % (method.encode(), params_json.replace("%", "%%").encode()))


async def request_loop(conn: HttpConn, deadline: float,
                       steps: list[tuple[Stats, Callable[[int], bytes], Check]]) -> None:
    """Until `deadline`, send the steps in turn, each after the previous answer: (stats,
    id -> body, check). A broken connection is an error and ends the loop."""
    perf, loads = time.perf_counter, json.loads
    rid, n = 0, len(steps)
    while perf() < deadline:
        stats, make, check = steps[rid % n]
        rid += 1
        t0 = perf()
        try:
            raw = await conn.post(make(rid))
        except (LoadError, ConnectionError) as e:
            stats.latencies.append(perf() - t0)
            stats.error(f"request {rid}: {e}")
            if conn.transport is None:
                return
            continue
        stats.latencies.append(perf() - t0)
        try:
            answer = loads(raw)
        except ValueError:
            stats.error(f"request {rid}: not JSON: {raw[:200]!r}")
            continue
        if not isinstance(answer, dict) or answer.get("id") != rid:
            stats.error(f"request {rid}: wrong id or shape: {raw[:200]!r}")
        elif "result" not in answer:
            stats.error(f"request {rid}: {answer.get('error', answer)}")
        elif (problem := check(answer["result"])) is not None:
            stats.error(f"request {rid}: {problem}")


async def sender_loop(conn: HttpConn, deadline: float, stats: list[Stats],
                      bodies: list[bytes], hashes: list[str], acked: list[str]) -> bool:
    """Pre-signed transactions in nonce order, each after the previous answer, until `deadline`;
    bodies[i] goes to stats[i % len(stats)] and must be answered with hashes[i]. Appends every
    acknowledged hash to `acked`; False if the transactions ran out before the deadline."""
    perf, loads = time.perf_counter, json.loads
    k = len(stats)
    for i, payload in enumerate(bodies):
        if perf() >= deadline:
            return True
        s = stats[i % k]
        t0 = perf()
        try:
            raw = await conn.post(payload)
        except (LoadError, ConnectionError) as e:
            s.latencies.append(perf() - t0)
            s.error(f"nonce +{i}: {e}")
            return True  # later nonces would only be refused or left pending
        s.latencies.append(perf() - t0)
        try:
            answer = loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("id") != i or \
                not isinstance(result := answer.get("result"), str) or result.lower() != hashes[i]:
            s.error(f"nonce +{i}: expected {hashes[i]}: {raw[:200]!r}")
            return True
        acked.append(hashes[i])
    return perf() >= deadline


@dataclass
class Subscriber:
    """A WebSocket client with a newHeads and a logs subscription; what it received, in order."""
    heads: list[tuple[int, str]] = field(default_factory=list)
    # (block hash, transaction hash, log index, removed)
    logs: list[tuple[str, str, int, bool]] = field(default_factory=list)
    latest: list[int] = field(default_factory=lambda: [0])  # shared with the getLogs clients
    errors: list[str] = field(default_factory=list)
    ws: aiohttp.ClientWebSocketResponse | None = None
    ids: dict[str, str] = field(default_factory=dict)  # subscription id -> kind

    async def subscribe(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        self.ws = await session.ws_connect(url, max_msg_size=0)
        for rid, params in ((1, ["newHeads"]), (2, ["logs", {"address": token}])):
            await self.ws.send_str(json.dumps({"jsonrpc": "2.0", "id": rid,
                                               "method": "eth_subscribe", "params": params}))
            answer = json.loads((await self.ws.receive(timeout=30)).data)
            if answer.get("id") != rid or not isinstance(answer.get("result"), str):
                raise LoadError(f"eth_subscribe {params[0]}: {answer}")
            self.ids[answer["result"]] = params[0]

    async def receive(self) -> None:
        """Record notifications until the socket closes."""
        latest = self.latest
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                self.errors.append(f"a {msg.type.name} frame")
                continue
            try:
                note = json.loads(msg.data)
                params = note["params"]
                kind, r = self.ids.get(params["subscription"]), params["result"]
                if note["method"] != "eth_subscription" or kind is None:
                    raise ValueError("not a notification of ours")
                if kind == "newHeads":
                    n = int(r["number"], 16)
                    self.heads.append((n, r["hash"]))
                    if n > latest[0]:
                        latest[0] = n
                else:
                    self.logs.append((r["blockHash"], r["transactionHash"],
                                      int(r["logIndex"], 16), bool(r.get("removed"))))
            except (ValueError, KeyError, TypeError) as e:
                self.errors.append(f"{e!r}: {msg.data[:200]}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
