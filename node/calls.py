"""Executing calls that are not transactions: eth_call, eth_estimateGas, eth_createAccessList.

A call runs on a disposable view of the state at the requested block, through the same message
machinery as a transaction (vm.message) after the same warm-up (EIP-2929/2930/3651), but without a
signature, nonce check or fee unless the request names a price. State overrides (balance, nonce,
code, state, stateDiff) are applied to the view first. Gas estimation is a binary search over
real executions; the access list records every address and slot touched, reverted frames too.
The block's fork rules apply as to a transaction: a target holding an EIP-7702 delegation
designator runs its delegate's code, the gas is at least the EIP-7623 calldata floor (limit and
gas used), and from Osaka no call gets more gas than EIP-7825's cap.

A request with an EIP-7702 authorization list (or type 4) follows a set-code transaction's rules:
only from Prague, with a destination and at least one authorization; its intrinsic gas includes
25,000 per authorization, and the authorizations are applied to the call's state view after the
sender's nonce is raised and before the call runs (an invalid one is skipped), so a call, an
estimate, an access list or a traced call sees what the transaction would. set_code_fields gives
eth_sendTransaction/eth_signTransaction the type-4 fields.
"""
from pydevnet.state.statedb import StateDB
from pydevnet.node.tx.errors import (EmptyAuthorizationList, FloorDataGasTooLow,
                                     InsufficientFunds, IntrinsicGasTooLow, InvalidSignature,
                                     InvalidTransaction, SetCodeTxCreate, SetCodeTxInvalid,
                                     UnsupportedType)
from pydevnet.node.tx.types import SET_CODE_TX_TYPE
from pydevnet.node.tx.validation import floor_gas, intrinsic_gas
from pydevnet.node.chain.transition import (apply_authorizations, describe_error, trace_top_exit,
                                            warm_up)
from pydevnet.vm import message
from pydevnet.vm.errors import Revert
from pydevnet.vm.frame import BlockEnv, TxEnv
from pydevnet.vm.gas import MAX_REFUND_QUOTIENT, MAX_TX_GAS
from pydevnet.vm.opcodes.system import CALL, CREATE, create_address

ZERO_ADDRESS = bytes(20)
ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)
PANIC_REASONS = {  # Solidity's panic codes, worded as geth words them
    0x00: "generic panic", 0x01: "assert(false)", 0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero", 0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesN", 0x41: "out of memory",
    0x51: "uninitialized function",
}


class InsufficientFundsForTransfer(InsufficientFunds):
    message = "insufficient funds for transfer"


class CallRequest:
    """The fields of an eth_call/eth_estimateGas request (all optional but `data`); `tx_type`
    is the type the request names (None: inferred), `authorization_list` EIP-7702's signed
    Authorization tuples."""

    __slots__ = ("sender", "to", "gas", "gas_price", "max_fee_per_gas",
                 "max_priority_fee_per_gas", "value", "data", "access_list", "nonce",
                 "blob_versioned_hashes", "authorization_list", "tx_type")

    def __init__(self, sender: bytes | None = None, to: bytes | None = None,
                 gas: int | None = None, gas_price: int | None = None,
                 max_fee_per_gas: int | None = None, max_priority_fee_per_gas: int | None = None,
                 value: int = 0, data: bytes = b"", access_list: tuple = (),
                 nonce: int | None = None, blob_versioned_hashes: tuple = (),
                 authorization_list: tuple = (), tx_type: int | None = None) -> None:
        self.sender = sender
        self.to = to
        self.gas = gas
        self.gas_price = gas_price
        self.max_fee_per_gas = max_fee_per_gas
        self.max_priority_fee_per_gas = max_priority_fee_per_gas
        self.value = value
        self.data = data
        self.access_list = access_list
        self.nonce = nonce
        self.blob_versioned_hashes = blob_versioned_hashes
        self.authorization_list = authorization_list
        self.tx_type = tx_type

    def replace(self, **changes) -> "CallRequest":
        """A copy with `changes` (field names as above)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return CallRequest(**fields)


class StateOverride:
    __slots__ = ("balance", "nonce", "code", "state", "state_diff")

    def __init__(self, balance: int | None = None, nonce: int | None = None,
                 code: bytes | None = None, state: dict | None = None,
                 state_diff: dict | None = None) -> None:
        self.balance = balance
        self.nonce = nonce
        self.code = code
        self.state = state
        self.state_diff = state_diff


class CallResult:
    __slots__ = ("success", "output", "gas_used", "error", "logs", "created")

    def __init__(self, success: bool, output: bytes, gas_used: int, error, logs: list,
                 created: bytes | None) -> None:
        self.success = success
        self.output = output
        self.gas_used = gas_used
        self.error = error  # None, a vm Revert, or another VMError
        self.logs = logs
        self.created = created

    @property
    def reverted(self) -> bool:
        return isinstance(self.error, Revert)


class ExecutionReverted(Exception):
    """A call or estimate reverted; carries the revert data."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        reason = revert_reason(data)
        super().__init__("execution reverted" + (f": {reason}" if reason else ""))


