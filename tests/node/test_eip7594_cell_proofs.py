"""EIP-7594 (PeerDAS) blob sidecars in the devnet: Osaka's network form
`0x03 || rlp([tx_payload_body, 1, blobs, commitments, cell_proofs])` (128 cell proofs a blob,
built here with ckzg's compute_cells_and_kzg_proofs) is decoded, verified and pooled from Osaka
and refused before it, in geth's words; an EIP-4844 sidecar sent to an Osaka chain is converted
to cell proofs as geth's eth_sendRawTransaction converts it (its blob proofs checked first); bad
cell proofs, a wrong count and a seventh blob change nothing."""
from functools import lru_cache

import ckzg
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.node.tx.blobs import CellProofsInvalid
from pydevnet.node.tx.decode import (BlobSidecar, decode_pooled_transaction, decode_transaction,
                                     network_encoding)
from pydevnet.node.tx.errors import (BlobSidecarMismatch, DecodeError, InvalidBlobProof,
                                     TooManyBlobs)
from pydevnet.state.rlp import decode, encode
from pydevnet.vm.gas import GAS_PER_BLOB
from pydevnet.vm.precompiles.kzg import trusted_setup
from tests.node.blob_helpers import blob_parts, blob_tx
from tests.node.helpers import accounts, make_devnet, run

CELLS = 128  # EIP-7594's CELLS_PER_EXT_BLOB


@lru_cache(maxsize=None)
def cell_proofs(i: int) -> tuple[bytes, ...]:
    """The 128 cell proofs of blob number i, from ckzg."""
    _, proofs = ckzg.compute_cells_and_kzg_proofs(blob_parts(i)[0], trusted_setup())
    return tuple(bytes(p) for p in proofs)


def cell_sidecar(indexes) -> BlobSidecar:
    return BlobSidecar(tuple(blob_parts(i)[0] for i in indexes),
                       tuple(blob_parts(i)[1] for i in indexes),
                       tuple(p for i in indexes for p in cell_proofs(i)), 1)


def cell_raw(key: bytes, nonce: int, blobs=(0,), proofs=None) -> tuple[bytes, bytes]:
    """(tx hash, Osaka network form) of a transaction carrying blobs `blobs`; `proofs`
    replaces the cell proofs."""
    tx, _ = blob_tx(key, nonce, blobs=blobs)
    sc = cell_sidecar(blobs)
    if proofs is not None:
        sc = sc._replace(proofs=tuple(proofs))
    return tx.hash, network_encoding(tx, sc)


def _devnet(fork: str, path=None):
    return make_devnet(path, mining=MiningMode.MANUAL, genesis=Genesis(fork=fork))


@pytest.fixture
def osaka():
    d = _devnet("osaka")
    yield d
    d.shutdown()


def _nothing_entered(d) -> bool:
    return len(d.pool) == 0 and list(d.chain.db.pool_transactions()) == [] \
        and d.chain.head.number == 0


def test_the_version_1_form_decodes_with_its_cell_proofs(osaka):
    key = accounts(osaka)[0].private_key
    tx_hash, raw = cell_raw(key, 0, blobs=(0, 1))
    body = decode(raw[1:])
    assert len(body) == 5 and body[1] == b"\x01" and len(body[4]) == 2 * CELLS
    tx, sidecar = decode_pooled_transaction(raw)
    assert tx.hash == tx_hash and sidecar.version == 1 and len(sidecar.proofs) == 2 * CELLS
    assert network_encoding(tx, sidecar) == raw
    assert decode_transaction(raw).hash == tx_hash


@pytest.mark.parametrize("version,message", [(b"\x02", "unsupported blob tx version 2"),
                                             (b"", "unsupported blob tx version 0"),
                                             (b"\x00\x01", "leading zero")])
def test_a_wrapper_version_other_than_1_is_a_decode_error(osaka, version, message):
    tx, sc = blob_tx(accounts(osaka)[0].private_key, 0)
    raw = b"\x03" + encode([decode(tx.raw[1:]), version, list(sc.blobs), list(sc.commitments),
                            list(cell_proofs(0))])
    with pytest.raises(DecodeError, match=message):
        run(osaka, osaka.send_raw_transaction, raw)
    assert _nothing_entered(osaka)


