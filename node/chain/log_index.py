"""Which blocks hold logs of an address or a topic, written with each block, so eth_getLogs with
an address or topic filter reads only the blocks that can match instead of every header of the
range (node/queries.py).

Records (node/chain/db.py's layout, schema 3), one per (address or topic, bucket of BUCKET
blocks), the value a bitmap (big-endian, minimal bytes) of the bucket's blocks that hold one:
  b"a" + address(20) + bucket(8)    a log emitted by `address`
  b"e" + topic(32) + bucket(8)      a log with `topic` at any position

A block's bits are set in its own write batch (ChainDB.block_batch) and cleared in the batch that
rewinds it (ChainDB.set_head), so the index follows evm_revert, anvil_rollback, anvil_reorg and
restarts. A data dir of schema 2 gets its index built from its canonical blocks' receipts when
it is opened (`build`). Candidates are still matched against their receipts: the index narrows
the blocks read, the receipts decide what is returned.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydevnet.state.rlp import decode
from pydevnet.state.store import KVStore
from pydevnet.node.chain.blocks import Receipt

if TYPE_CHECKING:
    from pydevnet.node.filters import LogFilter

P_LOG_ADDRESS = b"a"
P_LOG_TOPIC = b"e"
BUCKET = 1024  # blocks one record covers (a bitmap of at most 128 bytes)
EMPTY_RECEIPTS = b"\xc0"  # rlp([]): a block without transactions
BUILD_BATCH = 10_000  # records per write while an old data dir's index is built


def _bucket(number: int) -> bytes:
    return (number // BUCKET).to_bytes(8, "big")


def _bits(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


def _raw(bits: int) -> bytes:
    return bits.to_bytes((bits.bit_length() + 7) >> 3, "big")


def log_keys(receipts: Iterable[Receipt]) -> set[bytes]:
    """The index items (record keys without the bucket) the logs of `receipts` touch."""
    out = set()
    for r in receipts:
        for address, topics, _ in r.logs:
            out.add(P_LOG_ADDRESS + address)
            for t in topics:
                out.add(P_LOG_TOPIC + t.to_bytes(32, "big"))
    return out


class LogIndex:
    def __init__(self, store: KVStore) -> None:
        self.store = store

    def add_block(self, number: int, receipts: list[Receipt], batch: dict[bytes, bytes]) -> None:
        """Set block `number`'s bits (its receipts' addresses and topics) into `batch`."""
        bit = 1 << (number % BUCKET)
        bucket = _bucket(number)
        for item in log_keys(receipts):
            key = item + bucket
            raw = batch.get(key)
            batch[key] = _raw(_bits(self.store.get(key) if raw is None else raw) | bit)

    def remove_blocks(self, blocks: list[tuple[int, list[Receipt]]], batch: dict[bytes, bytes],
                      deletes: list[bytes]) -> None:
        """Clear the bits of the (number, receipts) blocks leaving the chain, into the rewind's
        batch (a record left empty is deleted)."""
        pending: dict[bytes, int] = {}
        for number, receipts in blocks:
            bucket = _bucket(number)
            for item in log_keys(receipts):
                key = item + bucket
                bits = pending[key] if key in pending else _bits(self.store.get(key))
                pending[key] = bits & ~(1 << (number % BUCKET))
        for key, bits in pending.items():
            if bits:
                batch[key] = _raw(bits)
            else:
                deletes.append(key)

    def blocks(self, flt: LogFilter, first: int, last: int) -> list[int] | None:
        """The blocks of first..last that can hold a log matching `flt`, ascending; None when
        `flt` names no address and no topic (then any block can)."""
        wanted = []
        if flt.addresses:
            wanted.append([P_LOG_ADDRESS + a for a in flt.addresses])
        for want in flt.topics:
            if want is not None:
                wanted.append([P_LOG_TOPIC + t.to_bytes(32, "big") for t in want])
        if not wanted:
            return None
        common = -1
        for items in wanted:
            common &= self._range_bits(items, first, last)
        out = []
        while common:
            low = common & -common
            out.append(first + low.bit_length() - 1)
            common ^= low
        return out

    def _range_bits(self, items: list[bytes], first: int, last: int) -> int:
        """A bitmap of first..last (bit 0: block `first`): the blocks any of `items` marks."""
        bits = 0
        get = self.store.get
        for b in range(first // BUCKET, last // BUCKET + 1):
            bucket = b.to_bytes(8, "big")
            for item in items:
                raw = get(item + bucket)
                if raw:
                    bits |= _bits(raw) << (b * BUCKET)
        return (bits >> first) & ((1 << (last - first + 1)) - 1)


def build(store: KVStore, number_key: bytes, receipts_key: bytes) -> int:
    """Index every canonical block of an existing data dir (canonical hashes under
    number_key + number(8), receipt records under receipts_key + hash); returns the number
    of blocks with logs. Records are written synced, before the caller records the schema."""
    pending: dict[bytes, int] = {}
    indexed = 0
    for key, block_hash in store.iterate(number_key):  # a fork's first is its fork block
        n = int.from_bytes(key[len(number_key):], "big")
        raw = store.get(receipts_key + block_hash)
        if raw and raw != EMPTY_RECEIPTS:
            receipts = [Receipt.from_record(r) for r in decode(raw)]
            bucket, bit = _bucket(n), 1 << (n % BUCKET)
            keys = log_keys(receipts)
            for item in keys:
                pending[item + bucket] = pending.get(item + bucket, 0) | bit
            indexed += bool(keys)
    records = [(k, _raw(v)) for k, v in pending.items()]
    for i in range(0, len(records), BUILD_BATCH):
        store.write_batch(records[i:i + BUILD_BATCH], sync=True)
    return indexed
