"""The transaction pool: pending vs queued by nonce, gap filling, replacement, ordering."""
import pytest

from pydevnet.node.accounts import dev_accounts
from pydevnet.node.pool import ReplacementUnderpriced, TxPool
from tests.node.helpers import UNIT, transfer

A, B = dev_accounts(count=2)
TO = bytes(19) + b"\x01"


def test_gap_waits_in_queue_until_filled():
    pool = TxPool()
    t0, t1, t2 = (transfer(A.private_key, n, TO) for n in range(3))
    pool.add(t2)
    nonce = {A.address: 0}.get
    assert pool.executable(nonce) == []
    assert pool.split(nonce) == ([], [t2])
    pool.add(t0)
    assert pool.executable(nonce) == [t0]
    pool.add(t1)
    assert pool.executable(nonce) == [t0, t1, t2]
    assert pool.pending_nonce(A.address, 0) == 3


def test_arrival_order_across_senders_nonce_order_within():
    pool = TxPool()
    a1 = transfer(A.private_key, 1, TO)
    b0 = transfer(B.private_key, 0, TO)
    a0 = transfer(A.private_key, 0, TO)
    for t in (a1, b0, a0):
        pool.add(t)
    nonces = {A.address: 0, B.address: 0}.get
    assert pool.executable(nonces) == [b0, a0, a1]


def test_replacement_needs_ten_percent_bump():
    pool = TxPool()
    old = transfer(A.private_key, 0, TO, fee=UNIT)
    pool.add(old)
    with pytest.raises(ReplacementUnderpriced):
        pool.add(transfer(A.private_key, 0, TO, value=2, fee=UNIT * 105 // 100))
    new = transfer(A.private_key, 0, TO, value=2, fee=UNIT * 110 // 100)
    assert pool.add(new) is old
    assert old.hash not in pool and new.hash in pool and len(pool) == 1
    nonce = {A.address: 0}.get  # the sender's only transaction replaced: still executable
    assert pool.executable(nonce) == [new] and pool.split(nonce) == ([new], [])


def test_prune_drops_used_nonces():
    pool = TxPool()
    t0, t1 = transfer(A.private_key, 0, TO), transfer(A.private_key, 1, TO)
    pool.add(t0)
    pool.add(t1)
    assert pool.prune({A.address: 1}.get) == [t0]
    assert list(pool.all()) == [t1]