class ExecutionFailed(Exception):
    """A call or estimate failed without reverting (out of gas, invalid opcode, ...)."""


def revert_reason(data: bytes) -> str | None:
    """The human reason in revert data: Error(string) or Panic(uint256); None otherwise."""
    if data[:4] == ERROR_SELECTOR and len(data) >= 68:
        try:
            offset = int.from_bytes(data[4:36], "big")
            length = int.from_bytes(data[4 + offset:36 + offset], "big")
            return data[36 + offset:36 + offset + length].decode("utf-8", "replace")
        except (ValueError, OverflowError):
            return None
    if data[:4] == PANIC_SELECTOR and len(data) == 36:
        code = int.from_bytes(data[4:], "big")
        return PANIC_REASONS.get(code, f"unknown panic code: {code:#x}")
    return None


def apply_overrides(state: StateDB, overrides: dict[bytes, StateOverride] | None) -> None:
    """Write `overrides` into `state` and start a clean transaction scope on it; without any,
    the state is left as it is (every caller passes a fresh view, or one whose scope is clean)."""
    if not overrides:
        return
    for addr, o in overrides.items():
        if o.balance is not None:
            state.set_balance(addr, o.balance)
        if o.nonce is not None:
            state.set_nonce(addr, o.nonce)
        if o.code is not None:
            state.set_code(addr, o.code)
        if o.state is not None:
            state.clear_storage(addr)
            for k, v in o.state.items():
                state.set_storage(addr, k, v)
        for k, v in (o.state_diff or {}).items():
            state.set_storage(addr, k, v)
    state.begin_tx()


def is_set_code(req: CallRequest) -> bool:
    return req.tx_type == SET_CODE_TX_TYPE or bool(req.authorization_list)


def check_set_code(req: CallRequest, spec) -> None:
    """EIP-7702's rules for a request with an authorization list or type 4: the fork has
    set-code transactions, the request names a destination and at least one authorization."""
    if not is_set_code(req):
        return
    if not spec.has(7702):
        raise UnsupportedType(f"type 0x04 (EIP-7702, authorizationList) is not in "
                              f"{spec.name.capitalize()}: start the node with --hardfork prague "
                              "or later")
    if req.to is None:
        raise SetCodeTxCreate()
    if not req.authorization_list:
        raise EmptyAuthorizationList()


class SetCodeGasPrice(SetCodeTxInvalid):
    message = "EIP-7702 transaction takes maxFeePerGas and maxPriorityFeePerGas, not gasPrice"


def set_code_fields(req: CallRequest, spec) -> dict:
    """The type-4 fields a set-code request adds to the transaction it describes ({} for
    another request), after check_set_code; its fees must be EIP-1559's."""
    if not is_set_code(req):
        return {}
    check_set_code(req, spec)
    if req.gas_price is not None:
        raise SetCodeGasPrice()
    return {"type": SET_CODE_TX_TYPE, "authorization_list": tuple(req.authorization_list)}


