"""The signed transaction: one immutable value type for every EIP-2718 transaction type.

Types: 0 legacy (with EIP-155 replay protection or without), 1 access list (EIP-2930),
2 dynamic fee (EIP-1559), 3 blob (EIP-4844), 4 set code (EIP-7702, its authorizations in
authorization.py). The wire layout of each type is one tuple in
FIELD_LAYOUTS, used by both the encoder here and the decoder in decode.py, so the two cannot
drift apart. The canonical encoding is the RLP list for legacy transactions and
`type byte ++ rlp(payload)` for typed ones (EIP-2718); the hash is keccak256 of it.
"""
from typing import Any, Optional

from pydevnet.node.tx.authorization import Authorization, check_authorization_widths
from pydevnet.node.tx.errors import FeeOverflow, GasLimitTooHigh, IntegerOverflow, InvalidSignature
from pydevnet.node.tx.crypto import recover_address
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import encode

LEGACY_TX_TYPE = 0
ACCESS_LIST_TX_TYPE = 1  # EIP-2930
DYNAMIC_FEE_TX_TYPE = 2  # EIP-1559
BLOB_TX_TYPE = 3  # EIP-4844
SET_CODE_TX_TYPE = 4  # EIP-7702

UINT64_LIMIT = 2**64
UINT256_LIMIT = 2**256

AccessList = tuple[tuple[bytes, tuple[int, ...]], ...]

_SIGNATURE = ("v", "r", "s")
_LEGACY_BODY = ("nonce", "gas_price", "gas_limit", "to", "value", "data")
_EIP1559_BODY = ("chain_id", "nonce", "max_priority_fee_per_gas", "max_fee_per_gas", "gas_limit",
                 "to", "value", "data", "access_list")
# The signed fields of each type in wire order; the signature (v or y_parity, r, s) follows them.
FIELD_LAYOUTS: dict[int, tuple[str, ...]] = {
    LEGACY_TX_TYPE: _LEGACY_BODY + _SIGNATURE,
    ACCESS_LIST_TX_TYPE: ("chain_id", "nonce", "gas_price", "gas_limit", "to", "value", "data",
                          "access_list") + _SIGNATURE,
    DYNAMIC_FEE_TX_TYPE: _EIP1559_BODY + _SIGNATURE,
    BLOB_TX_TYPE: _EIP1559_BODY + ("max_fee_per_blob_gas", "blob_versioned_hashes") + _SIGNATURE,
    SET_CODE_TX_TYPE: _EIP1559_BODY + ("authorization_list",) + _SIGNATURE,
}
_FEE_FIELDS = {
    LEGACY_TX_TYPE: ("gas_price",),
    ACCESS_LIST_TX_TYPE: ("gas_price",),
    DYNAMIC_FEE_TX_TYPE: ("max_priority_fee_per_gas", "max_fee_per_gas"),
    BLOB_TX_TYPE: ("max_priority_fee_per_gas", "max_fee_per_gas", "max_fee_per_blob_gas"),
    SET_CODE_TX_TYPE: ("max_priority_fee_per_gas", "max_fee_per_gas"),
}
_ALL_FEE_FIELDS = ("gas_price", "max_priority_fee_per_gas", "max_fee_per_gas",
                   "max_fee_per_blob_gas")
_FIELDS = ("type", "chain_id", "nonce", "gas_limit", "to", "value", "data") + _ALL_FEE_FIELDS + (
    "access_list", "blob_versioned_hashes", "authorization_list", "v", "r", "s")


# Every slot but the type, with its value when a type's layout does not have the field.
_DEFAULTS = tuple((name, {"value": 0, "data": b"", "access_list": (), "blob_versioned_hashes": (),
                          "authorization_list": (), "v": 0, "r": 0, "s": 0}.get(name))
                  for name in _FIELDS[1:]) + (("_raw", None), ("_hash", None),
                                              ("_sender", None), ("_impersonated", False))


def legacy_chain_id(v: int) -> Optional[int]:
    """The chain id a legacy v encodes: None for 27/28, else (v - 35) // 2 (EIP-155)."""
    if v in (27, 28):
        return None
    if v >= 35:
        return (v - 35) >> 1
    raise InvalidSignature(f"legacy v must be 27, 28 or chain_id * 2 + 35/36 (EIP-155), got {v}")


def _encode_field(name: str, value: Any) -> Any:
    if name == "to":
        return b"" if value is None else value
    if name == "access_list":
        return [[address, [key.to_bytes(32, "big") for key in keys]] for address, keys in value]
    return value  # ints, bytes, the blob hashes and the authorization tuples encode as they are


def _int_rlp_size(n: int) -> int:
    """The size of a non-negative int's RLP: one byte for 0..127, else a header and the bytes."""
    if n < 0x80:
        return 1
    size = (n.bit_length() + 7) >> 3
    return 1 + size if size < 56 else 1 + ((size.bit_length() + 7) >> 3) + size


