"""The mining path's encoding shortcuts give the bytes the general encoders give: a transaction's
signing hash cut out of its canonical encoding, a decoded transaction keeping its input and
built by Transaction.from_decoded, a one-item index trie's root, the header and a receipt
encoded field by field (node/tx/types.py, node/tx/decode.py, node/chain/blocks.py)."""
import os

import pytest

from pydevnet.node.chain.blocks import Header, Receipt, index_root, receipts_root, transactions_root
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.node.tx.types import FIELD_LAYOUTS, LEGACY_TX_TYPE, Transaction, _encode_field
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import encode
from pydevnet.state.trie import trie_root

KEY = bytes(31) + b"\x07"
BIG = [0, 1, 127, 128, 255, 2**255, 2**500]  # r and s beyond 32 bytes still cut correctly
FEES = {0: dict(gas_price=7), 1: dict(gas_price=7, chain_id=5, access_list=[(bytes(20), [1, 2])]),
        2: dict(chain_id=5, max_fee_per_gas=10**12, max_priority_fee_per_gas=1),
        3: dict(chain_id=5, max_fee_per_gas=9, max_priority_fee_per_gas=1, max_fee_per_blob_gas=3,
                blob_versioned_hashes=[b"\x01" + bytes(31)]),
        4: dict(chain_id=2**200, max_fee_per_gas=9, max_priority_fee_per_gas=1,
                authorization_list=[(1, bytes(20), 0, 0, 5, 6)])}


def _fields_signing_hash(tx: Transaction) -> bytes:
    """The signing hash by encoding the unsigned fields (the definition)."""
    fields = [_encode_field(n, getattr(tx, n)) for n in FIELD_LAYOUTS[tx.type][:-3]]
    if tx.type == LEGACY_TX_TYPE:
        if tx.chain_id is not None:
            fields += [tx.chain_id, 0, 0]
        return keccak256(encode(fields))
    return keccak256(bytes((tx.type,)) + encode(fields))


@pytest.mark.parametrize("tx_type", sorted(FEES))
@pytest.mark.parametrize("data", [b"", b"\x01", bytes(55), bytes(300), bytes(70_000)])
def test_signing_hash_cut_from_the_encoding(tx_type, data):
    for r, s in zip(BIG, reversed(BIG)):
        fields = dict(type=tx_type, nonce=128, gas_limit=21000, to=bytes(20), value=2**255,
                      data=data, r=r, s=s, **FEES[tx_type])
        if tx_type == LEGACY_TX_TYPE:
            for chain_id in (None, 1, 2**40):
                v = 27 if chain_id is None else 35 + 2 * chain_id + 1
                tx = Transaction(**dict(fields, v=v))
                assert tx.signing_hash() == _fields_signing_hash(tx)
        else:
            tx = Transaction(**dict(fields, v=1))
            assert tx.signing_hash() == _fields_signing_hash(tx)


@pytest.mark.parametrize("tx_type", sorted(FEES))
def test_decoded_transaction_equals_the_constructed_one(tx_type):
    signed = sign_transaction(dict(type=tx_type, nonce=3, gas_limit=50_000, to=bytes(19) + b"\x01",
                                   value=5, data=b"\xab" * 40, **FEES[tx_type]), KEY)
    decoded = decode_transaction(signed.raw)
    rebuilt = Transaction(**{n: getattr(decoded, n) for n in FIELD_LAYOUTS[tx_type] + ("type",
                                                                                     "chain_id")})
    assert decoded.raw == rebuilt.raw == signed.raw
    assert decoded.hash == signed.hash and decoded.sender == signed.sender
    for name in ("to", "data", "access_list", "blob_versioned_hashes", "authorization_list",
                 "gas_price", "max_fee_per_gas", "chain_id"):
        assert getattr(decoded, name) == getattr(rebuilt, name)
        assert type(getattr(decoded, name)) is type(getattr(rebuilt, name))


@pytest.mark.parametrize("size", [1, 2, 31, 32, 55, 56, 255, 256, 1000])
def test_one_item_index_root_is_the_trie_root(size):
    value = os.urandom(size)
    assert index_root([value]) == trie_root([(encode(0), value)])
    assert transactions_root([value]) == trie_root([(encode(0), value)])
    values = [os.urandom(size) for _ in range(3)]
    assert index_root(values) == trie_root((encode(i), v) for i, v in enumerate(values))


def test_receipt_and_header_encodings_match_the_generic_encoder():
    log = (bytes(20), [1, 2**255], b"data")
    for logs in ([], [log], [log, log]):
        for tx_type in (0, 2):
            r = Receipt(tx_type, 1, 2**64, logs, 21000, 7, None)
            body = encode([1, 2**64, r.bloom,
                           [[a, [t.to_bytes(32, "big") for t in ts], d] for a, ts, d in logs]])
            assert r.consensus_encoding() == (body if tx_type == 0 else bytes((tx_type,)) + body)
            assert receipts_root([r]) == trie_root([(encode(0), r.consensus_encoding())])
    for requests_hash in (None, keccak256(b"r")):
        h = Header(parent_hash=keccak256(b"p"), coinbase=bytes(20), state_root=keccak256(b"s"),
                   transactions_root=keccak256(b"t"), receipts_root=keccak256(b"r"), number=0,
                   gas_limit=30_000_000, gas_used=127, timestamp=128, extra_data=b"\x01",
                   mix_hash=bytes(32), base_fee=10**9, requests_hash=requests_hash)
        assert h.encode() == encode(h.fields())
        assert h.hash == keccak256(encode(h.fields()))
