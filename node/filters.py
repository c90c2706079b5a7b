"""Log filters (eth_getLogs, eth_newFilter, logs subscriptions) and the registry of polled
filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter), which expire when
nobody polls them for FILTER_TIMEOUT seconds, as in geth and Anvil: `expire()` runs on every
registry call and on a timer (the RPC app's, rpc/subscriptions.py), so an abandoned filter goes
even when no filter method is ever called again.

Each filter buffers at most MAX_FILTER_CHANGES changes (block hashes, pending transaction hashes
or logs) between polls; past that the oldest are dropped and the filter keeps serving the newest.
geth buffers without a bound until the timeout; Anvil bounds its pending-transaction listeners
(2048, and drops the newest when full). Dropping the oldest keeps a block filter's answer ending
at the head, and a client polling at its usual pace never comes near the bound.

Topic rules follow geth: position i holds None or an empty list (anything, but the log must have a
topic there) or a list of alternatives; a log with fewer topics than the filter never matches.
"""
import itertools
import time
from collections import deque

from pydevnet.node.chain.blocks import Header, Receipt, bloom_contains

FILTER_TIMEOUT = 300.0  # seconds without a poll (geth's and Anvil's 5 minutes)
MAX_FILTER_CHANGES = 10_000  # buffered per filter between polls; the oldest go first


EARLIEST = "earliest"


def resolve_block(ref, head: int) -> int:
    """A filter bound: a number, "earliest" (0), or None or any other tag (the head, resolved
    when the query runs, as geth does for eth_getLogs and eth_getFilterLogs)."""
    if isinstance(ref, int):
        return ref
    return 0 if ref == EARLIEST else head


class LogFilter:
    """Criteria of a log query. from_block/to_block may be numbers or block tags (None is
    "latest"); resolve() pins them to numbers against a head."""

    __slots__ = ("from_block", "to_block", "addresses", "topics", "block_hash")

    def __init__(self, from_block: int | str | None = None, to_block: int | str | None = None,
                 addresses: set[bytes] | None = None, topics: list | None = None,
                 block_hash: bytes | None = None) -> None:
        self.from_block = from_block
        self.to_block = to_block
        self.addresses = addresses or None
        # each position: None (any) or a frozenset of topic ints
        self.topics = [None if not t else frozenset(t) for t in (topics or [])]
        self.block_hash = block_hash

    def resolve(self, head: int) -> "LogFilter":
        f = LogFilter(resolve_block(self.from_block, head), resolve_block(self.to_block, head),
                      self.addresses, None, self.block_hash)
        f.topics = self.topics
        return f

    def matches(self, log: tuple) -> bool:
        address, topics, _ = log
        if self.addresses is not None and address not in self.addresses:
            return False
        if len(self.topics) > len(topics):
            return False
        for want, have in zip(self.topics, topics):
            if want is not None and have not in want:
                return False
        return True

    def may_match_bloom(self, bloom: bytes) -> bool:
        if self.addresses is not None and not any(bloom_contains(bloom, a)
                                                 for a in self.addresses):
            return False
        for want in self.topics:
            if want is not None and not any(bloom_contains(bloom, t.to_bytes(32, "big"))
                                            for t in want):
                return False
        return True


class LogEntry:
    """A log with its position, as eth_getLogs returns it."""

    __slots__ = ("log", "block_hash", "block_number", "block_timestamp", "tx_hash", "tx_index",
                 "log_index", "removed")

    def __init__(self, log: tuple, header: Header, tx_hash: bytes, tx_index: int,
                 log_index: int, removed: bool = False) -> None:
        self.log = log
        self.block_hash = header.hash
        self.block_number = header.number
        self.block_timestamp = header.timestamp
        self.tx_hash = tx_hash
        self.tx_index = tx_index
        self.log_index = log_index
        self.removed = removed


def block_logs(header: Header, tx_hashes: list[bytes], receipts: list[Receipt],
               flt: LogFilter | None = None) -> list[LogEntry]:
    out = []
    n = 0
    for i, (h, r) in enumerate(zip(tx_hashes, receipts)):
        for log in r.logs:
            if flt is None or flt.matches(log):
                out.append(LogEntry(log, header, h, i, n))
            n += 1
    return out


class PolledFilter:
    __slots__ = ("kind", "criteria", "since", "buffer", "last_poll")

    def __init__(self, kind: str, criteria: LogFilter | None = None, since: int = 0,
                 max_changes: int = MAX_FILTER_CHANGES) -> None:
        self.kind = kind  # "logs", "blocks" or "pending"
        self.criteria = criteria  # unresolved: eth_getFilterLogs resolves it when asked
        self.since = since  # the first block whose logs eth_getFilterChanges delivers
        self.buffer: deque = deque(maxlen=max_changes)  # full: appending drops the oldest
        self.last_poll = time.monotonic()


class FilterRegistry:
    """The polled filters. `timeout` and `max_changes` are per registry (tests shorten them)."""

    def __init__(self, timeout: float = FILTER_TIMEOUT,
                 max_changes: int = MAX_FILTER_CHANGES) -> None:
        self._filters: dict[int, PolledFilter] = {}
        self._ids = itertools.count(1)
        self.timeout = timeout
        self.max_changes = max_changes

    def __len__(self) -> int:
        return len(self._filters)

    def install(self, kind: str, criteria: LogFilter | None = None, head: int = 0) -> int:
        self.expire()
        fid = next(self._ids)
        since = head + 1
        if criteria is not None and isinstance(criteria.from_block, int):
            since = max(since, criteria.from_block)
        self._filters[fid] = PolledFilter(kind, criteria, since, self.max_changes)
        return fid

    def get(self, fid: int) -> PolledFilter | None:
        self.expire()
        return self._filters.get(fid)

    def uninstall(self, fid: int) -> bool:
        return self._filters.pop(fid, None) is not None

    def poll(self, fid: int) -> list | None:
        f = self.get(fid)
        if f is None:
            return None
        f.last_poll = time.monotonic()
        out = list(f.buffer)
        f.buffer.clear()
        return out

    def expire(self) -> int:
        """Drop the filters nobody polled for `timeout` seconds; returns how many."""
        now = time.monotonic()
        stale = [k for k, f in self._filters.items() if now - f.last_poll > self.timeout]
        for fid in stale:
            del self._filters[fid]
        return len(stale)

    def on_block(self, header: Header, entries: list[LogEntry]) -> None:
        for f in self._filters.values():
            if f.kind == "blocks":
                f.buffer.append(header.hash)
            elif f.kind == "logs":
                c = f.criteria
                if isinstance(c.to_block, int) and header.number > c.to_block:
                    continue
                if header.number < f.since:
                    continue
                f.buffer.extend(e for e in entries if c.matches(e.log))

    def on_removed(self, entries: list[LogEntry]) -> None:
        """Logs of blocks evm_revert rewound (removed set): to the log filters that would have
        delivered them."""
        for f in self._filters.values():
            if f.kind == "logs":
                c = f.criteria
                f.buffer.extend(e for e in entries if e.block_number >= f.since and (
                    not isinstance(c.to_block, int) or e.block_number <= c.to_block)
                    and c.matches(e.log))

    def on_pending(self, tx_hash: bytes) -> None:
        for f in self._filters.values():
            if f.kind == "pending":
                f.buffer.append(tx_hash)