def _list_header(length: int) -> bytes:
    if length < 56:
        return bytes((0xC0 + length,))
    ln = length.to_bytes((length.bit_length() + 7) >> 3, "big")
    return bytes((0xF7 + len(ln),)) + ln


def _check_shape(fields: dict[str, Any]) -> None:
    """The fee fields present must be exactly those of the type; typed txs need a chain id."""
    tx_type = fields["type"]
    if tx_type not in FIELD_LAYOUTS:
        raise ValueError(f"unknown transaction type {tx_type!r}")
    missing = {"nonce", "gas_limit"} - fields.keys()
    if missing:
        raise ValueError(f"missing transaction fields: {sorted(missing)}")
    unknown = fields.keys() - set(_FIELDS)
    if unknown:
        raise ValueError(f"unknown transaction fields: {sorted(unknown)}")
    for name in _ALL_FEE_FIELDS:
        present = fields.get(name) is not None
        if present != (name in _FEE_FIELDS[tx_type]):
            verb = "has no" if present else "needs"
            raise ValueError(f"a type {tx_type} transaction {verb} {name}")
    if tx_type != LEGACY_TX_TYPE and fields.get("chain_id") is None:
        raise ValueError(f"a type {tx_type} transaction needs chain_id")
    if fields.get("authorization_list") and tx_type != SET_CODE_TX_TYPE:
        raise ValueError(f"a type {tx_type} transaction has no authorization_list")


def _normalize(fields: dict[str, Any]) -> dict[str, Any]:
    """Defaults filled in, containers turned into tuples and bytes, so the value is immutable."""
    values = {"type": LEGACY_TX_TYPE, "chain_id": None, "to": None, "value": 0, "data": b"",
              "access_list": (), "blob_versioned_hashes": (), "authorization_list": (), "v": 0,
              "r": 0, "s": 0}
    values.update({name: None for name in _ALL_FEE_FIELDS})
    values.update(fields)
    _check_shape(values)
    if values["type"] == LEGACY_TX_TYPE and "chain_id" not in fields and "v" in fields:
        values["chain_id"] = legacy_chain_id(fields["v"])
    if values["to"] is not None:
        values["to"] = bytes(values["to"])
    values["data"] = bytes(values["data"])
    values["access_list"] = tuple((bytes(address), tuple(keys))
                                  for address, keys in values["access_list"])
    values["blob_versioned_hashes"] = tuple(bytes(h) for h in values["blob_versioned_hashes"])
    values["authorization_list"] = tuple(_authorization(a) for a in values["authorization_list"])
    return values


def _authorization(item: Any) -> Authorization:
    chain_id, address, nonce, y_parity, r, s = item
    if len(address) != 20:
        raise ValueError(f"an authorization's address has 20 bytes, not {len(address)}")
    return Authorization(chain_id, bytes(address), nonce, y_parity, r, s)


