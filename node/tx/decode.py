"""Decoding signed transactions from their wire bytes, strictly.

EIP-2718 envelope: a first byte >= 0xc0 starts a legacy RLP list; a byte in [0, 0x7f] is a
transaction type followed by an RLP list payload (1, 2, 3 and 4 are supported; 0 and the others
are UnsupportedType; whether the block's fork takes the type is validation's); anything else (an
RLP string header) is not a transaction. Every field must be canonical (state/rlp.py's strict
decoder plus no leading zeros in integers), of the right kind (a string, not a list, and the
reverse) and size (addresses 20 bytes or empty for a create, storage keys and blob versioned
hashes 32 bytes), and the list must have exactly the type's fields. A set-code transaction
(EIP-7702) names its destination (20 bytes, never a create) and each authorization is a list of
six: chain id, 20-byte address, nonce, y_parity, r, s, each within its bounds. Legacy v is 27/28
or chain_id * 2 + 35/36 (EIP-155); typed y_parity is 0 or 1.

A blob transaction (EIP-4844) may arrive in a network form: EIP-4844's version 0,
`0x03 ++ rlp([tx_payload_body, blobs, commitments, proofs])` with one blob proof per blob, or
EIP-7594's (Osaka) version 1, `0x03 ++ rlp([tx_payload_body, 1, blobs, commitments,
cell_proofs])` with CELLS_PER_EXT_BLOB (128) cell proofs per blob, blob by blob. They are told
apart as geth tells them: a string (the version) rather than a list second; a version other than
1 is refused. decode_transaction checks the sidecar against the versioned hashes (counts, sizes,
kzg_to_versioned_hash) and drops it; decode_pooled_transaction checks only the sizes and hands
the sidecar back, so the node can verify it (node/tx/blobs.py, with the KZG proofs, and which
version the fork takes) after the transaction's own rules.

The pool's size limit (geth's, a policy and not a consensus rule, so decode_transaction does not
apply it): 128 KiB (legacypool txMaxSize, four 32 KiB slots) for a transaction's canonical
encoding, 1 MiB (blobpool txMaxSize) for a blob transaction's network form, the sidecar included
as geth's Transaction.Size() counts it. decode_pooled_transaction checks it before decoding, and
the pool checks it again for the transactions the node signs itself.
"""
from typing import Any, Callable, NamedTuple

from pydevnet.node.tx.errors import (BlobSidecarMismatch, DecodeError, InvalidSignature,
                                     OversizedData, UnsupportedType)
from pydevnet.node.tx.authorization import Authorization
from pydevnet.node.tx.types import (BLOB_TX_TYPE, FIELD_LAYOUTS, LEGACY_TX_TYPE, SET_CODE_TX_TYPE,
                                    Transaction, check_field_widths, legacy_chain_id)
from pydevnet.state.rlp import RLPError, decode, encode
from pydevnet.vm.precompiles.kzg import kzg_to_versioned_hash

BYTES_PER_BLOB = 4096 * 32  # EIP-4844: FIELD_ELEMENTS_PER_BLOB * 32
KZG_COMMITMENT_SIZE = 48  # a compressed BLS12-381 G1 point
KZG_PROOF_SIZE = 48
CELLS_PER_EXT_BLOB = 128  # EIP-7594: cells (and cell proofs) of a blob's extension
SIDECAR_VERSION_BLOB_PROOFS = 0  # EIP-4844's wrapper: one proof per blob
SIDECAR_VERSION_CELL_PROOFS = 1  # EIP-7594's wrapper_version
_ADDRESS_SIZE = 20
_HASH_SIZE = 32
TX_SLOT_SIZE = 32 * 1024  # geth's legacypool accounts a transaction in 32 KiB slots
POOL_TX_MAX_SIZE = 4 * TX_SLOT_SIZE  # geth's legacypool txMaxSize (128 KiB)
POOL_BLOB_TX_MAX_SIZE = 1024 * 1024  # geth's blobpool txMaxSize, sidecar included


def check_pool_size(size: int, tx_type: int) -> None:
    """OversizedData (geth's ErrOversizedData and wording) if a `tx_type` transaction of `size`
    encoded bytes is more than the pool takes."""
    limit = POOL_BLOB_TX_MAX_SIZE if tx_type == BLOB_TX_TYPE else POOL_TX_MAX_SIZE
    if size > limit:
        raise OversizedData(f"transaction size {size}, limit {limit}")


def _rlp_list(data: bytes) -> list:
    try:
        item = decode(data)
    except RLPError as exc:
        raise DecodeError(str(exc)) from exc
    if not isinstance(item, list):
        raise DecodeError("transaction payload is not an RLP list")
    return item


def _string(item: Any, name: str) -> bytes:
    if not isinstance(item, bytes):
        raise DecodeError(f"{name}: expected a string, got a list")
    return item


