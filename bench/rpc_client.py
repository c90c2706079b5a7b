"""The RPC benchmark's client side: one keep-alive HTTP/1.1 connection per client on a plain
socket (TCP_NODELAY; the request written in one send; the answer framed by its Content-Length,
which pydevnet, Anvil and Hardhat all send), JSON-RPC bodies encoded before a timed loop starts,
and every answer parsed with json and checked inside it (a real client parses too).

The same client drives every node, so its own cost per request is part of every figure alike. It
is kept small (http.client's header parsing alone costs about as much as Anvil's whole answer),
and `timed_posts` reports the client's CPU time, so a reader can see when the client, not the
node, is the limit.
"""
import json
import socket
import time
from typing import Any, Callable

TIMEOUT_S = 120.0


class RPCFailure(Exception):
    """A node answered with an HTTP error or a JSON-RPC error, or answered something else than
    the benchmark expects."""


def body(method: str, params: list, rid: int = 1) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params},
                      separators=(",", ":")).encode()


def result_of(answer: Any, what: str) -> Any:
    if not isinstance(answer, dict) or "result" not in answer:
        raise RPCFailure(f"{what}: {answer!r}"[:500])
    return answer["result"]


class Client:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = TIMEOUT_S) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._head = (f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\n"
                      "Content-Type: application/json\r\nContent-Length: ").encode()
        self._buf = b""
        self._id = 0

    def settimeout(self, seconds: float) -> None:
        self.sock.settimeout(seconds)

    def post(self, payload: bytes) -> bytes:
        """POST one body, return the answer's body."""
        self.sock.sendall(b"%s%d\r\n\r\n%s" % (self._head, len(payload), payload))
        buf = self._buf
        end = buf.find(b"\r\n\r\n")
        while end < 0:
            buf += self._recv()
            end = buf.find(b"\r\n\r\n")
        head, buf = buf[:end], buf[end + 4:]
        n = _content_length(head)
        while len(buf) < n:
            buf += self._recv()
        self._buf = buf[n:]
        if head[9:12] != b"200":
            status = head.split(b"\r\n", 1)[0].decode(errors="replace")
            raise RPCFailure(f"{status}: {buf[:n][:300]!r}")
        return buf[:n]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise RPCFailure("the node closed the connection")
        return chunk

    def call(self, method: str, *params: Any) -> Any:
        self._id += 1
        return result_of(json.loads(self.post(body(method, list(params), self._id))), method)

    def batch(self, calls: list[tuple[str, list]]) -> list[Any]:
        """One JSON-RPC batch; the results in request order."""
        payload = json.dumps([{"jsonrpc": "2.0", "id": i, "method": m, "params": p}
                              for i, (m, p) in enumerate(calls)]).encode()
        answers = json.loads(self.post(payload))
        if not isinstance(answers, list) or len(answers) != len(calls):
            raise RPCFailure(f"batch of {len(calls)}: {str(answers)[:300]}")
        by_id = {a.get("id"): a for a in answers}
        return [result_of(by_id.get(i), calls[i][0]) for i in range(len(calls))]

    def close(self) -> None:
        self.sock.close()


def _content_length(head: bytes) -> int:
    i = head.lower().find(b"\r\ncontent-length:")
    if i < 0:
        raise RPCFailure(f"an answer without Content-Length: {head[:300]!r}")
    j = head.find(b"\r\n", i + 2)
    return int(head[i + 17:j if j >= 0 else len(head)])


def timed_posts(client: Client, payloads: list[bytes],
                check: Callable[[int, Any], None]) -> dict:
    """Send `payloads` one at a time, each waiting for its answer; check(i, answer) each one.
    Returns the wall time, every request's latency and the client's own CPU time."""
    lat = [0.0] * len(payloads)
    perf, loads, post = time.perf_counter, json.loads, client.post
    cpu0 = time.process_time()
    t0 = perf()
    for i, payload in enumerate(payloads):
        s = perf()
        answer = loads(post(payload))
        lat[i] = perf() - s
        check(i, answer)
    wall = perf() - t0
    return {"wall_s": wall, "latencies_s": lat, "client_cpu_s": time.process_time() - cpu0}
