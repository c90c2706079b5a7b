"""The key preimages a commit writes (state/commit.py): an account's or slot's preimage is put in
the batch the first time a state commits it, not again on every later block, and a failed block
write (its state dropped) does not leave one out: the store ends with the preimages of a node
that mined the same blocks without a failure, as a state dump needs."""
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import Devnet
from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import PREIMAGE_PREFIX, StateDB
from pydevnet.state.store import LevelDBStore, MemoryStore
from tests.node.faults import FaultyStore, InjectedWriteError
from tests.node.helpers import accounts, run, transfer
from tests.rpc.helpers import initcode

# stores calldata word 0 at slot 1 + (calldata word 1): every call writes a fresh slot
STORE_RUNTIME = bytes.fromhex("6000356020356001015500")


def _preimages(batch: dict[bytes, bytes]) -> dict[bytes, bytes]:
    return {k: v for k, v in batch.items() if k.startswith(PREIMAGE_PREFIX)}


def _stored_preimages(store) -> dict[bytes, bytes]:
    found = dict(store.iterate(PREIMAGE_PREFIX))
    for k, v in found.items():
        assert keccak256(v) == k[len(PREIMAGE_PREFIX):]
    return found


def test_preimages_written_once_per_state() -> None:
    store = MemoryStore()
    st = StateDB(store)
    a, b = b"\x0a" * 20, b"\x0b" * 20
    st.set_balance(a, 1)
    st.set_storage(a, 7, 1)
    first: dict[bytes, bytes] = {}
    st.commit(first)
    assert _preimages(first) == {PREIMAGE_PREFIX + keccak256(a): a,
                                 PREIMAGE_PREFIX + keccak256((7).to_bytes(32, "big")):
                                     (7).to_bytes(32, "big")}
    store.write_batch(first)

    st.set_balance(a, 2)
    st.set_storage(a, 7, 2)
    st.set_storage(a, 8, 1)
    st.set_balance(b, 3)
    second: dict[bytes, bytes] = {}
    root = st.commit(second)
    assert _preimages(second) == {PREIMAGE_PREFIX + keccak256(b): b,
                                  PREIMAGE_PREFIX + keccak256((8).to_bytes(32, "big")):
                                      (8).to_bytes(32, "big")}
    store.write_batch(second)
    assert len(_stored_preimages(store)) == 4

    # a state opened afresh knows nothing of what an earlier one wrote: it writes them again
    again = StateDB(store, root)
    again.set_balance(a, 5)
    third: dict[bytes, bytes] = {}
    again.commit(third)
    assert PREIMAGE_PREFIX + keccak256(a) in third


def test_a_recreated_account_writes_its_preimages_again() -> None:
    st = StateDB(MemoryStore())
    a = b"\x0c" * 20
    st.set_storage(a, 1, 1)
    st.commit()
    st.create_account(a)  # a fresh account object: nothing known of the old one
    st.set_storage(a, 1, 2)
    batch: dict[bytes, bytes] = {}
    st.commit(batch)
    assert PREIMAGE_PREFIX + keccak256(a) in batch
    assert PREIMAGE_PREFIX + keccak256((1).to_bytes(32, "big")) in batch


@pytest.mark.parametrize("fsync", [False, True], ids=["unsynced", "fsync"])
def test_failed_block_write_leaves_no_preimage_out(tmp_path, fsync) -> None:
    faulty = FaultyStore(LevelDBStore(str(tmp_path / "db"), fsync=fsync))
    d = Devnet(faulty, Genesis())
    key = accounts(d)[0].private_key
    deploy = transfer(key, 0, None, value=0, gas=200_000, data=initcode(STORE_RUNTIME)).raw
    run(d, d.send_raw_transaction, deploy)
    contract = run(d, d.receipt, d.chain.db.transactions(d.chain.head.hash)[0].hash) \
        .receipt.contract_address
    fresh_account, call = b"\x77" * 20, (9).to_bytes(32, "big") + (40).to_bytes(32, "big")

    acked = [transfer(key, 1, fresh_account, value=5).raw,
             transfer(key, 2, contract, value=0, gas=100_000, data=call).raw]
    acked += [transfer(key, nonce, fresh_account, value=1).raw for nonce in range(3, 8)]
    # the failed block's commit meets a new account and a new slot: their preimages are lost
    faulty.fail_writes(1)
    with pytest.raises(InjectedWriteError):
        run(d, d.send_raw_transaction, transfer(key, 1, fresh_account, value=5).raw)
    faulty.fail_writes(1)
    with pytest.raises(InjectedWriteError):
        run(d, d.send_raw_transaction,
            transfer(key, 1, contract, value=0, gas=100_000, data=call).raw)
    # ... and the blocks that then make them must write them
    for raw in acked:
        run(d, d.send_raw_transaction, raw)
    head = d.chain.head.hash
    d.shutdown()

    replay = Devnet(MemoryStore(), Genesis())
    for raw in [deploy] + acked:
        run(replay, replay.send_raw_transaction, raw)
    assert replay.chain.head.hash == head
    expected = _stored_preimages(replay.chain.store)
    replay.shutdown()
    assert expected[PREIMAGE_PREFIX + keccak256(fresh_account)] == fresh_account
    assert PREIMAGE_PREFIX + keccak256((41).to_bytes(32, "big")) in expected
    store = LevelDBStore(str(tmp_path / "db"))
    try:
        assert _stored_preimages(store) == expected
    finally:
        store.close()
