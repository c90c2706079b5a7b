"""Blocks, headers, receipts and the logs bloom, encoded by Ethereum's rules so any client can
verify every hash and root: the block hash is keccak256(rlp(header)) over the header fields in
fork order, 20 in Cancun (EIP-1559 base fee, EIP-4895 withdrawals root, EIP-4844 blob gas,
EIP-4788 beacon root) and 21 from Prague (EIP-7685 requests hash; Osaka adds none); the
transactions, receipts and withdrawals roots are tries keyed by rlp(index), and receipts are
EIP-2718 typed.
"""
from typing import NamedTuple

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.rlp import RLPError, decode, decode_int, encode, int_to_be
from pydevnet.state.trie import trie_root
from pydevnet.state.trie_nodes import rlp_items, rlp_list, rlp_str

ZERO_HASH = bytes(32)
EMPTY_OMMERS_HASH = keccak256(encode([]))  # keccak256(rlp([]))
BLOOM_BYTES = 256
EMPTY_BLOOM = bytes(BLOOM_BYTES)

Log = tuple  # (address: bytes, topics: list[int], data: bytes)

_HEADER_FIELDS = ("parent_hash", "ommers_hash", "coinbase", "state_root", "transactions_root",
                  "receipts_root", "logs_bloom", "difficulty", "number", "gas_limit",
                  "gas_used", "timestamp", "extra_data", "mix_hash", "nonce", "base_fee",
                  "withdrawals_root", "blob_gas_used", "excess_blob_gas",
                  "parent_beacon_block_root", "requests_hash")
# A header of a later fork only appends fields: one that ends early (a Cancun header has no
# requests_hash) leaves them None, and encodes as it was.
_OPTIONAL_FIELDS = ("requests_hash",)
_INT_FIELDS = {"difficulty", "number", "gas_limit", "gas_used", "timestamp", "base_fee",
               "blob_gas_used", "excess_blob_gas"}


class Header:
    """A block header of Cancun or later; `hash` is keccak256(rlp(header)). `requests_hash` is
    None in a Cancun header (absent from its encoding)."""

    __slots__ = _HEADER_FIELDS + ("_hash", "_rlp")

    def __init__(self, **fields) -> None:
        defaults = {"ommers_hash": EMPTY_OMMERS_HASH, "logs_bloom": EMPTY_BLOOM, "difficulty": 0,
                    "nonce": bytes(8), "withdrawals_root": EMPTY_TRIE_ROOT, "blob_gas_used": 0,
                    "excess_blob_gas": 0, "parent_beacon_block_root": ZERO_HASH,
                    "requests_hash": None}
        defaults.update(fields)
        for name in _HEADER_FIELDS:
            setattr(self, name, defaults[name])
        self._hash = None
        self._rlp = None

    def fields(self) -> list:
        """The encoded fields in order, the absent optional ones left out."""
        items = [getattr(self, f) for f in _HEADER_FIELDS]
        while items[-1] is None:
            items.pop()
        return items

    def encode(self) -> bytes:
        if self._rlp is None:  # every field is a byte string or an int: no generic dispatch
            self._rlp = rlp_items(self.fields())
        return self._rlp

    @property
    def hash(self) -> bytes:
        if self._hash is None:
            self._hash = keccak256(self.encode())
        return self._hash

    @classmethod
    def decode(cls, data: bytes) -> "Header":
        return cls.from_fields(decode(data), bytes(data))

    @classmethod
    def from_fields(cls, items: list, rlp: bytes | None = None) -> "Header":
        """A header from its decoded RLP list: a Cancun one (20 fields) or a later one."""
        if not isinstance(items, list) or not (
                len(_HEADER_FIELDS) - len(_OPTIONAL_FIELDS) <= len(items) <= len(_HEADER_FIELDS)):
            raise RLPError("a header is a list of 20 or 21 fields")
        fields = {name: (decode_int(v) if name in _INT_FIELDS else v)
                  for name, v in zip(_HEADER_FIELDS, items)}
        for name in _HEADER_FIELDS[len(items):]:
            fields[name] = None
        h = cls(**fields)
        h._rlp = rlp
        return h


def _bloom_add(bloom: int, item: bytes) -> int:
    h = keccak256(item)
    for i in (0, 2, 4):
        bloom |= 1 << ((int.from_bytes(h[i:i + 2], "big") & 2047))
    return bloom


def logs_bloom(logs: list) -> bytes:
    """The 2048-bit bloom over every log's address and topics (Yellow Paper 4.3.1)."""
    bloom = 0
    for address, topics, _ in logs:
        bloom = _bloom_add(bloom, address)
        for t in topics:
            bloom = _bloom_add(bloom, t.to_bytes(32, "big"))
    return bloom.to_bytes(BLOOM_BYTES, "big")


