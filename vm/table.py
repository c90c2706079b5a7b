"""The instruction set on one screen: every Cancun opcode with its mnemonic, handler and static
gas, and CANCUN, the Spec (vm/spec.py) built from it and the precompiles. Unassigned slots run
`invalid`. Later forks derive their specs from this one (vm/forks.py).

Two tables share the handlers. The traced loop charges each opcode's static gas before running
it. The fast loop charges static gas a run at a time: a run ends at an op in the spec's
run_enders (a jump, a halt, or an op that must see the exact gas left: GAS, SSTORE's EIP-2200
sentry, the 63/64 rule of calls and creates); the op that ends a run charges the next one
(vm/analysis.py computes the sums). Charging early is unobservable: an opcode that fails inside a
run fails the whole frame, which discards every effect either way."""
from pydevnet.vm.gas import (GAS_BASE, GAS_BLOBHASH, GAS_BLOCKHASH, GAS_CREATE, GAS_EXP, GAS_HIGH,
                             GAS_JUMPDEST, GAS_KECCAK256, GAS_LOG, GAS_LOW, GAS_MID,
                             GAS_SELFDESTRUCT, GAS_VERYLOW, GAS_WARM_ACCESS, GAS_ZERO)
from pydevnet.vm.opcodes import (arithmetic as A, bitwise as B, block as K, environment as E,
                                 flow as F)
from pydevnet.vm.opcodes import log as L, memory as M, stack as S, storage as T, system as Y
from pydevnet.vm.precompiles import PRECOMPILES
from pydevnet.vm.spec import Spec

W = GAS_WARM_ACCESS  # EIP-2929: account and slot reads charge the warm cost here, cold extra later

