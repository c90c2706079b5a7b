"""EIP-4844 blob transactions in the devnet: the network form with a verified sidecar is pooled,
the canonical form is mined; each invalid case has its own error and leaves nothing behind;
blocks count blob gas, keep the fork's blob limit and carry the excess; the blob fee is burned.
The block-limit, excess and deferral cases run under Cancun's schedule (target 3, max 6) and
under Osaka's (EIP-7691's target 6, max 9; EIP-7594's 6 blobs a transaction; EIP-7918's
reserve price), their expected numbers worked out from the EIPs beside each."""
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.node.tx.errors import (BlobFeeCapTooLow, BlobHashVersion, BlobSidecarMismatch,
                                     BlobTxCreate, InsufficientFunds, InvalidBlobProof,
                                     MissingBlobHashes, MissingSidecar, TooManyBlobs)
from pydevnet.node.tx.decode import BlobSidecar, network_encoding
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import decode, encode
from tests.node.blob_helpers import UNIT, blob_raw, blob_tx, osaka_raw, sidecar_for
from tests.node.helpers import accounts, make_devnet, run
from pydevnet.vm.gas import GAS_PER_BLOB

ETH = 10 ** 18
G = GAS_PER_BLOB
# Osaka's blob numbers from the EIPs (not from the node): EIP-7691's schedule, EIP-7918's
# reserve (BLOB_BASE_COST gas at the parent's base fee, here the devnet's fixed 25 gwei)
OSAKA_TARGET, OSAKA_MAX, BLOB_BASE_COST = 6 * G, 9 * G, 2 ** 13


@pytest.fixture
def devnet():
    d = make_devnet()
    yield d
    d.shutdown()


@pytest.fixture
def manual():
    d = make_devnet(mining=MiningMode.MANUAL)
    yield d
    d.shutdown()


@pytest.fixture
def cancun():
    d = make_devnet(mining=MiningMode.MANUAL, genesis=Genesis(fork="cancun"))
    yield d
    d.shutdown()


@pytest.fixture
def osaka():
    d = make_devnet(mining=MiningMode.MANUAL, genesis=Genesis(fork="osaka"))
    yield d
    d.shutdown()


def test_the_osaka_reserve_price_binds_on_the_devnet(osaka):
    # what the Osaka expectations below rest on: a blob's BLOB_BASE_COST gas at the base fee
    # is worth more than its blob gas at the lowest blob base fee (EIP-7918's condition)
    assert osaka.chain.head.base_fee == UNIT and osaka.chain.next_blob_base_fee() == 1
    assert BLOB_BASE_COST * UNIT > G * 1


def test_network_form_is_pooled_and_the_canonical_form_mined(devnet):
    key = accounts(devnet)[0].private_key
    tx, sidecar = blob_tx(key, 0, blobs=(0, 1))
    tx_hash = run(devnet, devnet.send_raw_transaction, network_encoding(tx, sidecar))
    assert tx_hash == tx.hash == keccak256(tx.raw)
    block = run(devnet, devnet.block, "latest")
    assert [t.raw for t in block.transactions] == [tx.raw]
    assert block.header.blob_gas_used == 2 * GAS_PER_BLOB and block.header.excess_blob_gas == 0
    view = run(devnet, devnet.receipt, tx.hash)
    assert (view.receipt.status, view.receipt.blob_gas_used) == (1, 2 * GAS_PER_BLOB)


def test_blob_fee_is_burned_and_execution_gas_goes_to_the_coinbase(devnet):
    a = accounts(devnet)[0]
    coinbase = devnet.genesis.coinbase
    before = run(devnet, devnet.balance, a.address, "latest")
    blob_fee = devnet.chain.next_blob_base_fee()
    run(devnet, devnet.send_raw_transaction,
        blob_raw(a.private_key, 0, blobs=(0,), value=5, fee=3 * UNIT, blob_fee=10))
    paid = before - run(devnet, devnet.balance, a.address, "latest")
    assert paid == 5 + 21000 * UNIT + GAS_PER_BLOB * blob_fee  # unit price, not the 3x offered
    assert run(devnet, devnet.balance, coinbase, "latest") == 21000 * UNIT


