"""The commit path's own encoders give the bytes of the general ones (state/commit.py's account
and storage-value RLP, state/trie_nodes.py's RLP headers and remembered leaf keys), and the
remembered leaf keys stay bounded."""
import random

from pydevnet.state import trie_nodes
from pydevnet.state.account import encode_account, encode_storage_value
from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.rlp import encode
from pydevnet.state.commit import account_rlp, int_rlp
from pydevnet.state.trie_nodes import hp_encode, leaf_key_rlp, rlp_list, rlp_str

EDGES = [0, 1, 127, 128, 255, 256, 2**64 - 1, 2**255, 2**256 - 1]


def test_account_and_storage_value_rlp():
    rnd = random.Random(7)
    roots = [EMPTY_TRIE_ROOT, keccak256(b"x")]
    for nonce in EDGES[:7] + [rnd.randrange(2**64) for _ in range(20)]:
        for balance in EDGES + [rnd.randrange(2**256) for _ in range(5)]:
            for root in roots:
                assert account_rlp(nonce, balance, root, EMPTY_CODE_HASH) == \
                    encode_account(nonce, balance, root, EMPTY_CODE_HASH)
    for value in EDGES + [rnd.randrange(2**256) for _ in range(50)]:
        assert int_rlp(value) == encode_storage_value(value)


def test_rlp_headers_at_every_length_boundary():
    for n in (0, 1, 2, 55, 56, 57, 255, 256, 257, 65535, 65536, 70000):
        b = bytes(range(256)) * (n // 256) + bytes(n % 256)
        assert rlp_str(b) == encode(b)
        assert rlp_list(encode(b)) == encode([b])
    for single in (b"\x00", b"\x7f", b"\x80", b"\xff"):
        assert rlp_str(single) == encode(single)


def test_leaf_keys_remembered_and_bounded():
    paths = [bytes(int(c, 16) for c in f"{i:05x}") for i in range(trie_nodes._LEAF_KEYS_MAX + 5000)]
    for path in paths + paths[:100]:
        assert leaf_key_rlp(path) == rlp_str(hp_encode(path, True))
        assert len(trie_nodes._LEAF_KEYS) <= trie_nodes._LEAF_KEYS_MAX
