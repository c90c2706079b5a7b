"""web3.py (v8) against the server: HTTPProvider for the everyday calls a dApp or script makes,
and AsyncWeb3 with WebSocketProvider for subscriptions."""
import asyncio

import pytest
from eth_account import Account
from web3 import AsyncWeb3, Web3
from web3.exceptions import ContractLogicError, ContractPanicError, Web3RPCError
from web3.providers import WebSocketProvider

from pydevnet.node.devnet import MiningMode
from tests.rpc.helpers import (EMIT_LOG2, REVERT_BOOM, REVERT_PANIC, TOPIC_A, UNIT, ServerThread,
                               initcode, keys, make_devnet)


@pytest.fixture
def w3(server):
    return Web3(Web3.HTTPProvider(server.url, request_kwargs={"timeout": 30}))


def _deploy(w3: Web3, runtime: bytes) -> str:
    tx = w3.eth.send_transaction({"from": w3.eth.accounts[0], "data": initcode(runtime)})
    return w3.eth.wait_for_transaction_receipt(tx, timeout=10)["contractAddress"]


def test_basics(w3):
    assert w3.is_connected()
    assert w3.eth.chain_id == 31337
    assert w3.net.version == "31337"
    assert w3.client_version.startswith("anvil/v1.7.1 (compatible; pydevnet/")
    accounts = w3.eth.accounts
    assert len(accounts) == 20 and Web3.is_checksum_address(accounts[0])
    assert w3.eth.get_balance(accounts[0]) == Web3.to_wei(10_000, "ether")
    assert w3.eth.block_number == 0
    assert w3.eth.gas_price == UNIT and w3.eth.max_priority_fee == 0
    assert w3.eth.syncing is False


def test_send_transaction_from_unlocked_account(w3):
    a, b = w3.eth.accounts[:2]
    tx_hash = w3.eth.send_transaction({"from": a, "to": b, "value": Web3.to_wei(1, "ether")})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)
    assert receipt["status"] == 1 and receipt["blockNumber"] == 1
    assert receipt["gasUsed"] == 21000 and receipt["effectiveGasPrice"] == UNIT
    tx = w3.eth.get_transaction(tx_hash)
    assert tx["from"] == a and tx["to"] == b and tx["type"] == 2
    assert w3.eth.get_balance(b) == Web3.to_wei(10_001, "ether")
    assert w3.eth.get_balance(a) == Web3.to_wei(9_999, "ether") - 21000 * UNIT
    block = w3.eth.get_block("latest", full_transactions=True)
    assert block["number"] == 1 and block["transactions"][0]["hash"] == tx_hash
    assert block["baseFeePerGas"] == UNIT
    assert w3.eth.get_transaction_count(a) == 1
    assert w3.eth.get_block_receipts(1)[0]["transactionHash"] == tx_hash


def test_locally_signed_transactions(w3, server):
    key = keys(server.devnet)[2]
    acct = Account.from_key(key)
    nonce = w3.eth.get_transaction_count(acct.address, "pending")
    dynamic = acct.sign_transaction({
        "to": w3.eth.accounts[3], "value": 10, "gas": 21000, "nonce": nonce, "chainId": 31337,
        "maxFeePerGas": 2 * UNIT, "maxPriorityFeePerGas": 0})
    legacy = acct.sign_transaction({"to": w3.eth.accounts[3], "value": 11, "gas": 21000,
                                    "nonce": nonce + 1, "chainId": 31337, "gasPrice": UNIT})
    for signed_tx in (dynamic, legacy):
        tx_hash = w3.eth.send_raw_transaction(signed_tx.raw_transaction)
        assert tx_hash == signed_tx.hash
        assert w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)["status"] == 1
    assert w3.eth.get_raw_transaction(legacy.hash) == legacy.raw_transaction
    stale = acct.sign_transaction({"to": w3.eth.accounts[3], "value": 12, "gas": 21000,
                                   "nonce": nonce, "chainId": 31337, "gasPrice": UNIT})
    with pytest.raises(Web3RPCError, match="nonce too low"):
        w3.eth.send_raw_transaction(stale.raw_transaction)