def _raw_without_sidecar(key):
    return blob_tx(key, 0)[0].raw


def _empty(key):
    tx, _ = blob_tx(key, 0, blobs=(), hashes=[])
    return network_encoding(tx, BlobSidecar((), (), ()))


def _wrong_proofs(key):
    tx, sc = blob_tx(key, 0, blobs=(0, 1))
    return network_encoding(tx, BlobSidecar(sc.blobs, sc.commitments, sc.proofs[::-1]))


def _wrong_blob(key):
    tx, sc = blob_tx(key, 0, blobs=(0,))
    return network_encoding(tx, BlobSidecar(sidecar_for((1,)).blobs, sc.commitments, sc.proofs))


def _wrong_commitment(key):
    tx, _ = blob_tx(key, 0, blobs=(0,))
    return network_encoding(tx, sidecar_for((1,)))


def _bad_version(key):
    tx, sc = blob_tx(key, 0, blobs=(0,))
    bad = b"\x02" + tx.blob_versioned_hashes[0][1:]
    return network_encoding(blob_tx(key, 0, blobs=(0,), hashes=[bad])[0], sc)


@pytest.mark.parametrize("make,error,message", [
    (_raw_without_sidecar, MissingSidecar, "missing sidecar in blob transaction"),
    (_empty, MissingBlobHashes, "blob transaction missing blob hashes"),
    (lambda k: blob_raw(k, 0, blobs=range(7)), TooManyBlobs, "too many blobs in transaction"),
    (lambda k: blob_raw(k, 0, to=None), BlobTxCreate, "blob transaction of type create"),
    (_bad_version, BlobHashVersion, "blob has invalid hash version"),
    (_wrong_commitment, BlobSidecarMismatch, "blob sidecar does not match"),
    (_wrong_proofs, InvalidBlobProof, "invalid blob proof"),
    (_wrong_blob, InvalidBlobProof, "invalid blob proof"),
    (lambda k: blob_raw(k, 0, blob_fee=0), BlobFeeCapTooLow,
     "max fee per blob gas less than block blob gas fee"),
])
def test_invalid_blob_transactions_enter_nothing(manual, make, error, message):
    key = accounts(manual)[0].private_key
    with pytest.raises(error, match=message):
        run(manual, manual.send_raw_transaction, make(key))
    assert len(manual.pool) == 0 and manual.chain.head.number == 0
    assert list(manual.chain.db.pool_transactions()) == []


def test_funds_must_cover_the_blob_gas_at_its_fee_cap(manual):
    a = accounts(manual)[0]
    # exactly gasLimit * maxFeePerGas + value: one wei of blob fee cap short
    run(manual, manual.set_balance, a.address, 21000 * UNIT + 7)
    with pytest.raises(InsufficientFunds, match="want"):
        run(manual, manual.send_raw_transaction, blob_raw(a.private_key, 0, value=7))
    assert len(manual.pool) == 0
    run(manual, manual.set_balance, a.address, 21000 * UNIT + 7 + GAS_PER_BLOB)
    run(manual, manual.send_raw_transaction, blob_raw(a.private_key, 0, value=7))
    assert len(manual.pool) == 1


