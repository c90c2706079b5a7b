"""The pool's size limit, geth's: 128 KiB for a transaction's canonical encoding (legacypool
txMaxSize), 1 MiB for a blob transaction's network form with its sidecar (blobpool txMaxSize),
refused with "oversized data"; decoding for blocks and state tests is not limited."""
import pytest

from pydevnet.node.tx.errors import OversizedData
from pydevnet.node.calls import CallRequest
from pydevnet.node.tx.decode import (POOL_BLOB_TX_MAX_SIZE, POOL_TX_MAX_SIZE, check_pool_size,
                                     decode_pooled_transaction, decode_transaction,
                                     network_encoding)
from pydevnet.node.pool import TxPool
from tests.node.blob_helpers import blob_tx
from tests.node.helpers import accounts, make_devnet, run, transfer

TO = b"\xbb" * 20
KIB = 1024


def _sized(key: bytes, size: int, nonce: int = 0):
    """A signed EIP-1559 transaction whose canonical encoding is exactly `size` bytes (the
    signature's r and s may lose a leading zero byte, so the data length is adjusted)."""
    length = size - 200
    for _ in range(20):
        tx = transfer(key, nonce, TO, data=b"\x01" * length, gas=3_000_000)
        if len(tx.raw) == size:
            return tx
        length += size - len(tx.raw)
    raise AssertionError(f"no transaction of exactly {size} bytes")


def test_limits_are_geths():
    assert POOL_TX_MAX_SIZE == 4 * 32 * 1024 == 131072
    assert POOL_BLOB_TX_MAX_SIZE == 1024 * 1024


def test_raw_transaction_over_128_kib_is_oversized_data():
    key = accounts(make_devnet())[0].private_key
    at_limit, over = _sized(key, POOL_TX_MAX_SIZE), _sized(key, POOL_TX_MAX_SIZE + 1)
    assert decode_pooled_transaction(at_limit.raw)[0] == at_limit
    with pytest.raises(OversizedData) as e:
        decode_pooled_transaction(over.raw)
    assert str(e.value) == f"oversized data: transaction size {POOL_TX_MAX_SIZE + 1}, " \
                           f"limit {POOL_TX_MAX_SIZE}"
    # a policy of the pool, not a consensus rule: blocks may carry it
    assert decode_transaction(over.raw) == over


def test_pool_refuses_what_the_node_signs_itself():
    key = accounts(make_devnet())[0].private_key
    pool = TxPool()
    with pytest.raises(OversizedData):
        pool.add(_sized(key, POOL_TX_MAX_SIZE + 1))
    assert len(pool) == 0
    pool.add(_sized(key, POOL_TX_MAX_SIZE))
    assert len(pool) == 1


def test_blob_transaction_is_measured_with_its_sidecar_against_1_mib():
    key = accounts(make_devnet())[0].private_key
    # 200 KB of calldata: over the 128 KiB limit, within the blob pool's
    tx, sidecar = blob_tx(key, 0, data=b"\x01" * (200 * KIB), gas=4_000_000)
    raw = network_encoding(tx, sidecar)
    assert POOL_TX_MAX_SIZE < len(raw) < POOL_BLOB_TX_MAX_SIZE
    assert decode_pooled_transaction(raw)[0] == tx
    check_pool_size(len(tx.raw), tx.type)
    # the sidecar counts: a body that fits alone is oversized with its blob
    body = POOL_BLOB_TX_MAX_SIZE - 120 * KIB
    tx, sidecar = blob_tx(key, 0, data=b"\x01" * body, gas=20_000_000)
    raw = network_encoding(tx, sidecar)
    assert len(tx.raw) < POOL_BLOB_TX_MAX_SIZE < len(raw)
    with pytest.raises(OversizedData, match=f"limit {POOL_BLOB_TX_MAX_SIZE}"):
        decode_pooled_transaction(raw)


DATA_GAS = 6_000_000


def test_devnet_refuses_140_kb_and_takes_100_kb():
    # gas above EIP-7623's calldata floor of 140 KB of non-zero bytes (21,000 + 40 per byte =
    # 5,621,000, from Prague), so only the size can refuse them
    d = make_devnet()
    a, b = accounts(d)[:2]
    big = transfer(a.private_key, 0, TO, data=b"\x01" * (140 * 1000), gas=DATA_GAS)
    with pytest.raises(OversizedData):
        run(d, d.send_raw_transaction, big.raw)
    ok = transfer(a.private_key, 0, TO, data=b"\x01" * (100 * 1000), gas=DATA_GAS)
    assert run(d, d.send_raw_transaction, ok.raw) == ok.hash
    assert run(d, d.is_mined, ok.hash)  # automine
    # eth_sendTransaction's path: signed by the node, refused by the pool
    req = CallRequest(sender=b.address, to=TO, data=b"\x01" * (140 * 1000), gas=DATA_GAS)
    with pytest.raises(OversizedData):
        run(d, d.send_transaction, req)
    d.shutdown()
