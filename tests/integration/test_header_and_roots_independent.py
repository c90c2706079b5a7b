"""Every block hash and root of a varied chain recomputed independently of pydevnet's code, from
what JSON-RPC returns, with pyrlp, eth_hash's keccak and py-trie's HexaryTrie:

- the block hash: keccak256(rlp(the 21 header fields of eth_getBlockByNumber: Cancun's 20 and
  Prague's requestsHash, as the node runs Osaka by default));
- transactionsRoot: eth_getRawTransactionByHash of each transaction in a HexaryTrie keyed by
  rlp(index) (and keccak256(raw) is the transaction hash);
- receiptsRoot: each receipt rebuilt from eth_getTransactionReceipt as rlp([status,
  cumulativeGasUsed, logsBloom, logs]), typed ones prefixed with their type byte (EIP-2718);
- logsBloom of every receipt and block recomputed from the logs (the yellow paper's M3:2048);
- stateRoot: eth_getProof of every touched account verified against the block's stateRoot with
  HexaryTrie.get_from_proof, the account RLP decoded to nonce/balance/storageHash/codeHash and
  matched with eth_getBalance/eth_getTransactionCount/eth_getCode, plus storage proofs of Token
  balance slots against the storageHash, and an exclusion proof of an untouched address.

The chain is built with --no-mining and evm_mine, so blocks hold several transactions (of all
three types, two deployments, logs, a revert), one holds 20, and one is empty."""
import hashlib

import pytest
import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie

from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import (GWEI, UNIT_PRICE, all_blocks, artifact, balance_slot,
                                       calldata, dev_account, receipts_of, sign,
                                       token_deploy_data)

A, B, C, D = (dev_account(i) for i in range(4))
TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3"  # CREATE(A, nonce 0)
REVERTER = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"  # CREATE(A, nonce 1)
EMPTY_TRIE_ROOT = HexaryTrie({}).root_hash
EMPTY_LIST_HASH = keccak(rlp.encode([]))
UNTOUCHED = "0x" + keccak(b"nobody")[:20].hex()


def b(hex_str: str) -> bytes:
    return bytes.fromhex(hex_str[2:])


def q(hex_str: str) -> int:
    return int(hex_str, 16)


def _blocks_of_transactions() -> list[list[str]]:
    transfer = "transfer(address,uint256)"
    return [
        [  # deployments and a plain EIP-2930 transfer
            sign(A, nonce=0, gas=2_000_000, gasPrice=30 * GWEI, data=token_deploy_data()),
            sign(A, nonce=1, gas=1_000_000, maxFeePerGas=40 * GWEI, maxPriorityFeePerGas=GWEI,
                 data=artifact("Reverter")["bytecode"]),
            sign(B, nonce=0, to=D.address, value=10**18, gas=30_000, gasPrice=UNIT_PRICE,
                 accessList=[{"address": D.address, "storageKeys": ["0x" + "00" * 32]}]),
        ],
        [  # logs, an access list with a storage key, a revert, a storage write
            sign(A, nonce=2, to=TOKEN, gas=100_000, maxFeePerGas=UNIT_PRICE,
                 maxPriorityFeePerGas=0, data=calldata(transfer, B.address, 5000)),
            sign(B, nonce=1, to=TOKEN, gas=100_000, gasPrice=UNIT_PRICE,
                 accessList=[{"address": TOKEN,
                              "storageKeys": ["0x" + balance_slot(B.address).hex()]}],
                 data=calldata("approve(address,uint256)", C.address, 300)),
            sign(C, nonce=0, to=REVERTER, gas=80_000, gasPrice=UNIT_PRICE,
                 data=calldata("failRequire()")),
            sign(C, nonce=1, to=REVERTER, gas=80_000, maxFeePerGas=50 * GWEI,
                 maxPriorityFeePerGas=2 * GWEI, data=calldata("increment()")),
            sign(C, nonce=2, to=TOKEN, gas=100_000, gasPrice=UNIT_PRICE,
                 data=calldata("transferFrom(address,address,uint256)", B.address, D.address,
                               120)),
        ],
        [],  # an empty block
        # twenty transactions: trie keys rlp(0) .. rlp(19), a full branch node
        [sign(A, nonce=3 + i, to=TOKEN if i % 3 else D.address, value=0 if i % 3 else i,
              gas=100_000 if i % 3 else 21_000, gasPrice=UNIT_PRICE,
              data=calldata(transfer, C.address, i) if i % 3 else "0x")
         for i in range(20)],
        [sign(D, nonce=0, to=A.address, value=1, gas=21_000, maxFeePerGas=UNIT_PRICE,
              maxPriorityFeePerGas=0)],
    ]


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    with DevnetProcess(tmp_path_factory.mktemp("roots") / "data", "--quiet",
                       "--no-mining") as dev:
        for txs in _blocks_of_transactions():
            for raw in txs:
                dev.rpc("eth_sendRawTransaction", raw)
            dev.rpc("evm_mine")
        blocks = all_blocks(dev, full=True)
        assert [len(blk["transactions"]) for blk in blocks] == [0, 3, 5, 0, 20, 1]
        yield dev, blocks


