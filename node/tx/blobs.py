"""EIP-4844 and EIP-7594 at the node: verifying a blob transaction's sidecar before it enters the
pool.

The network form carries, per versioned hash, a blob and its KZG commitment, and proofs: one KZG
proof per blob (sidecar version 0, EIP-4844) or, from Osaka, CELLS_PER_EXT_BLOB cell proofs per
blob (version 1, EIP-7594 PeerDAS: the blob extended to 128 cells, each with its proof). The pool
accepts it only if the counts agree, every versioned hash is kzg_to_versioned_hash of its
commitment (decode.check_sidecar_hashes) and the proofs show each blob matches its commitment
(ckzg's batch verification, of blobs or of cells, against the mainnet trusted setup the 0x0a
precompile loads).

Which version a fork takes is geth's rule: before Osaka only version 0 ("invalid sidecar version
pre-osaka: 1"); from Osaka only version 1, but eth_sendRawTransaction converts a version-0
sidecar first (geth's BlobTxSidecar.ToV1: the cell proofs computed from the blobs), so wallets
that still build EIP-4844 sidecars keep working. geth drops the blob proofs it replaces unchecked;
here they are verified before they are dropped, so a wrong proof is an error in every fork rather
than a field silently ignored. The pool keeps the converted form. The block keeps only the
canonical form; the blob gas rules of a block are node/chain/transition.py's and
node/chain/chain.py's.
"""
import ckzg

from pydevnet.node.tx.errors import BlobSidecarMismatch, InvalidBlobProof
from pydevnet.node.tx.decode import (CELLS_PER_EXT_BLOB, SIDECAR_VERSION_BLOB_PROOFS,
                                     SIDECAR_VERSION_CELL_PROOFS, BlobSidecar,
                                     check_sidecar_hashes)
from pydevnet.node.tx.types import Transaction
from pydevnet.vm.gas import GAS_PER_BLOB
from pydevnet.vm.precompiles.kzg import trusted_setup
from pydevnet.vm.spec import Spec

PEERDAS = 7594  # the EIP whose fork takes cell proofs


class SidecarVersionPreOsaka(BlobSidecarMismatch):
    """An EIP-7594 (cell proof) sidecar before Osaka."""

    message = "invalid sidecar version pre-osaka"  # geth's wording


class SidecarVersionPostOsaka(BlobSidecarMismatch):
    """An EIP-4844 (blob proof) sidecar in the pool of an Osaka chain (submission converts it)."""

    message = "invalid sidecar version post-osaka"  # geth's wording


class CellProofsInvalid(InvalidBlobProof):
    """EIP-7594 cell proofs that do not show the blobs' cells match the commitments."""

    message = "KZG verification error"  # geth's ErrKZGVerificationError


def blob_gas(tx: Transaction) -> int:
    """The blob gas a transaction uses: GAS_PER_BLOB per versioned hash (0 for other types)."""
    return GAS_PER_BLOB * len(tx.blob_versioned_hashes)


def sidecar_version(spec: Spec) -> int:
    """The sidecar version a chain of `spec` pools: 1 (cell proofs) from Osaka, else 0."""
    return SIDECAR_VERSION_CELL_PROOFS if spec.has(PEERDAS) else SIDECAR_VERSION_BLOB_PROOFS


def for_fork(tx: Transaction, sidecar: BlobSidecar, spec: Spec) -> BlobSidecar:
    """The sidecar as eth_sendRawTransaction pools it under `spec`: a version-0 sidecar on an
    Osaka chain is checked (hashes and blob proofs) and converted to cell proofs; anything
    else is returned as it came, for verify_sidecar."""
    if sidecar.version != SIDECAR_VERSION_BLOB_PROOFS or not spec.has(PEERDAS):
        return sidecar
    check_sidecar_hashes(tx, sidecar)
    _verify_blob_proofs(sidecar)
    return with_cell_proofs(sidecar)


def with_cell_proofs(sidecar: BlobSidecar) -> BlobSidecar:
    """`sidecar` in version 1: each blob's CELLS_PER_EXT_BLOB cell proofs, blob by blob."""
    setup = trusted_setup()
    proofs: list[bytes] = []
    for blob in sidecar.blobs:
        try:
            _, cell_proofs = ckzg.compute_cells_and_kzg_proofs(blob, setup)
        except RuntimeError as exc:  # a field element out of range
            raise InvalidBlobProof(str(exc)) from exc
        proofs.extend(bytes(p) for p in cell_proofs)
    return BlobSidecar(sidecar.blobs, sidecar.commitments, tuple(proofs),
                       SIDECAR_VERSION_CELL_PROOFS)


def verify_sidecar(tx: Transaction, sidecar: BlobSidecar, spec: Spec) -> None:
    """Raise BlobSidecarMismatch (a subclass for a version the fork does not take) or
    InvalidBlobProof unless `sidecar` proves `tx`'s blobs under `spec`."""
    if sidecar.version != sidecar_version(spec):
        wrong = SidecarVersionPostOsaka if spec.has(PEERDAS) else SidecarVersionPreOsaka
        raise wrong(str(sidecar.version))
    check_sidecar_hashes(tx, sidecar)
    if sidecar.version == SIDECAR_VERSION_CELL_PROOFS:
        _verify_cell_proofs(sidecar)
    else:
        _verify_blob_proofs(sidecar)


def _verify_blob_proofs(sidecar: BlobSidecar) -> None:
    try:
        ok = ckzg.verify_blob_kzg_proof_batch(b"".join(sidecar.blobs),
                                              b"".join(sidecar.commitments),
                                              b"".join(sidecar.proofs), trusted_setup())
    except RuntimeError as exc:  # ckzg: a blob element out of the field, a point off the curve
        raise InvalidBlobProof(str(exc)) from exc
    if not ok:
        raise InvalidBlobProof("the KZG proofs do not match the blobs and commitments")


def _verify_cell_proofs(sidecar: BlobSidecar) -> None:
    """Every cell of every blob against its commitment, in one batch (geth's VerifyCellProofs)."""
    setup = trusted_setup()
    cells: list[bytes] = []
    try:
        for blob in sidecar.blobs:
            cells.extend(ckzg.compute_cells(blob, setup))
        ok = ckzg.verify_cell_kzg_proof_batch(
            [c for c in sidecar.commitments for _ in range(CELLS_PER_EXT_BLOB)],
            list(range(CELLS_PER_EXT_BLOB)) * len(sidecar.blobs), cells,
            list(sidecar.proofs), setup)
    except RuntimeError as exc:  # a blob element out of the field, a point off the curve
        raise CellProofsInvalid(str(exc)) from exc
    if not ok:
        raise CellProofsInvalid("the cell proofs do not match the blobs and commitments")
