"""Anvil's pool, account and extra eth_* methods through web3.py against the real `devnet`
process: anvil_dropAllTransactions, anvil_removePoolTransactions, eth_pendingTransactions,
anvil_addBalance, anvil_dealERC20 and anvil_setERC20Allowance on the test Token (slots found from
its getters' storage reads), eth_getRawTransactionByBlockNumberAndIndex / ByBlockHashAndIndex,
eth_getAccount, eth_fillTransaction, and transaction objects with JSON-number quantities."""
import pytest
from web3 import Web3

from tests.integration.support import UNIT_PRICE, artifact, dev_account

A0, A1, A2, A3 = (dev_account(i).address for i in range(4))
EMPTY_CODE_HASH = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
EMPTY_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"


def call(w3: Web3, method: str, *params):
    answer = w3.provider.make_request(method, list(params))
    assert "error" not in answer, answer
    return answer["result"]


@pytest.fixture
def w3(spawn):
    return Web3(Web3.HTTPProvider(spawn().url))


def test_pending_transactions_drop_all_and_remove_by_sender(w3):
    call(w3, "evm_setAutomine", False)
    mine = [w3.eth.send_transaction({"from": A0, "to": A1, "value": v}) for v in (1, 2)]
    other = w3.eth.send_transaction({"from": A2, "to": A1, "value": 3})
    pending = call(w3, "eth_pendingTransactions")
    assert sorted(t["hash"] for t in pending) == sorted(h.to_0x_hex() for h in mine + [other])
    assert all(t["blockHash"] is None for t in pending)
    assert call(w3, "anvil_removePoolTransactions", A0) is None
    assert [t["hash"] for t in call(w3, "eth_pendingTransactions")] == [other.to_0x_hex()]
    assert call(w3, "anvil_dropAllTransactions") is None
    assert call(w3, "eth_pendingTransactions") == []
    w3.eth.send_transaction({"from": A3, "to": A1, "value": 4})
    assert call(w3, "hardhat_dropAllTransactions") is True
    call(w3, "evm_mine")
    assert w3.eth.get_block("latest").transactions == []


def test_add_balance(w3):
    before = w3.eth.get_balance(A3)
    assert call(w3, "anvil_addBalance", A3, hex(10**18)) is None
    assert w3.eth.get_balance(A3) == before + 10**18
    assert call(w3, "hardhat_addBalance", A3, 5) is True
    assert w3.eth.get_balance(A3) == before + 10**18 + 5


@pytest.fixture
def token(w3):
    build = artifact("Token")
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    receipt = w3.eth.get_transaction_receipt(
        factory.constructor("Test Token", "TST", 10**24).transact({"from": A0}))
    return w3.eth.contract(address=receipt.contractAddress, abi=build["abi"])


def test_deal_erc20(w3, token):
    assert call(w3, "anvil_dealERC20", A2, token.address, hex(12345)) is None
    assert token.functions.balanceOf(A2).call() == 12345
    call(w3, "anvil_setERC20Balance", A2, token.address, 7)
    assert token.functions.balanceOf(A2).call() == 7
    assert token.functions.balanceOf(A0).call() == 10**24  # other holders untouched
    token.functions.transfer(A3, 7).transact({"from": A2})
    assert token.functions.balanceOf(A3).call() == 7
    answer = w3.provider.make_request("anvil_dealERC20", [A2, A1, "0x1"])  # not a token
    assert answer["error"]["message"] == "Unable to set ERC20 balance, no slot found"


def test_set_erc20_allowance(w3, token):
    assert call(w3, "anvil_setERC20Allowance", A0, A1, token.address, hex(500)) is None
    assert token.functions.allowance(A0, A1).call() == 500
    token.functions.transferFrom(A0, A2, 200).transact({"from": A1})
    assert token.functions.allowance(A0, A1).call() == 300
    assert token.functions.balanceOf(A2).call() == 200


def test_raw_transaction_by_block_and_index(w3):
    tx_hash = w3.eth.send_transaction({"from": A0, "to": A1, "value": 9})
    raw = w3.eth.get_raw_transaction(tx_hash).to_0x_hex()
    block = w3.eth.get_block("latest")
    assert call(w3, "eth_getRawTransactionByBlockNumberAndIndex", hex(block.number), "0x0") == raw
    assert call(w3, "eth_getRawTransactionByBlockHashAndIndex", block.hash.to_0x_hex(), 0) == raw
    assert call(w3, "eth_getRawTransactionByBlockNumberAndIndex", "latest", "0x1") is None


def test_get_account(w3, token):
    acct = call(w3, "eth_getAccount", A0, "latest")
    assert acct["balance"] == hex(w3.eth.get_balance(A0))
    assert acct["nonce"] == hex(w3.eth.get_transaction_count(A0))
    assert acct["codeHash"] == EMPTY_CODE_HASH and acct["storageRoot"] == EMPTY_ROOT
    contract = call(w3, "eth_getAccount", token.address, "latest")
    assert contract["codeHash"] == Web3.keccak(w3.eth.get_code(token.address)).to_0x_hex()
    assert contract["storageRoot"] == w3.eth.get_proof(token.address, [], "latest") \
        .storageHash.to_0x_hex()
    fresh = "0x" + "ab" * 20
    assert call(w3, "eth_getAccount", fresh, "0x0") == {
        "codeHash": EMPTY_CODE_HASH, "storageRoot": EMPTY_ROOT, "balance": "0x0", "nonce": "0x0"}


def test_fill_transaction(w3):
    out = call(w3, "eth_fillTransaction", {"from": A0, "to": A1, "value": 5})
    tx = out["tx"]
    assert tx["from"] == A0.lower() and tx["to"] == A1.lower() and tx["value"] == "0x5"
    assert tx["nonce"] == hex(w3.eth.get_transaction_count(A0)) and tx["gas"] == hex(21000)
    assert tx["maxFeePerGas"] == hex(UNIT_PRICE) and out["raw"].startswith("0x02")
    default = call(w3, "eth_fillTransaction", {"to": A1})
    assert default["tx"]["from"] == A0.lower()
    assert w3.eth.block_number == 0  # nothing was sent


def test_json_number_quantities(w3):
    """web3.py's modify_transaction path (and some scripts) send numbers, not hex strings."""
    nonce = w3.eth.get_transaction_count(A0)
    tx_hash = call(w3, "eth_sendTransaction", {"from": A0, "to": A1, "value": 7, "gas": 21000,
                                               "nonce": nonce, "maxFeePerGas": UNIT_PRICE})
    tx = w3.eth.get_transaction(tx_hash)
    assert (tx.value, tx.gas, tx.nonce) == (7, 21000, nonce)
    assert w3.eth.estimate_gas({"from": A0, "to": A1, "value": 1}) == 21000
    assert call(w3, "eth_estimateGas", {"from": A0, "to": A1, "value": 1, "gas": 30000}) == \
        hex(21000)