HEADER_FIELDS = [  # (JSON name, kind) in the order of the Prague (and Osaka) header RLP
    ("parentHash", "bytes"), ("sha3Uncles", "bytes"), ("miner", "bytes"),
    ("stateRoot", "bytes"), ("transactionsRoot", "bytes"), ("receiptsRoot", "bytes"),
    ("logsBloom", "bytes"), ("difficulty", "int"), ("number", "int"), ("gasLimit", "int"),
    ("gasUsed", "int"), ("timestamp", "int"), ("extraData", "bytes"), ("mixHash", "bytes"),
    ("nonce", "bytes"), ("baseFeePerGas", "int"), ("withdrawalsRoot", "bytes"),
    ("blobGasUsed", "int"), ("excessBlobGas", "int"), ("parentBeaconBlockRoot", "bytes"),
    ("requestsHash", "bytes"),
]
EMPTY_REQUESTS_HASH = hashlib.sha256(b"").digest()  # EIP-7685: a block without requests
BLOCKS = range(6)


@pytest.mark.parametrize("n", BLOCKS)
def test_block_hash_is_keccak_of_the_rlp_header(chain, n):
    _, blocks = chain
    blk = blocks[n]
    fields = [q(blk[name]) if kind == "int" else b(blk[name]) for name, kind in HEADER_FIELDS]
    assert keccak(rlp.encode(fields)).hex() == blk["hash"][2:]
    assert b(blk["sha3Uncles"]) == EMPTY_LIST_HASH
    assert b(blk["withdrawalsRoot"]) == EMPTY_TRIE_ROOT
    assert len(b(blk["nonce"])) == 8 and len(b(blk["logsBloom"])) == 256
    assert b(blk["requestsHash"]) == EMPTY_REQUESTS_HASH  # no deposit contract, no requests
    if n:
        assert blk["parentHash"] == blocks[n - 1]["hash"]
        # no beacon chain: the node's parentBeaconBlockRoot is keccak256 of the parent hash
        assert b(blk["parentBeaconBlockRoot"]) == keccak(b(blk["parentHash"]))


@pytest.mark.parametrize("n", BLOCKS)
def test_transactions_root(chain, n):
    dev, blocks = chain
    blk = blocks[n]
    trie = HexaryTrie({})
    for i, tx in enumerate(blk["transactions"]):
        raw = b(dev.rpc("eth_getRawTransactionByHash", tx["hash"]))
        assert keccak(raw).hex() == tx["hash"][2:]
        assert (raw[0] if raw[0] < 0x80 else 0) == q(tx["type"])
        trie[rlp.encode(i)] = raw
    assert trie.root_hash.hex() == blk["transactionsRoot"][2:]


def bloom(logs: list[dict]) -> bytes:
    """M3:2048: for the address and each topic, three 11-bit indexes from keccak's first six
    bytes set bits counted from the low-order end of the 256-byte big-endian bloom."""
    bits = 0
    for log in logs:
        for item in [b(log["address"])] + [b(t) for t in log["topics"]]:
            h = keccak(item)
            for i in (0, 2, 4):
                bits |= 1 << (((h[i] << 8) | h[i + 1]) & 2047)
    return bits.to_bytes(256, "big")


def receipt_encoding(r: dict) -> bytes:
    logs = [[b(log["address"]), [b(t) for t in log["topics"]], b(log["data"])]
            for log in r["logs"]]
    payload = rlp.encode([q(r["status"]), q(r["cumulativeGasUsed"]), b(r["logsBloom"]), logs])
    tx_type = q(r["type"])
    return payload if tx_type == 0 else bytes([tx_type]) + payload


@pytest.mark.parametrize("n", BLOCKS)
def test_receipts_root_and_blooms(chain, n):
    dev, blocks = chain
    blk = blocks[n]
    receipts = receipts_of(dev, blk)
    trie = HexaryTrie({})
    cumulative = 0
    block_bloom = 0
    for i, r in enumerate(receipts):
        assert q(r["transactionIndex"]) == i and r["blockHash"] == blk["hash"]
        cumulative += q(r["gasUsed"])
        assert q(r["cumulativeGasUsed"]) == cumulative
        assert r["logsBloom"] == "0x" + bloom(r["logs"]).hex()
        block_bloom |= int.from_bytes(bloom(r["logs"]), "big")
        trie[rlp.encode(i)] = receipt_encoding(r)
    assert trie.root_hash.hex() == blk["receiptsRoot"][2:]
    assert q(blk["gasUsed"]) == cumulative
    assert blk["logsBloom"] == "0x" + block_bloom.to_bytes(256, "big").hex()