class Transaction:
    """A signed transaction. Immutable: build a changed copy with `replace`."""

    __slots__ = _FIELDS + ("_raw", "_hash", "_sender", "_impersonated")

    def __init__(self, **fields: Any) -> None:
        """Keyword fields as in FIELD_LAYOUTS plus `type` (default 0); ValueError if they do not
        fit the type. A legacy tx given `v` but no `chain_id` takes the chain id v encodes."""
        values = _normalize(fields)
        put = object.__setattr__
        for name in _FIELDS:
            put(self, name, values[name])
        put(self, "_raw", None)
        put(self, "_hash", None)
        put(self, "_sender", None)
        put(self, "_impersonated", False)

    @classmethod
    def from_decoded(cls, tx_type: int, fields: dict[str, Any]) -> "Transaction":
        """The transaction of node/tx/decode.py's parsed `fields`: exactly the type's layout
        (plus a legacy chain id), already immutable and sized, so none of __init__'s
        normalizing and shape checks (the decoder's strict rules cover them)."""
        tx = cls.__new__(cls)
        put = object.__setattr__
        put(tx, "type", tx_type)
        for name, default in _DEFAULTS:
            put(tx, name, fields.get(name, default))
        return tx

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Transaction is immutable; use replace()")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Transaction is immutable")

    def replace(self, **changes: Any) -> "Transaction":
        """A copy with some fields changed (for legacy, a new v re-derives chain_id)."""
        fields = {name: getattr(self, name) for name in _FIELDS}
        if self.type == LEGACY_TX_TYPE and "v" in changes and "chain_id" not in changes:
            del fields["chain_id"]
        fields.update(changes)
        return Transaction(**fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Transaction) and self.raw == other.raw

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return f"Transaction(type={self.type}, hash=0x{self.hash.hex()})"

    @property
    def y_parity(self) -> int:
        """The signature's recovery bit: v itself for typed txs, decoded from v for legacy."""
        if self.type != LEGACY_TX_TYPE:
            return self.v
        if self.chain_id is None:
            if self.v not in (27, 28):
                raise InvalidSignature(f"unprotected legacy v must be 27 or 28, got {self.v}")
            return self.v - 27
        parity = self.v - 35 - 2 * self.chain_id
        if parity not in (0, 1):
            raise InvalidSignature(f"v {self.v} does not match chain id {self.chain_id} (EIP-155)")
        return parity

    def _encoded_fields(self, names: tuple[str, ...]) -> list:
        return [_encode_field(name, getattr(self, name)) for name in names]

    def signing_hash(self) -> bytes:
        """The hash the sender signs: the unsigned fields, with EIP-155's [chain_id, 0, 0]
        appended for protected legacy txs, and the type byte prefixed for typed ones (EIP-2718).
        Cut out of the canonical encoding: its list's items but the last three (v, r, s)."""
        raw = self.raw
        typed = self.type != LEGACY_TX_TYPE
        start = 1 if typed else 0
        first = raw[start]
        start += 1 if first < 0xF8 else first - 0xF6
        end = len(raw) - _int_rlp_size(self.v) - _int_rlp_size(self.r) - _int_rlp_size(self.s)
        body = raw[start:end]
        if typed:
            return keccak256(raw[:1] + _list_header(len(body)) + body)
        if self.chain_id is not None:
            body += encode(self.chain_id) + b"\x80\x80"
        return keccak256(_list_header(len(body)) + body)

    def keep_encoding(self, raw: bytes) -> "Transaction":
        """Take `raw` as the canonical encoding instead of encoding the fields again: only for
        the bytes this transaction was strictly decoded from (node/tx/decode.py)."""
        object.__setattr__(self, "_raw", raw)
        return self

    @property
    def raw(self) -> bytes:
        """The canonical encoding: rlp(fields) for legacy, type ++ rlp(fields) otherwise."""
        raw = self._raw
        if raw is None:
            payload = encode(self._encoded_fields(FIELD_LAYOUTS[self.type]))
            raw = payload if self.type == LEGACY_TX_TYPE else bytes((self.type,)) + payload
            object.__setattr__(self, "_raw", raw)
        return raw

    @property
    def hash(self) -> bytes:
        """keccak256 of the canonical encoding (the transaction hash)."""
        tx_hash = self._hash
        if tx_hash is None:
            tx_hash = keccak256(self.raw)
            object.__setattr__(self, "_hash", tx_hash)
        return tx_hash

    @property
    def sender(self) -> bytes:
        """The signer's address, recovered once and cached; raises InvalidSignature (EIP-2)."""
        sender = self._sender
        if sender is None:
            sender = recover_address(self.signing_hash(), self.y_parity, self.r, self.s)
            object.__setattr__(self, "_sender", sender)
        return sender

    @property
    def impersonated(self) -> bool:
        """True when the sender was assigned by impersonation (anvil_impersonateAccount), not
        recovered: the signature is then a placeholder that does not recover to it."""
        return self._impersonated

    def assume_sender(self, sender: bytes) -> "Transaction":
        """Mark this transaction as sent by the impersonated `sender` (its signature is a
        placeholder); returns self. Only the node calls this, for transactions it built itself
        or whose impersonated sender it persisted."""
        object.__setattr__(self, "_sender", bytes(sender))
        object.__setattr__(self, "_impersonated", True)
        return self

    def fee_cap(self) -> int:
        """The most the sender pays per gas: gas_price, or max_fee_per_gas (EIP-1559)."""
        return self.gas_price if self.gas_price is not None else self.max_fee_per_gas

    def tip_cap(self) -> int:
        """The most the block producer gets per gas: gas_price, or max_priority_fee_per_gas."""
        return self.gas_price if self.gas_price is not None else self.max_priority_fee_per_gas

    def effective_gas_price(self, base_fee: int) -> int:
        """The price per gas actually paid (EIP-1559): min(fee cap, base fee + tip cap)."""
        if self.gas_price is not None:
            return self.gas_price
        return min(self.max_fee_per_gas, base_fee + self.max_priority_fee_per_gas)


def check_field_widths(tx: Transaction) -> None:
    """Each integer must fit its wire type: uint64 nonce (EIP-2681) and gas limit, uint256 for the
    rest, and an authorization's EIP-7702 bounds. The signature values are left to the signature
    checks (EIP-2)."""
    if not 0 <= tx.nonce < UINT64_LIMIT:
        raise IntegerOverflow("nonce exceeds 64 bits")
    if not 0 <= tx.gas_limit < UINT64_LIMIT:
        raise GasLimitTooHigh("gas limit exceeds 2**64 - 1")
    for name in _FEE_FIELDS[tx.type]:
        if not 0 <= getattr(tx, name) < UINT256_LIMIT:
            raise FeeOverflow(f"{name} exceeds 256 bits")
    if not 0 <= tx.value < UINT256_LIMIT:
        raise IntegerOverflow("value exceeds 256 bits")
    if tx.chain_id is not None and not 0 <= tx.chain_id < UINT256_LIMIT:
        raise IntegerOverflow("chain id exceeds 256 bits")
    if not 0 <= tx.v < UINT256_LIMIT:
        raise IntegerOverflow("v exceeds 256 bits")
    for auth in tx.authorization_list:
        check_authorization_widths(auth)
