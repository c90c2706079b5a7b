"""Blob transactions for tests: real blobs, KZG commitments and proofs from ckzg (the mainnet
trusted setup the 0x0a precompile loads), signed with the project's own signer, in the network
form eth_sendRawTransaction takes."""
from functools import lru_cache

import ckzg

from pydevnet.node.tx.signing import sign_transaction
from pydevnet.node.tx.types import Transaction
from pydevnet.node.tx.decode import (BYTES_PER_BLOB, BlobSidecar, kzg_to_versioned_hash,
                                     network_encoding)
from pydevnet.vm.precompiles.kzg import trusted_setup

UNIT = 25 * 10 ** 9
CHAIN_ID = 31337
FIELD_ELEMENTS = BYTES_PER_BLOB // 32


@lru_cache(maxsize=None)
def blob_parts(i: int) -> tuple[bytes, bytes, bytes]:
    """Blob number i (field elements (i + 1) * (k + 1), all below the BLS modulus), its KZG
    commitment and proof."""
    blob = b"".join(((i + 1) * (k + 1)).to_bytes(32, "big") for k in range(FIELD_ELEMENTS))
    commitment = ckzg.blob_to_kzg_commitment(blob, trusted_setup())
    proof = ckzg.compute_blob_kzg_proof(blob, commitment, trusted_setup())
    return blob, bytes(commitment), bytes(proof)


def sidecar_for(indexes) -> BlobSidecar:
    parts = [blob_parts(i) for i in indexes]
    return BlobSidecar(tuple(p[0] for p in parts), tuple(p[1] for p in parts),
                       tuple(p[2] for p in parts))


def blob_tx(key: bytes, nonce: int, blobs=(0,), to: bytes | None = b"\xbb" * 20,
            blob_fee: int = 1, fee: int = UNIT, gas: int = 21000, value: int = 0,
            data: bytes = b"", hashes=None, chain_id: int = CHAIN_ID
            ) -> tuple[Transaction, BlobSidecar]:
    """A signed type-3 transaction carrying the blobs numbered `blobs`, and its sidecar;
    `hashes` overrides the versioned hashes (to make invalid ones)."""
    sidecar = sidecar_for(blobs)
    if hashes is None:
        hashes = [kzg_to_versioned_hash(c) for c in sidecar.commitments]
    tx = sign_transaction(dict(type=3, chain_id=chain_id, nonce=nonce, gas_limit=gas, to=to,
                               value=value, data=data, max_fee_per_gas=fee,
                               max_priority_fee_per_gas=0, max_fee_per_blob_gas=blob_fee,
                               blob_versioned_hashes=hashes), key)
    return tx, sidecar


def blob_raw(key: bytes, nonce: int, **kw) -> bytes:
    """The network form of blob_tx(key, nonce, **kw)."""
    return network_encoding(*blob_tx(key, nonce, **kw))


@lru_cache(maxsize=None)
def cell_proofs(i: int) -> tuple[bytes, ...]:
    """The 128 cell proofs (EIP-7594) of blob number i, from ckzg (a few seconds each: cached)."""
    _, proofs = ckzg.compute_cells_and_kzg_proofs(blob_parts(i)[0], trusted_setup())
    return tuple(bytes(p) for p in proofs)


def osaka_raw(key: bytes, nonce: int, blobs=(0,), **kw) -> bytes:
    """The network form an Osaka chain takes as is (EIP-7594 version 1, cell proofs) of
    blob_tx(key, nonce, blobs=blobs, **kw): the node verifies cell proofs instead of
    converting an EIP-4844 sidecar, so many blob transactions stay cheap to send."""
    tx, sc = blob_tx(key, nonce, blobs=blobs, **kw)
    return network_encoding(tx, BlobSidecar(sc.blobs, sc.commitments,
                                            tuple(p for i in blobs for p in cell_proofs(i)), 1))
