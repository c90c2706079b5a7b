"""Rewriting recent history, as Anvil and geth's debug API offer it: anvil_rollback(depth),
debug_setHead(number), anvil_reorg(depth, txs) and anvil_reset (back to genesis). Mixed into
Devnet; every method runs on the writer.

A rewind goes through Chain.rewind, which moves the head pointer and deletes the canonical
numbers, transaction lookups, impersonated senders and state overrides above the new head in one
synced batch, so the data dir reads the same after a restart. The rewound blocks' logs go to
filters and subscriptions again with removed: true (as after a geth reorg); snapshots taken on a
rewound block are forgotten (their block is no longer canonical). Transactions of rewound blocks
are not put back in the pool, as in Anvil.

A reorg re-mines `depth` blocks on the common ancestor with the transactions given for each
(Anvil's [tx, block offset] pairs: a signed raw transaction, or a request signed by a dev account
or sent as an impersonated address). Blocks stay deterministic: a re-mined block without
transactions is the block that was there if that one was empty too.
"""
from pydevnet.node.calls import CallRequest
from pydevnet.node.chain.blocks import Header
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import impersonated_transaction, sign_transaction
from pydevnet.node.tx.types import Transaction


class HistoryError(ValueError):
    """A rewind or reorg the chain cannot make (too deep, a bad transaction): nothing changed."""


class DevHistory:
    """Needs self.chain, self.pool, self._snapshots, self.accounts, the DevChain helpers
    (_logs_above, _announce_removed) and Devnet's _mine, _tx_fields and is_impersonated."""

    def rewind_to(self, number: int) -> Header:
        """Make block `number` (at most the head) the head, with the state it was mined with."""
        chain = self.chain
        if not 0 <= number <= chain.head.number:
            raise HistoryError(f"block {number} is above the head ({chain.head.number})")
        header = chain.header_by_number(number)
        if number == chain.head.number:
            return header
        removed = self._logs_above(number)
        chain.rewind(header, chain.db.state_override(header.hash) or header.state_root)
        for sid in [s for s, (h, _) in self._snapshots.items()
                    if chain.db.header(h).number > number]:
            del self._snapshots[sid]
        self._announce_removed(removed)
        return header

    def rollback(self, depth: int) -> None:
        """anvil_rollback: drop the last `depth` blocks."""
        height = self.chain.head.number
        if depth > height:
            raise HistoryError(f"Rollback depth must not exceed current chain height: current "
                               f"height {height}, depth {depth}")
        self.rewind_to(height - depth)

    def reorg(self, depth: int, pairs: list[tuple[bytes | CallRequest, int]]) -> None:
        """anvil_reorg: replace the last `depth` blocks by `depth` new ones; pairs give each
        transaction (raw bytes or a request) and the offset of its block (0 .. depth-1) above
        the common ancestor. Everything is checked and signed before the chain moves."""
        height = self.chain.head.number
        if depth > height:
            raise HistoryError(f"Reorg depth must not exceed current chain height: current "
                               f"height {height}, depth {depth}")
        for _, offset in pairs:
            if offset >= depth:
                raise HistoryError(f"Block number for reorg tx will exceed the reorged chain "
                                   f"height. Block number {offset} must not exceed (depth-1) "
                                   f"{depth - 1}")
        common = height - depth
        blocks = self._reorg_blocks(common, depth, sorted(pairs, key=lambda p: p[1]))
        self.rewind_to(common)
        for txs in blocks:
            self._mine(txs)

    def _reorg_blocks(self, common: int, depth: int, pairs: list) -> list[list[Transaction]]:
        """The transactions of each new block, requests filled and signed with nonces that
        follow on from the common ancestor's state."""
        state = self.chain.state_at(self.chain.header_by_number(common))
        nonces: dict[bytes, int] = {}
        blocks: list[list[Transaction]] = [[] for _ in range(depth)]
        for item, offset in pairs:
            if isinstance(item, bytes):
                tx = decode_transaction(item)  # its errors are the pool's (-32000)
                tx.sender  # recovered now: a bad signature fails before the chain moves
            else:
                tx = self._reorg_request(item, state, nonces)
            blocks[offset].append(tx)
        return blocks

    def _reorg_request(self, req: CallRequest, state, nonces: dict) -> Transaction:
        sender = req.sender or next(iter(self.accounts))
        req = req.replace(sender=sender)
        nonce = nonces.get(sender, state.get_nonce(sender))
        nonces[sender] = nonce + 1
        if req.gas is None:
            req = req.replace(gas=self.estimate(req, "latest"))
        fields = self._tx_fields(req.replace(nonce=nonce))
        if sender in self.accounts:
            return sign_transaction(fields, self.accounts[sender].private_key)
        if self.is_impersonated(sender):
            return impersonated_transaction(fields, sender)
        raise HistoryError(f"0x{sender.hex()} is not a dev account and is not impersonated")

    def set_head(self, number: int) -> None:
        """debug_setHead: rewind the chain to block `number`."""
        self.rewind_to(number)