def test_osaka_pools_the_cell_proof_form_and_mines_the_canonical_one(osaka):
    key = accounts(osaka)[0].private_key
    tx_hash, raw = cell_raw(key, 0, blobs=(0, 1))
    assert run(osaka, osaka.send_raw_transaction, raw) == tx_hash
    assert osaka.store.get(b"p" + tx_hash) == raw  # pooled as sent, sidecar included
    m = run(osaka, osaka.mine_blocks, 1)[0]
    assert [t.hash for t in m.block.transactions] == [tx_hash]
    assert m.block.header.blob_gas_used == 2 * GAS_PER_BLOB
    assert m.block.transactions[0].raw == blob_tx(key, 0, blobs=(0, 1))[0].raw


def test_osaka_converts_an_eip4844_sidecar_to_cell_proofs_as_geth_does(tmp_path):
    d = _devnet("osaka", tmp_path / "db")
    key = accounts(d)[0].private_key
    tx, sc = blob_tx(key, 0, blobs=(2, 3))
    assert sc.version == 0
    tx_hash = run(d, d.send_raw_transaction, network_encoding(tx, sc))
    pooled = d.store.get(b"p" + tx_hash)
    assert pooled == network_encoding(tx, cell_sidecar((2, 3)))  # version 1, ckzg's proofs
    d.shutdown()
    d = _devnet("osaka", tmp_path / "db")  # the converted form survives a restart
    try:
        assert tx_hash in d.pool
        m = run(d, d.mine_blocks, 1)[0]
        assert [t.hash for t in m.block.transactions] == [tx_hash]
    finally:
        d.shutdown()


def test_osaka_refuses_an_eip4844_sidecar_whose_blob_proofs_are_wrong(osaka):
    tx, sc = blob_tx(accounts(osaka)[0].private_key, 0, blobs=(0, 1))
    raw = network_encoding(tx, sc._replace(proofs=sc.proofs[::-1]))
    with pytest.raises(InvalidBlobProof, match="invalid blob proof"):
        run(osaka, osaka.send_raw_transaction, raw)
    assert _nothing_entered(osaka)


def _swapped(proofs):
    p = list(proofs)
    p[3], p[4] = p[4], p[3]
    return p


@pytest.mark.parametrize("proofs,error,message", [
    (lambda: _swapped(cell_proofs(0)), CellProofsInvalid, "KZG verification error"),
    (lambda: cell_proofs(1), CellProofsInvalid, "KZG verification error"),  # another blob's
    (lambda: cell_proofs(0)[:-1], BlobSidecarMismatch,
     "invalid number of 127 blob proofs expected 128"),
    (lambda: blob_parts(0)[2:], BlobSidecarMismatch,  # one blob proof in a version-1 form
     "invalid number of 1 blob proofs expected 128"),
])
def test_bad_cell_proofs_are_refused_and_change_nothing(osaka, proofs, error, message):
    _, raw = cell_raw(accounts(osaka)[0].private_key, 0, proofs=proofs())
    with pytest.raises(error, match=message):
        run(osaka, osaka.send_raw_transaction, raw)
    assert _nothing_entered(osaka)


def test_a_commitment_that_is_not_the_versioned_hashes_is_refused(osaka):
    tx, _ = blob_tx(accounts(osaka)[0].private_key, 0, blobs=(0,))
    raw = network_encoding(tx, cell_sidecar((1,)))
    with pytest.raises(BlobSidecarMismatch, match="blob 0: computed hash"):
        run(osaka, osaka.send_raw_transaction, raw)
    assert _nothing_entered(osaka)


def test_osaka_takes_six_blobs_a_transaction_and_not_seven(osaka):
    a, b = accounts(osaka)[:2]
    _, seven = cell_raw(a.private_key, 0, blobs=range(7))
    with pytest.raises(TooManyBlobs, match="have 7, permitted 6"):
        run(osaka, osaka.send_raw_transaction, seven)
    assert _nothing_entered(osaka)
    tx_hash, six = cell_raw(b.private_key, 0, blobs=range(6))
    assert run(osaka, osaka.send_raw_transaction, six) == tx_hash
    m = run(osaka, osaka.mine_blocks, 1)[0]
    assert m.block.header.blob_gas_used == 6 * GAS_PER_BLOB


def test_prague_keeps_eip4844_sidecars_and_refuses_cell_proofs():
    d = _devnet("prague")
    try:
        key = accounts(d)[0].private_key
        _, raw = cell_raw(key, 0)
        with pytest.raises(BlobSidecarMismatch, match="invalid sidecar version pre-osaka: 1"):
            run(d, d.send_raw_transaction, raw)
        assert _nothing_entered(d)
        tx, sc = blob_tx(key, 0)
        tx_hash = run(d, d.send_raw_transaction, network_encoding(tx, sc))
        assert d.store.get(b"p" + tx_hash) == network_encoding(tx, sc)  # not converted
    finally:
        d.shutdown()