def bloom_contains(bloom: bytes, item: bytes) -> bool:
    b = int.from_bytes(bloom, "big")
    return _bloom_add(0, item) & b == _bloom_add(0, item)


def encode_log(log: Log) -> list:
    address, topics, data = log
    return [address, [t.to_bytes(32, "big") for t in topics], data]


def decode_log(item: list) -> Log:
    return (item[0], [int.from_bytes(t, "big") for t in item[1]], item[2])


class Receipt:
    """A transaction's receipt: the consensus part (type, status, cumulative gas, logs, bloom)
    and what RPC shows besides (gas used, effective price, created contract, blob gas)."""

    __slots__ = ("type", "status", "cumulative_gas_used", "logs", "gas_used",
                 "effective_gas_price", "contract_address", "blob_gas_used", "_bloom")

    def __init__(self, type: int, status: int, cumulative_gas_used: int, logs: list,
                 gas_used: int, effective_gas_price: int, contract_address: bytes | None,
                 blob_gas_used: int = 0) -> None:
        self.type = type
        self.status = status
        self.cumulative_gas_used = cumulative_gas_used
        self.logs = logs
        self.gas_used = gas_used
        self.effective_gas_price = effective_gas_price
        self.contract_address = contract_address
        self.blob_gas_used = blob_gas_used
        self._bloom = None

    @property
    def bloom(self) -> bytes:
        if self._bloom is None:
            self._bloom = logs_bloom(self.logs)
        return self._bloom

    def consensus_encoding(self) -> bytes:
        """EIP-2718: rlp([status, cumulativeGasUsed, bloom, logs]), prefixed by the type byte
        for typed transactions."""
        body = rlp_list(rlp_str(int_to_be(self.status))
                        + rlp_str(int_to_be(self.cumulative_gas_used)) + rlp_str(self.bloom)
                        + encode([encode_log(x) for x in self.logs]))
        return body if self.type == 0 else bytes((self.type,)) + body

    def to_record(self) -> list:
        """What the chain database keeps (everything above, bloom recomputed on load)."""
        return [self.type, self.status, self.cumulative_gas_used, self.gas_used,
                self.effective_gas_price, self.contract_address or b"", self.blob_gas_used,
                [encode_log(x) for x in self.logs]]

    @classmethod
    def from_record(cls, item: list) -> "Receipt":
        t, status, cum, used, price, contract, blob, logs = item
        return cls(decode_int(t), decode_int(status), decode_int(cum), [decode_log(x) for x in logs],
                   decode_int(used), decode_int(price), contract or None, decode_int(blob))


# rlp(hex-prefix(nibbles of rlp(0)), leaf): the key of an index trie's only leaf
_FIRST_KEY = rlp_str(b"\x20" + encode(0))


def index_root(values: list[bytes]) -> bytes:
    """The root of the trie keyed by rlp(index) over `values` (transactions, receipts,
    withdrawals). One value (an automined block's) is the trie of one leaf: its root is the
    keccak256 of the leaf's RLP, with no trie to build."""
    if len(values) == 1 and values[0]:
        return keccak256(rlp_list(_FIRST_KEY + rlp_str(values[0])))
    return trie_root((encode(i), v) for i, v in enumerate(values))


def transactions_root(raw_txs: list[bytes]) -> bytes:
    return index_root(raw_txs)


def receipts_root(receipts: list[Receipt]) -> bytes:
    return index_root([r.consensus_encoding() for r in receipts])


class Withdrawal(NamedTuple):
    """EIP-4895: a validator withdrawal credited by the block, its amount in gwei."""
    index: int
    validator_index: int
    address: bytes
    amount: int

    def encode(self) -> bytes:
        return encode(list(self))


def withdrawals_root(withdrawals: list[Withdrawal]) -> bytes:
    return index_root([w.encode() for w in withdrawals])


class Block:
    """A header, its transactions and its withdrawals (ommers are always empty; the node's own
    blocks have no withdrawals)."""

    __slots__ = ("header", "transactions", "withdrawals")

    def __init__(self, header: Header, transactions: list,
                 withdrawals: list[Withdrawal] = ()) -> None:
        self.header = header
        self.transactions = transactions
        self.withdrawals = list(withdrawals)

    @property
    def hash(self) -> bytes:
        return self.header.hash

    @property
    def number(self) -> int:
        return self.header.number

    def body_encoding(self) -> bytes:
        return encode([[_tx_item(tx.raw) for tx in self.transactions], [],
                       [list(w) for w in self.withdrawals]])

    def encode(self) -> bytes:
        """The whole block: rlp([header, transactions, ommers, withdrawals])."""
        return encode([self.header.fields(), [_tx_item(tx.raw) for tx in self.transactions], [],
                       [list(w) for w in self.withdrawals]])


def _tx_item(raw: bytes):
    """Inside a block, a legacy transaction is its RLP list; a typed one is a byte string."""
    return decode(raw) if raw[0] >= 0xC0 else raw