def _list(item: Any, name: str) -> list:
    if not isinstance(item, list):
        raise DecodeError(f"{name}: expected a list, got a string")
    return item


def _int(item: Any, name: str) -> int:
    b = _string(item, name)
    if b[:1] == b"\x00":
        raise DecodeError(f"{name}: integer has leading zero bytes")
    return int.from_bytes(b, "big")


def _sized(item: Any, name: str, size: int) -> bytes:
    b = _string(item, name)
    if len(b) != size:
        raise DecodeError(f"{name}: expected {size} bytes, got {len(b)}")
    return b


def _to(item: Any, name: str) -> bytes | None:
    b = _string(item, name)
    return None if b == b"" else _sized(b, name, _ADDRESS_SIZE)


def _data(item: Any, name: str) -> bytes:
    return _string(item, name)


def _access_list(item: Any, name: str) -> tuple:
    """EIP-2930: [[address (20 bytes), [storage key (32 bytes), ...]], ...]."""
    entries = []
    for entry in _list(item, name):
        entry = _list(entry, "access list entry")
        if len(entry) != 2:
            raise DecodeError(f"access list entry has {len(entry)} items, expected 2")
        address = _sized(entry[0], "access list address", _ADDRESS_SIZE)
        keys = tuple(int.from_bytes(_sized(key, "storage key", _HASH_SIZE), "big")
                     for key in _list(entry[1], "storage keys"))
        entries.append((address, keys))
    return tuple(entries)


def _blob_hashes(item: Any, name: str) -> tuple:
    return tuple(_sized(h, "blob versioned hash", _HASH_SIZE) for h in _list(item, name))


def _authorization_list(item: Any, name: str) -> tuple:
    """EIP-7702: [[chain_id, address (20 bytes), nonce, y_parity, r, s], ...]."""
    auths = []
    for entry in _list(item, name):
        entry = _list(entry, "authorization")
        if len(entry) != 6:
            raise DecodeError(f"authorization has {len(entry)} items, expected 6")
        auths.append(Authorization(
            _int(entry[0], "authorization chain id"),
            _sized(entry[1], "authorization address", _ADDRESS_SIZE),
            *(_int(x, f"authorization {n}") for x, n in zip(entry[2:], ("nonce", "y_parity",
                                                                         "r", "s")))))
    return tuple(auths)


_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "to": _to, "data": _data, "access_list": _access_list, "blob_versioned_hashes": _blob_hashes,
    "authorization_list": _authorization_list,
}


def _parse_fields(tx_type: int, items: list) -> dict[str, Any]:
    layout = FIELD_LAYOUTS[tx_type]
    if len(items) != len(layout):
        raise DecodeError(
            f"type {tx_type} transaction has {len(items)} fields, expected {len(layout)}")
    return {name: _PARSERS.get(name, _int)(item, name) for name, item in zip(layout, items)}


class BlobSidecar(NamedTuple):
    """The network form's blobs, KZG commitments and proofs: one blob and commitment per
    versioned hash; one proof per blob (version 0, EIP-4844) or CELLS_PER_EXT_BLOB cell proofs
    per blob, blob by blob (version 1, EIP-7594)."""

    blobs: tuple[bytes, ...]
    commitments: tuple[bytes, ...]
    proofs: tuple[bytes, ...]
    version: int = SIDECAR_VERSION_BLOB_PROOFS

    def proofs_per_blob(self) -> int:
        return CELLS_PER_EXT_BLOB if self.version == SIDECAR_VERSION_CELL_PROOFS else 1


def _unwrap_blob_network_form(items: list) -> tuple[list, BlobSidecar | None]:
    """Split `[tx_payload_body, (wrapper_version,) blobs, commitments, proofs]` into body and
    sidecar, if wrapped; each blob, commitment and proof must have its size."""
    if not items or not isinstance(items[0], list):
        return items, None
    size, version = len(items), SIDECAR_VERSION_BLOB_PROOFS
    if size > 1 and isinstance(items[1], bytes):
        version = _int(items[1], "blob sidecar version")
        if version != SIDECAR_VERSION_CELL_PROOFS:
            raise DecodeError(f"unsupported blob tx version {version}")  # geth's wording
        items = items[:1] + items[2:]
    if len(items) != 4:
        raise DecodeError(f"blob network wrapper has {size} items, expected "
                          f"{size - len(items) + 4}")
    blobs, commitments, proofs = (_list(x, "blob sidecar") for x in items[1:])
    return items[0], BlobSidecar(
        tuple(_sized(b, "blob", BYTES_PER_BLOB) for b in blobs),
        tuple(_sized(c, "kzg commitment", KZG_COMMITMENT_SIZE) for c in commitments),
        tuple(_sized(p, "kzg proof", KZG_PROOF_SIZE) for p in proofs), version)


