"""Impersonated transactions (anvil_impersonateAccount): the deterministic placeholder signature,
per-sender hashes, and the chain database giving the sender back only where it persisted one."""
from pydevnet.node.chain.db import ChainDB
from pydevnet.node.tx.errors import InvalidSignature
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import PLACEHOLDER_S, impersonated_transaction
from pydevnet.node.tx.validation import validate_stateless
from pydevnet.state.store import MemoryStore
from tests.node.helpers import CHAIN_ID, UNIT

A, B = b"\xaa" * 20, b"\xbb" * 20
FIELDS = dict(chain_id=CHAIN_ID, nonce=0, gas_limit=21000, to=b"\x01" * 20,
              max_fee_per_gas=UNIT, max_priority_fee_per_gas=0)


def test_placeholder_is_deterministic_per_sender_and_valid_eip2():
    tx = impersonated_transaction(FIELDS, A)
    assert tx.sender == A and tx.impersonated and tx.s == PLACEHOLDER_S
    assert impersonated_transaction(FIELDS, A).hash == tx.hash
    assert impersonated_transaction(FIELDS, B).hash != tx.hash
    validate_stateless(tx, CHAIN_ID)  # r and s pass the EIP-2 range checks
    legacy = impersonated_transaction(dict(FIELDS, max_fee_per_gas=None,
                                           max_priority_fee_per_gas=None, gas_price=UNIT), A)
    assert legacy.type == 0 and legacy.v in (2 * CHAIN_ID + 35, 2 * CHAIN_ID + 36)


def test_decoded_placeholder_is_not_the_sender_without_a_record():
    tx = impersonated_transaction(FIELDS, A)
    db = ChainDB(MemoryStore())
    decoded = db.restore_sender(decode_transaction(tx.raw))
    assert not decoded.impersonated
    try:
        assert decoded.sender != A
    except InvalidSignature:  # no key at all recovers from it
        pass
    db.add_pool_transaction(tx)
    [restored] = db.pool_transactions()
    assert restored.sender == A and restored.impersonated
    db.remove_pool_transactions([tx.hash])
    assert list(db.pool_transactions()) == []
    assert not db.restore_sender(decode_transaction(tx.raw)).impersonated
