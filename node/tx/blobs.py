"""EIP-4844 at the node: verifying a blob transaction's sidecar before it enters the pool.

The network form carries, per versioned hash, a blob, its KZG commitment and a KZG proof. The
pool accepts it only if the counts agree, every versioned hash is kzg_to_versioned_hash of its
commitment (decode.check_sidecar_hashes) and the proofs show each blob matches its commitment
(ckzg's batch verification against the mainnet trusted setup the 0x0a precompile loads). The
block keeps only the canonical form; the blob gas rules of a block are node/chain/transition.py's and
node/chain/chain.py's.
"""
import ckzg

from pydevnet.node.tx.errors import InvalidBlobProof
from pydevnet.node.tx.decode import BlobSidecar, check_sidecar_hashes
from pydevnet.node.tx.types import Transaction
from pydevnet.vm.gas import GAS_PER_BLOB
from pydevnet.vm.precompiles.kzg import trusted_setup


def blob_gas(tx: Transaction) -> int:
    """The blob gas a transaction uses: GAS_PER_BLOB per versioned hash (0 for other types)."""
    return GAS_PER_BLOB * len(tx.blob_versioned_hashes)


def verify_sidecar(tx: Transaction, sidecar: BlobSidecar) -> None:
    """Raise BlobSidecarMismatch or InvalidBlobProof unless `sidecar` proves `tx`'s blobs."""
    check_sidecar_hashes(tx, sidecar)
    try:
        ok = ckzg.verify_blob_kzg_proof_batch(b"".join(sidecar.blobs),
                                              b"".join(sidecar.commitments),
                                              b"".join(sidecar.proofs), trusted_setup())
    except RuntimeError as exc:  # ckzg: a blob element out of the field, a point off the curve
        raise InvalidBlobProof(str(exc)) from exc
    if not ok:
        raise InvalidBlobProof("the KZG proofs do not match the blobs and commitments")
