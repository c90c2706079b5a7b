"""Polled filters stay bounded (node/filters.py): expire() drops those nobody polled for the
registry's timeout, and each filter buffers at most max_changes changes, the oldest dropped."""
from pydevnet.node import filters
from pydevnet.node.chain.blocks import Header
from pydevnet.node.filters import FILTER_TIMEOUT, MAX_FILTER_CHANGES, FilterRegistry, LogFilter


def _header(number: int) -> Header:
    return Header(parent_hash=bytes(32), coinbase=bytes(20), state_root=bytes(32),
                  transactions_root=bytes(32), receipts_root=bytes(32), number=number,
                  gas_limit=30_000_000, gas_used=0, timestamp=number, extra_data=b"",
                  mix_hash=bytes(32), base_fee=7)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_defaults_are_geths_timeout_and_a_named_cap():
    reg = FilterRegistry()
    assert reg.timeout == FILTER_TIMEOUT == 300.0
    assert reg.max_changes == MAX_FILTER_CHANGES


def test_expire_drops_only_filters_not_polled_within_the_timeout(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(filters, "time", clock)
    reg = FilterRegistry(timeout=60)
    stale = reg.install("blocks")
    fresh = reg.install("pending")
    clock.now += 59
    assert reg.expire() == 0
    reg.poll(fresh)
    clock.now += 2  # stale: 61 s without a poll; fresh: 2 s
    assert reg.expire() == 1
    assert len(reg) == 1 and reg.get(stale) is None and reg.get(fresh) is not None


def test_block_filter_keeps_the_newest_changes_past_the_cap():
    reg = FilterRegistry(max_changes=100)
    fid = reg.install("blocks")
    headers = [_header(n) for n in range(1, 251)]
    for h in headers:
        reg.on_block(h, [])
    assert reg.poll(fid) == [h.hash for h in headers[-100:]]  # the oldest 150 dropped
    reg.on_block(headers[0], [])
    assert reg.poll(fid) == [headers[0].hash]  # and it keeps serving


def test_pending_and_log_filters_are_capped_too():
    reg = FilterRegistry(max_changes=10)
    pending = reg.install("pending")
    logs = reg.install("logs", LogFilter())
    for i in range(25):
        reg.on_pending(i.to_bytes(32, "big"))
    assert reg.poll(pending) == [i.to_bytes(32, "big") for i in range(15, 25)]

    class Entry:  # what on_block reads of a LogEntry
        def __init__(self, n: int) -> None:
            self.log = (b"\x01" * 20, [], b"")
            self.n = n
    reg.on_block(_header(1), [Entry(n) for n in range(30)])
    assert [e.n for e in reg.poll(logs)] == list(range(20, 30))
