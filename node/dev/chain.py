"""Dev methods over the chain's time and history, as Anvil and Hardhat offer them: mining on
demand (evm_mine, anvil_mine/hardhat_mine with an interval), snapshots and reverts (evm_snapshot,
evm_revert), moving time (evm_increaseTime, evm_setNextBlockTimestamp) and the mining mode
(evm_setAutomine, evm_setIntervalMining). Mixed into Devnet; every method runs on the writer.

A header's timestamp is a uint64: a request that would put any block past 2**64 - 1 is refused
whole, before a block is mined.
"""
from pydevnet.node.chain.chain import MAX_TIMESTAMP, InvalidTimestamp, MinedBlock
from pydevnet.node.filters import block_logs
from pydevnet.node.miner import MiningMode


class DevChain:
    """Needs self.chain, self.pool, self.filters, self.genesis, the listeners, self._snapshots,
    self.mining, mine_pending, start and stop (Devnet)."""

    _last_snapshot_id = 0  # ids only ever increase, as Anvil's: a reverted id is never reused

    # -- mining on demand ----------------------------------------------------------------------
    def pending_block(self) -> MinedBlock:
        """The next block as the pool would make it, executed but not persisted."""
        return self.chain.preview(self.pool.executable(self._nonce_of))

    def mine_blocks(self, count: int = 1, timestamp: int | None = None,
                    interval: int | None = None) -> list[MinedBlock]:
        """`count` blocks with the pending transactions; the first at `timestamp` (or the next
        due time), the others `interval` seconds apart when given (hardhat_mine), else at the
        block period. An interval of 0 (viem's testClient.mine default) means the period too."""
        if timestamp is not None:
            self.chain.check_timestamp(timestamp)
        self._check_span(count, timestamp, interval)
        out = [self.mine_pending(timestamp)]
        ts = out[0].block.header.timestamp
        for _ in range(count - 1):
            ts = ts + interval if interval else None
            out.append(self.mine_pending(ts))
        return out

    def _check_span(self, count: int, timestamp: int | None, interval: int | None) -> None:
        """Refuse the whole request if its last block's timestamp would pass MAX_TIMESTAMP: the
        first block's is the one asked for (or the next due), each later one at most `interval`
        or the block period (at least 1 s) after its parent."""
        first = self.chain.env_for(self.chain.head, timestamp).timestamp
        last = first + (count - 1) * (interval or max(self.genesis.block_period, 1))
        if last > MAX_TIMESTAMP:
            raise InvalidTimestamp(f"mining {count} block(s) would put a block timestamp "
                                   f"({last}) above 2**64 - 1")

    # -- snapshots -----------------------------------------------------------------------------
    def snapshot(self) -> int:
        sid = self._last_snapshot_id = self._last_snapshot_id + 1
        self._snapshots[sid] = (self.chain.head.hash, self.chain.head_root)
        return sid

    def revert(self, sid: int) -> bool:
        target = self._snapshots.get(sid)
        if target is None:
            return False
        block_hash, root = target
        header = self.chain.db.header(block_hash)
        removed = self._logs_above(header.number)
        self.chain.rewind(header, root)
        for k in [k for k in self._snapshots if k >= sid]:
            del self._snapshots[k]
        self._announce_removed(removed)
        return True

    def _announce_removed(self, removed: list) -> None:
        """As geth after a reorg: the rewound logs again, flagged removed."""
        if removed:
            self.filters.on_removed(removed)
            for cb in self.removed_listeners:
                cb(removed)

    def _logs_above(self, number: int) -> list:
        """The logs of the blocks after `number` up to the head, in chain order, with removed
        set."""
        out = []
        db = self.chain.db
        for n in range(number + 1, self.chain.head.number + 1):
            h = db.header(db.hash_by_number(n))
            txs = db.transactions(h.hash)
            entries = block_logs(h, [t.hash for t in txs], db.receipts(h.hash))
            for e in entries:
                e.removed = True
            out.extend(entries)
        return out

    # -- time ----------------------------------------------------------------------------------
    def increase_time(self, seconds: int) -> int:
        """Add `seconds` to the next block's timestamp; refused (nothing changes) if that block's
        timestamp would pass MAX_TIMESTAMP."""
        self.chain.time_offset += seconds
        ts = self.chain.env_for(self.chain.head).timestamp
        if ts > MAX_TIMESTAMP:
            self.chain.time_offset -= seconds
            raise InvalidTimestamp(f"evm_increaseTime by {seconds} s would put the next block's "
                                   f"timestamp {ts} above 2**64 - 1")
        return self.chain.time_offset

    def set_next_timestamp(self, ts: int) -> None:
        self.chain.check_timestamp(ts)
        if ts > MAX_TIMESTAMP:
            raise InvalidTimestamp(f"timestamp {ts} is above 2**64 - 1")
        self.chain.next_timestamp = ts

    # -- mining mode (evm_setAutomine, evm_setIntervalMining) ----------------------------------
    @property
    def automine(self) -> bool:
        return self.mining is MiningMode.AUTO

    def set_automine(self, enabled: bool) -> None:
        """On: AUTO (interval mining stops). Off: AUTO becomes MANUAL; INTERVAL stays. Pooled
        transactions wait for the next submission or mining call either way, as in Hardhat."""
        if enabled and self.mining is not MiningMode.AUTO:
            self.stop()
            self.mining = MiningMode.AUTO
        elif not enabled and self.mining is MiningMode.AUTO:
            self.mining = MiningMode.MANUAL

    def set_interval_mining(self, seconds: float) -> None:
        """Mine every `seconds` (INTERVAL); 0 turns interval mining off (MANUAL). Block
        timestamps keep stepping by the genesis block period, so the chain stays reproducible."""
        self.stop()
        if seconds > 0:
            self.block_time = seconds
            self.mining = MiningMode.INTERVAL
            self.start()
        elif self.mining is MiningMode.INTERVAL:
            self.mining = MiningMode.MANUAL
