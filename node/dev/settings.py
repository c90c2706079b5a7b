"""The chain's settings as dev methods move them, as Anvil and Hardhat offer them: the chain id
(anvil_setChainId), the coinbase (anvil_/hardhat_setCoinbase), the unit price
(anvil_setMinGasPrice and anvil_/hardhat_setNextBlockBaseFeePerGas), the block gas limit
(evm_/anvil_setBlockGasLimit), the next block's PREVRANDAO (anvil_setNextBlockPrevRandao,
hardhat_setPrevRandao), the time (evm_/anvil_setTime, anvil_setBlockTimestampInterval,
anvil_removeBlockTimestampInterval) and anvil_reset, with what anvil_nodeInfo and
anvil_/hardhat_metadata report. Mixed into Devnet; every method runs on the writer.

The chain has one fixed price that every block's base fee equals and every transaction pays:
both the minimum gas price and the next base fee move that one unit price, from the next block
on. The settings live in the process (like Anvil's): a restart starts again from genesis.json and
the flags, and anvil_reset restores them. PREVRANDAO and a set time are one-shot: they change the
next block only, the blocks after it derive theirs as before (keccak256 of the parent hash, and
parent timestamp + block period, or the timestamp interval while one is set).
"""
import secrets

from pydevnet.node.chain.chain import MAX_TIMESTAMP, InvalidTimestamp
from pydevnet.node.chain.rewind import HistoryError

MAX_CHAIN_ID = 2**64 - 1


class DevSettings:
    """Needs self.genesis, self.chain, self.pool, self._snapshots, and DevHistory's rewind_to
    (Devnet)."""

    instance_id: bytes = b""
    _initial: tuple | None = None

    def _remember_settings(self) -> None:
        """The settings anvil_reset returns to (called once, at start)."""
        g = self.genesis
        self._initial = (g.chain_id, g.coinbase, g.unit_price, g.gas_limit)
        self.instance_id = secrets.token_bytes(32)

    # -- chain settings ------------------------------------------------------------------------
    def set_chain_id(self, chain_id: int) -> None:
        if not 1 <= chain_id <= MAX_CHAIN_ID:
            raise HistoryError(f"chain id {chain_id} outside [1, 2**64 - 1]")
        self.genesis.chain_id = chain_id

    def set_coinbase(self, address: bytes) -> None:
        self.genesis.coinbase = address

    def set_unit_price(self, price: int) -> None:
        """The one price of the chain (base fee of every next block, price of every tx)."""
        if price < 1:
            raise HistoryError("the unit price must be at least 1 wei")
        self.genesis.unit_price = price
        self.chain.fees.unit_price = price

    def set_block_gas_limit(self, gas_limit: int) -> None:
        if gas_limit < 1:
            raise HistoryError("the block gas limit must be at least 1")
        self.genesis.gas_limit = gas_limit

    def set_next_prevrandao(self, value: bytes) -> None:
        self.chain.next_prevrandao = value

    # -- time ----------------------------------------------------------------------------------
    def set_time(self, timestamp: int) -> int:
        """evm_setTime: the next block gets `timestamp` (earlier than the head's too, as in
        Anvil); returns the seconds from the time the next block was due to `timestamp`, 0 if it
        goes back."""
        if timestamp > MAX_TIMESTAMP:
            raise InvalidTimestamp("The timestamp is too big")
        due = self.chain.env_for(self.chain.head).timestamp
        self.chain.time_offset = 0
        self.chain.next_timestamp = timestamp
        return max(timestamp - due, 0)

    def set_timestamp_interval(self, seconds: int) -> None:
        self.chain.timestamp_interval = seconds

    def remove_timestamp_interval(self) -> bool:
        """Whether an interval was set."""
        was = self.chain.timestamp_interval is not None
        self.chain.timestamp_interval = None
        return was

    # -- reset ---------------------------------------------------------------------------------
    def reset(self) -> None:
        """anvil_reset without forking on a local chain: the genesis block as head again, the
        pool and snapshots emptied, the settings and time back to the start, a new instance id.
        (A forked chain's resets are node/fork/reset.py's.)"""
        self.rewind_to(0)
        genesis = self.chain.header_by_number(0)
        if self.chain.head_root != genesis.state_root:  # dev setters on the genesis state
            self.chain.rewind(genesis, genesis.state_root)
        self.clear_for_reset()

    def set_initial_chain_id(self, chain_id: int) -> None:
        """The chain id resets return to (a reset onto another remote takes the remote's)."""
        self._initial = (chain_id, *self._initial[1:])

    def clear_for_reset(self) -> None:
        """What every reset does besides moving the chain: the pool and snapshots emptied, the
        settings and time back to the start, a new instance id."""
        hashes = [t.hash for t in self.pool.all()]
        self.pool.remove(hashes)
        self.chain.db.remove_pool_transactions(hashes)
        self._snapshots.clear()
        g = self.genesis
        g.chain_id, g.coinbase, unit_price, g.gas_limit = self._initial
        self.set_unit_price(unit_price)
        chain = self.chain
        chain.next_timestamp = chain.next_prevrandao = chain.timestamp_interval = None
        chain.time_offset = 0
        self.instance_id = secrets.token_bytes(32)

    # -- reports -------------------------------------------------------------------------------
    def snapshot_heads(self) -> dict[int, tuple[int, bytes]]:
        """anvil_metadata's snapshots: id -> (block number, block hash)."""
        db = self.chain.db
        return {sid: (db.header(h).number, h) for sid, (h, _) in sorted(self._snapshots.items())}
