"""node/chain/db.py's own encoders of the block batch give the generic encoder's bytes: the
receipt records (receipts_rlp) and the transaction lookups."""
import random

from pydevnet.node.chain.blocks import Receipt
from pydevnet.node.chain.db import receipts_rlp
from pydevnet.state.trie_nodes import rlp_items
from pydevnet.state.rlp import encode

EDGES = [0, 1, 127, 128, 255, 256, 2**32, 2**64 - 1, 2**255 + 7]


def _receipt(rnd: random.Random) -> Receipt:
    logs = [(rnd.randbytes(20), [rnd.randrange(2**256) for _ in range(rnd.randrange(5))],
             rnd.randbytes(rnd.choice([0, 1, 31, 32, 55, 56, 300])))
            for _ in range(rnd.choice([0, 0, 1, 3]))]
    return Receipt(rnd.choice([0, 1, 2, 3, 4]), rnd.choice([0, 1]), rnd.choice(EDGES),
                   logs, rnd.choice(EDGES), rnd.choice(EDGES),
                   rnd.choice([None, rnd.randbytes(20)]), rnd.choice([0, 131072, 2**20]))


def test_receipt_records() -> None:
    rnd = random.Random(13)
    assert receipts_rlp([]) == encode([])
    for n in (1, 1, 2, 5, 40):
        receipts = [_receipt(rnd) for _ in range(n)]
        assert receipts_rlp(receipts) == encode([r.to_record() for r in receipts])


def test_lookups() -> None:
    for number in EDGES:
        for index in (0, 1, 127, 128, 1000):
            assert rlp_items((number, index)) == encode([number, index])
