"""WebSocket connections and eth_subscribe subscriptions: newHeads, logs, newPendingTransactions.

The devnet calls its block and pending listeners on the VM thread; the hub formats the events
there (plain data, no chain access) and hands them to the event loop with call_soon_threadsafe.
Each connection writes through one queue and one task, so answers and notifications never
interleave. A connection's subscriptions end when it closes.

Memory stays bounded: a connection's queue holds at most MAX_QUEUED_MESSAGES messages and
MAX_QUEUED_BYTES characters. A client that reads slower than it is sent to fills it; it is then
closed with 1008 (policy violation) and a reason, what it had queued is dropped and so are its
subscriptions, without ever waiting on it (mining and the other clients go on). aiohttp pings
every HEARTBEAT seconds and closes a connection whose pong does not come. The hub also expires
the devnet's polled filters on a timer (node/filters.py).
"""
import asyncio
import contextlib
import logging
import secrets
import socket

from aiohttp import WSCloseCode, web

from pydevnet.node.filters import LogFilter
from pydevnet.rpc.codec import dumps
from pydevnet.rpc.formatters import entry_json, header_json, tx_json

log = logging.getLogger("devnet.rpc")
NEW_HEADS, LOGS, PENDING_TXS = "newHeads", "logs", "newPendingTransactions"
SYNCING = "syncing"  # geth notifies changes of sync status; a devnet never syncs, so: none
KINDS = (NEW_HEADS, LOGS, PENDING_TXS, SYNCING)
# Per connection: a client that keeps up never has more than a few queued; these are minutes of
# newHeads at full automine speed, or one very large answer (always accepted into an empty queue).
MAX_QUEUED_MESSAGES = 10_000
MAX_QUEUED_BYTES = 64 << 20
SLOW_CONSUMER = WSCloseCode.POLICY_VIOLATION  # 1008
CLOSE_TIMEOUT = 5.0  # seconds a slow consumer gets to take the close frame; then the socket is cut
HEARTBEAT = 30.0  # seconds between pings (geth's interval); a pong must come within half of it
FILTER_SWEEP = 30.0  # seconds between polled-filter expiries (less with a short timeout)


class Connection:
    """One WebSocket client and its outbound queue (bounded: see the module docstring)."""

    HEARTBEAT = HEARTBEAT  # for the WebSocketResponse (rpc/server.py)

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._queued = 0  # characters in the queue
        self._open = True
        self._writer = asyncio.create_task(self._write())
        self._closer: asyncio.Task | None = None

    @property
    def open(self) -> bool:
        return self._open

    def send(self, text: str) -> bool:
        """Queue text for the client; never waits. False when the connection is closed or this
        message overflowed its queue (the connection is then being closed)."""
        if not self._open:
            return False
        n, size = self._queue.qsize(), len(text)
        if n and (n >= MAX_QUEUED_MESSAGES or self._queued + size > MAX_QUEUED_BYTES):
            self._drop_slow_consumer()
            return False
        self._queued += size
        self._queue.put_nowait(text)
        return True

    async def _write(self) -> None:
        while (text := await self._queue.get()) is not None:
            self._queued -= len(text)
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):  # the peer went away
                self._open = False
                return

    def _drop_slow_consumer(self) -> None:
        log.warning("closing a WebSocket client that reads too slowly (%d messages, %d "
                    "characters unsent)", self._queue.qsize(), self._queued)
        self._open = False
        while not self._queue.empty():  # the memory comes back now, not when the peer reads
            self._queue.get_nowait()
        self._queued = 0
        # The writer may be stuck sending to the peer; cancelling it would cancel aiohttp's
        # shared drain waiter, and with it the close below: it ends when the socket does.
        self._closer = asyncio.create_task(self._close_slow())

    async def _close_slow(self) -> None:
        reason = (f"send queue full (over {MAX_QUEUED_MESSAGES} messages or "
                  f"{MAX_QUEUED_BYTES} characters): the client reads too slowly")
        try:
            await asyncio.wait_for(self.ws.close(code=SLOW_CONSUMER, message=reason.encode()),
                                   CLOSE_TIMEOUT)
            return
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            pass
        # aiohttp then closes the transport, but asyncio's close waits for the unsent data to go
        # first, which a peer that never reads never takes: shut the socket down to end it
        sock = self.ws.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    async def close(self) -> None:
        """Stop writing after what is already queued (a slow consumer's: once it is closed)."""
        self._open = False
        if self._closer is not None:
            await self._closer
            self._writer.cancel()  # what it was sending went with the connection
        else:
            self._queue.put_nowait(None)
        await asyncio.wait([self._writer])  # its own end, cancelled or not, is no error here


