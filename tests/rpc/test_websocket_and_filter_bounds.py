"""Bounded memory at the RPC edge (rpc/subscriptions.py): a WebSocket client that reads too
slowly is closed (1008) once its send queue is full, its subscriptions dropped, while the others
keep receiving; aiohttp heartbeats are on; polled filters expire on the app's timer even when no
filter method is called."""
import asyncio
import base64
import json
import os
import socket
import time

import pytest

from pydevnet.rpc import subscriptions
from pydevnet.rpc.server import HUB
from pydevnet.rpc.subscriptions import SLOW_CONSUMER, Connection
from tests.rpc.helpers import ServerThread, make_devnet

DEADLINE = 30.0  # seconds any wait below may take at most (each ends as soon as its condition)


async def _until(cond, what: str, deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while not cond():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


# -- the queue bound, on a Connection alone ----------------------------------------------------
class StuckPeer:
    """A WebSocketResponse whose peer never reads: a send waits until the connection closes."""

    def __init__(self) -> None:
        self.closed_with: tuple | None = None
        self._gone = asyncio.Event()

    async def send_str(self, text: str) -> None:
        await self._gone.wait()
        raise ConnectionResetError("closed")

    async def close(self, *, code: int, message: bytes) -> bool:
        self.closed_with = (code, message.decode())
        self._gone.set()
        return True


async def test_a_full_queue_closes_the_connection_with_1008_and_frees_it(monkeypatch):
    monkeypatch.setattr(subscriptions, "MAX_QUEUED_MESSAGES", 5)
    peer = StuckPeer()
    conn = Connection(peer)
    for i in range(6):  # one taken by the stuck writer, five queued
        assert conn.send(f"message {i}")
        await asyncio.sleep(0)
    assert not conn.send("one too many")
    assert not conn.open and conn._queue.empty() and conn._queued == 0
    await conn.close()  # what the server's handler does next; returns, though the peer is stuck
    code, reason = peer.closed_with
    assert code == SLOW_CONSUMER == 1008 and "reads too slowly" in reason
    assert not conn.send("after")


async def test_the_byte_bound_counts_too_but_one_large_answer_always_fits(monkeypatch):
    monkeypatch.setattr(subscriptions, "MAX_QUEUED_BYTES", 1000)
    peer = StuckPeer()
    conn = Connection(peer)
    assert conn.send("x" * 5000)  # taken by the writer at once
    await asyncio.sleep(0)
    assert conn.send("y" * 5000)  # queue empty: accepted whatever its size
    assert not conn.send("z")  # 5001 characters queued > 1000
    await conn.close()
    assert peer.closed_with[0] == 1008


# -- a real server: one slow and one normal client ---------------------------------------------
def _masked_text_frame(text: str) -> bytes:
    payload = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81])
    n = len(payload)
    head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _slow_client(port: int) -> socket.socket:
    """A raw WebSocket client with a tiny receive buffer that subscribes to newHeads and never
    reads again."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(1)  # byte by byte: nothing past the handshake is taken
    assert answer.startswith(b"HTTP/1.1 101"), answer
    sock.sendall(_masked_text_frame(json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]})))
    return sock


async def test_a_slow_consumer_is_dropped_while_a_normal_one_keeps_receiving_new_heads(
        monkeypatch, server, session, rpc):
    monkeypatch.setattr(subscriptions, "MAX_QUEUED_MESSAGES", 50)
    monkeypatch.setattr(subscriptions, "CLOSE_TIMEOUT", 0.5)
    hub = server.runner.app[HUB]
    heads: list[int] = []
    async with session.ws_connect(server.ws_url) as normal:
        await normal.send_json({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                                "params": ["newHeads"]})
        sid = (await asyncio.wait_for(normal.receive_json(), 5))["result"]

        async def read_heads() -> None:
            async for msg in normal:
                note = json.loads(msg.data)
                assert note["params"]["subscription"] == sid
                heads.append(int(note["params"]["result"]["number"], 16))
        reader = asyncio.create_task(read_heads())
        tcp = server.runner.server  # the aiohttp server's open TCP connections
        others = set(tcp.connections)
        slow = _slow_client(server.port)
        try:
            await _until(lambda: len(hub._subs) == 2, "the slow client's subscription")
            (slow_tcp,) = set(tcp.connections) - others
            slow_sub = next(s for s in hub._subs.values() if s.id != sid)
            mined = 0
            while slow_sub.id in hub._subs:  # mine until its queue overflows
                assert mined < 5000, "the slow client was never dropped"
                await rpc.call("anvil_mine", "0x19")
                mined += 25
            assert not slow_sub.conn.open and slow_sub.conn not in hub.connections
            # and its socket is closed (CLOSE_TIMEOUT later: it never reads the close frame)
            await _until(lambda: slow_tcp not in tcp.connections, "the slow socket to close")
            await rpc.call("evm_mine")
            mined += 1
            await _until(lambda: len(heads) == mined, "every head on the normal client")
            assert heads == list(range(1, mined + 1))
            assert [s.id for s in hub._subs.values()] == [sid]
        finally:
            slow.close()
            reader.cancel()


def test_websockets_are_pinged():
    assert Connection.HEARTBEAT == subscriptions.HEARTBEAT == 30.0


async def test_the_heartbeat_is_on_for_served_websockets(server, session):
    async with session.ws_connect(server.ws_url) as ws:
        await ws.send_json({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"})
        await asyncio.wait_for(ws.receive_json(), 5)
        hub = server.runner.app[HUB]
        (conn,) = hub.connections
        assert conn.ws._heartbeat == Connection.HEARTBEAT


# -- polled filters expire on the timer --------------------------------------------------------
@pytest.fixture
def short_filter_server():
    devnet = make_devnet()
    devnet.filters.timeout = 0.4  # swept every 0.1 s (a quarter of the timeout)
    s = ServerThread(devnet)
    yield s
    s.stop()


async def test_filters_expire_on_the_timer_without_any_filter_call(short_filter_server, session):
    url = short_filter_server.url

    async def call(method, *params):
        async with session.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                           "params": list(params)}) as r:
            return await r.json()
    fids = [(await call(m))["result"] for m in ("eth_newBlockFilter",
                                                "eth_newPendingTransactionFilter")]
    fids.append((await call("eth_newFilter", {}))["result"])
    registry = short_filter_server.devnet.filters
    assert len(registry) == 3
    for _ in range(3):  # blocks keep coming; nobody polls
        await call("evm_mine")
    await _until(lambda: len(registry) == 0, "the timer to expire the filters", 5)
    answer = await call("eth_getFilterChanges", fids[0])
    assert answer["error"]["message"] == "filter not found"
