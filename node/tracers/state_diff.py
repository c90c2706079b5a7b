"""Parity's stateDiff (trace_replayTransaction, trace_call): what a transaction changed in each
account it touched, as Anvil reports it. Each of balance, nonce and code is unchanged ("="),
changed ("*", from, to) or, for an account the transaction created with no balance before, added
("+", value); storage lists only the slots that changed. Accounts with no change are left out,
and so is an account created and self-destructed in the same transaction.

The accounts and slots come from a prestateTracer run beside the transaction (it records each
account and slot before the transaction first touches it); the values after are the state's
once the transaction is done, fees paid.
"""
from pydevnet.node.tracers.prestate import PrestateConfig, PrestateTracer

UNCHANGED = ("=",)


def diff_tracer(state, first: tuple, creation: bool) -> PrestateTracer:
    return PrestateTracer(PrestateConfig(include_empty=True), state, first, creation)


class AccountDiff:
    __slots__ = ("balance", "nonce", "code", "storage")

    def __init__(self, balance: tuple, nonce: tuple, code: tuple, storage: dict) -> None:
        self.balance = balance
        self.nonce = nonce
        self.code = code
        self.storage = storage  # slot -> delta


def _delta(old, new) -> tuple:
    return UNCHANGED if old == new else ("*", old, new)


def state_diff(tracer: PrestateTracer, state) -> dict[bytes, AccountDiff]:
    """address -> AccountDiff for every account the transaction changed."""
    out = {}
    for addr, pre in tracer.pre.items():
        if addr in tracer.deleted:
            continue
        balance, nonce, code = state.get_balance(addr), state.get_nonce(addr), state.get_code(addr)
        pre_code = pre.code or b""
        slots = {k: (old, state.get_storage(addr, k)) for k, old in (pre.storage or {}).items()}
        slots = {k: v for k, v in slots.items() if v[0] != v[1]}
        created = addr in tracer.created and not (pre.nonce or pre_code) and nonce > 0
        if created and not pre.balance:
            out[addr] = AccountDiff(("+", balance), ("+", nonce), ("+", code),
                                    {k: ("+", new) for k, (_, new) in slots.items()})
            continue
        unchanged = (balance, nonce, code) == (pre.balance, pre.nonce, pre_code)
        if unchanged and not slots and addr not in tracer.destructed:
            continue
        out[addr] = AccountDiff(_delta(pre.balance, balance), _delta(pre.nonce, nonce),
                                _delta(pre_code, code) if created else UNCHANGED,
                                {k: ("*", old, new) for k, (old, new) in slots.items()})
    return out