def test_pending_block(server):
    s = ServerThread(make_devnet(mining=MiningMode.MANUAL))
    try:
        w3 = Web3(Web3.HTTPProvider(s.url))
        tx_hash = w3.eth.send_transaction({"from": w3.eth.accounts[0],
                                           "to": w3.eth.accounts[1], "value": 1})
        pending = w3.eth.get_block("pending")
        assert pending["number"] == 1 and pending["transactions"] == [tx_hash]
        assert pending["hash"] is None and pending["miner"] is None
        assert w3.eth.get_transaction_count(w3.eth.accounts[0], "pending") == 1
        assert w3.eth.get_transaction_count(w3.eth.accounts[0], "latest") == 0
        w3.provider.make_request("evm_mine", [])
        assert w3.eth.get_transaction_receipt(tx_hash)["blockNumber"] == 1
    finally:
        s.stop()


def test_calls_reverts_and_estimates(w3):
    boom = _deploy(w3, REVERT_BOOM)
    panic = _deploy(w3, REVERT_PANIC)
    with pytest.raises(ContractLogicError) as e:
        w3.eth.call({"to": boom})
    assert "boom" in str(e.value)
    with pytest.raises(ContractPanicError, match="overflow"):
        w3.eth.call({"to": panic})
    with pytest.raises(ContractLogicError, match="boom"):
        w3.eth.estimate_gas({"from": w3.eth.accounts[0], "to": boom})
    assert w3.eth.estimate_gas({"from": w3.eth.accounts[0], "to": w3.eth.accounts[1],
                                "value": 1}) == 21000


def test_filters_and_logs(w3):
    emitter = _deploy(w3, EMIT_LOG2)
    block_filter = w3.eth.filter("latest")
    log_filter = w3.eth.filter({"address": emitter, "topics": [TOPIC_A]})
    topic = "0x" + "0e" * 32
    tx = w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": emitter,
                                  "data": topic + "00" * 32})
    receipt = w3.eth.wait_for_transaction_receipt(tx, timeout=10)
    assert block_filter.get_new_entries() == [receipt["blockHash"]]
    entries = log_filter.get_new_entries()
    assert len(entries) == 1 and entries[0]["transactionHash"] == tx
    assert Web3.to_hex(entries[0]["topics"][1]) == topic
    logs = w3.eth.get_logs({"fromBlock": 0, "address": emitter})
    assert [log["transactionHash"] for log in logs] == [tx]
    assert w3.eth.uninstall_filter(log_filter.filter_id) is True
    history = w3.eth.fee_history(2, "latest", [50])
    assert history["baseFeePerGas"] == [UNIT] * 3
    proof = w3.eth.get_proof(emitter, [0], "latest")
    assert proof["codeHash"] == Web3.keccak(EMIT_LOG2)


def test_klaytn_and_kardia_names_through_web3(w3):
    assert w3.provider.make_request("klay_chainID", [])["result"] == "0x7a69"
    assert w3.provider.make_request("kaia_blockNumber", [])["result"] == "0x0"
    assert w3.provider.make_request("kai_blockNumber", [])["result"] == "0x0"


async def test_websocket_provider_and_subscriptions(server):
    async with AsyncWeb3(WebSocketProvider(server.ws_url)) as w3:
        assert await w3.eth.chain_id == 31337
        accounts = await w3.eth.accounts
        heads = await w3.eth.subscribe("newHeads")
        pending = await w3.eth.subscribe("newPendingTransactions")
        tx_hash = await w3.eth.send_transaction({"from": accounts[0], "to": accounts[1],
                                                 "value": 1})
        seen: dict = {}

        async def collect():
            async for message in w3.socket.process_subscriptions():
                seen[message["subscription"]] = message["result"]
                if len(seen) == 2:
                    return
        await asyncio.wait_for(collect(), 10)
        assert seen[heads]["number"] == 1
        assert seen[pending] == tx_hash
        block = await w3.eth.get_block("latest")
        assert seen[heads]["hash"] == block["hash"]
        assert await w3.eth.unsubscribe(heads) is True
