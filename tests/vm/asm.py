"""A tiny EVM assembler and the runners the KVM unit tests share.

`asm` turns mnemonics (the names in vm.table.CANCUN.names) into bytecode:

    asm("PUSH1 1 PUSH1 2 ADD")            # explicit push width: 60 01 60 02 01
    asm("PUSH", 0x1234, "DUP1")           # PUSH picks the smallest PUSHn (n >= 1): 61 12 34 80
    asm(5, 7, "ADD")                      # a bare number is shorthand for PUSH <number>
    asm("loop:", "JUMPDEST", "@loop", "JUMP")  # labels: "@name" is PUSH2 of the label's offset
    asm("PUSH0", b"\\xfe")                 # bytes are spliced in as they are

Runners, from the smallest scope to the largest:
- `run(code)` executes one frame with vm.interpreter.execute and returns the frame itself, so a
  test can look at the final stack, memory, gas and error (gas_used = gas given - frame.gas).
- `message_call(state, to)` goes through vm.message.call (snapshot, touch, value transfer,
  revert on failure) with the warm set of a transaction to `to`; `execute(code)` deploys the
  code in a fresh state, message-calls it and collects its storage and logs too.
- `transact(state, ...)` signs a transaction with KEY and applies it with
  node.transition.apply_transaction.
"""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple

from pydevnet.node.chain.fees import EthereumFees
from pydevnet.node.tx.crypto import private_key_to_address
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.node.chain.transition import TxResult, apply_transaction
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import MemoryStore
from pydevnet.vm import interpreter, message
from pydevnet.vm.frame import BlockEnv, Frame, TxEnv
from pydevnet.vm.table import CANCUN

OPCODE = {name: op for op, name in enumerate(CANCUN.names) if not name.startswith("opcode ")}
PUSH1 = 0x60

KEY = b"\x42" * 32
SENDER = private_key_to_address(KEY)
CONTRACT = bytes.fromhex("c0de" * 10)
CALLER = bytes.fromhex("ca11e7" + "00" * 17)
COINBASE = bytes.fromhex("c0ffee" + "00" * 17)
CHAIN_ID = 1337
BLOCK_GAS_LIMIT = 30_000_000


def _number(token: Any) -> int | None:
    if isinstance(token, int):
        return token
    if isinstance(token, str) and token[:1].isdigit():
        return int(token, 0)
    return None


