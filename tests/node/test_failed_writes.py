"""A write that fails (full disk, I/O error) leaves the running node consistent: the block is not
acknowledged, the cached head state is dropped, and nothing of the lost block (a transaction, a
state change, a trie node marked stored but never written) reaches the next one.

The check: after the failure, the node goes on, and its chain is hash for hash the chain a fresh
node builds from the acknowledged transactions alone; a restart from disk reads every account.
The LevelDB cases run with both durability policies: unsynced writes (the default) and --fsync.
"""
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import Devnet, MiningMode
from pydevnet.state.store import LevelDBStore, MemoryStore
from tests.node.faults import FaultyStore, InjectedWriteError
from tests.node.helpers import accounts, run, transfer
from tests.rpc.helpers import initcode

# stores calldata word 0 at slot 1 + (calldata word 1): every call writes a fresh slot
STORE_RUNTIME = bytes.fromhex("6000356020356001015500")


def _devnet(store, mining=MiningMode.AUTO) -> Devnet:
    return Devnet(store, Genesis(), mining=mining)


def _replay(raws: list[bytes], mining=MiningMode.AUTO) -> Devnet:
    """A fresh in-memory node fed only `raws`, one block each."""
    d = _devnet(MemoryStore(), mining)
    for raw in raws:
        run(d, d.send_raw_transaction, raw)
        if mining is MiningMode.MANUAL:
            run(d, d.mine_blocks, 1)
    return d


def _deploy_raw(key: bytes, nonce: int) -> bytes:
    return transfer(key, nonce, None, value=0, gas=200_000, data=initcode(STORE_RUNTIME)).raw


@pytest.mark.parametrize("fsync", [False, True], ids=["unsynced", "fsync"])
def test_failed_block_write_in_automine(tmp_path, fsync) -> None:
    faulty = FaultyStore(LevelDBStore(str(tmp_path / "db"), fsync=fsync))
    d = _devnet(faulty)
    key = accounts(d)[0].private_key
    acked = [_deploy_raw(key, 0)]
    run(d, d.send_raw_transaction, acked[0])
    contract = run(d, d.receipt, d.chain.db.transactions(d.chain.head.hash)[0].hash) \
        .receipt.contract_address
    call = (7).to_bytes(32, "big") + (1).to_bytes(32, "big")
    acked.append(transfer(key, 1, contract, value=0, gas=100_000, data=call).raw)
    run(d, d.send_raw_transaction, acked[-1])
    head = d.chain.head

    lost = transfer(key, 2, contract, value=5, gas=100_000,
                    data=(9).to_bytes(32, "big") + (2).to_bytes(32, "big"))
    faulty.fail_writes(1)
    with pytest.raises(InjectedWriteError):
        run(d, d.send_raw_transaction, lost.raw)
    assert d.chain.head.hash == head.hash
    assert lost.hash not in d.pool and run(d, d.transaction, lost.hash) is None
    assert run(d, d.storage, contract, 3, "latest") == 0  # the lost call's slot
    assert run(d, d.nonce, accounts(d)[0].address, "pending") == 2

    # the same nonce again, with other effects: the next block holds only what was acknowledged
    acked.append(transfer(key, 2, contract, value=0, gas=100_000,
                          data=(11).to_bytes(32, "big") + (4).to_bytes(32, "big")).raw)
    run(d, d.send_raw_transaction, acked[-1])
    assert run(d, d.storage, contract, 5, "latest") == 11
    assert run(d, d.storage, contract, 3, "latest") == 0
    assert run(d, d.balance, contract, "latest") == 0
    fresh = _replay(acked)
    assert d.chain.head.hash == fresh.chain.head.hash
    final = d.chain.head.hash
    d.shutdown()

    d = _devnet(LevelDBStore(str(tmp_path / "db"), fsync=fsync))  # every block's nodes are there
    assert d.chain.head.hash == final
    for n in range(d.chain.head.number + 1):
        h = d.chain.header_by_number(n)
        st = d.chain.state_at(h)
        st.get_balance(accounts(d)[0].address), st.get_storage(contract, 2)
    assert run(d, d.storage, contract, 2, "latest") == 7
    d.shutdown()


@pytest.mark.parametrize("fsync", [False, True], ids=["unsynced", "fsync"])
def test_failed_write_with_pooled_transactions(tmp_path, fsync) -> None:
    faulty = FaultyStore(LevelDBStore(str(tmp_path / "db"), fsync=fsync))
    d = _devnet(faulty, MiningMode.MANUAL)
    key = accounts(d)[0].private_key
    first = transfer(key, 0, b"\x01" * 20, value=1)
    run(d, d.send_raw_transaction, first.raw)  # acknowledged: pooled and persisted

    faulty.fail_writes(1)
    with pytest.raises(InjectedWriteError):  # the block write fails: the tx stays pending
        run(d, d.mine_blocks, 1)
    assert d.chain.head.number == 0 and first.hash in d.pool

    faulty.fail_writes(1)
    second = transfer(key, 1, b"\x02" * 20, value=2)
    with pytest.raises(InjectedWriteError):  # its pool record fails: not acknowledged, not kept
        run(d, d.send_raw_transaction, second.raw)
    assert second.hash not in d.pool

    run(d, d.mine_blocks, 1)
    assert [t.hash for t in d.chain.db.transactions(d.chain.head.hash)] == [first.hash]
    assert d.chain.head.hash == _replay([first.raw], MiningMode.MANUAL).chain.head.hash
    d.shutdown()
    d = _devnet(LevelDBStore(str(tmp_path / "db"), fsync=fsync), MiningMode.MANUAL)
    assert d.pool.all() == [] and d.chain.head.number == 1
    d.shutdown()


def test_failed_setter_write_changes_nothing() -> None:
    faulty = FaultyStore(MemoryStore())
    d = _devnet(faulty)
    addr = b"\x05" * 20
    faulty.fail_writes(1)
    with pytest.raises(InjectedWriteError):
        run(d, d.set_balance, addr, 123)
    assert run(d, d.balance, addr, "latest") == 0
    key = accounts(d)[0].private_key
    run(d, d.send_raw_transaction, transfer(key, 0, addr, value=1).raw)
    assert run(d, d.balance, addr, "latest") == 1
    d.shutdown()