OPCODES = {
    0x00: ("STOP", F.stop, GAS_ZERO),          0x01: ("ADD", A.add, GAS_VERYLOW),
    0x02: ("MUL", A.mul, GAS_LOW),             0x03: ("SUB", A.sub, GAS_VERYLOW),
    0x04: ("DIV", A.div, GAS_LOW),             0x05: ("SDIV", A.sdiv, GAS_LOW),
    0x06: ("MOD", A.mod, GAS_LOW),             0x07: ("SMOD", A.smod, GAS_LOW),
    0x08: ("ADDMOD", A.addmod, GAS_MID),       0x09: ("MULMOD", A.mulmod, GAS_MID),
    0x0A: ("EXP", A.exp, GAS_EXP),             0x0B: ("SIGNEXTEND", A.signextend, GAS_LOW),
    0x10: ("LT", B.lt, GAS_VERYLOW),           0x11: ("GT", B.gt, GAS_VERYLOW),
    0x12: ("SLT", B.slt, GAS_VERYLOW),         0x13: ("SGT", B.sgt, GAS_VERYLOW),
    0x14: ("EQ", B.eq, GAS_VERYLOW),           0x15: ("ISZERO", B.iszero, GAS_VERYLOW),
    0x16: ("AND", B.and_, GAS_VERYLOW),        0x17: ("OR", B.or_, GAS_VERYLOW),
    0x18: ("XOR", B.xor, GAS_VERYLOW),         0x19: ("NOT", B.not_, GAS_VERYLOW),
    0x1A: ("BYTE", B.byte, GAS_VERYLOW),       0x1B: ("SHL", B.shl, GAS_VERYLOW),
    0x1C: ("SHR", B.shr, GAS_VERYLOW),         0x1D: ("SAR", B.sar, GAS_VERYLOW),
    0x20: ("KECCAK256", E.keccak, GAS_KECCAK256),
    0x30: ("ADDRESS", E.address, GAS_BASE),    0x31: ("BALANCE", E.balance, W),
    0x32: ("ORIGIN", E.origin, GAS_BASE),      0x33: ("CALLER", E.caller, GAS_BASE),
    0x34: ("CALLVALUE", E.callvalue, GAS_BASE),
    0x35: ("CALLDATALOAD", E.calldataload, GAS_VERYLOW),
    0x36: ("CALLDATASIZE", E.calldatasize, GAS_BASE),
    0x37: ("CALLDATACOPY", E.calldatacopy, GAS_VERYLOW),
    0x38: ("CODESIZE", E.codesize, GAS_BASE),  0x39: ("CODECOPY", E.codecopy, GAS_VERYLOW),
    0x3A: ("GASPRICE", E.gasprice, GAS_BASE),  0x3B: ("EXTCODESIZE", E.extcodesize, W),
    0x3C: ("EXTCODECOPY", E.extcodecopy, W),
    0x3D: ("RETURNDATASIZE", E.returndatasize, GAS_BASE),
    0x3E: ("RETURNDATACOPY", E.returndatacopy, GAS_VERYLOW),
    0x3F: ("EXTCODEHASH", E.extcodehash, W),
    0x40: ("BLOCKHASH", K.blockhash, GAS_BLOCKHASH),
    0x41: ("COINBASE", K.coinbase, GAS_BASE),  0x42: ("TIMESTAMP", K.timestamp, GAS_BASE),
    0x43: ("NUMBER", K.number, GAS_BASE),      0x44: ("PREVRANDAO", K.prevrandao, GAS_BASE),
    0x45: ("GASLIMIT", K.gaslimit, GAS_BASE),  0x46: ("CHAINID", K.chainid, GAS_BASE),
    0x47: ("SELFBALANCE", E.selfbalance, GAS_LOW),
    0x48: ("BASEFEE", K.basefee, GAS_BASE),    0x49: ("BLOBHASH", K.blobhash, GAS_BLOBHASH),
    0x4A: ("BLOBBASEFEE", K.blobbasefee, GAS_BASE),
    0x50: ("POP", S.pop, GAS_BASE),            0x51: ("MLOAD", M.mload, GAS_VERYLOW),
    0x52: ("MSTORE", M.mstore, GAS_VERYLOW),   0x53: ("MSTORE8", M.mstore8, GAS_VERYLOW),
    0x54: ("SLOAD", T.sload, W),               0x55: ("SSTORE", T.sstore, GAS_ZERO),
    0x56: ("JUMP", F.jump, GAS_MID),           0x57: ("JUMPI", F.jumpi, GAS_HIGH),
    0x58: ("PC", F.pc_, GAS_BASE),             0x59: ("MSIZE", M.msize, GAS_BASE),
    0x5A: ("GAS", F.gas, GAS_BASE),            0x5B: ("JUMPDEST", F.jumpdest, GAS_JUMPDEST),
    0x5C: ("TLOAD", T.tload, W),               0x5D: ("TSTORE", T.tstore, W),
    0x5E: ("MCOPY", M.mcopy, GAS_VERYLOW),     0x5F: ("PUSH0", S.push0, GAS_BASE),
    0x60: ("PUSH1", S.push1, GAS_VERYLOW),
    **{0x60 + n - 1: (f"PUSH{n}", S.make_push(n), GAS_VERYLOW) for n in range(2, 33)},
    **{0x80 + n - 1: (f"DUP{n}", S.make_dup(n), GAS_VERYLOW) for n in range(1, 17)},
    **{0x90 + n - 1: (f"SWAP{n}", S.make_swap(n), GAS_VERYLOW) for n in range(1, 17)},
    **{0xA0 + n: (f"LOG{n}", L.make_log(n), GAS_LOG) for n in range(5)},
    0xF0: ("CREATE", Y.create, GAS_CREATE),    0xF1: ("CALL", Y.call, W),
    0xF2: ("CALLCODE", Y.callcode, W),         0xF3: ("RETURN", F.return_, GAS_ZERO),
    0xF4: ("DELEGATECALL", Y.delegatecall, W), 0xF5: ("CREATE2", Y.create2, GAS_CREATE),
    0xFA: ("STATICCALL", Y.staticcall, W),     0xFD: ("REVERT", F.revert, GAS_ZERO),
    0xFE: ("INVALID", F.invalid, GAS_ZERO),    0xFF: ("SELFDESTRUCT", Y.selfdestruct, GAS_SELFDESTRUCT),
}

CANCUN = Spec("cancun", OPCODES, PRECOMPILES)
