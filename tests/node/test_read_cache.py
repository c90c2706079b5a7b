"""The decoded state call views share (node/read_cache.py): what a call writes stays in its
view (an SSTORE, its own nonce, state overrides, a cleared storage), calls alternating between
an old block and the head each see their own state, a view shares nothing stale after the head
moves, and estimates (many views on one root) are unchanged."""
from pydevnet.node.calls import CallRequest, StateOverride
from pydevnet.node.config import AllocAccount, Genesis
from pydevnet.node.queries import LATEST
from pydevnet.node.read_cache import MAX_SLOTS, ReadCache
from tests.node.helpers import accounts, make_devnet, run, transfer
from tests.vm.asm import asm

COUNTER = bytes.fromhex("c2" * 20)  # slot 0 += 1; returns it and WATCHED's balance
WATCHED = bytes.fromhex("c1" * 20)
COUNTER_CODE = asm(0, "SLOAD", 1, "ADD", "DUP1", 0, "SSTORE", 0, "MSTORE",
                   "PUSH20", int.from_bytes(WATCHED, "big"), "BALANCE", 0x20, "MSTORE",
                   0x40, 0, "RETURN")
INC = CallRequest(to=COUNTER, data=b"")


def _devnet(tmp_path):
    g = Genesis()
    g.alloc[COUNTER] = AllocAccount(code=COUNTER_CODE, storage={0: 7})
    return make_devnet(tmp_path / "data", genesis=g)


def _words(d, ref=LATEST, overrides=None) -> tuple[int, int]:
    r = d.call(INC, ref, overrides)
    assert r.success, r.error
    return int.from_bytes(r.output[:32], "big"), int.from_bytes(r.output[32:], "big")


def test_a_calls_writes_stay_in_its_view(tmp_path) -> None:
    d = _devnet(tmp_path)
    try:
        assert _words(d) == (8, 0)
        assert _words(d) == (8, 0)  # the SSTORE of the first call is not seen
        sender = accounts(d)[0].address
        req = CallRequest(sender=sender, to=COUNTER, gas_price=1)
        d.call(req, LATEST)
        d.call(req, LATEST)  # the first call's fee and nonce were its own
        assert d.nonce(sender, LATEST) == 0
        assert _words(d, overrides={WATCHED: StateOverride(balance=5)}) == (8, 5)
        assert _words(d, overrides={COUNTER: StateOverride(state={1: 1})}) == (1, 0)
        assert _words(d, overrides={COUNTER: StateOverride(state_diff={0: 41})}) == (42, 0)
        assert _words(d) == (8, 0)
    finally:
        d.shutdown()


def test_calls_alternating_between_blocks_see_their_own_state(tmp_path) -> None:
    d = _devnet(tmp_path)
    try:
        key = accounts(d)[0].private_key
        for nonce in range(3):
            run(d, d.send_raw_transaction, transfer(key, nonce, WATCHED, value=10).raw)
        for _ in range(3):
            for n in range(4):
                assert _words(d, n) == (8, 10 * n)
            assert _words(d) == (8, 30)
        run(d, d.set_storage, COUNTER, 0, 100)
        assert _words(d) == (101, 30)
        assert _words(d, 3) == (101, 30)  # the head's number: its state now has the override
        assert _words(d, 2) == (8, 20)
    finally:
        d.shutdown()


def test_estimates_are_unchanged(tmp_path) -> None:
    d = _devnet(tmp_path)
    try:
        first = d.estimate(INC, LATEST)
        assert first == d.estimate(INC, LATEST) > 21000
        run(d, d.set_storage, COUNTER, 0, 0)  # 0 -> 1 is a fresh slot: SSTORE costs more
        assert d.estimate(INC, LATEST) > first
    finally:
        d.shutdown()


def test_the_tables_are_bounded(tmp_path) -> None:
    d = _devnet(tmp_path)
    try:
        d.read_cache.slots.update({(b"junk", i): i for i in range(MAX_SLOTS)})
        assert _words(d) == (8, 0)
        assert len(d.read_cache.slots) < 10  # full: it started over
        table = d.read_cache.accounts_at(b"\x01" * 32)
        table[COUNTER] = None
        assert ReadCache.accounts_at(d.read_cache, b"\x01" * 32) is table
        assert _words(d) == (8, 0)  # another root: the head's table, not the one above
    finally:
        d.shutdown()


BLOCK_INFO = bytes.fromhex("c3" * 20)  # returns NUMBER, TIMESTAMP, CHAINID, BASEFEE
BLOCK_INFO_CODE = asm("NUMBER", 0, "MSTORE", "TIMESTAMP", 0x20, "MSTORE", "CHAINID", 0x40,
                      "MSTORE", "BASEFEE", 0x60, "MSTORE", 0x80, 0, "RETURN")


def _block_info(d, ref=LATEST) -> tuple[int, ...]:
    r = d.call(CallRequest(to=BLOCK_INFO), ref)
    assert r.success, r.error
    return tuple(int.from_bytes(r.output[i:i + 32], "big") for i in range(0, 128, 32))


def test_calls_see_the_environment_of_their_block(tmp_path) -> None:
    """The block environment kept for the head is the head's, and made again for another
    block, a new head, a new chain id."""
    g = Genesis()
    g.alloc[BLOCK_INFO] = AllocAccount(code=BLOCK_INFO_CODE)
    d = make_devnet(tmp_path / "data", genesis=g)
    try:
        def expected(n: int) -> tuple[int, ...]:
            h = d.chain.header_by_number(n)
            return n, h.timestamp, d.genesis.chain_id, h.base_fee
        assert _block_info(d) == _block_info(d) == expected(0)
        assert d.read_cache.env_of(d.chain, d.chain.head) is \
            d.read_cache.env_of(d.chain, d.chain.head)
        run(d, d.mine_blocks, 2)
        assert _block_info(d) == expected(2)
        assert _block_info(d, 1) == expected(1)
        assert _block_info(d) == expected(2)
        run(d, d.set_chain_id, 4242)
        assert _block_info(d)[2] == 4242
    finally:
        d.shutdown()
