"""The transaction-level state transition (execution-specs' process_transaction), shared by the
state-test runner and the node: validity checks against the state, gas purchase, the EIP-2929/2930
warm sets, the message call or creation, EIP-3529 refunds, and fee settlement through a policy
(node/chain/fees.py). Blob transactions (EIP-4844) pay their blob fee up front; it is burned.

From Prague (the block's spec decides): a set-code transaction's authorizations are applied
after the sender's nonce is raised (EIP-7702; an invalid one is skipped, and none is undone when
the call fails), a destination holding a delegation designator runs its delegate's code, a sender
whose code is a designator may send (EIP-3607 as EIP-7702 amends it), and the gas used is at
least the calldata floor (EIP-7623).

An invalid transaction raises an InvalidTransaction subclass before touching the state.
"""
from pydevnet.state.hashing import EMPTY_CODE_HASH
from pydevnet.state.statedb import StateDB
from pydevnet.node.tx.errors import (BlobFeeCapTooLow, BlobGasLimitReached, GasLimitExceeded,
                                     InsufficientFunds, NonceTooHigh, NonceTooLow, SenderNotEOA)
from pydevnet.node.tx.errors import InvalidSignature
from pydevnet.node.tx.validation import floor_gas, tx_intrinsic_gas, validate_stateless
from pydevnet.vm import message
from pydevnet.vm.errors import (CodeSizeExceeded, CodeStoreOutOfGas, InvalidCodePrefix, InvalidJump,
                                InvalidOpcode, OutOfGas, PrecompileError, ReturnDataOutOfBounds,
                                Revert, StackOverflow, StackUnderflow, WriteProtection)
from pydevnet.vm.frame import BlockEnv, TxEnv
from pydevnet.vm.forks import FORKS
from pydevnet.vm.gas import (GAS_PER_BLOB, MAX_REFUND_QUOTIENT, MAX_TX_NONCE, PER_AUTH_BASE_COST,
                             PER_EMPTY_ACCOUNT_COST)
from pydevnet.vm.opcodes.system import CALL, CREATE, ERR_COLLISION, create_address

_WARM_ADDRESS = StateDB.warm_address  # the plain one, which warm_up may bypass

_ERROR_NAMES = {  # geth's wording, which clients and tests match on
    OutOfGas: "out of gas", StackUnderflow: "stack underflow", StackOverflow: "stack overflow",
    InvalidJump: "invalid jump destination", InvalidOpcode: "invalid opcode",
    WriteProtection: "write protection", ReturnDataOutOfBounds: "return data out of bounds",
    InvalidCodePrefix: "invalid code: must not begin with 0xef",
    CodeSizeExceeded: "max code size exceeded",
    CodeStoreOutOfGas: "contract creation code storage out of gas",
    PrecompileError: "precompiled contract failed",
}


class TxResult:
    """The outcome of an included transaction (what a receipt is made from)."""

    __slots__ = ("success", "gas_used", "output", "logs", "contract_address", "gas_price",
                 "blob_gas_used", "error")

    def __init__(self, success: bool, gas_used: int, output: bytes, logs: list,
                 contract_address: bytes | None, gas_price: int, blob_gas_used: int,
                 error: str | None) -> None:
        self.success = success
        self.gas_used = gas_used
        self.output = output
        self.logs = logs
        self.contract_address = contract_address
        self.gas_price = gas_price
        self.blob_gas_used = blob_gas_used
        self.error = error


def _check_blob_fees(tx, block: BlockEnv, blob_gas_used: int) -> int:
    """EIP-4844 block-level rules for type-3 transactions; returns the blob gas the tx uses.
    (The transaction's own shape was checked by validate_stateless.)"""
    if tx.type != 3:
        return 0
    used = GAS_PER_BLOB * len(tx.blob_versioned_hashes)
    available = block.spec.blob.max_gas - blob_gas_used
    if used > available:
        raise BlobGasLimitReached(f"blob gas {used}, block blob gas available {available}")
    if tx.max_fee_per_blob_gas < block.blob_base_fee:
        raise BlobFeeCapTooLow(f"max fee per blob gas {tx.max_fee_per_blob_gas}, blob base fee "
                               f"{block.blob_base_fee}")
    return used


