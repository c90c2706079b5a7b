"""Importing blocks made elsewhere, by Ethereum's rules (execution-specs' state_transition and
apply_body), for the blockchain-test runner (node/blocktest.py).

A block is decoded strictly from its RLP (rlp([header, transactions, ommers, withdrawals]), each
transaction in its canonical form: a blob transaction's network form is no block content), its
header checked against its parent (node/chain/headers.py) and its size (EIP-7934, where in
force), and its body executed on the parent's state in a fresh StateDB:
1. the EIP-4788 and EIP-2935 system calls (node/chain/system.py);
2. every transaction through the one state transition (node/chain/transition.py) with the
   Ethereum fee market; one that the block cannot include invalidates the block;
3. the EIP-4895 withdrawals, credited in gwei (an account left empty is removed);
4. where EIP-7685 is in force, the requests: EIP-6110 deposits from the logs, then the EIP-7002
   and EIP-7251 system calls;
then every header commitment is compared with what the execution produced. Any failure raises an
InvalidBlock subclass (node/chain/errors.py) and leaves the imported chain as it was.
"""
from typing import Callable

from pydevnet.state.rlp import RLPError, decode, decode_int, encode
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import KVStore
from pydevnet.node.chain import system
from pydevnet.node.chain.blocks import (Block, Header, Receipt, Withdrawal, logs_bloom,
                                        receipts_root, transactions_root, withdrawals_root)
from pydevnet.node.chain.errors import (BlockTooLarge, BodyMismatch, InvalidBlock,
                                        InvalidBlockEncoding, InvalidBlockTransaction,
                                        InvalidHeader)
from pydevnet.node.chain.fees import EthereumFees
from pydevnet.node.chain.headers import MAX_RLP_BLOCK_SIZE, validate_header
from pydevnet.node.chain.requests import (MAINNET_DEPOSIT_CONTRACT, deposit_requests,
                                          requests_hash)
from pydevnet.node.chain.transition import apply_transaction
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.errors import InvalidTransaction
from pydevnet.vm.frame import BlockEnv
from pydevnet.vm.spec import Spec

GWEI = 10 ** 9
BLOCKHASH_DEPTH = 256
_FEES = EthereumFees()


def decode_block(raw: bytes) -> Block:
    """A block from its RLP; InvalidBlockEncoding (or InvalidBlockTransaction for a transaction
    that does not decode) when anything is malformed or not canonical."""
    try:
        items = decode(raw)
        if not isinstance(items, list) or len(items) != 4:
            raise InvalidBlockEncoding("a block is a list of header, transactions, ommers and "
                                       "withdrawals")
        header_items, tx_items, ommers, withdrawal_items = items
        header = Header.from_fields(header_items, encode(header_items))
        if not isinstance(tx_items, list) or not isinstance(withdrawal_items, list):
            raise InvalidBlockEncoding("transactions and withdrawals must be lists")
        withdrawals = [_withdrawal(w) for w in withdrawal_items]
    except RLPError as e:
        raise InvalidBlockEncoding(str(e)) from e
    if ommers != []:
        raise InvalidBlockEncoding("a block after the merge has no ommers")
    return Block(header, [_transaction(i, t) for i, t in enumerate(tx_items)], withdrawals)


def _withdrawal(item) -> Withdrawal:
    if not isinstance(item, list) or len(item) != 4 or not isinstance(item[2], bytes) \
            or len(item[2]) != 20:
        raise InvalidBlockEncoding("a withdrawal is [index, validatorIndex, address, amount]")
    index, validator, address, amount = item
    w = Withdrawal(decode_int(index), decode_int(validator), address, decode_int(amount))
    if max(w.index, w.validator_index, w.amount) >= 2 ** 64:
        raise InvalidBlockEncoding("a withdrawal's numbers are uint64")
    return w


def _transaction(index: int, item):
    """Inside a block, a legacy transaction is its RLP list and a typed one a byte string."""
    raw = encode(item) if isinstance(item, list) else item
    try:
        if not isinstance(item, list) and raw[:1] >= b"\xc0":
            raise InvalidBlockEncoding(f"transaction {index}: a legacy transaction as a string")
        tx = decode_transaction(raw)
    except InvalidTransaction as e:
        raise InvalidBlockTransaction(f"transaction {index}: {e}") from e
    if tx.raw != raw:  # only a blob transaction's network form decodes to other bytes
        raise InvalidBlockEncoding(f"transaction {index}: not in its canonical form")
    return tx


