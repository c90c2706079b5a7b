"""System operations: CREATE, CALL, CALLCODE, DELEGATECALL, CREATE2, STATICCALL, SELFDESTRUCT.

Gas follows EIP-150 (all but one 64th forwarded), EIP-2929 (the table charges the warm access,
handlers the cold surcharge), EIP-3860 (initcode size and word cost), EIP-1014 (CREATE2),
EIP-6780 (SELFDESTRUCT deletes only accounts created in the same transaction), EIP-7610
(creating over non-empty storage is a collision) and EIP-7702 (a call to an account holding a
delegation designator runs the delegate's code and pays for the delegate's access as well, warm
or cold). The child frame itself runs in vm.message.
"""
from pydevnet.state.hashing import EMPTY_CODE_HASH, keccak256
from pydevnet.state.rlp import encode
from pydevnet.vm import message
from pydevnet.vm.errors import Halt, OutOfGas, WriteProtection
from pydevnet.vm.gas import (CALL_DEPTH_LIMIT, GAS_CALL_STIPEND, GAS_CALL_VALUE,
                             GAS_COLD_ACCOUNT_ACCESS, GAS_INITCODE_WORD, GAS_KECCAK256_WORD,
                             GAS_NEW_ACCOUNT, GAS_WARM_ACCESS, MAX_INITCODE_SIZE, MAX_TX_NONCE,
                             all_but_one_64th, charge, expand_memory)
from pydevnet.vm.opcodes.environment import COLD_EXTRA, to_address

CREATE, CALL, CALLCODE, DELEGATECALL, CREATE2, STATICCALL = 0xF0, 0xF1, 0xF2, 0xF4, 0xF5, 0xFA
SELFDESTRUCT = 0xFF
# Failures before a child runs, as geth names them for tracers
ERR_DEPTH = "max call depth exceeded"
ERR_BALANCE = "insufficient balance for transfer"
ERR_NONCE = "nonce uint64 overflow"
ERR_COLLISION = "contract address collision"



def create_address(sender: bytes, nonce: int) -> bytes:
    return keccak256(encode([sender, nonce]))[12:]


def create2_address(sender: bytes, salt: int, initcode: bytes) -> bytes:
    return keccak256(b"\xff" + sender + salt.to_bytes(32, "big") + keccak256(initcode))[12:]


def _read_memory(f, o: int, n: int) -> bytes:
    return bytes(f.memory[o:o + n]) if n else b""


def _create(f, pc: int, value: int, o: int, n: int, salt: int | None) -> int:
    if n > MAX_INITCODE_SIZE:
        raise OutOfGas
    word_cost = GAS_INITCODE_WORD if salt is None else GAS_INITCODE_WORD + GAS_KECCAK256_WORD
    charge(f, word_cost * ((n + 31) >> 5))
    expand_memory(f, o, n)
    if f.is_static:
        raise WriteProtection
    initcode = _read_memory(f, o, n)
    child_gas = all_but_one_64th(f.gas)
    f.gas -= child_gas
    f.return_data = b""
    if f.tx.tracer is not None:
        return _create_traced(f, pc, value, initcode, salt, child_gas)
    st = f.state
    me = f.address
    nonce = st.get_nonce(me)
    s = f.stack
    if st.get_balance(me) < value or nonce == MAX_TX_NONCE or f.depth >= CALL_DEPTH_LIMIT:
        f.gas += child_gas
        s.append(0)
        return pc + 1
    addr = create_address(me, nonce) if salt is None else create2_address(me, salt, initcode)
    st.warm_address(addr)
    st.increment_nonce(me)
    if st.get_nonce(addr) or st.get_code_hash(addr) != EMPTY_CODE_HASH or st.has_storage(addr):
        s.append(0)  # collision: the forwarded gas is consumed
        return pc + 1
    ok, gas_left, out, _ = message.create(f.state, f.block, f.tx, me, addr, value, initcode,
                                       child_gas, f.depth + 1)
    return _created(f, pc, ok, gas_left, out, addr)


def _created(f, pc: int, ok: bool, gas_left: int, out: bytes, addr: bytes) -> int:
    s = f.stack
    f.gas += gas_left
    if ok:
        s.append(int.from_bytes(addr, "big"))
    else:
        f.return_data = out
        s.append(0)
    return pc + 1


