"""Malformed WebSocket frames against a served node (issue 7, part 5), sent with a bare client
(tests/rpc/ws_raw.py): invalid UTF-8, binary garbage, frames over the size limit, lengths that
lie, JSON that is no request object, batches with garbage, deep nesting, odd pings, pongs and
closes, reserved bits and opcodes, fragmentation mistakes. The server answers each with a
JSON-RPC error in strict JSON, or closes that one connection with a close frame, and a client
connected before (and one after) is still served.

After the hostile frames each test sends a sentinel request on the same connection: reading up
to its answer (or the close) needs no timeouts.
"""
import asyncio
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pydevnet.rpc.errors import INTERNAL_ERROR, INVALID_REQUEST, PARSE_ERROR
from pydevnet.rpc.server import RPCConfig
from tests.rpc.fuzzing import check_envelope, counted, fuzz_settings, strict_loads
from tests.rpc.helpers import ServerThread, make_devnet
from tests.rpc.test_fuzz_hostile_input import bodies
from tests.rpc.ws_raw import (BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT, RawWebSocket,
                              close_payload, frame)

LIMIT = 256 * 1024  # the served node's --max-request-bytes, small so "too big" is cheap
SENTINEL_ID = "sentinel"
SENTINEL = json.dumps({"jsonrpc": "2.0", "id": SENTINEL_ID, "method": "eth_chainId"}).encode()
REQUEST = b'{"jsonrpc":"2.0","id":3,"method":"eth_chainId"}'
CHAIN_ID = "0x7a69"
PROTOCOL_ERROR, INVALID_DATA = 1002, 1007
# 1009, or no close frame at all: the server refuses at the frame header and closes with the
# payload unread, so the client's TCP stack may get a reset that drops the close frame
TOO_BIG = {1009, None}


@pytest.fixture(scope="module")
def served():
    s = ServerThread(make_devnet(), RPCConfig(max_request_bytes=LIMIT))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def loop():
    lp = asyncio.new_event_loop()
    yield lp
    lp.close()


class Outcome:
    """What came back on the hostile connection up to the sentinel's answer or the close."""

    def __init__(self) -> None:
        self.answers: list = []  # JSON-RPC answers (objects or batch arrays) before the sentinel
        self.pongs: list[bytes] = []
        self.sentinel_answered = False
        self.close_code: int | None = None  # None: no close frame
        self.ended = False  # the connection ended (a close frame or EOF)

    def codes(self) -> list[int]:
        out = []
        for a in self.answers:
            for one in a if isinstance(a, list) else [a]:
                out.append(one["error"]["code"] if "error" in one else 0)
        return out


async def _exchange(port: int, frames: list[bytes], sentinel: bool = True) -> Outcome:
    ws = await RawWebSocket.connect(port)
    out = Outcome()
    try:
        await ws.send(*frames, *([frame(TEXT, SENTINEL)] if sentinel else []))
        while True:
            got = await ws.receive()
            if got is None:
                out.ended = True
                break
            opcode, payload = got
            if opcode == CLOSE:
                out.ended = True
                out.close_code = int.from_bytes(payload[:2], "big") if payload else None
                break
            if opcode == PONG:
                out.pongs.append(payload)
                continue
            assert opcode == TEXT, (opcode, payload[:100])
            answer = strict_loads(payload.decode())
            for one in answer if isinstance(answer, list) else [answer]:
                check_envelope(one)
                assert "error" not in one or one["error"]["code"] != INTERNAL_ERROR, one
            if isinstance(answer, dict) and answer.get("id") == SENTINEL_ID:
                assert answer["result"] == CHAIN_ID
                out.sentinel_answered = True
                break
            out.answers.append(answer)
    finally:
        await ws.close()
    return out


async def _chain_id_over(ws: RawWebSocket) -> str:
    await ws.send(frame(TEXT, SENTINEL))
    got = await ws.receive()
    assert got is not None and got[0] == TEXT, got
    return json.loads(got[1])["result"]


async def _hostile(port: int, frames: list[bytes], sentinel: bool = True) -> Outcome:
    """The frames on one connection, while another stays open; both it and a new one are
    still served afterwards."""
    bystander = await RawWebSocket.connect(port)
    try:
        out = await _exchange(port, frames, sentinel)
        assert await _chain_id_over(bystander) == CHAIN_ID
    finally:
        await bystander.close()
    newcomer = await RawWebSocket.connect(port)
    try:
        assert await _chain_id_over(newcomer) == CHAIN_ID
    finally:
        await newcomer.close()
    return out


