"""StateDB (state/statedb.py) and its undo journal (state/journal.py): every kind of journal
entry reverts, snapshots nest, committed roots depend only on the final state, EIP-158/161
deletion of touched empty accounts (and the RIPEMD-160 touch that survives a revert), EIP-2200
original storage values across transactions, EIP-7610's has_storage, and a LevelDB-backed state
that commits, closes and reopens."""
from typing import Callable

import pytest

from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.journal import RIPEMD160_ADDRESS
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import LevelDBStore, MemoryStore

A = b"\xaa" * 20
B = b"\xbb" * 20
C = b"\xcc" * 20


def committed(**accounts: dict) -> StateDB:
    """A state whose accounts (name -> fields) are committed and form the transaction's start."""
    st = StateDB(MemoryStore())
    for name, acct in accounts.items():
        addr = {"a": A, "b": B, "c": C}[name]
        st.set_nonce(addr, acct.get("nonce", 0))
        st.set_balance(addr, acct.get("balance", 0))
        if "code" in acct:
            st.set_code(addr, acct["code"])
        for k, v in acct.get("storage", {}).items():
            st.set_storage(addr, k, v)
    st.commit()
    st.begin_tx()
    return st


def view(st: StateDB) -> tuple:
    """Everything observable about A, B and C plus the transaction-scoped sets."""
    accounts = tuple((st.exists(a), st.get_nonce(a), st.get_balance(a), st.get_code(a),
                      st.get_storage(a, 1), st.get_transient(a, 1)) for a in (A, B, C))
    return (accounts, frozenset(st.warm_addresses), frozenset(st.warm_slots), list(st.logs),
            st.refund, frozenset(st.touched), frozenset(st.created), frozenset(st.destructed))


CHANGES: dict[str, Callable[[StateDB], None]] = {
    "set_balance": lambda st: st.set_balance(A, 7),
    "add_balance": lambda st: st.add_balance(A, 5),
    "sub_balance": lambda st: st.sub_balance(A, 5),
    "transfer to a new account": lambda st: st.transfer(A, C, 3),
    "set_nonce": lambda st: st.set_nonce(A, 9),
    "increment_nonce": lambda st: st.increment_nonce(A),
    "set_code": lambda st: st.set_code(A, b"\x60\x00"),
    "set_storage": lambda st: st.set_storage(A, 1, 99),
    "clear_storage": lambda st: st.set_storage(B, 1, 0),
    "create_account over an existing one": lambda st: st.create_account(B),
    "create_account new": lambda st: st.create_account(C),
    "touch a missing account": lambda st: st.touch(C),
    "mark_destructed": lambda st: st.mark_destructed(B),
    "warm_address": lambda st: st.warm_address(C),
    "warm_slot": lambda st: st.warm_slot(A, 1),
    "set_transient": lambda st: st.set_transient(A, 1, 4),
    "clear_transient": lambda st: st.set_transient(B, 1, 0),
    "add_log": lambda st: st.add_log(A, [1, 2], b"data"),
    "add_refund": lambda st: st.add_refund(4800),
    "sub_refund": lambda st: st.add_refund(-4800),
}


def start() -> StateDB:
    st = committed(a={"balance": 10, "nonce": 1},
                   b={"balance": 20, "nonce": 1, "code": b"\xfe", "storage": {1: 5}})
    st.set_transient(B, 1, 6)
    st.add_refund(100)
    return st


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_revert_undoes_every_kind_of_change(change: Callable[[StateDB], None]) -> None:
    st = start()
    before = view(st)
    snap = st.snapshot()
    change(st)
    assert view(st) != before
    st.revert(snap)
    assert view(st) == before


def test_revert_undoes_all_changes_together_in_reverse() -> None:
    st = start()
    before = view(st)
    snap = st.snapshot()
    for change in CHANGES.values():
        change(st)
    st.revert(snap)
    assert view(st) == before