def call_intrinsic_gas(req: CallRequest) -> int:
    """The intrinsic gas the transaction `req` describes would pay (EIP-7702's included)."""
    return intrinsic_gas(req.data, req.to is None, req.access_list, len(req.authorization_list))


def _price(req: CallRequest, env: BlockEnv) -> int:
    if req.gas_price is not None:
        return req.gas_price
    if req.max_fee_per_gas is not None:
        return min(req.max_fee_per_gas, env.base_fee + (req.max_priority_fee_per_gas or 0))
    return 0


def _tx_gas_cap(env: BlockEnv, gas_cap: int) -> int:
    """The node's gas cap, within EIP-7825's per-transaction cap from Osaka."""
    return min(gas_cap, MAX_TX_GAS) if env.spec.has(7825) else gas_cap


def _call_gas(req: CallRequest, env: BlockEnv, gas_cap: int) -> tuple[int, int, int]:
    """(gas, intrinsic gas, EIP-7623 floor) of a call: the request's gas or the cap, whichever
    is less; IntrinsicGasTooLow or FloorDataGasTooLow when it covers either not."""
    gas_cap = _tx_gas_cap(env, gas_cap)
    gas = min(req.gas if req.gas is not None else gas_cap, gas_cap)
    intrinsic = call_intrinsic_gas(req)
    if gas < intrinsic:
        raise IntrinsicGasTooLow(f"gas {gas}, minimum needed {intrinsic}")
    floor = floor_gas(req.data, env.spec)
    if gas < floor:
        raise FloorDataGasTooLow(f"gas {gas}, floor data gas {floor}")
    return gas, intrinsic, floor