# -- answered with a JSON-RPC error (the connection stays open) ---------------------------------
ANSWERED = {
    "binary garbage": ([frame(BINARY, b"\x00\x01\xfe\xff")], [PARSE_ERROR]),
    "binary invalid utf-8": ([frame(BINARY, b'{"a":"\xff"}')], [PARSE_ERROR]),
    "empty text": ([frame(TEXT, b"")], [PARSE_ERROR]),
    "truncated JSON": ([frame(TEXT, b'{"jsonrpc":"2.0","id":1,"method":')], [PARSE_ERROR]),
    "NaN": ([frame(TEXT, b"NaN")], [PARSE_ERROR]),
    "number": ([frame(TEXT, b"1")], [INVALID_REQUEST]),
    "string": ([frame(TEXT, b'"eth_chainId"')], [INVALID_REQUEST]),
    "null": ([frame(TEXT, b"null")], [INVALID_REQUEST]),
    "empty batch": ([frame(TEXT, b"[]")], [INVALID_REQUEST]),
    "batch of garbage": ([frame(TEXT, b'[1, "x", null, [], {}]')], [INVALID_REQUEST] * 5),
    "batch with a good one": ([frame(TEXT, b'[1, {"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'
                                     b', {"jsonrpc":"2.0","id":2,"method":"nope"}]')],
                              [INVALID_REQUEST, 0, -32601]),
    "id 1e400": ([frame(TEXT, b'{"jsonrpc":"2.0","id":1e400,"method":"eth_chainId"}')],
                 [INVALID_REQUEST]),
    "deep nesting": ([frame(TEXT, b"[" * 200_000)], [PARSE_ERROR]),
    "deep objects": ([frame(TEXT, b'{"a":' * 50_000)], [PARSE_ERROR]),
    "fragmented request": ([frame(TEXT, REQUEST[:10], fin=False),
                            frame(CONTINUATION, REQUEST[10:-3], fin=False),
                            frame(CONTINUATION, REQUEST[-3:])], [0]),
    "ping in a fragmented message": ([frame(TEXT, b"[1", fin=False), frame(PING, b"p"),
                                      frame(CONTINUATION, b"]")], [INVALID_REQUEST]),
    "binary request": ([frame(BINARY, REQUEST)], [0]),
    "unsolicited pong": ([frame(PONG, b"?")], []),
    "ping": ([frame(PING, b"hello")], []),
    "a hundred at once": ([frame(TEXT, b"{}")] * 100, [INVALID_REQUEST] * 100),
    "notification only": ([frame(TEXT, b'{"jsonrpc":"2.0","method":"eth_chainId"}')], []),
}


@pytest.mark.parametrize("case", sorted(ANSWERED))
def test_answered_with_an_error(served, loop, case):
    frames, codes = ANSWERED[case]
    out = loop.run_until_complete(_hostile(served.port, frames))
    assert out.sentinel_answered and not out.ended, vars(out)
    assert out.codes() == codes, out.answers
    if case == "ping":
        assert out.pongs == [b"hello"]