def validate(state: StateDB, block: BlockEnv, tx, sender: bytes, policy,
             block_gas_used: int = 0, blob_gas_used: int = 0) -> tuple[int, int, int]:
    """Every check of execution-specs' validate_transaction and check_transaction: the stateless
    ones (validate_stateless, with the block's chain id), then block and state checks.
    Returns (intrinsic gas, effective gas price, blob gas used)."""
    validate_stateless(tx, block.chain_id, block.spec)
    if tx.gas_limit > block.gas_limit - block_gas_used:
        raise GasLimitExceeded(f"gas {tx.gas_limit}, block gas available "
                               f"{block.gas_limit - block_gas_used}")
    blob_gas = _check_blob_fees(tx, block, blob_gas_used)
    price = policy.effective_gas_price(tx, block.base_fee)
    max_cost = tx.gas_limit * tx.fee_cap() + tx.value
    if blob_gas:
        max_cost += blob_gas * tx.max_fee_per_blob_gas
    nonce = state.get_nonce(sender)
    if tx.nonce < nonce:
        raise NonceTooLow(f"address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}")
    if tx.nonce > nonce:
        raise NonceTooHigh(f"address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}")
    balance = state.get_balance(sender)
    if balance < max_cost:
        raise InsufficientFunds(f"address 0x{sender.hex()} have {balance} want {max_cost}")
    # EIP-3607; waived for an impersonated sender (anvil_impersonateAccount), as Anvil does, so
    # a contract's address can send
    if not tx.impersonated and not may_send(state, block.spec, sender):
        raise SenderNotEOA(f"address 0x{sender.hex()}, codehash "
                           f"0x{state.get_code_hash(sender).hex()}")
    return tx_intrinsic_gas(tx), price, blob_gas


def may_send(state: StateDB, spec, sender: bytes) -> bool:
    """EIP-3607: only an account without code originates transactions, or (EIP-7702) one whose
    code is a delegation designator."""
    return (state.get_code_hash(sender) == EMPTY_CODE_HASH
            or message.delegate_of(state.get_code(sender), spec) is not None)


def apply_authorizations(state: StateDB, block: BlockEnv, tx) -> None:
    """EIP-7702: set each valid authorization's delegation designator (or clear the code for the
    zero address), raise the authority's nonce and warm it; refund PER_EMPTY_ACCOUNT_COST -
    PER_AUTH_BASE_COST for an authority that already existed. A tuple failing a check is skipped;
    of several by one authority, the last valid one wins."""
    for auth in tx.authorization_list:
        if auth.chain_id not in (0, block.chain_id) or auth.nonce >= MAX_TX_NONCE:
            continue
        try:
            authority = auth.authority()
        except InvalidSignature:
            continue
        state.warm_address(authority)
        code = state.get_code(authority)
        if code and message.delegate_of(code, block.spec) is None:
            continue
        if state.get_nonce(authority) != auth.nonce:
            continue
        if state.exists(authority):
            state.add_refund(PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST)
        delegation = b"" if auth.address == bytes(20) else message.DELEGATION_PREFIX + auth.address
        state.set_code(authority, delegation)
        state.increment_nonce(authority)


def warm_up(state: StateDB, block: BlockEnv, tx, sender: bytes) -> None:
    """EIP-2929 starts warm: sender, recipient, precompiles, coinbase (EIP-3651), access list.

    The addresses go into the warm set in one update, without undo entries: the warm-up comes
    before the transaction's first snapshot (its message's), so no revert reaches below it, and
    begin_tx clears the set. A state that overrides warm_address (to record what is warmed, as
    eth_createAccessList's does) gets every address through it, in the same order as ever."""
    if type(state).warm_address is not _WARM_ADDRESS:
        for addr in (sender, block.coinbase, *block.spec.precompiles):
            state.warm_address(addr)
        if tx.to is not None:
            state.warm_address(tx.to)
    else:
        warm = state.warm_addresses
        warm.update(block.spec.precompiles)  # the fork's addresses: the dict's keys
        warm.add(sender)
        warm.add(block.coinbase)
        if tx.to is not None:
            warm.add(tx.to)
    for addr, keys in tx.access_list:
        state.warm_address(addr)
        for k in keys:
            state.warm_slot(addr, k)