def execute_call(state: StateDB, env: BlockEnv, req: CallRequest, gas_cap: int,
                 tracer: object = None) -> CallResult:
    """Run `req` against `state` (which it modifies: pass a disposable view)."""
    check_set_code(req, env.spec)
    sender = req.sender or ZERO_ADDRESS
    gas, intrinsic, floor = _call_gas(req, env, gas_cap)
    price = _price(req, env)
    balance = state.get_balance(sender)
    if balance < req.value:
        raise InsufficientFundsForTransfer(f"address 0x{sender.hex()} have {balance} want "
                                           f"{req.value}")
    if balance < gas * price + req.value:
        raise InsufficientFunds(f"address 0x{sender.hex()} have {balance} want "
                                f"{gas * price + req.value}")
    state.begin_tx()
    if price:
        state.sub_balance(sender, gas * price)
    nonce = state.get_nonce(sender)
    state.increment_nonce(sender)
    warm_up(state, env, req, sender)  # reads .to and .access_list, which a request has
    txenv = TxEnv(sender, price, tuple(req.blob_versioned_hashes), tracer)
    created = None
    if req.to is None:
        created = create_address(sender, nonce)
        state.warm_address(created)
        if tracer is not None:
            tracer.enter(CREATE, sender, created, req.value, req.data, gas - intrinsic, 0)
        ok, left, out, err = message.create(state, env, txenv, sender, created, req.value,
                                            req.data, gas - intrinsic, 0)
    else:
        if req.authorization_list:
            apply_authorizations(state, env, req)
        code = message.delegated_code(state, env.spec, req.to)
        if tracer is not None:
            tracer.enter(CALL, sender, req.to, req.value, req.data, gas - intrinsic, 0)
        ok, left, out, err = message.call(state, env, txenv, sender, req.to, req.to, req.value,
                                          req.data, gas - intrinsic, 0, False, True, code)
    if tracer is not None:
        trace_top_exit(tracer, state, created, ok, gas - intrinsic - left, out, err)
    used = gas - left
    used -= min(used // MAX_REFUND_QUOTIENT, max(state.refund, 0))
    used = max(used, floor)
    return CallResult(ok, out, used, err, list(state.logs), created if ok else None)


def raise_for_result(result: CallResult) -> None:
    if result.success:
        return
    if result.reverted:
        raise ExecutionReverted(result.output)
    raise ExecutionFailed(describe_error(result.error))


def estimate_gas(fresh_state, env: BlockEnv, req: CallRequest, gas_cap: int) -> int:
    """The least gas limit with which `req` succeeds: a binary search of real executions.
    `fresh_state()` must return a new disposable view for every run."""
    gas_cap = _tx_gas_cap(env, gas_cap)
    hi = min(req.gas, gas_cap) if req.gas is not None else gas_cap
    first = execute_call(fresh_state(), env, req.replace(gas=hi), hi)  # invalid: raises
    if not first.success:
        if first.reverted:
            raise ExecutionReverted(first.output)
        raise ExecutionFailed(f"gas required exceeds allowance ({hi})")
    lo = max(first.gas_used - 1, call_intrinsic_gas(req) - 1)
    # Optimistic first guess, as geth: enough for the 63/64 rule of nested calls.
    guess = min(hi, (first.gas_used + 2300) * 64 // 63)
    if guess < hi and _run(fresh_state, env, req, guess).success:
        hi = guess
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if _run(fresh_state, env, req, mid).success:
            hi = mid
        else:
            lo = mid
    return hi


def _run(fresh_state, env: BlockEnv, req: CallRequest, gas: int) -> CallResult:
    try:
        return execute_call(fresh_state(), env, req.replace(gas=gas), gas)
    except InvalidTransaction:
        return CallResult(False, b"", gas, None, [], None)


def _authorities(req: CallRequest, chain_id: int) -> set[bytes]:
    """The accounts whose authorizations in `req` are for this chain and signed."""
    out = set()
    for auth in req.authorization_list:
        if auth.chain_id in (0, chain_id):
            try:
                out.add(auth.authority())
            except InvalidSignature:
                pass
    return out


class _RecordingState(StateDB):
    """Remembers every address and slot made warm, even in frames that later revert."""

    def __init__(self, store, root, node_cache=None) -> None:
        super().__init__(store, root, node_cache)
        self.seen_addresses: dict[bytes, None] = {}
        self.seen_slots: dict[tuple[bytes, int], None] = {}

    def warm_address(self, addr: bytes) -> bool:
        self.seen_addresses[addr] = None
        return super().warm_address(addr)

    def warm_slot(self, addr: bytes, key: int) -> bool:
        self.seen_addresses[addr] = None
        self.seen_slots[(addr, key)] = None
        return super().warm_slot(addr, key)


def create_access_list(store, root: bytes, env: BlockEnv, req: CallRequest, gas_cap: int,
                       overrides=None, node_cache=None) -> tuple[list, CallResult]:
    """The access list `req` would use (sender, recipient, precompiles and the EIP-7702
    authorities, which their authorizations warm anyway, excluded), iterated until it is
    stable, and the result of running with it."""
    sender = req.sender or ZERO_ADDRESS
    excluded = {sender, req.to, *env.spec.precompiles, *_authorities(req, env.chain_id)}
    access: list = list(req.access_list)
    for _ in range(8):
        st = _RecordingState(store, root, node_cache)
        apply_overrides(st, overrides)
        probe = req.replace(access_list=tuple(access))
        result = execute_call(st, env, probe, gas_cap)
        if result.created:
            excluded.add(result.created)
        slots: dict[bytes, list[int]] = {a: [] for a in st.seen_addresses if a not in excluded}
        for a, k in st.seen_slots:
            if a not in excluded:
                slots.setdefault(a, []).append(k)
        new = [(a, tuple(ks)) for a, ks in slots.items() if a != env.coinbase or ks]
        if new == access:
            return new, result
        access = new
    return access, result
