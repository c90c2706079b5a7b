"""The rest of Anvil 1.7.1's method names through web3.py against the real `devnet` process
(rpc/methods/anvil_extra.py): the aliases (eth_networkId, eth_requestAccounts,
anvil_setNextBlockTimestamp, evm_setAccountNonce, hardhat_autoImpersonateAccount,
hardhat_dumpState/loadState, tenderly_setBalance/addBalance), eth_protocolVersion, eth_hashrate,
anvil_getGenesisTime, anvil_getIntervalMining, eth_getAccountInfo, eth_getStorageValues,
debug_codeByHash, debug_dbGet, erigon_getHeaderByNumber, eth_getTransactionBySenderAndNonce,
eth_sendTransactionSync, eth_sendUnsignedTransaction and anvil_setRpcUrl's refusal on a local node; and web3.py's
modify_transaction / replace_transaction flows end to end (Anvil's JSON-number leniency)."""
import pytest
from web3 import Web3

from tests.integration.support import dev_account
from tests.integration.test_anvil_methods_chain import call, error
from tests.integration.test_anvil_methods_pool import token  # noqa: F401 -- the fixture

A0, A1, A2 = (dev_account(i).address for i in range(3))
STRANGER = "0x1000000000000000000000000000000000000002"
EMPTY_CODE_HASH = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
ZERO_WORD = "0x" + "00" * 32


@pytest.fixture
def w3(spawn):
    return Web3(Web3.HTTPProvider(spawn().url))


def test_node_facts(w3):
    assert call(w3, "eth_networkId") == "31337" == call(w3, "net_version")
    assert call(w3, "eth_requestAccounts") == call(w3, "eth_accounts")
    assert call(w3, "eth_protocolVersion") == 1
    assert call(w3, "eth_hashrate") == "0x0"
    assert call(w3, "anvil_getGenesisTime") == w3.eth.get_block(0).timestamp


def test_interval_mining_reported(spawn):
    w3 = Web3(Web3.HTTPProvider(spawn("--block-time", "2").url))
    assert call(w3, "anvil_getIntervalMining") == 2
    call(w3, "evm_setIntervalMining", 1500)  # Hardhat's milliseconds
    assert call(w3, "anvil_getIntervalMining") == 1.5
    call(w3, "evm_setIntervalMining", 0)
    assert call(w3, "anvil_getIntervalMining") is None
    call(w3, "evm_setAutomine", True)
    assert call(w3, "anvil_getIntervalMining") is None


def test_state_aliases(w3):
    assert call(w3, "tenderly_setBalance", STRANGER, hex(10**18)) is None
    assert w3.eth.get_balance(STRANGER) == 10**18
    assert call(w3, "tenderly_addBalance", STRANGER, 5) is None
    assert w3.eth.get_balance(STRANGER) == 10**18 + 5
    assert call(w3, "evm_setAccountNonce", STRANGER, "0x7") is True
    assert w3.eth.get_transaction_count(STRANGER) == 7
    ts = w3.eth.get_block("latest").timestamp + 1000
    assert call(w3, "anvil_setNextBlockTimestamp", ts) is None
    call(w3, "evm_mine")
    assert w3.eth.get_block("latest").timestamp == ts


def test_hardhat_auto_impersonate_and_state_dump(w3):
    assert call(w3, "hardhat_autoImpersonateAccount", True) is None  # as anvil_'s
    call(w3, "anvil_setBalance", STRANGER, hex(10**18))
    tx = w3.eth.send_transaction({"from": STRANGER, "to": A1, "value": 1})
    assert w3.eth.get_transaction_receipt(tx).status == 1
    call(w3, "hardhat_autoImpersonateAccount", False)
    dump = call(w3, "hardhat_dumpState")
    call(w3, "anvil_setBalance", STRANGER, "0x0")
    assert call(w3, "hardhat_loadState", dump) is True
    assert w3.eth.get_balance(STRANGER) > 0


def test_account_info_and_storage_values(w3, token):
    code = w3.eth.get_code(token.address)
    info = call(w3, "eth_getAccountInfo", token.address, "latest")
    assert info == {"balance": "0x0", "nonce": "0x1", "code": code.to_0x_hex()}
    call(w3, "anvil_setBalance", A2, hex(3))
    assert call(w3, "eth_getAccountInfo", A2) == {"balance": "0x3", "nonce": "0x0", "code": "0x"}
    assert call(w3, "eth_getAccountInfo", A2, "0x0")["balance"] != "0x3"
    slot5 = "0x" + "ab" * 32
    call(w3, "anvil_setStorageAt", token.address, hex(5), slot5)
    values = call(w3, "eth_getStorageValues", {token.address: ["0x5", hex(99)], A2: [ZERO_WORD]})
    assert values == {token.address.lower(): [slot5, ZERO_WORD], A2.lower(): [ZERO_WORD]}
    too_many = error(w3, "eth_getStorageValues", {A2: ["0x1"] * 1025})
    assert too_many["code"] == -32602
    assert "total slot count 1025 exceeds limit 1024" in too_many["message"]
    assert error(w3, "eth_getStorageValues", [A2])["code"] == -32602
    assert error(w3, "eth_getStorageValues", {}) == {"code": -32602, "message": "empty request"}


