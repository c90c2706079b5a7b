"""A deletion on a fork that collapses a storage-trie branch whose other child no read fetched
(issue 12; node/fork/state.py's node_at: a key under the sibling's nibble path is found by
hashing and its proof fetched). Through web3.py against a real source `devnet`.

The contract stores calldata's word 1 at slot word 0. Slots 0, 6 and 8 are set on the source:
keccak256 of slot 6 and slot 8 both start with nibble f (slot 0's with 2), so the storage trie is
a root branch (2, f) whose child f is a branch holding 6 and 8. Zeroing slot 6 on the fork reads
only slot 6's path; the collapse needs slot 8's leaf, two nibbles deep, which nothing read. The
same signed transaction mined on the source and on the fork (no dev accounts funded: the same
state) gives the same block hash, so the fork's root after the collapse is the true MPT root.
"""
from web3 import Web3

from tests.integration.support import UNIT_PRICE, dev_account, send_raw, sign

A0 = dev_account(0)
RUNTIME = "6020356000355500"  # SSTORE(calldata[0:32], calldata[32:64]); STOP
INITCODE = "0x67" + RUNTIME + "600052" + "6008" + "6018" + "f3"


def _store(contract: str, nonce: int, slot: int, value: int) -> str:
    data = "0x" + slot.to_bytes(32, "big").hex() + value.to_bytes(32, "big").hex()
    return sign(A0, nonce=nonce, gasPrice=UNIT_PRICE, gas=100_000, to=contract, data=data)


def test_deleting_a_slot_collapses_a_branch_with_an_unfetched_sibling(spawn):
    assert Web3.keccak(int(6).to_bytes(32, "big")).hex()[:1] == \
        Web3.keccak(int(8).to_bytes(32, "big")).hex()[:1] == "f"
    assert Web3.keccak(int(0).to_bytes(32, "big")).hex()[:1] == "2"
    src = spawn()
    deployed = send_raw(src, sign(A0, nonce=0, gasPrice=UNIT_PRICE, gas=200_000,
                                  data=INITCODE))
    contract = Web3.to_checksum_address(deployed["contractAddress"])
    for nonce, slot in ((1, 0), (2, 6), (3, 8)):
        send_raw(src, _store(contract, nonce, slot, 100 + slot))
    fork = spawn("--fork-url", src.url, "--accounts", "0")
    s, f = (Web3(Web3.HTTPProvider(n.url)) for n in (src, fork))
    assert f.eth.get_block("latest")["hash"] == s.eth.get_block("latest")["hash"]
    delete = _store(contract, 4, 6, 0)
    hashes = [send_raw(node, delete)["blockHash"] for node in (src, fork)]
    assert hashes[0] == hashes[1]
    assert f.eth.get_block("latest")["stateRoot"] == s.eth.get_block("latest")["stateRoot"]
    for slot in (0, 6, 8):
        assert f.eth.get_storage_at(contract, slot) == s.eth.get_storage_at(contract, slot)
    assert int.from_bytes(f.eth.get_storage_at(contract, 8), "big") == 108