# -- the one connection closed, with a close frame ----------------------------------------------
CLOSED = {
    "text invalid utf-8": ([frame(TEXT, b"\xff\xfe\xfd")], {INVALID_DATA}),
    "text cut inside a character": ([frame(TEXT, "é".encode()[:1])], {INVALID_DATA}),
    "fragments with invalid utf-8": ([frame(TEXT, b"\xe2\x82", fin=False),
                                      frame(CONTINUATION, b"\x28")], {INVALID_DATA}),
    "over the size limit": ([frame(TEXT, b" " * (LIMIT + 1))], TOO_BIG),
    "fragments over the size limit": ([frame(TEXT, b" " * (LIMIT // 2), fin=False),
                                       frame(CONTINUATION, b" " * (LIMIT // 2 + 10))],
                                      TOO_BIG),
    "binary over the size limit": ([frame(BINARY, b"[" * (LIMIT + 1))], TOO_BIG),
    "control frame over 125 bytes": ([frame(PING, b"p" * 126)], {PROTOCOL_ERROR}),
    "fragmented ping": ([frame(PING, b"p", fin=False)], {PROTOCOL_ERROR}),
    "continuation without a start": ([frame(CONTINUATION, b"{}")], {PROTOCOL_ERROR}),
    "new message inside a fragmented one": ([frame(TEXT, b"[", fin=False), frame(TEXT, b"]")],
                                            {PROTOCOL_ERROR}),
    "reserved bit": ([frame(TEXT, b"{}", rsv=0b100)], {PROTOCOL_ERROR}),
    "reserved bits 2 and 3": ([frame(TEXT, b"{}", rsv=0b011)], {PROTOCOL_ERROR}),
    "reserved data opcode": ([frame(0x3, b"{}")], {PROTOCOL_ERROR}),
    "reserved control opcode": ([frame(0xB, b"")], {PROTOCOL_ERROR}),
    "close 1000": ([frame(CLOSE, close_payload(1000, b"bye"))], {1000}),
    "close without a code": ([frame(CLOSE, b"")], {1000, None}),
    "close with one byte": ([frame(CLOSE, b"\x03")], {PROTOCOL_ERROR}),
    "close code 999": ([frame(CLOSE, close_payload(999))], {PROTOCOL_ERROR}),
    "close code 1005": ([frame(CLOSE, close_payload(1005))], {PROTOCOL_ERROR}),
    # aiohttp echoes codes past 4999 (RFC 6455 leaves them undefined) with 1000
    "close code 5000": ([frame(CLOSE, close_payload(5000))], {PROTOCOL_ERROR, 1000}),
    "close reason invalid utf-8": ([frame(CLOSE, close_payload(1000, b"\xff"))],
                                   {INVALID_DATA, PROTOCOL_ERROR, 1000}),
    "close over 125 bytes": ([frame(CLOSE, close_payload(1000, b"r" * 130))], {PROTOCOL_ERROR}),
}


@pytest.mark.parametrize("case", sorted(CLOSED))
def test_closed_cleanly(served, loop, case):
    frames, close_codes = CLOSED[case]
    out = loop.run_until_complete(_hostile(served.port, frames))
    assert out.ended and not out.sentinel_answered, vars(out)
    assert out.close_code in close_codes, out.close_code
    assert all(code != INTERNAL_ERROR for code in out.codes())


# -- lies the server can only wait out: the client goes away -----------------------------------
async def _lie_and_leave(port: int, frames: list[bytes]) -> None:
    ws = await RawWebSocket.connect(port)
    await ws.send(*frames)
    got = None
    try:
        got = await ws.receive(timeout=0.3)
    except asyncio.TimeoutError:
        pass
    assert got is None or got[0] == CLOSE, got
    await ws.close()


@pytest.mark.parametrize("frames", [
    [frame(TEXT, b"{}", length=2 ** 62)],  # a length far past the limit, and no payload
    [frame(TEXT, b"{}", length=LIMIT - 1)],  # within the limit, most of it never sent
    [frame(TEXT, b"{", fin=False)],  # a message never finished
    [frame(TEXT, b"", length=100)[:3]],  # a header cut short
], ids=["huge length", "long wait", "unfinished", "cut header"])
def test_lying_lengths_cost_one_connection(served, loop, frames):
    async def scenario():
        bystander = await RawWebSocket.connect(served.port)
        try:
            await _lie_and_leave(served.port, frames)
            assert await _chain_id_over(bystander) == CHAIN_ID
        finally:
            await bystander.close()
    loop.run_until_complete(scenario())


# -- random frames on one connection ------------------------------------------------------------
payloads = st.one_of(bodies.map(lambda b: b.encode("utf-8", "surrogatepass")
                                if isinstance(b, str) else b), st.binary(max_size=64))
random_frames = st.lists(st.one_of(
    st.tuples(st.sampled_from([TEXT, BINARY]), payloads, st.just(True)),
    st.tuples(st.sampled_from([PING, PONG]), st.binary(max_size=125), st.just(True)),
    st.tuples(st.integers(0, 15), st.binary(max_size=32), st.booleans()),
), min_size=1, max_size=3)


@fuzz_settings(150, share=0.05)
@given(frames=random_frames)
@counted
def test_random_frames(served, loop, frames):
    """Whatever comes, answers before the close are strict JSON envelopes without -32603, the
    server sends a close frame if it ends the connection, and others are still served."""
    raw = [frame(op, payload, fin=fin) for op, payload, fin in frames]
    out = loop.run_until_complete(_hostile(served.port, raw))
    assert out.sentinel_answered or out.ended
    if out.ended and not any(op == CLOSE for op, _, _ in frames):
        assert out.close_code is not None, vars(out)
