"""Message processing: running one call or creation as a child frame (execution-specs'
process_message and process_create_message). Each entry point takes a snapshot, applies the
message's own state changes (touch, value transfer, account creation), runs the code or the
precompile and reverts to the snapshot on failure. Returns (success, gas_left, output, error):
error is None, a Revert (gas and output kept) or the ExceptionalHalt that ended the frame.

EIP-7702 (Prague): an account whose code is a delegation designator, 0xef0100 || address, runs
the code of that address in its own context. Whoever starts the message resolves it (the CALL
family, charging the access to the delegate; the transaction, warming it) and passes the
delegate's code; a delegate's own designator is not followed (its 0xef byte is an invalid
opcode), and a delegate that is a precompile runs as empty code.
"""
from pydevnet.vm import interpreter
from pydevnet.vm.analysis import analyse_uncached
from pydevnet.vm.errors import (CodeSizeExceeded, CodeStoreOutOfGas, ExceptionalHalt,
                                InvalidCodePrefix)
from pydevnet.vm.frame import BlockEnv, Frame, TxEnv
from pydevnet.vm.gas import GAS_CODE_DEPOSIT, MAX_CODE_SIZE

_EOF_PREFIX = 0xEF  # EIP-3541: new code may not start with 0xEF
DELEGATION_PREFIX = b"\xef\x01\x00"  # EIP-7702's delegation designator: prefix || address
DELEGATION_SIZE = 23


def delegate_of(code: bytes, spec) -> bytes | None:
    """The address `code` delegates to, if it is a delegation designator in a fork with EIP-7702;
    else None. The prefix is tested first: it fails at once for all other code."""
    if code[:3] == DELEGATION_PREFIX and len(code) == DELEGATION_SIZE and spec.has(7702):
        return code[3:]
    return None


def delegated_code(st, spec, address: bytes) -> bytes | None:
    """For a transaction's destination: the delegate's code (the delegate made warm, without
    charge) if `address` holds a delegation designator, else None."""
    delegate = delegate_of(st.get_code(address), spec)
    if delegate is None:
        return None
    st.warm_address(delegate)
    return st.get_code(delegate)


def call(st, block: BlockEnv, tx: TxEnv, caller: bytes, target: bytes, code_address: bytes,
         value: int, data: bytes, gas: int, depth: int, is_static: bool,
         transfer: bool = True, code: bytes | None = None) -> tuple:
    """A message call to `target` running the code at `code_address`, or `code` when given (a
    delegate's, EIP-7702: no precompile runs then)."""
    snap = st.snapshot()
    st.touch(target)
    if transfer and value:
        st.transfer(caller, target, value)
    if code is None:
        pre = block.spec.precompiles.get(code_address)
        if pre is not None:
            try:
                used, out = pre(data, gas)
            except ExceptionalHalt as e:
                st.revert(snap)
                return False, 0, b"", e
            return True, gas - used, out, None
        code = st.get_code(code_address)
    if not code:
        if block.console is not None and data:  # only calls to empty accounts pay this test
            block.console(code_address, data)
        return True, gas, b"", None
    f = Frame(st, block, tx, caller, target, value, data, code, gas, depth, is_static)
    interpreter.execute(f)
    if f.error is not None:
        st.revert(snap)
        return False, f.gas, f.output, f.error
    return True, f.gas, f.output, None


def create(st, block: BlockEnv, tx: TxEnv, caller: bytes, address: bytes, value: int,
           initcode: bytes, gas: int, depth: int) -> tuple:
    """Deploy at `address` (collisions already ruled out by the caller)."""
    snap = st.snapshot()
    st.create_account(address)
    st.increment_nonce(address)  # EIP-161: contracts start at nonce 1
    if value:
        st.transfer(caller, address, value)
    # Initcode runs once: analysed outside the cache, and freed with this call. `a` keeps the
    # analysis alive while the frame runs (vm/jit patches compiled units in through it).
    a = analyse_uncached(initcode, block.spec)
    f = Frame(st, block, tx, caller, address, value, b"", initcode, gas, depth, False, a)
    interpreter.execute(f)
    if f.error is not None:
        st.revert(snap)
        return False, f.gas, f.output, f.error
    code = f.output
    deposit = GAS_CODE_DEPOSIT * len(code)
    err = (CodeSizeExceeded() if len(code) > MAX_CODE_SIZE else InvalidCodePrefix()
           if code and code[0] == _EOF_PREFIX else CodeStoreOutOfGas() if deposit > f.gas
           else None)  # geth's order, which names the failure
    if err is not None:
        st.revert(snap)
        return False, 0, b"", err
    st.set_code(address, code)
    return True, f.gas - deposit, b"", None