class Subscription:
    __slots__ = ("id", "kind", "conn", "method", "criteria", "full")

    def __init__(self, sid: str, kind: str, conn: Connection, method: str,
                 criteria: LogFilter | None, full: bool) -> None:
        self.id = sid
        self.kind = kind
        self.conn = conn
        self.method = method  # <namespace>_subscription
        self.criteria = criteria
        self.full = full


class SubscriptionHub:
    """The app's subscriptions and open connections, fed by the devnet's listeners."""

    def __init__(self, devnet) -> None:
        self.devnet = devnet
        self.loop = asyncio.get_running_loop()
        self.connections: set[Connection] = set()
        self._subs: dict[str, Subscription] = {}
        self._view: tuple[Subscription, ...] = ()  # read on the VM thread: replaced, not mutated
        self._sweeper: asyncio.Task | None = None

    async def _on_worker(self, fn, *args) -> None:
        worker = self.devnet.worker
        if worker.on_worker_thread():
            fn(*args)
        else:
            await asyncio.wrap_future(worker.submit(fn, *args))

    async def attach(self) -> None:
        await self._on_worker(self.devnet.block_listeners.append, self._on_block)
        await self._on_worker(self.devnet.pending_listeners.append, self._on_pending)
        await self._on_worker(self.devnet.removed_listeners.append, self._on_removed)
        self._sweeper = asyncio.create_task(self._sweep_filters())

    async def detach(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        # Not through the writer, which a long block may hold while the server shuts down:
        # list.remove is atomic, and the writer at worst calls a listener one last time.
        for listeners, fn in ((self.devnet.block_listeners, self._on_block),
                              (self.devnet.pending_listeners, self._on_pending),
                              (self.devnet.removed_listeners, self._on_removed)):
            listeners.remove(fn)

    async def _sweep_filters(self) -> None:
        """Expire abandoned polled filters on a timer, on the VM worker (their registry lives
        there): every FILTER_SWEEP seconds, or a quarter of the filter timeout if shorter."""
        devnet = self.devnet
        while True:
            await asyncio.sleep(min(FILTER_SWEEP, devnet.filter_timeout / 4))
            try:
                await self._on_worker(devnet.expire_filters)
            except RuntimeError:  # the devnet's worker has shut down
                return
            except Exception:  # the next sweep tries again; the timer must not die
                log.exception("expiring polled filters failed")

    # -- the loop side -------------------------------------------------------------------------
    def subscribe(self, conn: Connection, kind: str, method: str,
                  criteria: LogFilter | None = None, full: bool = False) -> str:
        sid = "0x" + secrets.token_hex(16)
        self._subs[sid] = Subscription(sid, kind, conn, method, criteria, full)
        self._view = tuple(self._subs.values())
        return sid

    def unsubscribe(self, conn: Connection, sid: str) -> bool:
        s = self._subs.get(sid)
        if s is None or s.conn is not conn:
            return False
        del self._subs[sid]
        self._view = tuple(self._subs.values())
        return True

    def drop(self, conn: Connection) -> None:
        """Forget a closed connection and end its subscriptions."""
        self.connections.discard(conn)
        for sid in [sid for sid, s in self._subs.items() if s.conn is conn]:
            del self._subs[sid]
        self._view = tuple(self._subs.values())

    def _deliver(self, events: list[tuple[Subscription, object]]) -> None:
        for s, result in events:
            if s.id in self._subs and not s.conn.send(dumps(
                    {"jsonrpc": "2.0", "method": s.method,
                     "params": {"subscription": s.id, "result": result}})):
                self.drop(s.conn)  # closed, or too slow: its subscriptions end now

    # -- the VM thread side --------------------------------------------------------------------
    def _post(self, events: list) -> None:
        if events:
            try:
                self.loop.call_soon_threadsafe(self._deliver, events)
            except RuntimeError:  # the loop has closed: nobody is listening any more
                pass

    def _on_block(self, block, receipts, entries) -> None:
        try:
            subs = self._view
            events: list = []
            head = None
            for s in subs:
                if s.kind == NEW_HEADS:
                    head = head or header_json(block.header)
                    events.append((s, head))
                elif s.kind == LOGS:
                    events.extend((s, entry_json(e)) for e in entries if s.criteria.matches(e.log))
            self._post(events)
        except Exception:  # a listener must never break mining
            log.exception("newHeads/logs notification failed")

    def _on_removed(self, entries) -> None:
        try:
            self._post([(s, entry_json(e)) for s in self._view if s.kind == LOGS
                        for e in entries if s.criteria.matches(e.log)])
        except Exception:  # nor a revert
            log.exception("removed-logs notification failed")

    def _on_pending(self, tx) -> None:
        try:
            events = [(s, tx_json(tx) if s.full else "0x" + tx.hash.hex())
                      for s in self._view if s.kind == PENDING_TXS]
            self._post(events)
        except Exception:
            log.exception("newPendingTransactions notification failed")
