"""rpc/front.py over real sockets: the POSTs it answers itself (keep-alive, pipelining, requests
split into single bytes, HTTP/1.0, Connection: close, odd header case, the Host, Origin and
size checks), and what it hands to aiohttp with the bytes already read (chunked bodies,
Expect: 100-continue, GET, OPTIONS, WebSocket), all on one port."""
import asyncio
import json
import socket
import threading

import aiohttp
import pytest

from pydevnet.rpc.front import FrontSite
from pydevnet.rpc.heads import parse_head
from pydevnet.rpc.server import RPCConfig
from tests.raw_http import request, rpc_body
from tests.rpc.helpers import ServerThread, addresses, make_devnet

GOOD = "http://good.example"
LIMIT = 4096


def _served(config: RPCConfig):
    running = ServerThread(make_devnet(), config)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server():
    yield from _served(RPCConfig(max_request_bytes=LIMIT))


@pytest.fixture(scope="module")
def restricted():
    yield from _served(RPCConfig(cors_origins=(GOOD,)))


class Conn:
    """A raw keep-alive HTTP/1.x connection that reads one answer at a time."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.port = port
        self.buf = b""

    def post(self, body, *, version: str = "HTTP/1.1", headers: str | None = None) -> bytes:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if headers is None:
            headers = f"Host: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
        return (f"POST / {version}\r\n{headers}Content-Length: {len(data)}\r\n\r\n").encode() \
            + data

    def send(self, raw: bytes) -> None:
        self.sock.sendall(raw)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def answer(self) -> tuple[str, dict[str, str], bytes]:
        """(status line, headers with lower-case names, body) of the next answer."""
        while b"\r\n\r\n" not in self.buf:
            assert self._fill(), f"closed before an answer: {self.buf!r}"
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        size = int(headers.get("content-length", 0))
        while len(self.buf) < size:
            assert self._fill(), "closed inside an answer"
        body, self.buf = self.buf[:size], self.buf[size:]
        return status, headers, body

    def closed(self) -> bool:
        """Whether the server closed the connection (everything sent so far was read)."""
        while True:
            if not self.buf and not self._fill():
                return True
            if self.buf:
                return False

    def close(self) -> None:
        self.sock.close()


def result(body: bytes, rid=None):
    answer = json.loads(body)
    if rid is not None:
        assert answer["id"] == rid
    assert "error" not in answer, answer
    return answer["result"]


def front_connections(server: ServerThread) -> int:
    async def count() -> int:
        return sum(len(site.front.connections) for site in server.runner.sites
                   if isinstance(site, FrontSite))
    return server._run(count())


def test_parse_head_accepts_only_plain_posts():
    assert parse_head(b"POST / HTTP/1.1\r\nhOsT: a\r\nContent-Length: 2") == \
        ("HTTP/1.1", {"host": "a", "content-length": "2"})
    assert parse_head(b"GET / HTTP/1.1\r\nHost: a") is None
    assert parse_head(b"POST / HTTP/2\r\nHost: a") is None
    assert parse_head(b"POST / HTTP/1.1\r\nHost: a\r\nHost: b") is None
    assert parse_head(b"POST / HTTP/1.1\r\n folded: value") is None
    assert parse_head(b"POST / HTTP/1.1\r\nHost: a\nX: b") is None
    assert parse_head(b"POST / HTTP/1.1\r\nX: \xff") is None


def test_keep_alive_many_requests_on_one_socket(server):
    conn = Conn(server.port)
    account = addresses(server.devnet)[0]
    for i in range(200):
        if i % 2:
            # eth_call suspends (a reader thread runs it): answered from a task
            conn.send(conn.post(rpc_body("eth_call", {"to": account}, "latest", rid=i)))
        else:
            conn.send(conn.post(rpc_body("eth_chainId", rid=i)))
        status, headers, body = conn.answer()
        assert status == "HTTP/1.1 200 OK"
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert headers["access-control-allow-origin"] == "*"
        value = result(body, i)
        assert value == ("0x7a69" if i % 2 == 0 else "0x")
    conn.close()


def test_pipelined_requests_are_answered_in_order(server):
    conn = Conn(server.port)
    account = addresses(server.devnet)[0]
    methods = [("eth_blockNumber",), ("eth_call", {"to": account}, "latest"), ("eth_chainId",),
               ("eth_call", {"to": account}, "latest"), ("eth_getBalance", account, "latest")] * 10
    conn.send(b"".join(conn.post(rpc_body(*m, rid=i)) for i, m in enumerate(methods)))
    for i in range(len(methods)):
        status, _, body = conn.answer()
        assert status == "HTTP/1.1 200 OK"
        result(body, i)
    conn.close()


def test_a_request_fed_one_byte_at_a_time(server):
    conn = Conn(server.port)
    for byte in conn.post(rpc_body("eth_chainId", rid=7)):
        conn.send(bytes([byte]))
    assert result(conn.answer()[2], 7) == "0x7a69"
    conn.close()


def test_header_names_in_odd_case(server):
    conn = Conn(server.port)
    body = json.dumps(rpc_body("eth_chainId", rid=3)).encode()
    conn.send(f"POST /any/path HTTP/1.1\r\nhOsT: localhost\r\ncOnTeNt-LeNgTh: {len(body)}\r\n"
              f"CONNECTION: Keep-Alive\r\n\r\n".encode() + body)
    assert result(conn.answer()[2], 3) == "0x7a69"
    conn.send(conn.post(rpc_body("eth_chainId", rid=4)))  # still open
    assert result(conn.answer()[2], 4) == "0x7a69"
    conn.close()


def test_http_1_0_closes_unless_keep_alive(server):
    conn = Conn(server.port)
    conn.send(conn.post(rpc_body("eth_chainId"), version="HTTP/1.0", headers=""))
    status, headers, body = conn.answer()
    assert status == "HTTP/1.0 200 OK" and "connection" not in headers
    assert result(body) == "0x7a69"
    assert conn.closed()
    conn = Conn(server.port)
    for rid in range(3):
        conn.send(conn.post(rpc_body("eth_chainId", rid=rid), version="HTTP/1.0",
                            headers="Connection: keep-alive\r\n"))
        status, headers, body = conn.answer()
        assert status == "HTTP/1.0 200 OK" and headers["connection"] == "keep-alive"
        assert result(body, rid) == "0x7a69"
    conn.close()


def test_connection_close_is_honoured(server):
    conn = Conn(server.port)
    conn.send(conn.post(rpc_body("eth_chainId"), headers="Host: localhost\r\nConnection: close\r\n")
              + conn.post(rpc_body("eth_blockNumber")))
    status, headers, _ = conn.answer()
    assert status == "HTTP/1.1 200 OK" and headers["connection"] == "close"
    assert conn.closed()  # the request after it is not answered


def test_notifications_only_get_204(server):
    conn = Conn(server.port)
    conn.send(conn.post({"jsonrpc": "2.0", "method": "eth_chainId"}))
    status, headers, body = conn.answer()
    assert status == "HTTP/1.1 204 No Content" and body == b""
    assert headers["access-control-allow-origin"] == "*"
    conn.send(conn.post(rpc_body("eth_chainId", rid=2)))
    assert result(conn.answer()[2], 2) == "0x7a69"
    conn.close()


def test_chunked_post_is_handed_to_aiohttp(server):
    conn = Conn(server.port)
    body = json.dumps(rpc_body("eth_chainId", rid=9)).encode()
    conn.send(conn.post(rpc_body("eth_blockNumber", rid=8))
              + b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
              + b"%x\r\n" % 10 + body[:10] + b"\r\n"
              + b"%x\r\n" % (len(body) - 10) + body[10:] + b"\r\n0\r\n\r\n")
    assert result(conn.answer()[2], 8) == "0x0"
    status, headers, payload = conn.answer()
    assert status == "HTTP/1.1 200 OK" and headers["access-control-allow-origin"] == "*"
    assert result(payload, 9) == "0x7a69"
    conn.close()


def test_expect_100_continue(server):
    conn = Conn(server.port)
    body = json.dumps(rpc_body("eth_chainId", rid=4)).encode()
    conn.send(f"POST / HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
              f"Content-Length: {len(body)}\r\n\r\n".encode())
    status, _, _ = conn.answer()
    assert status == "HTTP/1.1 100 Continue"
    conn.send(body)
    status, _, payload = conn.answer()
    assert status == "HTTP/1.1 200 OK" and result(payload, 4) == "0x7a69"
    conn.close()


def test_oversize_content_length_gets_413_and_close(server):
    conn = Conn(server.port)
    conn.send(conn.post(b"x" * (LIMIT + 1)))
    status, headers, body = conn.answer()
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert json.loads(body)["error"]["code"] == -32600
    assert headers["access-control-allow-origin"] == "*"
    assert conn.closed()


def test_body_shorter_than_its_length_then_close(server):
    before = front_connections(server)
    other = Conn(server.port)
    other.send(other.post(rpc_body("eth_chainId", rid=1)))
    other.answer()
    cut = Conn(server.port)
    whole = cut.post(rpc_body("eth_chainId", rid=2))
    cut.send(whole[:-5])
    other.send(other.post(rpc_body("eth_blockNumber", rid=3)))  # not stalled by the half body
    assert result(other.answer()[2], 3) == "0x0"
    cut.close()
    other.send(other.post(rpc_body("eth_chainId", rid=4)))
    assert result(other.answer()[2], 4) == "0x7a69"
    other.close()
    fresh = Conn(server.port)  # the half-sent one is gone, not kept
    fresh.send(fresh.post(rpc_body("eth_chainId", rid=5)))
    assert result(fresh.answer()[2], 5) == "0x7a69"
    fresh.close()
    for _ in range(1000):
        if front_connections(server) <= before:
            break
        asyncio.run(asyncio.sleep(0.01))
    assert front_connections(server) <= before


def test_bad_host_is_refused_and_the_connection_goes_on(server):
    conn = Conn(server.port)
    conn.send(conn.post(rpc_body("eth_chainId"), headers="Host: evil.example\r\n"))
    status, headers, body = conn.answer()
    assert status == "HTTP/1.1 403 Forbidden"
    assert "invalid host specified: evil.example" in json.loads(body)["error"]["message"]
    assert "access-control-allow-origin" not in headers
    conn.send(conn.post(rpc_body("eth_chainId", rid=2)))
    assert result(conn.answer()[2], 2) == "0x7a69"
    conn.close()


def test_origin_checks_and_cors_headers(restricted):
    conn = Conn(restricted.port)
    conn.send(conn.post(rpc_body("eth_chainId"),
                        headers="Host: localhost\r\nOrigin: http://evil.example\r\n"))
    status, headers, body = conn.answer()
    assert status == "HTTP/1.1 403 Forbidden"
    assert "origin http://evil.example is not allowed" in json.loads(body)["error"]["message"]
    conn.send(conn.post(rpc_body("eth_chainId"), headers=f"Host: localhost\r\nOrigin: {GOOD}\r\n"))
    status, headers, body = conn.answer()
    assert status == "HTTP/1.1 200 OK"
    assert headers["access-control-allow-origin"] == GOOD and headers["vary"] == "Origin"
    conn.send(conn.post(rpc_body("eth_chainId")))  # no Origin: not a browser, served
    status, headers, body = conn.answer()
    assert status == "HTTP/1.1 200 OK" and "access-control-allow-origin" not in headers
    conn.close()


def test_preflight_answered_by_aiohttp(restricted):
    status, headers, _ = request(restricted.port, "OPTIONS", headers={
        "Origin": GOOD, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert headers["access-control-allow-origin"] == GOOD
    assert "POST" in headers["access-control-allow-methods"]


def test_post_then_get_on_one_connection(server):
    conn = Conn(server.port)
    conn.send(conn.post(rpc_body("eth_chainId", rid=1))
              + b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert result(conn.answer()[2], 1) == "0x7a69"
    status, _, body = conn.answer()
    assert status == "HTTP/1.1 200 OK" and json.loads(body)["status"] == "ok"
    conn.close()


def test_get_and_websocket_beside_fast_path_connections(server):
    busy = [Conn(server.port) for _ in range(3)]
    for i, conn in enumerate(busy):
        conn.send(conn.post(rpc_body("eth_blockNumber", rid=i)))
        conn.answer()
    status, _, body = request(server.port, "GET")
    assert status == 200 and json.loads(body)["chainId"] == "0x7a69"

    async def subscribe() -> dict:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(server.ws_url) as ws:
                await ws.send_json(rpc_body("eth_subscribe", "newHeads"))
                assert "result" in await ws.receive_json(timeout=30)
                busy[0].send(busy[0].post(rpc_body("evm_mine")))  # mined through the front
                busy[0].answer()
                return await ws.receive_json(timeout=30)
    note = asyncio.run(subscribe())
    assert note["method"] == "eth_subscription"
    assert note["params"]["result"]["number"] == "0x1"
    for conn in busy:
        conn.close()


def test_stop_closes_idle_half_sent_and_in_flight_connections():
    server = ServerThread(make_devnet())
    idle, half, flying = Conn(server.port), Conn(server.port), Conn(server.port)
    idle.send(idle.post(rpc_body("eth_chainId")))
    idle.answer()
    half.send(half.post(rpc_body("eth_chainId"))[:-3])
    account = addresses(server.devnet)[0]
    flying.send(b"".join(flying.post(rpc_body("eth_call", {"to": account}, "latest", rid=i))
                         for i in range(50)))
    flying.answer()
    server.stop()
    assert idle.closed() and half.closed()
    answered = 1
    while True:  # the rest are answered in order until the connection is closed
        try:
            status, _, body = flying.answer()
        except AssertionError:
            break
        assert status == "HTTP/1.1 200 OK" and result(body, answered) == "0x"
        answered += 1
    assert answered <= 50 and flying.closed()


def test_a_client_that_reads_late_gets_every_answer_in_order(server):
    """Answers pile up beyond the socket buffers while the client is not reading: the front
    stops writing and reading until it drains, then goes on, in order."""
    conn = Conn(server.port)
    batch = [rpc_body("eth_getBlockByNumber", "0x0", False, rid=i) for i in range(30)]
    requests = 400  # 30 headers an answer (under the 4 KiB request limit): about 15 MB
    sender = threading.Thread(target=lambda: conn.send(b"".join(
        conn.post([dict(b, id=r * 30 + b["id"]) for b in batch]) for r in range(requests))))
    sender.start()
    sender.join(timeout=2)  # lets answers pile up; the outcome does not depend on it
    for r in range(requests):
        status, _, body = conn.answer()
        answers = json.loads(body)
        assert status == "HTTP/1.1 200 OK" and [a["id"] for a in answers] == \
            [r * 30 + i for i in range(30)]
        assert all(a["result"]["number"] == "0x0" for a in answers)
    sender.join()
    conn.close()