def test_nested_snapshots() -> None:
    st = start()
    s0 = st.snapshot()
    st.set_balance(A, 1)
    s1 = st.snapshot()
    st.set_balance(A, 2)
    st.set_storage(A, 1, 3)
    s2 = st.snapshot()
    st.set_balance(A, 4)
    st.revert(s2)
    assert (st.get_balance(A), st.get_storage(A, 1)) == (2, 3)
    st.revert(s1)
    assert (st.get_balance(A), st.get_storage(A, 1)) == (1, 0)
    st.revert(s0)
    assert (st.get_balance(A), st.get_storage(A, 1)) == (10, 0)


def test_reverting_to_the_current_snapshot_changes_nothing() -> None:
    st = start()
    st.set_balance(A, 1)
    st.revert(st.snapshot())
    assert st.get_balance(A) == 1


def test_committed_state_survives_a_revert_of_a_later_snapshot() -> None:
    st = start()
    st.set_balance(A, 1)
    root = st.commit()
    snap = st.snapshot()
    st.set_balance(A, 2)
    st.revert(snap)
    assert st.commit() == root


def test_empty_state_root() -> None:
    st = StateDB(MemoryStore())
    assert st.commit() == EMPTY_TRIE_ROOT == keccak256(b"\x80")


def _final_state() -> StateDB:
    return committed(a={"balance": 3, "nonce": 2, "storage": {1: 9, 7: 1}},
                     c={"balance": 1, "code": b"\x60\x01"})


def test_root_depends_only_on_the_final_state() -> None:
    st = committed(a={"balance": 1, "storage": {1: 5, 2: 6}}, b={"balance": 4})
    st.set_balance(A, 3)
    st.set_nonce(A, 2)
    st.set_storage(A, 1, 9)
    st.set_storage(A, 2, 0)        # deleted from the storage trie
    st.set_storage(A, 7, 1)
    st.set_code(C, b"\x60\x01")
    st.transfer(B, C, 4)
    st.touch(B)                    # left empty: removed by finalize_tx (EIP-158)
    st.sub_balance(C, 3)
    st.finalize_tx()
    assert st.commit() == _final_state().root()


def test_commit_in_steps_equals_commit_at_once() -> None:
    st = StateDB(MemoryStore())
    st.set_balance(A, 3)
    st.set_storage(A, 1, 9)
    st.commit()
    st.set_nonce(A, 2)
    st.set_storage(A, 7, 1)
    st.set_code(C, b"\x60\x01")
    st.set_balance(C, 1)
    assert st.commit() == _final_state().root()


def test_reading_does_not_change_the_root() -> None:
    st = _final_state()
    root = st.root()
    st.get_balance(B)
    st.get_storage(A, 12345)
    st.exists(C)
    assert st.commit() == root


def test_old_roots_stay_readable() -> None:
    st = committed(a={"balance": 1, "storage": {1: 5}})
    old = st.root()
    st.set_balance(A, 2)
    st.set_storage(A, 1, 6)
    st.commit()
    past = StateDB(st.store, old)
    assert (past.get_balance(A), past.get_storage(A, 1)) == (1, 5)


def test_touched_empty_accounts_are_deleted_eip158() -> None:
    st = committed(b={})
    assert st.exists(B)
    st.touch(B)
    st.touch(C)
    st.finalize_tx()
    assert not st.exists(B) and not st.exists(C)
    assert st.commit() == EMPTY_TRIE_ROOT


def test_touched_accounts_that_are_not_empty_stay() -> None:
    st = committed(a={"balance": 1}, b={"nonce": 1}, c={"code": b"\x00"})
    for addr in (A, B, C):
        st.touch(addr)
    st.finalize_tx()
    assert st.exists(A) and st.exists(B) and st.exists(C)


def test_untouched_empty_accounts_stay() -> None:
    st = committed(b={})
    st.finalize_tx()
    assert st.exists(B)


def test_reverted_touch_is_forgotten() -> None:
    st = committed(b={})
    snap = st.snapshot()
    st.touch(B)
    st.revert(snap)
    st.finalize_tx()
    assert st.exists(B)


