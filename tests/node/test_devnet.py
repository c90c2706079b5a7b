"""The devnet: automine, the fixed unit price, deterministic blocks, persistence, validation."""
import hashlib

import pytest

from pydevnet.node.chain.blocks import EMPTY_OMMERS_HASH, Header, receipts_root, transactions_root
from pydevnet.node.chain.chain import GenesisMismatch
from pydevnet.node.config import Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.node.tx.errors import (AlreadyKnown, FeeTooLow, GasLimitExceeded, InsufficientFunds,
                                     IntrinsicGasTooLow, InvalidSignature, NonceTooLow,
                                     TxGasLimitTooHigh, WrongChainId)
from pydevnet.node.queries import PENDING
from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.rlp import encode
from tests.node.helpers import UNIT, accounts, make_devnet, run, transfer

ETH = 10 ** 18
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def devnet():
    d = make_devnet()
    yield d
    d.shutdown()


def test_automine_one_block_per_transaction_and_exact_fees(devnet):
    a, b = accounts(devnet)[:2]
    coinbase = devnet.genesis.coinbase
    before = run(devnet, devnet.balance, a.address, "latest")
    for n, t in enumerate((0, 1, 2)):  # legacy, EIP-2930, EIP-1559
        tx = transfer(a.private_key, n, b.address, value=ETH, tx_type=t, fee=UNIT * 3)
        run(devnet, devnet.submit, tx)
        assert devnet.chain.head.number == n + 1
        r = run(devnet, devnet.receipt, tx.hash)
        assert (r.receipt.status, r.receipt.gas_used, r.receipt.effective_gas_price) == \
            (1, 21000, UNIT)
    after = run(devnet, devnet.balance, a.address, "latest")
    assert before - after == 3 * ETH + 3 * 21000 * UNIT  # offered 3x the unit price, paid 1x
    assert run(devnet, devnet.balance, coinbase, "latest") == 3 * 21000 * UNIT


def test_block_header_rules(devnet):
    a, b = accounts(devnet)[:2]
    genesis = devnet.chain.head
    tx = transfer(a.private_key, 0, b.address)
    run(devnet, devnet.submit, tx)
    h = devnet.chain.head
    assert h.parent_hash == genesis.hash
    assert h.timestamp == genesis.timestamp + devnet.genesis.block_period
    assert h.mix_hash == keccak256(genesis.hash)
    assert h.base_fee == devnet.unit_price
    # the default fork (Osaka): parentBeaconBlockRoot is keccak256 of the parent hash (no
    # beacon chain; a Cancun chain's zero root: test_eip4788_beacon_root) and a block without
    # EIP-7685 requests commits to sha256(b"")
    assert (h.ommers_hash, h.withdrawals_root, h.blob_gas_used, h.excess_blob_gas,
            h.parent_beacon_block_root, h.requests_hash, h.difficulty) == \
        (EMPTY_OMMERS_HASH, EMPTY_TRIE_ROOT, 0, 0, keccak256(genesis.hash),
         hashlib.sha256(b"").digest(), 0)
    assert h.hash == keccak256(h.encode()) == Header.decode(h.encode()).hash
    assert h.transactions_root == transactions_root([tx.raw])
    receipts = [v.receipt for v in run(devnet, devnet.block_receipts, h)]
    assert h.receipts_root == receipts_root(receipts)
    assert len(h.encode()) > 500 and keccak256(encode([])) == EMPTY_OMMERS_HASH


def _mine_script(d):
    a, b, c = accounts(d)[:3]
    for n in range(5):
        run(d, d.submit, transfer(a.private_key, n, b.address, value=n + 1))
        run(d, d.submit, transfer(b.private_key, n, c.address, value=7, tx_type=n % 3))
    return [d.chain.header_by_number(n).hash for n in range(d.chain.head.number + 1)]


