"""State-manipulation dev methods, as Anvil and Hardhat offer them: setting an account's balance,
code, nonce or a storage slot at the head (anvil_/hardhat_setBalance, setCode, setNonce,
setStorageAt), impersonating senders (anvil_/hardhat_impersonateAccount and friends) and dropping
pooled transactions (anvil_/hardhat_dropTransaction, anvil_dropAllTransactions,
anvil_removePoolTransactions). Mixed into Devnet.

A setter changes the state on top of the head through Chain.modify_head_state: 'latest' and
'pending' see it at once, the next block builds on it, and the head's header is not rewritten.
"""
from pydevnet.state.statedb import StateDB
from pydevnet.node.tx.types import Transaction
from pydevnet.vm.gas import MAX_TX_NONCE

MAX_WORD = 2**256 - 1


class DevState:
    """Needs self.chain, self.pool, self.accounts and self._nonce_of (Devnet)."""

    impersonated: set[bytes]
    auto_impersonate: bool

    # -- setters -------------------------------------------------------------------------------
    def _set(self, addr: bytes, change) -> None:
        """Apply `change(state)` at the head; an account the change leaves empty (no nonce,
        balance, code or storage) is not written, so setting zero on an unused address leaves
        the state root as it was."""
        def apply(st: StateDB) -> None:
            change(st)
            acct = st.account(addr)
            if acct is not None and acct.is_empty() and not st.has_storage(addr):
                st.touch(addr)
                st.finalize_tx()  # EIP-161's removal of an empty touched account
        self.chain.modify_head_state(apply)
        stale = self.pool.prune(self._nonce_of)
        self.chain.db.remove_pool_transactions([t.hash for t in stale])

    def set_balance(self, addr: bytes, value: int) -> None:
        if not 0 <= value <= MAX_WORD:
            raise ValueError(f"balance {value} does not fit 256 bits")
        self._set(addr, lambda st: st.set_balance(addr, value))

    def set_nonce(self, addr: bytes, nonce: int) -> None:
        if not 0 <= nonce <= MAX_TX_NONCE:
            raise ValueError(f"nonce {nonce} exceeds 2**64 - 1 (EIP-2681)")
        self._set(addr, lambda st: st.set_nonce(addr, nonce))

    def set_code(self, addr: bytes, code: bytes) -> None:
        self._set(addr, lambda st: st.set_code(addr, code))

    def set_storage(self, addr: bytes, slot: int, value: int) -> None:
        if not (0 <= slot <= MAX_WORD and 0 <= value <= MAX_WORD):
            raise ValueError("storage slot and value are 32-byte words")
        self._set(addr, lambda st: st.set_storage(addr, slot, value))

    # -- impersonation -------------------------------------------------------------------------
    def impersonate(self, addr: bytes) -> None:
        self.impersonated.add(addr)

    def stop_impersonating(self, addr: bytes) -> bool:
        """Returns whether `addr` was impersonated."""
        was = addr in self.impersonated
        self.impersonated.discard(addr)
        return was

    def set_auto_impersonate(self, enabled: bool) -> None:
        self.auto_impersonate = enabled

    def listed_accounts(self) -> list[bytes]:
        """eth_accounts: the dev accounts, then the impersonated addresses (sorted), as Anvil
        lists them, so clients that look a sender up there (ethers' getSigner) find it."""
        extra = sorted(a for a in self.impersonated if a not in self.accounts)
        return list(self.accounts) + extra

    def is_impersonated(self, addr: bytes) -> bool:
        return self.auto_impersonate or addr in self.impersonated

    # -- the pool ------------------------------------------------------------------------------
    def drop_transaction(self, tx_hash: bytes) -> Transaction | None:
        """Remove a pooled transaction (and its persisted copy); returns it, or None if it was
        not in the pool. Later transactions of its sender stay, queued behind the gap."""
        tx = self.pool.get(tx_hash)
        if tx is None:
            return None
        self.pool.remove([tx_hash])
        self.chain.db.remove_pool_transactions([tx_hash])
        return tx

    def drop_all_transactions(self) -> None:
        """anvil_dropAllTransactions: empty the pool (and its persisted copies)."""
        self._remove_pooled([t.hash for t in self.pool.all()])

    def remove_pool_transactions(self, sender: bytes) -> None:
        """anvil_removePoolTransactions: drop every pooled transaction of `sender`."""
        self._remove_pooled([t.hash for t in self.pool.all() if t.sender == sender])

    def _remove_pooled(self, hashes: list[bytes]) -> None:
        self.pool.remove(hashes)
        self.chain.db.remove_pool_transactions(hashes)

    def is_mined(self, tx_hash: bytes) -> bool:
        loc = self.chain.db.lookup(tx_hash)
        return loc is not None and loc[0] <= self.chain.head.number
