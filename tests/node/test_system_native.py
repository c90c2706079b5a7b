"""The system calls without the VM (node/chain/system_native.py) against the VM on the same
pre-states: random and edge queues (empty, 1, 16, 17, more than the cap, indices that wrap
2**256, tail below head), excess and count at and around the target and the inhibitor, slots
pre-set to arbitrary words or to the value about to be written, NUMBER and TIMESTAMP across the
8191 ring and 0, inputs of any length. Compared: success, output, the journal and transaction
scope left behind, every dirty account (fields, cached and dirty slots), SYSTEM_ADDRESS's absence,
and the state root and every node, code and preimage write of the commit. Any other code at the
address, or a precompile moved there, still runs in the VM."""
import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pydevnet.node.chain import system
from pydevnet.node.chain.errors import SystemContractEmpty
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import MemoryStore
from pydevnet.vm.forks import OSAKA, PRAGUE
from pydevnet.vm.frame import BlockEnv

MAX = 2**256 - 1
RING = 8191
CONTRACTS = (system.BEACON_ROOTS, system.HISTORY_STORAGE, system.WITHDRAWAL_REQUESTS,
             system.CONSOLIDATION_REQUESTS)
STRIDE = {system.WITHDRAWAL_REQUESTS.address: 3, system.CONSOLIDATION_REQUESTS.address: 4}
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

EDGE_WORDS = [0, 1, 2, 3, 15, 16, 17, 18, RING - 1, RING, RING + 1, 2**64 - 1, 2**64, 2**160 - 1,
              2**255, MAX - 17, MAX - 16, MAX - 2, MAX - 1, MAX]
words = st.one_of(st.sampled_from(EDGE_WORDS), st.integers(0, MAX))
small = st.one_of(st.sampled_from([0, 1, 2, 3, 15, 16, 17, 18, 40]), st.integers(0, 100))
clock = st.one_of(st.sampled_from([0, 1, 2, RING - 1, RING, RING + 1, 2 * RING, 2**64 - 1]),
                  st.integers(0, 2**64 - 1))


def env(number: int, timestamp: int, spec=PRAGUE) -> BlockEnv:
    return BlockEnv(spec=spec, coinbase=bytes(20), number=number, timestamp=timestamp,
                    gas_limit=30_000_000, prevrandao=0, base_fee=7, chain_id=1)


def build(store: MemoryStore, committed: dict, pending: dict, account=(1, 0)) -> StateDB:
    """The contracts deployed with `committed` slots (addr -> {slot: value}) in the store,
    then a StateDB on that root with `pending` slots written but not committed."""
    base = StateDB(store)
    for c in CONTRACTS:
        base.set_nonce(c.address, account[0])
        base.set_balance(c.address, account[1])
        base.set_code(c.address, c.code)
    for addr, slots in committed.items():
        for k, v in slots.items():
            base.set_storage(addr, k, v)
    root = base.commit()
    st = StateDB(store, root)
    for addr, slots in pending.items():
        for k, v in slots.items():
            st.set_storage(addr, k, v)
    st.begin_tx()
    return st


def snapshot(st: StateDB) -> dict:
    """What a state holds before commit: the dirty accounts, fields and slots."""
    out = {}
    for addr in sorted(st._dirty):
        o = st._objs.get(addr)
        out[addr] = None if o is None else (o.nonce, o.balance, o.code_hash, o.storage_root,
                                            dict(o.storage), set(o.dirty_slots))
    return out


def assert_same(committed: dict, pending: dict, block: BlockEnv, address: bytes, data: bytes,
                account=(1, 0)) -> None:
    store = MemoryStore()
    native, evm = build(store, committed, pending, account), build(store, committed, pending,
                                                                  account)
    got = system.system_call(native, block, address, data)
    want = system.evm_system_call(evm, block, address, data)
    assert got == want
    for s in (native, evm):
        assert (s.journal, s.touched, s.created, s.destructed, s.logs, s.refund, s.transient,
                s.warm_addresses, s.warm_slots, s._originals) == ([], set(), set(), set(), [],
                                                                    0, {}, set(), set(), {})
        assert not s.exists(system.SYSTEM_ADDRESS)
    assert snapshot(native) == snapshot(evm)
    nb, eb = {}, {}
    assert native.commit(nb) == evm.commit(eb)
    assert nb == eb