def create(f, pc):
    s = f.stack
    value = s.pop()
    o = s.pop()
    return _create(f, pc, value, o, s.pop(), None)


def create2(f, pc):
    s = f.stack
    value = s.pop()
    o = s.pop()
    n = s.pop()
    return _create(f, pc, value, o, n, s.pop())


def _delegation(f, to: bytes) -> tuple[int, bytes | None]:
    """EIP-7702: (the delegate's access cost, its code) when `to` holds a delegation designator,
    the delegate made warm; (0, None) for any other code."""
    st = f.state
    delegate = message.delegate_of(st.get_code(to), f.block.spec)
    if delegate is None:
        return 0, None
    cost = GAS_COLD_ACCOUNT_ACCESS if st.warm_address(delegate) else GAS_WARM_ACCESS
    return cost, st.get_code(delegate)


def _call(f, pc, kind: int, child_gas: int, caller: bytes, target: bytes, code_addr: bytes,
          value: int, transfer: bool, is_static: bool, io: tuple, code: bytes | None) -> int:
    """Run the child (gas already deducted) and deliver its result (execution-specs'
    generic_call): push 1 or 0, copy the output, return unused gas. `code` is a delegate's
    (EIP-7702), None to run code_addr's."""
    if f.tx.tracer is not None:
        return _call_traced(f, pc, kind, child_gas, caller, target, code_addr, value, transfer,
                            is_static, io, code)
    in_o, in_n = io[0], io[1]
    s = f.stack
    f.return_data = b""
    if f.depth >= CALL_DEPTH_LIMIT or (
            transfer and value and f.state.get_balance(f.address) < value):
        f.gas += child_gas
        s.append(0)
        return pc + 1
    ok, gas_left, out, _ = message.call(f.state, f.block, f.tx, caller, target, code_addr, value,
                                     _read_memory(f, in_o, in_n), child_gas, f.depth + 1,
                                     is_static, transfer, code)
    return _deliver(f, pc, ok, gas_left, out, io)


def _deliver(f, pc: int, ok: bool, gas_left: int, out: bytes, io: tuple) -> int:
    out_o, out_n = io[2], io[3]
    s = f.stack
    f.gas += gas_left
    f.return_data = out
    if out_n and out:
        k = min(out_n, len(out))
        f.memory[out_o:out_o + k] = out[:k]
    s.append(1 if ok else 0)
    return pc + 1


def _pop_io(f) -> tuple:
    s = f.stack
    io = (s.pop(), s.pop(), s.pop(), s.pop())
    expand_memory(f, io[0], io[1])
    expand_memory(f, io[2], io[3])
    return io


def _forward(f, requested: int, extra: int, value: int) -> int:
    """Charge `extra`, deduct the forwarded gas (EIP-150) and add the stipend if value moves."""
    charge(f, extra)
    g = min(requested, all_but_one_64th(f.gas))
    f.gas -= g
    return g + GAS_CALL_STIPEND if value else g


def call(f, pc):
    s = f.stack
    requested = s.pop()
    to = to_address(s.pop())
    value = s.pop()
    io = _pop_io(f)
    st = f.state
    extra = COLD_EXTRA if st.warm_address(to) else 0
    delegate_cost, code = _delegation(f, to)
    extra += delegate_cost
    if value:
        if f.is_static:
            raise WriteProtection
        extra += GAS_CALL_VALUE
        if not st.is_alive(to):
            extra += GAS_NEW_ACCOUNT
    g = _forward(f, requested, extra, value)
    return _call(f, pc, CALL, g, f.address, to, to, value, True, f.is_static, io, code)


def callcode(f, pc):
    s = f.stack
    requested = s.pop()
    to = to_address(s.pop())
    value = s.pop()
    io = _pop_io(f)
    extra = COLD_EXTRA if f.state.warm_address(to) else 0
    delegate_cost, code = _delegation(f, to)
    extra += delegate_cost
    if value:
        extra += GAS_CALL_VALUE
    g = _forward(f, requested, extra, value)
    return _call(f, pc, CALLCODE, g, f.address, f.address, to, value, True, f.is_static, io,
                 code)


def delegatecall(f, pc):
    s = f.stack
    requested = s.pop()
    to = to_address(s.pop())
    io = _pop_io(f)
    extra = COLD_EXTRA if f.state.warm_address(to) else 0
    delegate_cost, code = _delegation(f, to)
    g = _forward(f, requested, extra + delegate_cost, 0)
    return _call(f, pc, DELEGATECALL, g, f.caller, f.address, to, f.value, False, f.is_static,
                 io, code)


