"""web3.py over WebSocket (AsyncWeb3 + WebSocketProvider, same port as HTTP) against the real
`devnet` process: deploy and use the Token, and eth_subscribe `newHeads` and `logs` (with an
address and topic filter), receiving the header and the Transfer log of a transfer sent after
subscribing, and nothing for a log the filter excludes."""
import asyncio

from eth_hash.auto import keccak
from web3 import AsyncWeb3, WebSocketProvider

from tests.integration.support import UNIT_PRICE, artifact, dev_account

TRANSFER_TOPIC = "0x" + keccak(b"Transfer(address,address,uint256)").hex()
NOTIFICATION_TIMEOUT = 10.0


async def _deploy_token(w3: AsyncWeb3, owner: str):
    build = artifact("Token")
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    tx_hash = await factory.constructor("Socket Token", "SCK", 10**21).transact({"from": owner})
    receipt = await w3.eth.get_transaction_receipt(tx_hash)
    assert receipt.status == 1 and receipt.contractAddress is not None
    return w3.eth.contract(address=receipt.contractAddress, abi=build["abi"]), receipt


async def _collect(w3: AsyncWeb3, wanted: dict[str, int]) -> dict[str, list]:
    """Subscription results by subscription id, until each id has its wanted count."""
    got: dict[str, list] = {sid: [] for sid in wanted}

    async def run() -> None:
        async for msg in w3.socket.process_subscriptions():
            got.setdefault(msg["subscription"], []).append(msg["result"])
            if all(len(got[sid]) >= n for sid, n in wanted.items()):
                return
    await asyncio.wait_for(run(), NOTIFICATION_TIMEOUT)
    return got


async def test_websocket_deploy_transfer_and_balances(devnet):
    owner, alice = dev_account(0).address, dev_account(1).address
    async with AsyncWeb3(WebSocketProvider(devnet.ws_url)) as w3:
        assert await w3.eth.chain_id == 31337
        assert await w3.eth.gas_price == UNIT_PRICE
        token, deploy = await _deploy_token(w3, owner)
        (ev,) = token.events.Transfer().process_receipt(deploy)
        assert ev.args["to"] == owner and ev.args["value"] == 10**21
        tx_hash = await token.functions.transfer(alice, 5).transact({"from": owner})
        receipt = await w3.eth.get_transaction_receipt(tx_hash)
        assert receipt.status == 1 and receipt.blockNumber == deploy.blockNumber + 1
        assert await token.functions.balanceOf(alice).call() == 5
        assert await token.functions.balanceOf(owner).call() == 10**21 - 5
        logs = await token.events.Transfer().get_logs(from_block=deploy.blockNumber)
        assert [e.args["value"] for e in logs] == [10**21, 5]


async def test_websocket_new_heads_and_logs_subscriptions(devnet):
    owner, alice = dev_account(0).address, dev_account(1).address
    async with AsyncWeb3(WebSocketProvider(devnet.ws_url)) as w3:
        token, _ = await _deploy_token(w3, owner)
        heads = await w3.eth.subscribe("newHeads")
        logs = await w3.eth.subscribe("logs", {"address": token.address,
                                               "topics": [TRANSFER_TOPIC]})
        # an Approval first: it makes a block (a head) but must not reach the logs subscription
        approve = await w3.eth.get_transaction_receipt(
            await token.functions.approve(alice, 1).transact({"from": owner}))
        tx_hash = await token.functions.transfer(alice, 42).transact({"from": owner})
        receipt = await w3.eth.get_transaction_receipt(tx_hash)
        got = await _collect(w3, {heads: 2, logs: 1})
        assert [h["hash"] for h in got[heads]] == [approve.blockHash, receipt.blockHash]
        head = got[heads][1]
        assert head["number"] == receipt.blockNumber
        assert head["parentHash"] == approve.blockHash
        assert head["baseFeePerGas"] == UNIT_PRICE
        (log,) = got[logs]
        assert log["transactionHash"] == tx_hash
        assert log["blockNumber"] == receipt.blockNumber
        assert token.events.Transfer().process_log(log).args == {
            "from": owner, "to": alice, "value": 42}
        assert await w3.eth.unsubscribe(heads)
        assert await w3.eth.unsubscribe(logs)
