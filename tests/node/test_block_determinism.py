"""Determinism: a fixed scenario mines the same blocks, to the byte, on every build and store.

The expected head hash below was computed by the build before the mining path's speed work
(bench/mine_loop.py; commit 44754a4); a change to encoding, trie hashing, roots or block
assembly that alters any byte of any block (or of any state root) changes it. The scenario
covers the three signed transaction types the automine path takes most (legacy, EIP-2930,
EIP-1559), a transfer creating an account, a contract creation that writes storage, a call that
changes a slot and one that clears it (a storage trie deletion), on a memory store and on
LevelDB.
"""
import pytest

from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import encode
from tests.node.helpers import accounts, make_devnet, run, transfer

# PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE STOP: slot 0 = the first calldata word
RUNTIME = bytes.fromhex("6000356000550000")
# SSTORE(1, 5), then return RUNTIME (copied from the code after these 17 bytes)
INITCODE = bytes.fromhex("6005600155" "60086011600039" "60086000f3") + RUNTIME
EXPECTED_HEAD = "0xa18523c21692035988bb4b984b31aa33c3485a7856627139ff8563d3c14956c8"


def _scenario(d) -> tuple[int, bytes]:
    """Mine the scenario's blocks; (head number, head hash)."""
    a, b = accounts(d)[:2]
    key = a.private_key
    txs = [transfer(key, 0, b.address, 10**18, tx_type=0),
           transfer(key, 1, b.address, 12345, tx_type=1),
           transfer(key, 2, bytes.fromhex("00" * 19 + "42"), 1),  # a new account
           transfer(key, 3, None, 0, gas=200_000, data=INITCODE)]
    contract = keccak256(encode([a.address, 3]))[12:]
    txs += [transfer(key, 4, contract, 0, gas=100_000, data=(7).to_bytes(32, "big")),
            transfer(key, 5, contract, 0, gas=100_000, data=bytes(32))]
    txs += [transfer(b.private_key, n, a.address, 1000 + n) for n in range(3)]
    for tx in txs:
        run(d, d.send_raw_transaction, tx.raw)
    head = run(d, lambda: d.chain.head)
    return head.number, head.hash


@pytest.mark.parametrize("store", ["memory", "leveldb"])
def test_fixed_scenario_mines_the_same_blocks(store, tmp_path):
    d = make_devnet(tmp_path / "data" if store == "leveldb" else None)
    try:
        number, head_hash = _scenario(d)
        contract = keccak256(encode([accounts(d)[0].address, 3]))[12:]
        state = run(d, d.chain.head_state)
        code, slots = run(d, lambda: (state.get_code(contract),
                                      [state.get_storage(contract, k) for k in (0, 1)]))
    finally:
        d.shutdown()
    assert code == RUNTIME
    assert slots == [0, 5]  # slot 0 set to 7, then cleared
    assert number == 9
    assert "0x" + head_hash.hex() == EXPECTED_HEAD