def queue_state(addr: bytes, head: int, length: int, excess: int, count: int,
                entries: list[int], extra: dict) -> dict:
    """The request contract's slots: head, tail = head + length (wrapping), the excess, the
    count, entry words from the head on, and arbitrary extra slots."""
    stride = STRIDE[addr]
    slots = dict(extra)
    slots.update({0: excess, 1: count, 2: head, 3: (head + length) & MAX})
    for i, w in enumerate(entries):
        slots[(4 + stride * ((head + i // stride) & MAX) + i % stride) & MAX] = w
    return slots


request_contracts = st.sampled_from([system.WITHDRAWAL_REQUESTS, system.CONSOLIDATION_REQUESTS])
heads = st.one_of(small, st.sampled_from([MAX - 20, MAX - 1, MAX]), st.integers(0, MAX))
lengths = st.one_of(small, st.sampled_from([MAX, MAX - 1, 2**255]), st.integers(0, MAX))
excesses = st.one_of(st.sampled_from([0, 1, 2, 3, MAX, MAX - 1, MAX - 2]), words)
extras = st.dictionaries(st.one_of(small, words), words, max_size=6)


@SETTINGS
@given(contract=request_contracts, head=heads, length=lengths, excess=excesses, count=excesses,
       entries=st.lists(words, max_size=80), extra=extras, split=st.booleans(),
       spec=st.sampled_from([PRAGUE, OSAKA]))
def test_request_queues_dequeue_as_in_the_vm(contract, head, length, excess, count, entries,
                                               extra, split, spec):
    slots = queue_state(contract.address, head, length, excess, count, entries, extra)
    committed, pending = {contract.address: slots}, {}
    if split:  # half of the slots only written, not committed
        keys = sorted(slots)
        committed = {contract.address: {k: slots[k] for k in keys[::2]}}
        pending = {contract.address: {k: slots[k] for k in keys[1::2]}}
    assert_same(committed, pending, env(5, 60, spec), contract.address, b"")


def test_request_queue_edges():
    for contract in (system.WITHDRAWAL_REQUESTS, system.CONSOLIDATION_REQUESTS):
        for length in (0, 1, 2, 3, 16, 17, 40, MAX):
            for excess, count in ((0, 0), (MAX, 0), (MAX, 3), (0, 2), (1, 1), (2, 1), (MAX, MAX),
                                  (MAX - 1, 2)):
                entries = [MAX - i for i in range(40 * STRIDE[contract.address])]
                for head in (0, 7, MAX - 3):
                    slots = queue_state(contract.address, head, length, excess, count, entries,
                                        {})
                    assert_same({contract.address: slots}, {}, env(1, 1), contract.address, b"")
        assert_same({}, {}, env(1, 1), contract.address, b"")  # a fresh contract: empty queue


@SETTINGS
@given(number=clock, timestamp=clock, data=st.one_of(st.binary(min_size=32, max_size=32),
                                                     st.just(bytes(32)), st.binary(max_size=70)),
       preset=st.sampled_from(["none", "same", "random"]), extra=extras,
       account=st.tuples(st.integers(0, 3), st.integers(0, 5)))
def test_beacon_roots_and_history_store_as_in_the_vm(number, timestamp, data, preset, extra,
                                                     account):
    word = int.from_bytes(data[:32].ljust(32, b"\0"), "big")
    idx = timestamp % RING
    for contract, writes in ((system.BEACON_ROOTS, {idx: timestamp, idx + RING: word}),
                             (system.HISTORY_STORAGE, {((number - 1) & MAX) % RING: word})):
        slots = dict(extra)
        if preset == "same":
            slots.update(writes)
        elif preset == "random":
            slots.update({k: (v * 7919 + 1) & MAX for k, v in writes.items()})
        assert_same({contract.address: slots}, {}, env(number, timestamp), contract.address,
                    data, account)


def test_ring_edges_and_a_zero_root():
    for number in (0, 1, 2, RING, RING + 1, 2 * RING + 5):
        for timestamp in (0, 1, RING - 1, RING, RING + 1):
            for data in (bytes(32), b"\xff" * 32, b"", b"\x01"):
                for c in (system.BEACON_ROOTS, system.HISTORY_STORAGE):
                    assert_same({}, {}, env(number, timestamp), c.address, data)
                    # the slots already hold what the call writes: no write at all
                    st = build(MemoryStore(), {}, {})
                    system.evm_system_call(st, env(number, timestamp), c.address, data)
                    st.commit()
                    slots = {k: st.get_storage(c.address, k) for k in
                             (timestamp % RING, timestamp % RING + RING, (number - 1) % RING)}
                    assert_same({c.address: slots}, {}, env(number, timestamp), c.address, data)


def test_begin_block_and_dequeue_requests_match_the_vm_over_blocks():
    """Twenty blocks of both paths from the same state, with user requests queued between."""
    store = MemoryStore()
    native, evm = build(store, {}, {}), build(store, {}, {})
    for n in range(1, 21):
        block = env(n, 12 * n)
        parent, root = bytes([n]) * 32, bytes([n, 1]) * 16
        system.begin_block(native, block, parent, root)
        system.evm_system_call(evm, block, system.BEACON_ROOTS.address, root)
        system.evm_system_call(evm, block, system.HISTORY_STORAGE.address, parent)
        for s in (native, evm):  # a block's users queue n requests (slots as the contract writes)
            for addr in STRIDE:
                tail = s.get_storage(addr, 3)
                for i in range(n):
                    for k in range(STRIDE[addr]):
                        s.set_storage(addr, 4 + STRIDE[addr] * (tail + i) + k,
                                      n * 1000 + i * 10 + k)
                s.set_storage(addr, 3, tail + n)
                s.set_storage(addr, 1, s.get_storage(addr, 1) + n)
        got = system.dequeue_requests(native, block)
        want = []
        for t, c in system.REQUEST_CONTRACTS:
            ok, out = system.evm_system_call(evm, block, c.address, b"")
            assert ok
            if out:
                want.append(bytes((t,)) + out)
        assert got == want
        assert snapshot(native) == snapshot(evm)
        assert native.commit() == evm.commit()


def test_other_code_at_the_address_runs_in_the_vm():
    # PUSH1 1 PUSH0 SSTORE: the VM stores 1 in slot 0, the native beacon roots call would not
    st = build(MemoryStore(), {}, {})
    st.set_code(system.BEACON_ROOTS.address, bytes.fromhex("60015f55"))
    st.begin_tx()
    assert system.system_call(st, env(3, 12), system.BEACON_ROOTS.address, bytes(32)) == \
        (True, b"")
    assert st.get_storage(system.BEACON_ROOTS.address, 0) == 1
    assert st.get_storage(system.BEACON_ROOTS.address, 12) == 0
    st.set_code(system.WITHDRAWAL_REQUESTS.address, b"")
    try:
        system.checked_system_call(st, env(3, 12), system.WITHDRAWAL_REQUESTS)
        raise AssertionError("no SystemContractEmpty")
    except SystemContractEmpty:
        pass


def test_a_precompile_moved_onto_the_address_runs_instead():
    spec = copy.copy(PRAGUE)
    spec.precompiles = dict(PRAGUE.precompiles)
    spec.precompiles[system.WITHDRAWAL_REQUESTS.address] = \
        PRAGUE.precompiles[(4).to_bytes(20, "big")]  # identity: returns its (empty) input
    st = build(MemoryStore(), {system.WITHDRAWAL_REQUESTS.address: {3: 1, 4: 5}}, {})
    assert system.system_call(st, env(3, 12, spec), system.WITHDRAWAL_REQUESTS.address, b"") == \
        (True, b"")
    assert st.get_storage(system.WITHDRAWAL_REQUESTS.address, 3) == 1  # the queue untouched
