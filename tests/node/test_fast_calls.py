"""eth_call inline when its shape ran cheap (node/fast_calls.py): the first call of a shape runs
measured (on a reader in the node), later ones inline; an inline call answers exactly what a
reader would, on the state of the block asked for, after blocks, dev setters, a snapshot revert
and a rollback; calls with state overrides or a block hash never run inline; an inline call past
its budget is aborted (nothing reaches the thread later) and its shape goes back to the readers;
inline calls beside a writer mining blocks each see one committed state."""
import threading
import time

import pytest

from pydevnet.node.calls import CallRequest, StateOverride
from pydevnet.node.config import AllocAccount, Genesis
from pydevnet.node.fast_calls import call_shape
from pydevnet.node.queries import LATEST, BlockRef
from tests.node.helpers import accounts, make_devnet, run, transfer
from tests.vm.asm import asm

READER = bytes.fromhex("c0" * 20)  # returns slot 0 and the balance of WATCHED
WATCHED = bytes.fromhex("c1" * 20)
READER_CODE = asm(0, "SLOAD", 0, "MSTORE", "PUSH20", int.from_bytes(WATCHED, "big"), "BALANCE",
                  0x20, "MSTORE", 0x40, 0, "RETURN")
SPIN_CODE = asm("loop:", "JUMPDEST", "@loop", "JUMP")
REQ = CallRequest(to=READER, data=b"\x12\x34\x56\x78")


@pytest.fixture
def d(tmp_path):
    """A devnet on LevelDB with READER (slot 0 = 7) in its genesis."""
    g = Genesis()
    g.alloc[READER] = AllocAccount(code=READER_CODE, storage={0: 7})
    devnet = make_devnet(tmp_path / "data", genesis=g)
    # every run counts as cheap and no deadline cuts one short here (a first run, cold caches
    # and code analysis included, may take longer than the node's 0.5 ms, and a loaded machine
    # may stall any run past 2 ms): which calls run inline does not depend on timing
    devnet.cheap_calls.cheap_seconds = 60.0
    devnet.cheap_calls.budget = 60.0
    yield devnet
    devnet.shutdown()


def _answer(result) -> tuple[int, int]:
    assert result.success, result.error
    return int.from_bytes(result.output[:32], "big"), int.from_bytes(result.output[32:], "big")


def _inline(d, req=REQ, ref=LATEST, overrides=None) -> tuple[int, int]:
    """The call's answer, run inline (which the test requires), after one measured run."""
    cheap = d.cheap_calls
    cheap.measured(req, ref, overrides)
    result = cheap.try_inline(req, ref, overrides)
    assert result is not None, "a cheap call did not run inline"
    return _answer(result)


def test_first_call_of_a_shape_is_measured_then_inline(d) -> None:
    assert d.cheap_calls.try_inline(REQ, LATEST) is None
    assert _answer(d.cheap_calls.measured(REQ, LATEST)) == (7, 0)
    assert _answer(d.cheap_calls.try_inline(REQ, LATEST)) == (7, 0)
    # another selector, length or block is another shape
    other = CallRequest(to=READER, data=b"\x00\x00\x00\x01")
    assert d.cheap_calls.try_inline(other, LATEST) is None
    assert d.cheap_calls.try_inline(REQ, 0) is None


def test_inline_calls_see_the_state_of_the_block_asked_for(d) -> None:
    key = accounts(d)[0].private_key
    assert _inline(d) == (7, 0)
    run(d, d.send_raw_transaction, transfer(key, 0, WATCHED, value=5).raw)
    assert _inline(d) == (7, 5)
    assert _inline(d, ref=0) == (7, 0)  # an older block by number
    assert _inline(d, ref=1) == (7, 5)
    sid = run(d, d.snapshot)
    run(d, d.set_storage, READER, 0, 9)
    assert _inline(d) == (9, 5)
    run(d, d.set_balance, WATCHED, 11)
    assert _inline(d) == (9, 11)
    run(d, d.send_raw_transaction, transfer(key, 1, WATCHED, value=1).raw)
    assert _inline(d) == (9, 12)
    assert run(d, d.revert, sid)
    assert _inline(d) == (7, 5)
    run(d, d.send_raw_transaction, transfer(key, 1, WATCHED, value=2).raw)
    assert _inline(d) == (7, 7)
    run(d, d.rollback, 1)
    assert _inline(d) == (7, 5)
    run(d, d.set_code, READER, asm(42, 0, "MSTORE", 0x40, 0, "RETURN"))
    assert _inline(d) == (42, 0)


def test_overrides_and_block_hashes_never_run_inline(d) -> None:
    overrides = {WATCHED: StateOverride(balance=3)}
    assert call_shape(REQ, LATEST, overrides) is None
    assert _answer(d.cheap_calls.measured(REQ, LATEST, overrides)) == (7, 3)
    assert d.cheap_calls.try_inline(REQ, LATEST, overrides) is None
    by_hash = BlockRef(d.chain.head.hash)
    assert call_shape(REQ, by_hash, None) is None
    assert _answer(d.cheap_calls.measured(REQ, by_hash)) == (7, 0)
    assert d.cheap_calls.try_inline(REQ, by_hash) is None


def test_an_inline_call_past_its_budget_is_aborted_and_handed_back(d) -> None:
    spin = CallRequest(to=READER, data=REQ.data, gas=10 ** 9)
    assert _inline(d, spin) == (7, 0)  # cheap while the code is cheap
    run(d, d.set_code, READER, SPIN_CODE)  # now it loops until its gas runs out: seconds
    d.cheap_calls.budget = 0.002
    assert d.cheap_calls.try_inline(spin, LATEST) is None  # aborted at the budget
    assert d.cheap_calls.try_inline(spin, LATEST) is None  # and no longer tried inline
    end, n = time.monotonic() + 0.8, 0  # past the watchdog's re-fire delay
    while time.monotonic() < end:  # an abort left armed would land in this loop
        n += 1
    assert n > 0


def test_inline_calls_beside_the_writer_see_committed_states(d) -> None:
    key = accounts(d)[0].private_key
    _inline(d)
    seen: list[int] = []
    errors: list[BaseException] = []

    def caller() -> None:
        try:
            for _ in range(200):
                result = d.cheap_calls.try_inline(REQ, LATEST)
                if result is None:
                    result = d.cheap_calls.measured(REQ, LATEST)
                seen.append(_answer(result)[1])
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
    threads = [threading.Thread(target=caller) for _ in range(2)]
    for t in threads:
        t.start()
    for nonce in range(20):
        run(d, d.send_raw_transaction, transfer(key, nonce, WATCHED, value=1).raw)
    for t in threads:
        t.join()
    assert not errors
    assert set(seen) <= set(range(21))  # a balance some block had, never a torn read
    assert _inline(d) == (7, 20)


def test_inline_calls_in_a_row_owe_the_loop_a_turn(d) -> None:
    _inline(d)
    d.cheap_calls.owes_yield()
    for n in range(1, 100_000):
        assert d.cheap_calls.try_inline(REQ, LATEST) is not None
        if d.cheap_calls.owes_yield():
            break
    assert n < 100_000  # after a few ms of them
    assert not d.cheap_calls.owes_yield()  # and the count starts again