def test_seven_blobs_take_two_blocks_and_the_excess_grows(cancun):
    manual = cancun  # Cancun's schedule: target 3, max 6 blobs a block
    senders = accounts(manual)[:3]
    # 3 + 2 + 2 blobs: the third tx does not fit block 1 and waits for block 2
    for n, (acct, blobs) in enumerate(zip(senders, ((0, 1, 2), (3, 4), (5, 6)))):
        run(manual, manual.send_raw_transaction, blob_raw(acct.private_key, 0, blobs=blobs))
    first = run(manual, manual.mine_blocks, 1)[0]
    assert first.block.header.blob_gas_used == 5 * GAS_PER_BLOB
    assert first.rejected == [] and len(manual.pool) == 1
    second = run(manual, manual.mine_blocks, 1)[0]
    assert second.block.header.blob_gas_used == 2 * GAS_PER_BLOB
    assert second.block.header.excess_blob_gas == 2 * GAS_PER_BLOB  # 0 + 5 - 3 blobs
    third = run(manual, manual.mine_blocks, 1)[0]
    assert third.block.header.excess_blob_gas == GAS_PER_BLOB  # 2 + 2 - 3
    fourth = run(manual, manual.mine_blocks, 1)[0]
    assert fourth.block.header.excess_blob_gas == 0


def test_osaka_blocks_fill_at_nine_blobs_and_the_excess_grows_by_the_reserve_rule(osaka):
    senders = accounts(osaka)[:4]
    # 6 + 3 blobs fill block 1 (max 9); the 2- and 6-blob transactions wait for block 2
    for acct, blobs in zip(senders, ((0, 1, 2, 3, 4, 5), (0, 1, 2), (3, 4), range(6))):
        run(osaka, osaka.send_raw_transaction, osaka_raw(acct.private_key, 0, blobs=blobs))
    first = run(osaka, osaka.mine_blocks, 1)[0]
    assert first.block.header.blob_gas_used == OSAKA_MAX and first.block.header.excess_blob_gas == 0
    assert [t.sender for t in first.block.transactions] == [s.address for s in senders[:2]]
    assert first.rejected == [] and len(osaka.pool) == 2
    second = run(osaka, osaka.mine_blocks, 1)[0]
    assert [t.sender for t in second.block.transactions] == [s.address for s in senders[2:]]
    assert second.block.header.blob_gas_used == 8 * G
    # EIP-7918, the reserve binding: 0 + 9 blobs x (9 - 6) / 9 = 3 blobs (EIP-4844's 9 - 6 too)
    assert second.block.header.excess_blob_gas == 3 * G
    third = run(osaka, osaka.mine_blocks, 1)[0]
    # 3 blobs + 8 blobs x 3 / 9 (floored): it grows where EIP-4844's 3 + 8 - 6 = 5 blobs would not
    assert third.block.header.excess_blob_gas == 3 * G + 8 * G * 3 // 9 == 742741
    assert third.block.header.blob_gas_used == 0 and len(osaka.pool) == 0
    fourth = run(osaka, osaka.mine_blocks, 1)[0]
    assert 742741 + 0 < OSAKA_TARGET and fourth.block.header.excess_blob_gas == 0


def test_a_deferred_senders_later_nonces_wait_too(cancun):
    manual = cancun  # Cancun's max: 6 blobs a block
    a, b = accounts(manual)[:2]
    run(manual, manual.send_raw_transaction, blob_raw(b.private_key, 0, blobs=range(5)))
    run(manual, manual.send_raw_transaction, blob_raw(a.private_key, 0, blobs=(5, 6)))
    run(manual, manual.send_raw_transaction, blob_raw(a.private_key, 1, blobs=(0,)))
    first = run(manual, manual.mine_blocks, 1)[0]
    assert [t.sender for t in first.block.transactions] == [b.address]
    assert first.rejected == [] and len(manual.pool) == 2
    second = run(manual, manual.mine_blocks, 1)[0]
    assert [t.nonce for t in second.block.transactions] == [0, 1]
    assert second.block.header.blob_gas_used == 3 * GAS_PER_BLOB


