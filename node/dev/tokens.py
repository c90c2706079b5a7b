"""Account and token dev methods, as Anvil offers them: anvil_addBalance, anvil_dealERC20 and
anvil_setERC20Allowance, and the read-side helpers eth_getAccount and eth_fillTransaction.
Mixed into Devnet; the setters run on the writer.

An ERC-20's balance or allowance slot is found as Anvil finds it: run the token's balanceOf(owner)
(or allowance(owner, spender)) at the head and record the storage slots of the token it reads, in
order; the first slot that, set to the wanted amount on a throwaway state, makes the same call
return that amount is the one written (through anvil_setStorageAt's path). A token whose getter
reads no such slot is refused: "Unable to set ERC20 balance, no slot found".
"""
from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT
from pydevnet.state.statedb import StateDB
from pydevnet.node.calls import CallRequest, execute_call
from pydevnet.node.tx.signing import impersonated_transaction
from pydevnet.node.tx.types import Transaction

MAX_WORD = 2**256 - 1
BALANCE_OF = bytes.fromhex("70a08231")  # balanceOf(address)
ALLOWANCE = bytes.fromhex("dd62ed3e")  # allowance(address,address)
WORD = 32


class TokenSlotNotFound(ValueError):
    """No storage slot of the token holds the balance or allowance asked about."""


class _SlotRecorder(StateDB):
    """A throwaway state that lists the slots of one contract in the order they are read."""

    def __init__(self, store, root, node_cache, contract: bytes) -> None:
        super().__init__(store, root, node_cache)
        self.contract = contract
        self.read: dict[int, None] = {}

    def warm_slot(self, addr: bytes, key: int) -> bool:
        if addr == self.contract:
            self.read[key] = None
        return super().warm_slot(addr, key)


def _arg(addr: bytes) -> bytes:
    return addr.rjust(WORD, b"\0")


class DevTokens:
    """Needs self.chain, self.call_gas_cap, self.set_balance, self.set_storage, self.accounts,
    self._tx_fields (Devnet)."""

    def add_balance(self, addr: bytes, amount: int) -> None:
        """anvil_addBalance: balance + amount, saturating at 2**256 - 1 as Anvil's."""
        balance = self.chain.state_at(self.chain.head).get_balance(addr)
        self.set_balance(addr, min(balance + amount, MAX_WORD))

    def deal_erc20(self, owner: bytes, token: bytes, amount: int) -> None:
        slot = self._token_slot(token, BALANCE_OF + _arg(owner), amount, "balance")
        self.set_storage(token, slot, amount)

    def set_erc20_allowance(self, owner: bytes, spender: bytes, token: bytes,
                            amount: int) -> None:
        slot = self._token_slot(token, ALLOWANCE + _arg(owner) + _arg(spender), amount,
                                "allowance")
        self.set_storage(token, slot, amount)

    def _token_slot(self, token: bytes, calldata: bytes, amount: int, what: str) -> int:
        chain = self.chain
        head = chain.head
        env = chain.env_for(head)
        root = chain.state_root_of(head)
        req = CallRequest(to=token, data=calldata)
        recorder = _SlotRecorder(chain.store, root, chain.node_cache, token)
        execute_call(recorder, env, req, self.call_gas_cap)
        for slot in recorder.read:
            st = chain.state_at(head)
            st.set_storage(token, slot, amount)
            result = execute_call(st, env, req, self.call_gas_cap)
            if result.success and len(result.output) == WORD \
                    and int.from_bytes(result.output, "big") == amount:
                return slot
        raise TokenSlotNotFound(f"Unable to set ERC20 {what}, no slot found")

    # -- reads ---------------------------------------------------------------------------------
    def account_info(self, addr: bytes, ref) -> tuple[int, int, bytes, bytes]:
        """eth_getAccount: (nonce, balance, code hash, storage root) at `ref`."""
        st = self.chain.state_at(self.require_header(ref))
        acct = st.account(addr)
        if acct is None:
            return 0, 0, EMPTY_CODE_HASH, EMPTY_TRIE_ROOT
        return acct.nonce, acct.balance, acct.code_hash, acct.storage_root

    def fill_transaction(self, req: CallRequest) -> Transaction:
        """eth_fillTransaction: the transaction eth_sendTransaction would send, nonce, gas and
        fees filled in, with a placeholder signature (Anvil's: it signs nothing); the sender
        defaults to the first dev account."""
        sender = req.sender or next(iter(self.accounts))
        return impersonated_transaction(self._tx_fields(req.replace(sender=sender)), sender)
