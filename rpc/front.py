"""The HTTP front: an asyncio Protocol that owns every accepted connection first and answers the
common case, a JSON-RPC POST, below aiohttp; everything else goes to aiohttp's own protocol.

aiohttp's request and response objects, its middleware chain and a task per request cost about
0.1-0.15 ms a request, more than a cheap method's whole answer. Here a POST costs one header scan,
the dispatcher, and one transport write:

- Parsing. A request is read up to the blank line (at most MAX_HEAD bytes); rpc/heads.py decides
  whether the front answers it (a plain POST with a Content-Length within the body limit) and
  how (its verdict per distinct head is remembered); the body is then read to its length.
- Semantics: rpc/server.py's, to the letter: the Host check (403), the Origin check with a
  restricted --cors list (403), `Dispatcher.handle_text` (204 for notifications only), CORS
  headers on the answers, keep-alive as HTTP/1.1 and 1.0 define it, answers in the request's
  HTTP version.
- Hand-off. Anything else (GET, OPTIONS, a WebSocket upgrade, chunked bodies, Expect, a body
  over the size limit, which aiohttp answers with 413 while the client writes it, a head the
  parser does not fully accept) goes, with every byte read so far, to a RequestHandler made by
  the AppRunner's `web.Server`; the connection is then aiohttp's for good, so its answers
  (400s included) are today's.
- Order and back-pressure. Requests on one connection are answered one at a time, in order: a
  method that completes without suspending (eth_blockNumber) is answered inside data_received;
  one that suspends finishes in a task, and bytes that arrive meanwhile pause reading until its
  answer is written. Reading also pauses while the transport's write buffer is above its high
  mark. An idle connection is closed after IDLE_TIMEOUT (aiohttp's keep-alive default).
- Shutdown. `FrontSite.stop` (runner.cleanup calls it first) stops accepting, closes idle
  connections, gives requests in flight the runner's shutdown timeout to be answered, then
  cancels them and aborts their connections.

`start_server(runner, host, port)` is how rpc.main, pydevnet.api and the tests serve an app.
"""
from __future__ import annotations

import asyncio
import logging
import time
from email.utils import formatdate
from typing import Any, Coroutine

from aiohttp import web
from aiohttp.web_runner import BaseSite

from pydevnet.rpc.heads import HeadPlans
from pydevnet.rpc.server import CONFIG, DISPATCHER

log = logging.getLogger("devnet.rpc")

MAX_HEAD = 8190          # aiohttp's own line limit; a longer head is aiohttp's to refuse
IDLE_TIMEOUT = 75.0      # aiohttp's keep-alive timeout
IDLE_SWEEP = 15.0

_STATUS = {200: b" 200 OK\r\n", 204: b" 204 No Content\r\n", 403: b" 403 Forbidden\r\n",
           500: b" 500 Internal Server Error\r\n"}
_JSON = b"Content-Type: application/json; charset=utf-8\r\n"
_TEXT = b"Content-Type: text/plain; charset=utf-8\r\n"
_SERVER_ERROR = b"500 Internal Server Error\n\nServer got itself in trouble"


class _Rest:
    """The rest of a coroutine that ran to its first suspension outside any task: a task that
    awaits this resumes it, and sees (and may cancel) the futures it waits on."""

    __slots__ = ("coro", "step")

    def __init__(self, coro: Coroutine, step: Any) -> None:
        self.coro, self.step = coro, step

    def __await__(self):
        coro, step = self.coro, self.step
        while True:
            try:
                sent = yield step
            except BaseException as e:  # the task's cancellation goes on into the coroutine
                try:
                    step = coro.throw(e)
                except StopIteration as done:
                    return done.value
            else:
                try:
                    step = coro.send(sent)
                except StopIteration as done:
                    return done.value


async def _finish(coro: Coroutine, step: Any) -> Any:
    return await _Rest(coro, step)