def test_osaka_a_deferred_senders_later_nonces_wait_too(osaka):
    a, b = accounts(osaka)[:2]
    run(osaka, osaka.send_raw_transaction, osaka_raw(b.private_key, 0, blobs=range(6)))
    run(osaka, osaka.send_raw_transaction, osaka_raw(a.private_key, 0, blobs=(0, 1, 2, 3)))
    # 6 + 3 would fill the block exactly (max 9), but a's nonce 0 did not fit, so nonce 1 waits
    run(osaka, osaka.send_raw_transaction, osaka_raw(a.private_key, 1, blobs=(4, 5, 0)))
    first = run(osaka, osaka.mine_blocks, 1)[0]
    assert [t.sender for t in first.block.transactions] == [b.address]
    assert first.rejected == [] and len(osaka.pool) == 2
    assert first.block.header.blob_gas_used == 6 * G
    second = run(osaka, osaka.mine_blocks, 1)[0]
    assert [(t.sender, t.nonce) for t in second.block.transactions] == [(a.address, 0),
                                                                       (a.address, 1)]
    assert second.block.header.blob_gas_used == 7 * G
    assert second.block.header.excess_blob_gas == 6 * G * 3 // 9  # at the target: 7918 grows it


def test_pooled_blob_tx_keeps_its_sidecar_across_a_restart(tmp_path):
    # EIP-4844's form is pooled as sent before Osaka (Osaka converts it: test_eip7594_*)
    d = make_devnet(tmp_path / "db", mining=MiningMode.MANUAL, genesis=Genesis(fork="prague"))
    key = accounts(d)[0].private_key
    raw = blob_raw(key, 0, blobs=(0,))
    tx_hash = run(d, d.send_raw_transaction, raw)
    assert d.store.get(b"p" + tx_hash) == raw  # the network form, sidecar included
    d.shutdown()
    d = make_devnet(tmp_path / "db", mining=MiningMode.MANUAL, genesis=Genesis(fork="prague"))
    try:
        assert tx_hash in d.pool
        m = run(d, d.mine_blocks, 1)[0]
        assert [t.hash for t in m.block.transactions] == [tx_hash]
        assert m.block.header.blob_gas_used == GAS_PER_BLOB
        assert d.store.get(b"p" + tx_hash) is None
    finally:
        d.shutdown()


@pytest.mark.parametrize("fork,make_raw,txs,blocks,excess", [
    # blocks of 6, 1 and 0 blobs: the third's excess is 0 + (6 - 3) + (1 - 3) = 1 blob
    ("cancun", blob_raw, ((0, 1, 2, 3), (4, 5), (0,)), 3, G),
    # blocks of 9, 8 and 0 blobs (the 6-blob nonce 2 waits): the second's excess is
    # 9 x 3 / 9 = 3 blobs, the third's 3 blobs + 8 blobs x 3 / 9 under EIP-7918's reserve
    ("osaka", osaka_raw, (range(6), (0, 1, 2), range(6), (3, 4)), 3, 3 * G + 8 * G * 3 // 9),
])
def test_blob_blocks_are_deterministic(fork, make_raw, txs, blocks, excess):
    heads = []
    for _ in range(2):
        d = make_devnet(mining=MiningMode.MANUAL, genesis=Genesis(fork=fork))
        try:
            key = accounts(d)[0].private_key
            for nonce, blobs in enumerate(txs):
                run(d, d.send_raw_transaction, make_raw(key, nonce, blobs=blobs))
            run(d, d.mine_blocks, blocks)
            assert len(d.pool) == 0
            heads.append((d.chain.head.hash, d.chain.head.excess_blob_gas))
        finally:
            d.shutdown()
    assert heads[0] == heads[1] and heads[0][1] == excess


def test_osaka_cell_proof_wrapper_is_refused_before_osaka():
    d = make_devnet(genesis=Genesis(fork="prague"))  # EIP-7594's wrapper: Osaka's only
    try:
        tx, sc = blob_tx(accounts(d)[0].private_key, 0)
        raw = b"\x03" + encode([decode(tx.raw[1:]), b"\x01", list(sc.blobs),
                                list(sc.commitments), list(sc.proofs) * 128])
        with pytest.raises(BlobSidecarMismatch, match="invalid sidecar version pre-osaka: 1"):
            run(d, d.send_raw_transaction, raw)
        assert len(d.pool) == 0
    finally:
        d.shutdown()
