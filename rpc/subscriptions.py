"""WebSocket connections and eth_subscribe subscriptions: newHeads, logs, newPendingTransactions.

The devnet calls its block and pending listeners on the VM thread; the hub formats the events
there (plain data, no chain access) and hands them to the event loop with call_soon_threadsafe.
Each connection writes through one queue and one task, so answers and notifications never
interleave. A connection's subscriptions end when it closes.
"""
import asyncio
import logging
import secrets

from aiohttp import web

from node.filters import LogFilter
from rpc.codec import dumps
from rpc.formatters import entry_json, header_json, tx_json

log = logging.getLogger("devnet.rpc")
NEW_HEADS, LOGS, PENDING_TXS = "newHeads", "logs", "newPendingTransactions"
SYNCING = "syncing"  # geth notifies changes of sync status; a devnet never syncs, so: none
KINDS = (NEW_HEADS, LOGS, PENDING_TXS, SYNCING)


class Connection:
    """One WebSocket client and its outbound queue."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._open = True
        self._writer = asyncio.create_task(self._write())

    def send(self, text: str) -> None:
        if self._open:
            self._queue.put_nowait(text)

    async def _write(self) -> None:
        while (text := await self._queue.get()) is not None:
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):  # the peer went away
                self._open = False
                return

    async def close(self) -> None:
        """Stop writing after what is already queued."""
        self._open = False
        self._queue.put_nowait(None)
        await self._writer


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

    async def detach(self) -> None:
        # Not through the writer, which a long block may hold while the server shuts down:
        # list.remove is atomic, and the writer at worst calls a listener one last time.
        for listeners, fn in ((self.devnet.block_listeners, self._on_block),
                              (self.devnet.pending_listeners, self._on_pending),
                              (self.devnet.removed_listeners, self._on_removed)):
            listeners.remove(fn)

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
            if s.id in self._subs:
                s.conn.send(dumps({"jsonrpc": "2.0", "method": s.method,
                                   "params": {"subscription": s.id, "result": result}}))

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
