"""Mining modes and the interval miner.

Mining modes (one enum, as Anvil's): AUTO mines a block for each executable transaction before
eth_sendRawTransaction returns (Hardhat's automine, so receipts exist at once); INTERVAL mines all
pending transactions every --block-time seconds; MANUAL leaves them pending (--no-mining) until a
dev method mines.

The interval miner's thread only keeps time: each block is mined on the writer, and the next
tick waits until the previous block is done (no backlog builds up behind a slow block). A tick
carries the miner's generation; `stop()` moves the generation on, so a tick still queued on the
writer when interval mining is switched off does nothing. A failed block is logged, and the next
tick tries again.
"""
import enum
import logging
import threading
from typing import Callable

from pydevnet.node.workers import VMWorker

log = logging.getLogger("devnet")


class MiningMode(enum.Enum):
    AUTO = "auto"
    INTERVAL = "interval"
    MANUAL = "manual"


class IntervalMiner:
    def __init__(self, worker: VMWorker, mine: Callable[[], object]) -> None:
        self._worker = worker
        self._mine = mine
        self._generation = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, period: float) -> None:
        if self._thread is not None:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(period, self._stop,
                                                                  self._generation),
                                        name="interval-miner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """No block is mined by this miner after stop() returns (a tick already queued on the
        writer sees the new generation and does nothing). The thread is not joined: it may be
        waiting for that tick behind a long block, and it ends by itself."""
        self._generation += 1
        self._stop.set()
        self._thread = None

    def _loop(self, period: float, stop: threading.Event, generation: int) -> None:
        while not stop.wait(period):
            try:
                self._worker.submit(self._tick, generation).result()
            except Exception:  # the tick logs its own failures; a shut-down writer ends here
                return

    def _tick(self, generation: int) -> None:
        if generation != self._generation:
            return
        try:
            self._mine()
        except Exception:
            log.exception("interval mining failed; the pending transactions stay in the pool")