def apply_transaction(state: StateDB, block: BlockEnv, tx, sender: bytes, policy,
                      block_gas_used: int = 0, blob_gas_used: int = 0,
                      tracer: object = None) -> TxResult:
    """Validate and execute `tx`, leaving its effects in `state` (finalized, not committed)."""
    intrinsic, price, blob_gas = validate(state, block, tx, sender, policy, block_gas_used,
                                          blob_gas_used)
    state.begin_tx()
    state.sub_balance(sender, tx.gas_limit * price + blob_gas * block.blob_base_fee)
    nonce = state.get_nonce(sender)
    state.increment_nonce(sender)
    warm_up(state, block, tx, sender)
    env = TxEnv(sender, price, tuple(tx.blob_versioned_hashes or ()), tracer)
    gas = tx.gas_limit - intrinsic
    created = create_address(sender, nonce) if tx.to is None else None
    ok, gas_left, out, err = _run_message(state, block, env, tx, created, gas)
    if tracer is not None:
        trace_top_exit(tracer, state, created, ok, gas - gas_left, out, err)
    used = tx.gas_limit - gas_left
    used -= min(used // MAX_REFUND_QUOTIENT, max(state.refund, 0))
    used = max(used, floor_gas(tx.data, block.spec))  # EIP-7623
    state.add_balance(sender, (tx.gas_limit - used) * price)
    state.add_balance(block.coinbase, policy.coinbase_reward(used, price, block.base_fee))
    state.touch(block.coinbase)
    logs = list(state.logs)
    state.finalize_tx()
    return TxResult(ok, used, out, logs, created if ok else None, price, blob_gas,
                    None if ok else describe_error(err))


def _run_message(state: StateDB, block: BlockEnv, env: TxEnv, tx, created: bytes | None,
                 gas: int) -> tuple:
    """The transaction's own message: the creation at `created`, or (after the EIP-7702
    authorizations) the call of tx.to, its delegate's code if it holds a designator."""
    sender, tracer = env.origin, env.tracer
    if created is not None:
        state.warm_address(created)
        if tracer is not None:
            tracer.enter(CREATE, sender, created, tx.value, tx.data, gas, 0)
        if (state.get_nonce(created) or state.get_code_hash(created) != EMPTY_CODE_HASH
                or state.has_storage(created)):
            return False, 0, b"", "address collision"  # all gas consumed
        return message.create(state, block, env, sender, created, tx.value, tx.data, gas, 0)
    if tx.authorization_list:
        apply_authorizations(state, block, tx)
    code = message.delegated_code(state, block.spec, tx.to)
    if tracer is not None:
        tracer.enter(CALL, sender, tx.to, tx.value, tx.data, gas, 0)
    return message.call(state, block, env, sender, tx.to, tx.to, tx.value, tx.data, gas, 0,
                        False, True, code)


def trace_top_exit(tracer, state: StateDB, created: bytes | None, ok: bool, gas_used: int,
                   out: bytes, err) -> None:
    """The tracer's exit of the transaction's own message; a creation's output is its code."""
    if err == "address collision":
        err = ERR_COLLISION
    tracer.exit(0, gas_used, state.get_code(created) if ok and created else out, err)


def describe_error(err) -> str:
    if isinstance(err, Revert):
        return "execution reverted"
    if isinstance(err, str):
        return err
    if isinstance(err, InvalidOpcode) and err.opcode is not None:
        return f"invalid opcode: {opcode_name(err.opcode, err.fork)}"
    return _ERROR_NAMES.get(type(err), type(err).__name__)


def opcode_name(op: int, fork: str | None) -> str:
    """An opcode as geth names it, and when `fork` lacks one another fork has, which: "INVALID",
    "opcode 0x0c not defined", "CLZ (0x1e) is not in Cancun"."""
    spec = FORKS.get(fork or "")
    if spec is not None and op in spec.opcodes:
        return spec.names[op]
    for other in FORKS.values():
        if op in other.opcodes:
            return f"{other.names[op]} (0x{op:02x}) is not in {(fork or '?').capitalize()}"
    return f"opcode 0x{op:02x} not defined"