def test_ripemd160_touch_survives_a_revert() -> None:
    st = StateDB(MemoryStore())
    st.set_nonce(RIPEMD160_ADDRESS, 0)  # an empty account at 0x03, as on mainnet in 2016
    st.commit()
    st.begin_tx()
    snap = st.snapshot()
    st.touch(RIPEMD160_ADDRESS)
    st.revert(snap)
    assert RIPEMD160_ADDRESS in st.touched
    st.finalize_tx()
    assert not st.exists(RIPEMD160_ADDRESS)


def test_destructed_accounts_are_deleted_with_their_storage() -> None:
    st = committed(a={"balance": 1, "code": b"\x00", "storage": {1: 2}})
    st.mark_destructed(A)
    st.finalize_tx()
    assert not st.exists(A)
    assert st.commit() == EMPTY_TRIE_ROOT
    st.set_balance(A, 1)  # recreated later: no trace of the old storage
    assert st.get_storage(A, 1) == 0


def test_original_storage_is_the_value_at_transaction_start() -> None:
    st = committed(a={"storage": {1: 5}})
    assert st.get_original_storage(A, 1) == 5
    st.set_storage(A, 1, 6)
    st.set_storage(A, 1, 7)
    assert (st.get_storage(A, 1), st.get_original_storage(A, 1)) == (7, 5)
    st.finalize_tx()  # a new transaction, without a commit in between
    assert st.get_original_storage(A, 1) == 7
    st.set_storage(A, 1, 8)
    assert st.get_original_storage(A, 1) == 7


def test_original_storage_after_a_reverted_write() -> None:
    st = committed(a={"storage": {1: 5}})
    snap = st.snapshot()
    st.set_storage(A, 1, 6)
    st.revert(snap)
    assert (st.get_storage(A, 1), st.get_original_storage(A, 1)) == (5, 5)


def test_transaction_scope_is_reset_by_finalize() -> None:
    st = start()
    for change in CHANGES.values():
        change(st)
    st.finalize_tx()
    assert (st.journal, st.warm_addresses, st.warm_slots, st.transient, st.logs, st.refund,
            st.touched, st.created, st.destructed) == ([], set(), set(), {}, [], 0, set(), set(),
                                                       set())


def test_create_account_keeps_the_balance_and_clears_the_rest() -> None:
    st = committed(b={"balance": 20, "nonce": 3, "code": b"\xfe"})
    st.create_account(B)
    assert (st.get_balance(B), st.get_nonce(B), st.get_code_hash(B)) == (20, 0, EMPTY_CODE_HASH)
    assert B in st.created


@pytest.mark.parametrize(("storage", "writes", "expected"), [
    ({}, {}, False),
    ({1: 5}, {}, True),
    ({1: 5}, {1: 0}, False),
    ({1: 5, 2: 6}, {1: 0}, True),
    ({}, {3: 1}, True),
    ({}, {3: 1, 4: 0}, True),
])
def test_has_storage_eip7610(storage: dict, writes: dict, expected: bool) -> None:
    st = committed(a={"nonce": 1, "storage": storage})
    for k, v in writes.items():
        st.set_storage(A, k, v)
    assert st.has_storage(A) is expected


def test_has_storage_of_a_missing_account() -> None:
    assert StateDB(MemoryStore()).has_storage(A) is False


def test_leveldb_commit_close_reopen(tmp_path) -> None:
    path = str(tmp_path / "state")
    with LevelDBStore(path) as store:
        st = StateDB(store)
        st.set_balance(A, 10**18)
        st.set_nonce(A, 4)
        st.set_code(B, b"\x60\x2a\x60\x00\x55")
        st.set_storage(B, 1, 2**256 - 1)
        root = st.commit()
    with LevelDBStore(path, create_if_missing=False) as store:
        st = StateDB(store, root)
        assert (st.get_balance(A), st.get_nonce(A)) == (10**18, 4)
        assert st.get_code(B) == b"\x60\x2a\x60\x00\x55"
        assert st.get_storage(B, 1) == 2**256 - 1
        assert st.root() == root
    memory = StateDB(MemoryStore())
    memory.set_balance(A, 10**18)
    memory.set_nonce(A, 4)
    memory.set_code(B, b"\x60\x2a\x60\x00\x55")
    memory.set_storage(B, 1, 2**256 - 1)
    assert memory.commit() == root