def test_code_by_hash_and_db_get(w3, token):
    code = w3.eth.get_code(token.address)
    code_hash = w3.keccak(code).to_0x_hex()
    assert call(w3, "debug_codeByHash", code_hash) == code.to_0x_hex()
    assert call(w3, "debug_codeByHash", code_hash, "latest") == code.to_0x_hex()
    assert call(w3, "debug_codeByHash", EMPTY_CODE_HASH) == "0x"
    assert call(w3, "debug_codeByHash", "0x" + "11" * 32) is None
    assert call(w3, "debug_dbGet", "0x63" + code_hash[2:]) == code.to_0x_hex()
    assert error(w3, "debug_dbGet", "0x64" + code_hash[2:])["message"].endswith(
        "Key prefix must be 0x63 for code hash lookups")
    assert "expected 33 bytes, got 1" in error(w3, "debug_dbGet", "0x63")["message"]


def test_erigon_header_by_number(w3):
    w3.eth.send_transaction({"from": A0, "to": A1, "value": 1})
    assert call(w3, "erigon_getHeaderByNumber", "0x1") == call(
        w3, "eth_getBlockByNumber", "0x1", False)
    assert call(w3, "erigon_getHeaderByNumber", 0)["number"] == "0x0"
    assert call(w3, "erigon_getHeaderByNumber", "0x99") is None


def test_transaction_by_sender_and_nonce(w3):
    mined = w3.eth.send_transaction({"from": A0, "to": A1, "value": 1})
    call(w3, "evm_setAutomine", False)
    pooled = w3.eth.send_transaction({"from": A0, "to": A1, "value": 2})
    got = call(w3, "eth_getTransactionBySenderAndNonce", A0, "0x0")
    assert got["hash"] == mined.to_0x_hex() and got["blockNumber"] == "0x1"
    got = call(w3, "eth_getTransactionBySenderAndNonce", A0, 1)
    assert got["hash"] == pooled.to_0x_hex() and got["blockHash"] is None
    assert call(w3, "eth_getTransactionBySenderAndNonce", A0, 2) is None
    assert call(w3, "eth_getTransactionBySenderAndNonce", A2, 0) is None


def test_send_transaction_sync(w3):
    receipt = call(w3, "eth_sendTransactionSync", {"from": A0, "to": A1, "value": hex(7)})
    assert receipt["status"] == "0x1" and receipt["from"] == A0.lower()
    assert w3.eth.get_transaction(receipt["transactionHash"])["value"] == 7
    refused = error(w3, "eth_sendTransactionSync", {"from": A0, "to": A1, "value": hex(10**30)})
    assert refused["code"] == -32000 and "insufficient funds" in refused["message"]


def test_send_unsigned_transaction(w3):
    poor = error(w3, "eth_sendUnsignedTransaction", {"from": STRANGER, "to": A1, "value": 1})
    assert "insufficient funds" in poor["message"]
    call(w3, "anvil_setBalance", STRANGER, hex(10**18))
    tx_hash = call(w3, "eth_sendUnsignedTransaction", {"from": STRANGER, "to": A1, "value": 9})
    tx = w3.eth.get_transaction(tx_hash)
    assert tx["from"] == Web3.to_checksum_address(STRANGER) and tx["value"] == 9
    assert w3.eth.get_transaction_receipt(tx_hash).status == 1
    assert STRANGER not in [a.lower() for a in w3.eth.accounts]  # not impersonated after
    assert error(w3, "eth_sendUnsignedTransaction", {"to": A1})["code"] == -32602


def test_set_rpc_url_refused_on_a_local_node(w3):
    refused = error(w3, "anvil_setRpcUrl", "http://127.0.0.1:8545")
    assert refused["code"] == -32602 and "not forked" in refused["message"]


# -- web3.py's pending-transaction flows (JSON-number quantities, as Anvil takes them) --------
def test_modify_transaction(w3):
    call(w3, "evm_setAutomine", False)
    first = w3.eth.send_transaction({"from": A0, "to": A1, "value": 1})
    replaced = w3.eth.modify_transaction(first, value=2, maxFeePerGas=w3.eth.gas_price * 2,
                                         maxPriorityFeePerGas=w3.eth.gas_price)
    assert replaced != first
    assert [t["hash"] for t in call(w3, "eth_pendingTransactions")] == [replaced.to_0x_hex()]
    call(w3, "evm_mine")
    receipt = w3.eth.get_transaction_receipt(replaced)
    assert receipt.status == 1 and w3.eth.get_transaction(replaced)["value"] == 2
    assert w3.eth.get_transaction_count(A0) == 1
    assert call(w3, "eth_getTransactionByHash", first.to_0x_hex()) is None


def test_replace_transaction(w3):
    call(w3, "evm_setAutomine", False)
    price = w3.eth.gas_price
    first = w3.eth.send_transaction({"from": A0, "to": A1, "value": 1, "gasPrice": price})
    new = w3.eth.replace_transaction(first, {"from": A0, "to": A2, "value": 3})
    assert [t["hash"] for t in call(w3, "eth_pendingTransactions")] == [new.to_0x_hex()]
    call(w3, "evm_mine")
    tx = w3.eth.get_transaction(new)
    assert tx["to"] == A2 and tx["nonce"] == 0 and tx["gasPrice"] > w3.eth.gas_price
    assert w3.eth.get_transaction_receipt(new).status == 1
