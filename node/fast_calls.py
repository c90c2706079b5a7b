"""eth_call without the reader-thread hop when the call is known to be cheap.

A call normally runs on a reader (node/workers.py), so a heavy one holds neither the event loop
nor the writer. For a cheap call (a balanceOf: 0.05-0.1 ms of Python) the hop costs as much as
the call: the queue, the future, waking a reader and waking the loop again, each wake-up a
chance for the OS to run something else first on a busy machine. `CheapCalls` runs a call on
the caller's thread (the event loop) only when

- the last call of the same shape (target, 4-byte selector, calldata length, block reference,
  no state overrides) ran within CHEAP_SECONDS of CPU time on a reader, or inline; a shape seen
  for the first time, or slow last time, goes to a reader, which measures it;
- the node is not a fork (whose state reads may wait on the remote), and
- it finishes within INLINE_BUDGET: the watchdog aborts it there (the view it ran on is thrown
  away), the shape is marked slow and the call starts again on a reader.

So a call holds the loop for at most about INLINE_BUDGET (plus the switch interval the watchdog
needs to take the GIL), and only once after its shape's cost changed (new code, other arguments).
Inline calls one after another (a JSON-RPC batch is answered in order, and an inline call never
suspends) give the loop a turn every INLINE_BUDGET of their time: `owes_yield`. The memo
predicts cost only; a call's result never comes from it.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pydevnet.node.calls import CallRequest, CallResult
from pydevnet.node.workers import within

if TYPE_CHECKING:
    from pydevnet.node.devnet import Devnet

CHEAP_SECONDS = 0.0005  # CPU time of a call's last run below which the next may run inline
INLINE_BUDGET = 0.002  # seconds an inline call may run before it is aborted and handed on
MEMO_SIZE = 4096  # shapes remembered; the memo starts over beyond it


def call_shape(req: CallRequest, ref, overrides) -> tuple | None:
    """What predicts a call's cost: None for calls never run inline (state overrides, a block
    by hash or an unhashable reference)."""
    if overrides or not isinstance(ref, (str, int)):
        return None
    return req.to, bytes(req.data[:4]), len(req.data), ref


class CheapCalls:
    """The shapes of calls last seen cheap, and eth_call run inline or measured on a reader."""

    def __init__(self, devnet: Devnet) -> None:
        self._devnet = devnet
        self._cheap: dict[tuple, bool] = {}
        self._held = 0.0  # CPU seconds of inline calls since owes_yield last said so
        self.cheap_seconds = CHEAP_SECONDS
        self.budget = INLINE_BUDGET  # the watchdog's deadline for one inline call
        self.turn = INLINE_BUDGET  # inline CPU time after which owes_yield says so

    def _remember(self, shape: tuple | None, cheap: bool) -> None:
        if shape is None:
            return
        if len(self._cheap) >= MEMO_SIZE:
            self._cheap.clear()
        self._cheap[shape] = cheap

    def try_inline(self, req: CallRequest, ref, overrides=None) -> CallResult | None:
        """The call's result, run on this thread, if its shape ran cheap last time and it ends
        within the budget and the node is no fork; None otherwise (run `measured` on a reader then)."""
        shape = call_shape(req, ref, overrides)
        if shape is None or not self._cheap.get(shape) or self._devnet.fork is not None:
            return None  # a fork's state may come over the network: no waiting on the loop
        t0 = time.thread_time()
        done, result = within(self._devnet.call, (req, ref, overrides), self.budget)
        spent = time.thread_time() - t0
        self._held += spent
        self._remember(shape, done and spent < self.cheap_seconds)
        return result if done else None

    def owes_yield(self) -> bool:
        """True once inline calls have run `turn` seconds since it last said so: the caller then
        lets other work run (so a batch of cheap calls cannot hold the event loop)."""
        if self._held < self.turn:
            return False
        self._held = 0.0
        return True

    def measured(self, req: CallRequest, ref, overrides=None) -> CallResult:
        """devnet.call (on a reader), its CPU time remembered for the call's shape."""
        t0 = time.thread_time()
        try:
            return self._devnet.call(req, ref, overrides)
        finally:
            self._remember(call_shape(req, ref, overrides),
                           time.thread_time() - t0 < self.cheap_seconds)