def test_the_chain_has_what_the_roots_should_cover(chain):
    dev, blocks = chain
    receipts = [r for blk in blocks for r in receipts_of(dev, blk)]
    assert {r["type"] for r in receipts} == {"0x0", "0x1", "0x2"}
    assert [r["status"] for r in receipts].count("0x0") == 1
    assert sum(len(r["logs"]) for r in receipts) >= 15
    assert {r["contractAddress"] for r in receipts} == {None, TOKEN, REVERTER}


def _touched(blk: dict, receipts: list[dict]) -> set[str]:
    if blk["number"] == "0x0":  # the genesis alloc; the coinbase has nothing yet
        return {dev_account(i).address.lower() for i in range(20)}
    out = {blk["miner"]}
    for tx, r in zip(blk["transactions"], receipts):
        out |= {tx["from"], tx["to"] or r["contractAddress"]}
    return out


def _verify_account(dev, address: str, blk: dict, slots: list[bytes]) -> tuple[list, dict]:
    """The account proven against the block's stateRoot; returns (account fields, proof)."""
    number = blk["number"]
    proof = dev.rpc("eth_getProof", address, ["0x" + s.hex() for s in slots], number)
    nodes = [rlp.decode(b(node)) for node in proof["accountProof"]]
    encoded = HexaryTrie.get_from_proof(b(blk["stateRoot"]), keccak(b(address)), nodes)
    if encoded == b"":  # proven absent
        return [], proof
    nonce, balance, storage_root, code_hash = rlp.decode(encoded)
    nonce, balance = int.from_bytes(nonce, "big"), int.from_bytes(balance, "big")
    assert (nonce, balance) == (q(proof["nonce"]), q(proof["balance"]))
    assert (storage_root, code_hash) == (b(proof["storageHash"]), b(proof["codeHash"]))
    assert balance == q(dev.rpc("eth_getBalance", address, number))
    assert nonce == q(dev.rpc("eth_getTransactionCount", address, number))
    assert code_hash == keccak(b(dev.rpc("eth_getCode", address, number)))
    return [nonce, balance, storage_root, code_hash], proof


@pytest.mark.parametrize("n", BLOCKS)
def test_state_root_proofs_of_touched_accounts(chain, n):
    dev, blocks = chain
    blk = blocks[n]
    receipts = receipts_of(dev, blk)
    touched = _touched(blk, receipts)
    for address in sorted(touched):
        account, _ = _verify_account(dev, address, blk, [])
        assert account, f"{address} touched in block {n} but absent from its state"
    # an address nobody touched is proven absent
    absent, proof = _verify_account(dev, UNTOUCHED, blk, [])
    assert absent == [] and q(proof["balance"]) == 0 and q(proof["nonce"]) == 0


@pytest.mark.parametrize("n", [n for n in BLOCKS if n >= 1])
def test_token_balance_storage_proofs(chain, n):
    dev, blocks = chain
    blk = blocks[n]
    holders = [A.address, B.address, C.address, D.address]
    slots = [balance_slot(h) for h in holders]
    account, proof = _verify_account(dev, TOKEN, blk, slots)
    storage_root = account[2]
    assert storage_root != EMPTY_TRIE_ROOT
    for holder, slot, entry in zip(holders, slots, proof["storageProof"]):
        assert q(entry["key"]) == int.from_bytes(slot, "big")
        nodes = [rlp.decode(b(node)) for node in entry["proof"]]
        encoded = HexaryTrie.get_from_proof(storage_root, keccak(slot), nodes)
        value = int.from_bytes(rlp.decode(encoded), "big") if encoded else 0
        assert value == q(entry["value"])
        balance = q(dev.rpc("eth_call", {"to": TOKEN, "data": calldata(
            "balanceOf(address)", holder)}, blk["number"]))
        assert value == balance, (holder, n)
        assert value == q(dev.rpc("eth_getStorageAt", TOKEN, "0x" + slot.hex(), blk["number"]))
    if n >= 2:  # block 2: A sent B 5000, C moved 120 of them from B to D
        assert q(proof["storageProof"][1]["value"]) == 5000 - 120
        assert q(proof["storageProof"][3]["value"]) == 120