def check_sidecar_hashes(tx: Transaction, sidecar: BlobSidecar) -> None:
    """One blob and commitment per versioned hash, each hash the commitment's
    kzg_to_versioned_hash, and the proofs the version's count; raises BlobSidecarMismatch (in
    geth's words where geth has them)."""
    hashes = tx.blob_versioned_hashes
    if len(sidecar.blobs) != len(hashes):
        raise BlobSidecarMismatch(f"invalid number of {len(sidecar.blobs)} blobs compared to "
                                  f"{len(hashes)} blob hashes")
    if len(sidecar.commitments) != len(hashes):
        raise BlobSidecarMismatch(f"invalid number of {len(sidecar.commitments)} blob "
                                  f"commitments compared to {len(hashes)} blob hashes")
    expected = len(hashes) * sidecar.proofs_per_blob()
    if len(sidecar.proofs) != expected:
        raise BlobSidecarMismatch(f"invalid number of {len(sidecar.proofs)} blob proofs "
                                  f"expected {expected}")
    for i, (commitment, versioned_hash) in enumerate(zip(sidecar.commitments, hashes)):
        computed = kzg_to_versioned_hash(commitment)
        if computed != versioned_hash:
            raise BlobSidecarMismatch(f"blob {i}: computed hash 0x{computed.hex()} mismatches "
                                      f"transaction one 0x{versioned_hash.hex()}")


def _split_envelope(raw: bytes) -> tuple[int, list]:
    """EIP-2718: (type, payload items) of a legacy list or a typed envelope."""
    if not raw:
        raise DecodeError("empty transaction")
    first = raw[0]
    if first >= 0xC0:
        return LEGACY_TX_TYPE, _rlp_list(raw)
    if first >= 0x80:
        # EIP-2718 types are [0, 0x7f]; an RLP string header here is neither envelope (as geth).
        raise DecodeError("not a transaction: neither a type byte nor an RLP list")
    if first == LEGACY_TX_TYPE or first not in FIELD_LAYOUTS:
        raise UnsupportedType(f"type 0x{first:02x}")
    return first, _rlp_list(raw[1:])


def decode_pooled_transaction(raw: bytes) -> tuple[Transaction, BlobSidecar | None]:
    """Decode a signed transaction as a pool receives it: (transaction, sidecar), the sidecar
    None unless `raw` is a blob transaction's network form. Only the sidecar's shape is
    checked; raises as decode_transaction does, and OversizedData first for a transaction over
    the pool's size limit (the strict decoder takes only canonical encodings, so len(raw) is
    the canonical size)."""
    raw = bytes(raw)
    check_pool_size(len(raw), raw[0] if raw else LEGACY_TX_TYPE)
    return _decode_with_sidecar(raw)


def _decode_with_sidecar(raw: bytes) -> tuple[Transaction, BlobSidecar | None]:
    tx_type, items = _split_envelope(raw)
    sidecar = None
    if tx_type == BLOB_TX_TYPE:
        items, sidecar = _unwrap_blob_network_form(items)
    fields = _parse_fields(tx_type, items)
    if tx_type == SET_CODE_TX_TYPE and fields["to"] is None:
        raise DecodeError("to: a set code transaction needs a 20-byte destination (EIP-7702)")
    if tx_type == LEGACY_TX_TYPE:
        fields["chain_id"] = legacy_chain_id(fields["v"])
    elif fields["v"] > 1:
        raise InvalidSignature(f"y_parity must be 0 or 1, got {fields['v']}")
    tx = Transaction.from_decoded(tx_type, fields)
    check_field_widths(tx)
    if sidecar is None:
        tx.keep_encoding(raw)
    return tx, sidecar


def decode_transaction(raw: bytes) -> Transaction:
    """Decode a signed transaction (see the module docstring for the rules). Raises DecodeError
    (or its IntegerOverflow), UnsupportedType, InvalidSignature, GasLimitTooHigh, FeeOverflow
    or BlobSidecarMismatch. The sender is recovered lazily, on first use of `tx.sender`."""
    tx, sidecar = _decode_with_sidecar(bytes(raw))
    if sidecar is not None:
        check_sidecar_hashes(tx, sidecar)
    return tx


def network_encoding(tx: Transaction, sidecar: BlobSidecar) -> bytes:
    """The network form of `sidecar`'s version: EIP-4844's
    0x03 ++ rlp([tx_payload_body, blobs, commitments, proofs]) or EIP-7594's
    0x03 ++ rlp([tx_payload_body, 1, blobs, commitments, cell_proofs])."""
    body = decode(tx.raw[1:])
    version = [sidecar.version] if sidecar.version != SIDECAR_VERSION_BLOB_PROOFS else []
    return bytes((BLOB_TX_TYPE,)) + encode([body, *version, list(sidecar.blobs),
                                            list(sidecar.commitments), list(sidecar.proofs)])