def _push(value: int, width: int | None = None) -> bytes:
    if value < 0 or value >= 1 << 256:
        raise ValueError(f"push value {value} is not a 256-bit word")
    n = width if width is not None else max(1, (value.bit_length() + 7) // 8)
    if value >= 1 << (8 * n):
        raise ValueError(f"{value:#x} does not fit in PUSH{n}")
    return bytes((PUSH1 + n - 1,)) + value.to_bytes(n, "big")


def _tokens(parts: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        out.extend(part.split() if isinstance(part, str) else [part])
    return out


def _assemble(tokens: list[Any], labels: dict[str, int] | None) -> tuple[bytes, dict[str, int]]:
    """One pass; with labels None (the first pass) label references are placeholders."""
    code = bytearray()
    found: dict[str, int] = {}
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if isinstance(tok, (bytes, bytearray)):
            code += tok
        elif _number(tok) is not None:
            code += _push(_number(tok))
        elif tok.endswith(":"):
            found[tok[:-1]] = len(code)
        elif tok.startswith("@"):
            code += _push(0 if labels is None else labels[tok[1:]], 2)
        elif tok == "PUSH" or (tok.startswith("PUSH") and tok != "PUSH0"):
            width = None if tok == "PUSH" else int(tok[4:])
            code += _push(_number(tokens[i]), width)
            i += 1
        else:
            code.append(OPCODE[tok])
    return bytes(code), found


def asm(*parts: Any) -> bytes:
    """Assemble mnemonics, numbers, labels and raw bytes into bytecode (see the module doc)."""
    tokens = _tokens(parts)
    _, labels = _assemble(tokens, None)
    code, _ = _assemble(tokens, labels)
    return code


def ret_top() -> bytes:
    """Code that returns the top of the stack as one 32-byte word."""
    return asm("PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")


def initcode(runtime: bytes) -> bytes:
    """Initcode that deploys `runtime`: CODECOPY it from behind this 10-byte prefix, RETURN it."""
    return asm("PUSH2", len(runtime), "DUP1 PUSH1 10 PUSH0 CODECOPY PUSH0 RETURN") + runtime


def address(n: int) -> bytes:
    """A distinct test address (never a precompile)."""
    return (0xA0_0000 + n).to_bytes(20, "big")


def as_int(addr: bytes) -> int:
    return int.from_bytes(addr, "big")


def call_op(op: str, to: bytes, *, value: int = 0, args: tuple[int, int] = (0, 0),
            ret: tuple[int, int] = (0, 0), gas: int | None = None) -> bytes:
    """CALL, CALLCODE, DELEGATECALL or STATICCALL of `to` with memory areas `args` and `ret`
    (offset, size); gas None forwards all the caller may (the GAS opcode as the request)."""
    parts: list[Any] = [ret[1], ret[0], args[1], args[0]]
    if op in ("CALL", "CALLCODE"):
        parts.append(value)
    parts += ["PUSH20", as_int(to)]
    parts += ["GAS"] if gas is None else [gas]
    return asm(*parts, op)


def return_word(offset: int = 0) -> bytes:
    """RETURN the 32-byte memory word at `offset`."""
    return asm(32, offset, "RETURN")


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def block_env(**overrides: Any) -> BlockEnv:
    fields: dict[str, Any] = dict(spec=CANCUN, coinbase=COINBASE, number=1000,
                                  timestamp=1_700_000_000,
                                  gas_limit=BLOCK_GAS_LIMIT, prevrandao=0x1234, base_fee=7,
                                  chain_id=CHAIN_ID)
    fields.update(overrides)
    return BlockEnv(**fields)


def tx_env(**overrides: Any) -> TxEnv:
    fields: dict[str, Any] = dict(origin=SENDER, gas_price=10)
    fields.update(overrides)
    return TxEnv(**fields)


def new_state(accounts: dict[bytes, dict[str, Any]] | None = None) -> StateDB:
    """A StateDB over a fresh MemoryStore holding `accounts` (code/balance/nonce/storage),
    committed, so that every value is an original value of the next transaction."""
    state = StateDB(MemoryStore())
    for addr, acct in (accounts or {}).items():
        deploy(state, addr, acct.get("code", b""), balance=acct.get("balance", 0),
               nonce=acct.get("nonce", 1 if acct.get("code") else 0),
               storage=acct.get("storage"))
    state.commit()
    state.begin_tx()
    return state


def deploy(state: StateDB, addr: bytes, code: bytes, *, balance: int = 0, nonce: int = 1,
           storage: dict[int, int] | None = None) -> None:
    if code:
        state.set_code(addr, code)
    state.set_nonce(addr, nonce)
    state.set_balance(addr, balance)
    for k, v in (storage or {}).items():
        state.set_storage(addr, k, v)


def warm_like_a_tx(state: StateDB, *addrs: bytes) -> None:
    """EIP-2929's initial warm set of a transaction: sender, target, coinbase, precompiles."""
    for addr in (SENDER, CALLER, COINBASE, *addrs, *CANCUN.precompiles):
        state.warm_address(addr)


def run(code: bytes, *, gas: int = 1_000_000, data: bytes = b"", value: int = 0,
        state: StateDB | None = None, static: bool = False, depth: int = 0,
        block: BlockEnv | None = None, tx: TxEnv | None = None, address: bytes = CONTRACT,
        caller: bytes = CALLER, warm: bool = True) -> Frame:
    """Execute `code` as one frame at `address` (deployed there too, with nonce at least 1);
    returns the finished frame. With `warm`, the caller and address start warm as in a
    transaction to it."""
    state = state if state is not None else new_state()
    if state.get_code(address) != code:
        state.set_code(address, code)
    if state.get_nonce(address) == 0:
        state.set_nonce(address, 1)  # a contract's nonce starts at 1 (EIP-161)
    if warm:
        warm_like_a_tx(state, address)
    f = Frame(state, block or block_env(), tx or tx_env(), caller=caller, address=address,
              value=value, data=data, code=code, gas=gas, depth=depth, is_static=static)
    interpreter.execute(f)
    return f


class CallResult(NamedTuple):
    ok: bool
    gas_used: int
    output: bytes
    error: Exception | None


def message_call(state: StateDB, to: bytes, *, data: bytes = b"", value: int = 0,
                 gas: int = 1_000_000, caller: bytes = CALLER, static: bool = False,
                 block: BlockEnv | None = None, tx: TxEnv | None = None,
                 depth: int = 0) -> CallResult:
    """A message call to `to` through vm.message.call, with a transaction's warm set."""
    warm_like_a_tx(state, to)
    ok, gas_left, out, err = message.call(state, block or block_env(), tx or tx_env(), caller,
                                          to, to, value, data, gas, depth, static)
    return CallResult(ok, gas - gas_left, out, err)


class Execution(NamedTuple):
    ok: bool
    gas_used: int
    output: bytes
    error: Exception | None
    storage: dict[int, int]
    logs: list
    state: StateDB


def execute(code: bytes, *, accounts: dict[bytes, dict[str, Any]] | None = None,
            storage: dict[int, int] | None = None, balance: int = 0, **call: Any) -> Execution:
    """Deploy `code` at CONTRACT (with `storage` and `balance`) in a fresh state holding
    `accounts`, message-call it (keyword arguments as in `message_call`) and collect the
    contract's non-zero storage and the logs."""
    state = new_state({**(accounts or {}),
                       CONTRACT: {"code": code, "storage": storage or {}, "balance": balance}})
    result = message_call(state, CONTRACT, **call)
    obj = state.account(CONTRACT)
    slots = {k: v for k, v in obj.storage.items() if v} if obj is not None else {}
    return Execution(*result, slots, list(state.logs), state)


def sign(key: bytes = KEY, **fields: Any) -> Any:
    """A signed transaction from `key`: type 2 with max fee 10 and tip 1 unless fee fields are
    given; chain CHAIN_ID, nonce 0, gas limit 100000, to CONTRACT unless overridden."""
    base: dict[str, Any] = dict(chain_id=CHAIN_ID, nonce=0, gas_limit=100_000, to=CONTRACT,
                                value=0, data=b"")
    if not fields.keys() & {"gas_price", "max_fee_per_gas"}:
        base.update(max_fee_per_gas=10, max_priority_fee_per_gas=1)
    base.update(fields)
    return sign_transaction(base, key)


def transact(state: StateDB, *, block: BlockEnv | None = None, policy: Any = None,
             tracer: Any = None, **fields: Any) -> TxResult:
    """Sign a transaction from SENDER (fields as in `sign`) and apply it to `state`."""
    tx = sign(**fields)
    return apply_transaction(state, block or block_env(), tx, tx.sender,
                             policy or EthereumFees(), tracer=tracer)
