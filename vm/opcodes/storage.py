"""Storage: SLOAD and SSTORE (EIP-2200 net metering with EIP-2929 access costs and EIP-3529
refunds), TLOAD and TSTORE (EIP-1153 transient storage). The table charges SLOAD, TLOAD and
TSTORE the warm cost; SSTORE's whole cost is dynamic because of the EIP-2200 sentry."""
from pydevnet.vm.errors import OutOfGas, WriteProtection
from pydevnet.vm.gas import (GAS_COLD_SLOAD, GAS_SSTORE_RESET, GAS_SSTORE_SENTRY, GAS_SSTORE_SET,
                             GAS_WARM_ACCESS, REFUND_SSTORE_CLEARS, charge)

_COLD_SLOAD_EXTRA = GAS_COLD_SLOAD - GAS_WARM_ACCESS
_REFUND_RESTORE_EMPTY = GAS_SSTORE_SET - GAS_WARM_ACCESS
_REFUND_RESTORE_SET = GAS_SSTORE_RESET - GAS_WARM_ACCESS


def sload(f, pc):
    s = f.stack
    key = s[-1]
    st = f.state
    if st.warm_slot(f.address, key):
        charge(f, _COLD_SLOAD_EXTRA)
    s[-1] = st.get_storage(f.address, key)
    return pc + 1


def sstore(f, pc):
    if f.is_static:
        raise WriteProtection
    if f.gas <= GAS_SSTORE_SENTRY:
        raise OutOfGas
    s = f.stack
    key = s.pop()
    new = s.pop()
    st = f.state
    addr = f.address
    cost = GAS_COLD_SLOAD if st.warm_slot(addr, key) else 0
    current = st.get_storage(addr, key)
    if current == new:
        charge(f, cost + GAS_WARM_ACCESS)
        return pc + 1
    original = st.get_original_storage(addr, key)
    if original == current:
        cost += GAS_SSTORE_SET if original == 0 else GAS_SSTORE_RESET
    else:
        cost += GAS_WARM_ACCESS
    charge(f, cost)
    refund = 0
    if original != 0:
        if current != 0 and new == 0:
            refund += REFUND_SSTORE_CLEARS
        elif current == 0:
            refund -= REFUND_SSTORE_CLEARS
    if original == new:
        refund += _REFUND_RESTORE_EMPTY if original == 0 else _REFUND_RESTORE_SET
    if refund:
        st.add_refund(refund)
    st.set_storage(addr, key, new)
    return pc + 1


def tload(f, pc):
    s = f.stack
    s[-1] = f.state.get_transient(f.address, s[-1])
    return pc + 1


def tstore(f, pc):
    if f.is_static:
        raise WriteProtection
    s = f.stack
    key = s.pop()
    f.state.set_transient(f.address, key, s.pop())
    return pc + 1
