"""The transaction pool: transactions by sender and nonce. A transaction whose nonce continues
its sender's sequence from the state nonce is pending (executable); one after a gap is queued
until the gap is filled, as geth and Anvil do. Executable transactions come out in nonce order
per sender and arrival order across senders (every transaction pays the same unit price, so
arrival is the only fair order). A transaction replacing a pooled one with the same sender and
nonce must raise its fee cap by at least 10 %, as geth requires. A transaction over geth's pool
size limit (node/tx/decode.py check_pool_size: 128 KiB) is refused with "oversized data"; raw
submissions meet the limit earlier, while decoding, this catches those the node signs itself.
"""
import heapq
import itertools
from typing import Callable

from pydevnet.node.tx.errors import InvalidTransaction
from pydevnet.node.tx.types import Transaction
from pydevnet.node.tx.decode import check_pool_size

PRICE_BUMP_PERCENT = 10


class ReplacementUnderpriced(InvalidTransaction):
    message = "replacement transaction underpriced"


class TxPool:
    def __init__(self) -> None:
        self._by_hash: dict[bytes, Transaction] = {}
        self._by_sender: dict[bytes, dict[int, Transaction]] = {}
        self._arrival: dict[bytes, int] = {}
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._by_hash)

    def __contains__(self, tx_hash: bytes) -> bool:
        return tx_hash in self._by_hash

    def get(self, tx_hash: bytes) -> Transaction | None:
        return self._by_hash.get(tx_hash)

    def add(self, tx: Transaction) -> Transaction | None:
        """Add `tx`; returns the transaction it replaced, if any."""
        check_pool_size(len(tx.raw), tx.type)
        slots = self._by_sender.setdefault(tx.sender, {})
        old = slots.get(tx.nonce)
        if old is not None:
            if tx.fee_cap() * 100 < old.fee_cap() * (100 + PRICE_BUMP_PERCENT) or \
                    tx.tip_cap() * 100 < old.tip_cap() * (100 + PRICE_BUMP_PERCENT):
                raise ReplacementUnderpriced(
                    f"fee cap {tx.fee_cap()} must be at least {PRICE_BUMP_PERCENT}% above "
                    f"{old.fee_cap()}")
            self._drop(old)
            # _drop removes the sender's slots when `old` was its only one: take them anew
            slots = self._by_sender.setdefault(tx.sender, {})
        slots[tx.nonce] = tx
        self._by_hash[tx.hash] = tx
        self._arrival[tx.hash] = next(self._seq)
        return old

    def _drop(self, tx: Transaction) -> None:
        self._by_hash.pop(tx.hash, None)
        self._arrival.pop(tx.hash, None)
        slots = self._by_sender.get(tx.sender)
        if slots is not None and slots.get(tx.nonce) is tx:
            del slots[tx.nonce]
            if not slots:
                del self._by_sender[tx.sender]

    def remove(self, hashes) -> None:
        for h in hashes:
            tx = self._by_hash.get(h)
            if tx is not None:
                self._drop(tx)

    def pending_nonce(self, sender: bytes, state_nonce: int) -> int:
        """The next nonce after the sender's contiguous pooled transactions."""
        slots = self._by_sender.get(sender, {})
        n = state_nonce
        while n in slots:
            n += 1
        return n

    def prune(self, nonce_of: Callable[[bytes], int]) -> list[Transaction]:
        """Drop transactions whose nonce the state has already used; returns them."""
        stale = [tx for sender, slots in self._by_sender.items() for n, tx in slots.items()
                 if n < nonce_of(sender)]
        for tx in stale:
            self._drop(tx)
        return stale

    def split(self, nonce_of: Callable[[bytes], int]) -> tuple[list, list]:
        """(pending, queued) transactions, each sorted by sender then nonce."""
        pending, queued = [], []
        for sender, slots in self._by_sender.items():
            nxt = nonce_of(sender)
            for n in sorted(slots):
                if n == nxt:
                    pending.append(slots[n])
                    nxt += 1
                elif n > nxt:
                    queued.append(slots[n])
        return pending, queued

    def executable(self, nonce_of: Callable[[bytes], int]) -> list[Transaction]:
        """Pending transactions in nonce order per sender, arrival order across senders."""
        chains = {}
        for sender, slots in self._by_sender.items():
            n = nonce_of(sender)
            seq = []
            while n in slots:
                seq.append(slots[n])
                n += 1
            if seq:
                chains[sender] = seq
        heap = [(self._arrival[seq[0].hash], sender, 0) for sender, seq in chains.items()]
        heapq.heapify(heap)
        out = []
        while heap:
            _, sender, i = heapq.heappop(heap)
            seq = chains[sender]
            out.append(seq[i])
            if i + 1 < len(seq):
                heapq.heappush(heap, (self._arrival[seq[i + 1].hash], sender, i + 1))
        return out

    def all(self) -> list[Transaction]:
        return sorted(self._by_hash.values(), key=lambda t: self._arrival[t.hash])