def staticcall(f, pc):
    s = f.stack
    requested = s.pop()
    to = to_address(s.pop())
    io = _pop_io(f)
    extra = COLD_EXTRA if f.state.warm_address(to) else 0
    delegate_cost, code = _delegation(f, to)
    g = _forward(f, requested, extra + delegate_cost, 0)
    return _call(f, pc, STATICCALL, g, f.address, to, to, 0, True, True, io, code)


def selfdestruct(f, pc):
    beneficiary = to_address(f.stack.pop())
    st = f.state
    me = f.address
    cost = GAS_COLD_ACCOUNT_ACCESS if st.warm_address(beneficiary) else 0
    balance = st.get_balance(me)
    if balance and not st.is_alive(beneficiary):
        cost += GAS_NEW_ACCOUNT
    charge(f, cost)
    if f.is_static:
        raise WriteProtection
    tracer = f.tx.tracer
    if tracer is not None:
        tracer.enter(SELFDESTRUCT, me, beneficiary, balance, b"", 0, f.depth + 1)
        tracer.exit(f.depth + 1, 0, b"", None)
    if balance:
        st.sub_balance(me, balance)
        st.add_balance(beneficiary, balance)
    elif st.exists(beneficiary) and not st.is_alive(beneficiary):
        st.touch(beneficiary)  # an existing empty beneficiary is cleared (EIP-158)
    if me in st.created:
        st.set_balance(me, 0)  # a beneficiary equal to the contract burns the ether
        st.mark_destructed(me)
    raise Halt


# -- the same with the tracer's enter/exit hooks (only when a tracer is attached) -------------

def _create_traced(f, pc: int, value: int, initcode: bytes, salt: int | None,
                   child_gas: int) -> int:
    st = f.state
    me = f.address
    nonce = st.get_nonce(me)
    addr = create_address(me, nonce) if salt is None else create2_address(me, salt, initcode)
    tracer = f.tx.tracer
    depth = f.depth + 1
    tracer.enter(CREATE if salt is None else CREATE2, me, addr, value, initcode, child_gas, depth)
    err = (ERR_DEPTH if f.depth >= CALL_DEPTH_LIMIT else ERR_BALANCE
           if st.get_balance(me) < value else ERR_NONCE if nonce == MAX_TX_NONCE else None)
    if err is not None:
        tracer.exit(depth, 0, b"", err)
        f.gas += child_gas
        f.stack.append(0)
        return pc + 1
    st.warm_address(addr)
    st.increment_nonce(me)
    if st.get_nonce(addr) or st.get_code_hash(addr) != EMPTY_CODE_HASH or st.has_storage(addr):
        tracer.exit(depth, child_gas, b"", ERR_COLLISION)
        f.stack.append(0)
        return pc + 1
    ok, gas_left, out, err = message.create(st, f.block, f.tx, me, addr, value, initcode,
                                            child_gas, depth)
    tracer.exit(depth, child_gas - gas_left, st.get_code(addr) if ok else out, err)
    return _created(f, pc, ok, gas_left, out, addr)


def _call_traced(f, pc, kind: int, child_gas: int, caller: bytes, target: bytes,
                 code_addr: bytes, value: int, transfer: bool, is_static: bool, io: tuple,
                 code: bytes | None) -> int:
    tracer = f.tx.tracer
    depth = f.depth + 1
    data = _read_memory(f, io[0], io[1])
    tracer.enter(kind, f.address, code_addr, None if kind == STATICCALL else value, data,
                 child_gas, depth)
    f.return_data = b""
    err = ERR_DEPTH if f.depth >= CALL_DEPTH_LIMIT else ERR_BALANCE if (
        transfer and value and f.state.get_balance(f.address) < value) else None
    if err is not None:
        tracer.exit(depth, 0, b"", err)
        f.gas += child_gas
        f.stack.append(0)
        return pc + 1
    ok, gas_left, out, err = message.call(f.state, f.block, f.tx, caller, target, code_addr,
                                          value, data, child_gas, depth, is_static, transfer,
                                          code)
    tracer.exit(depth, child_gas - gas_left, out, err)
    return _deliver(f, pc, ok, gas_left, out, io)