def _date() -> bytes:
    now = int(time.time())
    if now != _date.second:
        _date.second, _date.value = now, f"Date: {formatdate(now, usegmt=True)}\r\n".encode()
    return _date.value


_date.second, _date.value = -1, b""


class Front:
    """What the connections share: the config, the dispatcher, aiohttp's protocol factory for
    hand-offs, the open connections, and the plans of the heads seen so far (a client sends the
    same head again and again: parsing and checking it once is enough)."""

    def __init__(self, runner: web.AppRunner) -> None:
        app = runner.app
        self.config = app[CONFIG]
        self.dispatcher = app[DISPATCHER]
        self.handoff = runner.server
        self.connections: set[FrontProtocol] = set()
        self.stopping = False
        self.plan = HeadPlans(self.config).plan

    def __call__(self) -> FrontProtocol:
        return FrontProtocol(self)

    def sweep_idle(self) -> None:
        deadline = time.monotonic() - IDLE_TIMEOUT
        for conn in list(self.connections):
            if conn.task is None and conn.last_active < deadline:
                conn.close()


class FrontProtocol(asyncio.Protocol):
    """One connection while it sends JSON-RPC POSTs (see the module docstring)."""

    __slots__ = ("front", "transport", "buf", "task", "answer_to", "read_paused", "write_paused",
                 "eof", "last_active", "gone")

    def __init__(self, front: Front) -> None:
        self.front = front
        self.transport: asyncio.Transport | None = None
        self.buf: bytes | bytearray = b""
        self.task: asyncio.Task | None = None
        self.answer_to: tuple[bytes, bool, bytes] = (b"", False, b"")  # version, keep-alive, CORS
        self.read_paused = self.write_paused = self.eof = self.gone = False
        self.last_active = time.monotonic()

    # -- asyncio.Protocol ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.front.connections.add(self)
        if self.front.stopping:
            self.close()

    def connection_lost(self, exc: BaseException | None) -> None:
        self.front.connections.discard(self)
        self.gone = True
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        buf = self.buf
        if not buf:
            self.buf = data
        elif type(buf) is bytearray:
            buf += data
        else:
            self.buf = bytearray(buf) + data
        if self.task is not None or self.write_paused:
            self._pause_reading()  # one request at a time: the rest waits in the socket
            return
        self._serve()

    def eof_received(self) -> bool:
        self.eof = True
        if self.task is None:
            self._serve()
        return self.task is not None  # half-closed after sending: the answer still goes out

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        if self.task is None and not self.gone:
            self._resume_reading()
            self._serve()

    # -- requests --------------------------------------------------------------------------------
    def _serve(self) -> None:
        """Answer the complete requests buffered, in order, until one must wait."""
        while self.buf and self.task is None and not self.write_paused and not self.gone:
            buf = self.buf
            end = buf.find(b"\r\n\r\n")
            if end < 0 or end > MAX_HEAD:
                if end > MAX_HEAD or len(buf) > MAX_HEAD + 3:
                    self._hand_off()
                return
            plan = self.front.plan(bytes(buf[:end]))
            if plan is None:
                return self._hand_off()
            size, status, refusal, self.answer_to = plan
            start = end + 4
            if len(buf) < start + size:
                return  # the rest of the body is on its way
            body = bytes(buf[start:start + size])
            self.buf = buf[start + size:]
            if status != 200:
                self._write(status, _JSON, refusal)
            else:
                self._dispatch(body)
        if self.eof and self.task is None and not self.gone:
            self.close()

    def _dispatch(self, body: bytes) -> None:
        coro = self.front.dispatcher.handle_text(body)
        try:
            step = coro.send(None)
        except StopIteration as done:
            return self._answer(done.value)
        except Exception:
            log.exception("internal error answering a request")
            return self._fail()
        self.task = task = asyncio.get_running_loop().create_task(_finish(coro, step))
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self.task = None
        if self.gone:
            return
        if task.cancelled():
            return self.close()
        error = task.exception()
        if error is not None:
            log.error("internal error answering a request", exc_info=error)
            self._fail()
        else:
            self._answer(task.result())
        if self.front.stopping:
            return self.close()
        if not self.write_paused:
            self._resume_reading()
            self._serve()

    def _answer(self, answer: str | None) -> None:
        if answer is None:  # only notifications: JSON-RPC sends nothing back
            return self._write(204, b"", None)
        self._write(200, _JSON, answer.encode())

    def _fail(self) -> None:
        self.answer_to = (self.answer_to[0], False, b"")
        self._write(500, _TEXT, _SERVER_ERROR)

    def _write(self, status: int, content_type: bytes, body: bytes | None) -> None:
        version, keep, cors = self.answer_to
        head = [version, _STATUS[status], content_type, cors]
        if body is not None:
            head.append(b"Content-Length: %d\r\n" % len(body))
        if not keep and version == b"HTTP/1.1":
            head.append(b"Connection: close\r\n")
        elif keep and version == b"HTTP/1.0":
            head.append(b"Connection: keep-alive\r\n")
        head.append(_date())
        head.append(b"\r\n")
        if body:
            head.append(body)
        self.transport.write(b"".join(head))
        if not keep:
            self.close()

    # -- the connection --------------------------------------------------------------------------
    def close(self) -> None:
        self.buf = b""
        self.gone = True
        self.transport.close()

    def _pause_reading(self) -> None:
        if not self.read_paused:
            self.read_paused = True
            self.transport.pause_reading()

    def _resume_reading(self) -> None:
        if self.read_paused:
            self.read_paused = False
            self.transport.resume_reading()

    def _hand_off(self) -> None:
        """aiohttp's protocol takes the connection, with every byte read so far."""
        transport, data = self.transport, bytes(self.buf)
        self.front.connections.discard(self)
        self.buf, self.gone = b"", True
        handler = self.front.handoff()
        transport.set_protocol(handler)
        handler.connection_made(transport)
        if self.write_paused:
            handler.pause_writing()
        self._resume_reading()
        if data:
            handler.data_received(data)
        if self.eof:
            handler.eof_received()