class ImportedChain:
    """Blocks imported on a genesis: headers by hash and the state root after each, the state
    in `store`. `spec_at(timestamp)` gives a block's fork; `deposit_contract` is the address
    whose DepositEvent logs are EIP-6110 requests."""

    def __init__(self, store: KVStore, genesis: Header, chain_id: int,
                 spec_at: Callable[[int], Spec],
                 deposit_contract: bytes | None = MAINNET_DEPOSIT_CONTRACT) -> None:
        self.store = store
        self.chain_id = chain_id
        self.spec_at = spec_at
        self.deposit_contract = deposit_contract
        self.headers: dict[bytes, Header] = {genesis.hash: genesis}
        self.roots: dict[bytes, bytes] = {genesis.hash: genesis.state_root}
        self.head = genesis

    def import_block(self, raw: bytes) -> Header:
        """Validate and execute one block; it becomes the head. Raises InvalidBlock."""
        block = decode_block(raw)
        header = block.header
        spec = self.spec_at(header.timestamp)
        if spec.has(7934) and len(raw) > MAX_RLP_BLOCK_SIZE:
            raise BlockTooLarge(f"block RLP is {len(raw)} bytes, more than {MAX_RLP_BLOCK_SIZE} "
                                f"(EIP-7934)")
        parent = self.headers.get(header.parent_hash)
        if parent is None:
            raise InvalidHeader("unknown parent", "parent_hash")
        validate_header(header, parent, spec)
        root = self._execute(block, parent, spec)
        self.headers[header.hash] = header
        self.roots[header.hash] = root
        self.head = header
        return header

    def _env(self, header: Header, parent: Header, spec: Spec) -> BlockEnv:
        headers = self.headers

        def block_hash(n: int) -> bytes | None:
            h = parent
            for _ in range(BLOCKHASH_DEPTH):
                if h is None or h.number <= n:
                    break
                h = headers.get(h.parent_hash)
            return h.hash if h is not None and h.number == n else None

        return BlockEnv(spec=spec, coinbase=header.coinbase, number=header.number,
                        timestamp=header.timestamp, gas_limit=header.gas_limit,
                        prevrandao=int.from_bytes(header.mix_hash, "big"),
                        base_fee=header.base_fee, chain_id=self.chain_id,
                        excess_blob_gas=header.excess_blob_gas, block_hash=block_hash)

    def _execute(self, block: Block, parent: Header, spec: Spec) -> bytes:
        header = block.header
        env = self._env(header, parent, spec)
        state = StateDB(self.store, self.roots[parent.hash])
        system.begin_block(state, env, parent.hash, header.parent_beacon_block_root)
        receipts = self._transactions(state, env, block)
        for w in block.withdrawals:
            credit_withdrawal(state, w)
        requests = None
        if spec.has(7685):
            requests = deposit_requests([x for r in receipts for x in r.logs],
                                        self.deposit_contract)
            requests += system.dequeue_requests(state, env)
        root = state.commit()
        _check_commitments(block, receipts, root, requests)
        return root

    def _transactions(self, state: StateDB, env: BlockEnv, block: Block) -> list[Receipt]:
        receipts: list[Receipt] = []
        gas_used = blob_gas_used = 0
        for i, tx in enumerate(block.transactions):
            try:
                r = apply_transaction(state, env, tx, tx.sender, _FEES, gas_used, blob_gas_used)
            except InvalidTransaction as e:
                raise InvalidBlockTransaction(f"transaction {i}: {type(e).__name__}: {e}") from e
            gas_used += r.gas_used
            blob_gas_used += r.blob_gas_used
            receipts.append(Receipt(tx.type, 1 if r.success else 0, gas_used, r.logs, r.gas_used,
                                    r.gas_price, r.contract_address, r.blob_gas_used))
        return receipts


def credit_withdrawal(state: StateDB, w: Withdrawal) -> None:
    """EIP-4895: credit the amount (gwei) to the address, outside any transaction; an account
    this leaves empty (a zero amount to an empty address) does not remain."""
    state.begin_tx()
    state.add_balance(w.address, w.amount * GWEI)
    state.touch(w.address)
    state.finalize_tx()


def _check_commitments(block: Block, receipts: list[Receipt], root: bytes,
                       requests: list[bytes] | None) -> None:
    h = block.header
    gas_used = receipts[-1].cumulative_gas_used if receipts else 0
    actual = {
        "gas_used": gas_used,
        "blob_gas_used": sum(r.blob_gas_used for r in receipts),
        "transactions_root": transactions_root([tx.raw for tx in block.transactions]),
        "receipts_root": receipts_root(receipts),
        "logs_bloom": logs_bloom([x for r in receipts for x in r.logs]),
        "withdrawals_root": withdrawals_root(block.withdrawals),
        "requests_hash": None if requests is None else requests_hash(requests),
        "state_root": root,
    }
    for field, value in actual.items():
        declared = getattr(h, field)
        if declared != value:
            raise BodyMismatch(f"{field} {_shown(declared)}, the body gives {_shown(value)}",
                               field)


def _shown(value) -> str:
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)


__all__ = ["ImportedChain", "InvalidBlock", "credit_withdrawal", "decode_block"]