def test_same_genesis_same_transactions_same_hashes(tmp_path):
    d1, d2 = make_devnet(tmp_path / "one"), make_devnet(tmp_path / "two")
    try:
        assert _mine_script(d1) == _mine_script(d2)
    finally:
        d1.shutdown()
        d2.shutdown()


def test_restart_resumes_with_blocks_receipts_balances(tmp_path):
    d = make_devnet(tmp_path / "db")
    hashes = _mine_script(d)
    a, b = accounts(d)[:2]
    bal = run(d, d.balance, b.address, "latest")
    last_tx = run(d, d.block, "latest").transactions[0]
    d.shutdown()
    d = make_devnet(tmp_path / "db")
    try:
        assert [d.chain.header_by_number(n).hash for n in range(len(hashes))] == hashes
        assert run(d, d.balance, b.address, "latest") == bal
        assert run(d, d.receipt, last_tx.hash).receipt.status == 1
        run(d, d.submit, transfer(a.private_key, 5, b.address))  # the nonce carried over
        assert d.chain.head.number == len(hashes)
    finally:
        d.shutdown()


def test_pending_transaction_survives_restart(tmp_path):
    d = make_devnet(tmp_path / "db", mining=MiningMode.MANUAL)
    a, b = accounts(d)[:2]
    tx = transfer(a.private_key, 0, b.address)
    run(d, d.submit, tx)
    assert d.chain.head.number == 0 and run(d, d.nonce, a.address, PENDING) == 1
    d.shutdown()
    d = make_devnet(tmp_path / "db", mining=MiningMode.MANUAL)
    try:
        assert run(d, d.transaction, tx.hash).header is None
        run(d, d.mine_blocks, 1)
        assert run(d, d.receipt, tx.hash).header.number == 1
    finally:
        d.shutdown()


def test_other_genesis_refuses_the_data_dir(tmp_path):
    make_devnet(tmp_path / "db").shutdown()
    with pytest.raises(GenesisMismatch, match="genesis"):
        make_devnet(tmp_path / "db", genesis=Genesis(chain_id=5))


def test_nonce_gap_queues_then_mines_in_order(devnet):
    a, b = accounts(devnet)[:2]
    t1, t2 = transfer(a.private_key, 1, b.address), transfer(a.private_key, 2, b.address)
    run(devnet, devnet.submit, t2)
    run(devnet, devnet.submit, t1)
    assert devnet.chain.head.number == 0
    run(devnet, devnet.submit, transfer(a.private_key, 0, b.address))
    assert devnet.chain.head.number == 3
    assert [run(devnet, devnet.receipt, t.hash).header.number for t in (t1, t2)] == [2, 3]


@pytest.mark.parametrize("make,error", [
    (lambda a, b: transfer(a.private_key, 0, b, chain_id=1), WrongChainId),
    (lambda a, b: transfer(a.private_key, 0, b, fee=UNIT - 1), FeeTooLow),
    (lambda a, b: transfer(a.private_key, 0, b, gas=20999), IntrinsicGasTooLow),
    # the block gas limit of the devnet below (10M, under EIP-7825's 2**24 cap so that the
    # block's check is reached), and the cap itself checked first
    (lambda a, b: transfer(a.private_key, 0, b, gas=10_000_001), GasLimitExceeded),
    (lambda a, b: transfer(a.private_key, 0, b, gas=2**24 + 1), TxGasLimitTooHigh),
    (lambda a, b: transfer(a.private_key, 0, b, value=10 ** 30), InsufficientFunds),
    (lambda a, b: transfer(a.private_key, 0, b).replace(s=SECP256K1_N - 1), InvalidSignature),
])
def test_invalid_transactions_change_nothing(make, error):
    devnet = make_devnet(genesis=Genesis(gas_limit=10_000_000))
    try:
        _rejected_changes_nothing(devnet, make, error)
    finally:
        devnet.shutdown()