class FrontSite(BaseSite):
    """A TCP site whose connections meet the front first; runner.cleanup stops it like any site
    (and runner.addresses lists it)."""

    __slots__ = ("_host", "_port", "front", "_sweeper")

    def __init__(self, runner: web.AppRunner, host: str, port: int) -> None:
        super().__init__(runner)
        self._host, self._port = host, port
        self.front: Front | None = None
        self._sweeper: asyncio.TimerHandle | None = None

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        self.front = Front(self._runner)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self.front, self._host, self._port)
        self._sweep()

    def _sweep(self) -> None:
        self.front.sweep_idle()
        self._sweeper = asyncio.get_running_loop().call_later(IDLE_SWEEP, self._sweep)

    async def stop(self) -> None:
        front = self.front
        if front is not None:
            front.stopping = True
            if self._sweeper is not None:
                self._sweeper.cancel()
            if self._server is not None:
                self._server.close()
            await self._drain(front, self._runner._shutdown_timeout)
        await super().stop()

    @staticmethod
    async def _drain(front: Front, timeout: float) -> None:
        """Idle connections close now; requests in flight get `timeout` to be answered."""
        for conn in list(front.connections):
            if conn.task is None:
                conn.close()
        tasks = [conn.task for conn in front.connections if conn.task is not None]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=timeout)
            for task in late:
                task.cancel()
        for conn in list(front.connections):
            if not conn.gone:  # the answered ones are closing: their answers still flush
                conn.transport.abort()


async def start_server(runner: web.AppRunner, host: str, port: int) -> FrontSite:
    """Serve the set-up `runner`'s app on host:port through the front (port 0: a free one; see
    runner.addresses). runner.cleanup() stops it."""
    site = FrontSite(runner, host, port)
    await site.start()
    return site
