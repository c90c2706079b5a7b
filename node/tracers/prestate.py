"""geth's prestateTracer: the accounts a transaction touched, as they were before it ran
(balance, nonce, code, code hash and the storage slots it read or wrote); with diffMode the
{pre, post} of only what it changed, post taken after the transaction (fees paid).

Accounts are looked up on first touch, which is before the transaction changes them: the
sender, the recipient (or the created address) and the coinbase when the tracer is made (before
the transaction starts), the rest from `step` before the opcode that touches them: SLOAD and
SSTORE (a slot of the running contract), BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH and
SELFDESTRUCT (the address on top of the stack), the CALL family (the target) and CREATE/CREATE2
(the new address). Accounts empty before the transaction are left out unless includeEmpty.
"""
from pydevnet.state.hashing import EMPTY_CODE_HASH
from pydevnet.vm.gas import MAX_INITCODE_SIZE
from pydevnet.vm.opcodes.environment import to_address
from pydevnet.vm.opcodes.system import create2_address, create_address
from pydevnet.vm.tracing import Tracer

SLOAD, SSTORE, BALANCE, SELFDESTRUCT = 0x54, 0x55, 0x31, 0xFF
_ADDRESS_ON_TOP = frozenset((0x31, 0x3B, 0x3C, 0x3F, 0xFF))  # BALANCE, EXTCODE*, SELFDESTRUCT
_CALLS = frozenset((0xF1, 0xF2, 0xF4, 0xFA))
CREATE, CREATE2 = 0xF0, 0xF5


class PrestateConfig:
    __slots__ = ("diff_mode", "disable_code", "disable_storage", "include_empty")

    def __init__(self, diff_mode: bool = False, disable_code: bool = False,
                 disable_storage: bool = False, include_empty: bool = False) -> None:
        self.diff_mode = diff_mode
        self.disable_code = disable_code
        self.disable_storage = disable_storage
        self.include_empty = include_empty


class Account:
    """An account as the tracer reports it: None fields are left out."""

    __slots__ = ("balance", "nonce", "code", "code_hash", "storage", "empty")

    def __init__(self, balance=None, nonce: int = 0, code: bytes | None = None,
                 code_hash: bytes | None = None, storage: dict | None = None,
                 empty: bool = False) -> None:
        self.balance = balance
        self.nonce = nonce
        self.code = code
        self.code_hash = code_hash
        self.storage = storage
        self.empty = empty


class Prestate:
    __slots__ = ("pre", "post")  # address -> Account; post is None outside diffMode

    def __init__(self, pre: dict, post: dict | None) -> None:
        self.pre = pre
        self.post = post


class PrestateTracer(Tracer):
    def __init__(self, config: PrestateConfig, state, first: tuple, creation: bool) -> None:
        self.config = config
        self.state = state
        self.pre: dict[bytes, Account] = {}
        sender, to, coinbase = first
        self.created: set[bytes] = set()
        self.deleted: set[bytes] = set()  # created, then self-destructed (EIP-6780)
        self.destructed: set[bytes] = set()  # every account that ran SELFDESTRUCT
        if creation:
            self.created.add(to)
        for addr in first:
            self._account(addr)

    def _account(self, addr: bytes) -> None:
        if addr in self.pre:
            return
        st = self.state
        code = st.get_code(addr)
        nonce = st.get_nonce(addr)
        balance = st.get_balance(addr)
        acc = Account(balance, nonce, code or None,
                      st.get_code_hash(addr) if code else None,
                      None if self.config.disable_storage else {},
                      empty=not (balance or nonce or code))
        if self.config.disable_code:
            acc.code = None
        self.pre[addr] = acc

    def _slot(self, addr: bytes, key: int) -> None:
        self._account(addr)
        slots = self.pre[addr].storage
        if slots is not None and key not in slots:
            slots[key] = self.state.get_storage(addr, key)

    def step(self, f, pc: int, op: int) -> None:
        s = f.stack
        if op in (SLOAD, SSTORE) and s:
            self._slot(f.address, s[-1])
        elif op in _ADDRESS_ON_TOP and s:
            self._account(to_address(s[-1]))
            if op == SELFDESTRUCT:
                self.destructed.add(f.address)
                if f.address in self.created:
                    self.deleted.add(f.address)  # EIP-6780
        elif op in _CALLS and len(s) >= 5:
            self._account(to_address(s[-2]))
        elif op == CREATE:
            self._created(create_address(f.address, f.state.get_nonce(f.address)))
        elif op == CREATE2 and len(s) >= 4:
            o, n = s[-2], s[-3]
            if n <= MAX_INITCODE_SIZE and (not n or o + n <= 2 ** 32):
                initcode = bytes(f.memory[o:o + n]).ljust(n, b"\0") if n else b""
                self._created(create2_address(f.address, s[-4], initcode))

    def _created(self, addr: bytes) -> None:
        self._account(addr)
        self.created.add(addr)

    def result(self) -> Prestate:
        post = self._diff() if self.config.diff_mode else None
        if not self.config.include_empty:
            for addr in [a for a, acc in self.pre.items() if acc.empty]:
                del self.pre[addr]
        return Prestate(self.pre, post)

    def _diff(self) -> dict:
        """Keeps in pre only what changed (geth's processDiffState); returns post."""
        st = self.state
        post = {}
        for addr, acc in list(self.pre.items()):
            if addr in self.deleted:
                continue
            p = Account(storage={} if acc.storage is not None else None)
            modified = False
            balance, nonce = st.get_balance(addr), st.get_nonce(addr)
            code, code_hash = st.get_code(addr), st.get_code_hash(addr)
            if balance != acc.balance:
                modified, p.balance = True, balance
            if nonce != acc.nonce:
                modified, p.nonce = True, nonce
            if code_hash != (acc.code_hash or EMPTY_CODE_HASH):
                modified, p.code_hash = True, code_hash
                if not self.config.disable_code:
                    p.code = code
            for key, old in list((acc.storage or {}).items()):
                new = st.get_storage(addr, key)
                if old == new or not old:
                    del acc.storage[key]
                if old != new:
                    modified = True
                    if new:
                        p.storage[key] = new
            if modified:
                post[addr] = p
            else:
                del self.pre[addr]
        return post