def _rejected_changes_nothing(devnet, make, error):
    a, b = accounts(devnet)[:2]
    root = devnet.chain.head.state_root
    try:
        tx = make(a, b.address)
    except error:
        return  # rejected while being built (e.g. a malformed signature)
    with pytest.raises(error):
        run(devnet, devnet.submit, tx)
    assert devnet.chain.head.number == 0 and devnet.chain.head.state_root == root
    assert len(devnet.pool) == 0


def test_used_nonce_and_duplicate(devnet):
    a, b = accounts(devnet)[:2]
    tx = transfer(a.private_key, 0, b.address)
    run(devnet, devnet.submit, tx)
    with pytest.raises(AlreadyKnown):
        run(devnet, devnet.submit, tx)
    with pytest.raises(NonceTooLow):
        run(devnet, devnet.submit, transfer(a.private_key, 0, b.address, value=2))
    assert devnet.chain.head.number == 1


def test_pending_block_is_executed_not_persisted():
    d = make_devnet(mining=MiningMode.MANUAL)
    try:
        a, b = accounts(d)[:2]
        tx = transfer(a.private_key, 0, b.address)
        run(d, d.submit, tx)
        m = run(d, d.pending_block)
        assert m.block.number == 1 and m.block.transactions == [tx]
        assert m.block.header.gas_used == 21000 and m.receipts[0].status == 1
        assert m.block.header.state_root != d.chain.head.state_root
        assert d.chain.head.number == 0 and run(d, d.balance, b.address, "latest") == 10**22
    finally:
        d.shutdown()


def test_dev_timestamps_must_move_forward(devnet):
    from pydevnet.node.chain.chain import InvalidTimestamp
    head = devnet.chain.head.timestamp
    with pytest.raises(InvalidTimestamp):
        run(devnet, devnet.set_next_timestamp, head)
    with pytest.raises(InvalidTimestamp):
        run(devnet, devnet.mine_blocks, 1, head - 5)
    run(devnet, devnet.set_next_timestamp, head + 100)
    run(devnet, devnet.mine_blocks, 1)
    assert devnet.chain.head.timestamp == head + 100
    run(devnet, devnet.increase_time, 50)
    run(devnet, devnet.mine_blocks, 2)
    assert devnet.chain.head.timestamp == head + 100 + 51 + 1


def test_estimate_with_unpayable_value_says_insufficient_funds(devnet):
    from pydevnet.node.calls import CallRequest, InsufficientFundsForTransfer
    a, b = accounts(devnet)[:2]
    req = CallRequest(sender=a.address, to=b.address, value=10 ** 30)
    with pytest.raises(InsufficientFundsForTransfer, match="insufficient funds for transfer"):
        run(devnet, devnet.estimate, req, "latest")
    assert run(devnet, devnet.estimate, CallRequest(sender=a.address, to=b.address, value=1),
               "latest") == 21000


def test_filter_logs_resolve_latest_when_queried():
    from pydevnet.node.config import AllocAccount
    from pydevnet.node.filters import LogFilter
    emitter = bytes.fromhex("ee" * 20)
    g = Genesis()
    g.alloc[emitter] = AllocAccount(code=bytes.fromhex("60006000a000"))  # LOG0 of nothing
    d = make_devnet(genesis=g)
    try:
        a = accounts(d)[0]
        for n in range(2):
            run(d, d.submit, transfer(a.private_key, n, emitter, value=0, gas=30000))
        fid = run(d, d.new_log_filter, LogFilter(addresses={emitter}))  # from/to: latest
        run(d, d.submit, transfer(a.private_key, 2, emitter, value=0, gas=30000))
        run(d, d.submit, transfer(a.private_key, 3, bytes(20), value=0))  # a block, no log
        assert run(d, d.logs, run(d, d.filter_criteria, fid)) == []  # latest: block 4, no log
        changes = d.filters.poll(fid)
        assert [e.block_number for e in changes] == [3]  # only what came after installing
        everything = run(d, d.logs, LogFilter(0, "latest", {emitter}))
        assert [e.block_number for e in everything] == [1, 2, 3]
    finally:
        d.shutdown()
