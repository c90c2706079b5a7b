"""JSON-RPC over WebSocket on the same port, and eth_subscribe: newHeads, logs (filtered) and
newPendingTransactions, with notifications named after the namespace called."""
import asyncio
import itertools

import pytest

from pydevnet.rpc.server import HUB
from tests.rpc.helpers import EMIT_LOG2, TOPIC_A, validate_result

TIMEOUT = 5


class WS:
    """A raw aiohttp WebSocket JSON-RPC client that keeps notifications aside."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.notifications: list = []
        self._ids = itertools.count(1)

    async def call(self, method: str, *params):
        rid = next(self._ids)
        await self.ws.send_json({"jsonrpc": "2.0", "id": rid, "method": method,
                                 "params": list(params)})
        while True:
            msg = await asyncio.wait_for(self.ws.receive_json(), TIMEOUT)
            if msg.get("id") == rid:
                return msg
            self.notifications.append(msg)

    async def result(self, method: str, *params):
        answer = await self.call(method, *params)
        assert "result" in answer, answer
        return answer["result"]

    async def notification(self) -> dict:
        if self.notifications:
            return self.notifications.pop(0)
        return await asyncio.wait_for(self.ws.receive_json(), TIMEOUT)

    async def nothing_pending(self) -> bool:
        if self.notifications:
            return False
        try:
            await asyncio.wait_for(self.ws.receive_json(), 0.3)
        except asyncio.TimeoutError:
            return True
        return False


@pytest.fixture
async def ws(session, server):
    async with session.ws_connect(server.ws_url) as conn:
        yield WS(conn)


@pytest.fixture
async def manual_ws(session, manual_server):
    async with session.ws_connect(manual_server.ws_url) as conn:
        yield WS(conn)


async def test_plain_requests_and_batches_over_websocket(ws):
    assert await ws.result("eth_chainId") == "0x7a69"
    await ws.ws.send_json([{"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"},
                           {"jsonrpc": "2.0", "id": 2, "method": "eth_nope"}])
    answers = await asyncio.wait_for(ws.ws.receive_json(), TIMEOUT)
    assert answers[0]["result"] == "0x0" and answers[1]["error"]["code"] == -32601
    await ws.ws.send_str("{not json")
    assert (await asyncio.wait_for(ws.ws.receive_json(), TIMEOUT))["error"]["code"] == -32700


async def test_new_heads(ws, rpc):
    sid = await ws.result("eth_subscribe", "newHeads")
    assert sid.startswith("0x") and len(sid) == 34
    await rpc.call("evm_mine")
    note = await ws.notification()
    assert note["jsonrpc"] == "2.0" and note["method"] == "eth_subscription"
    assert note["params"]["subscription"] == sid
    head = note["params"]["result"]
    block = await rpc.call("eth_getBlockByNumber", "latest", False)
    assert head["hash"] == block["hash"] and head["number"] == "0x1"
    assert "transactions" not in head
    assert {k: v for k, v in block.items() if k in head} == head
    assert await ws.result("eth_unsubscribe", sid) is True
    assert await ws.result("eth_unsubscribe", sid) is False
    await rpc.call("evm_mine")
    assert await ws.nothing_pending()


async def test_logs_subscription_filters(ws, rpc):
    emitter = await rpc.deploy(EMIT_LOG2)
    wanted = "0x" + "0c" * 32
    sid = await ws.result("eth_subscribe", "logs", {"address": emitter,
                                                    "topics": [TOPIC_A, wanted]})
    everything = await ws.result("eth_subscribe", "logs")
    await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": "0x" + "0d" * 32})
    r = await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": wanted + "00" * 32})
    got = [await ws.notification() for _ in range(3)]
    mine = [n["params"]["result"] for n in got if n["params"]["subscription"] == sid]
    assert [log["transactionHash"] for log in mine] == [r["transactionHash"]]
    validate_result("eth_getLogs", mine)
    assert len([n for n in got if n["params"]["subscription"] == everything]) == 2
    assert await ws.nothing_pending()


async def test_new_pending_transactions(manual_ws, manual_rpc):
    ws, rpc = manual_ws, manual_rpc
    hashes = await ws.result("eth_subscribe", "newPendingTransactions")
    full = await ws.result("eth_subscribe", "newPendingTransactions", True)
    heads = await ws.result("eth_subscribe", "newHeads")
    tx = await rpc.call("eth_sendTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                                "value": "0x5"})
    got = {n["params"]["subscription"]: n["params"]["result"]
           for n in [await ws.notification(), await ws.notification()]}
    assert got[hashes] == tx
    assert got[full]["hash"] == tx and got[full]["blockHash"] is None
    assert got[full]["value"] == "0x5"
    assert await ws.nothing_pending()
    await rpc.call("evm_mine")
    note = await ws.notification()
    assert note["params"]["subscription"] == heads and note["params"]["result"]["number"] == "0x1"


async def test_namespaced_subscription_names(ws, rpc):
    sid = await ws.result("klay_subscribe", "newHeads")
    kai = await ws.result("kai_subscribe", "newHeads")
    await rpc.call("evm_mine")
    methods = {n["params"]["subscription"]: n["method"]
               for n in [await ws.notification(), await ws.notification()]}
    assert methods == {sid: "klay_subscription", kai: "kai_subscription"}
    assert await ws.result("klay_unsubscribe", sid) is True


async def test_subscription_errors(ws, rpc):
    err = await rpc.error("eth_subscribe", "newHeads")
    assert err == {"code": -32601, "message": "notifications not supported"}
    assert (await rpc.error("eth_unsubscribe", "0x01"))["code"] == -32601
    answer = await ws.call("eth_subscribe", "syncingX")
    assert answer["error"] == {"code": -32601,
                               "message": 'no "syncingX" subscription in eth namespace'}
    answer = await ws.call("eth_subscribe", "logs", {"topics": ["0x12"]})
    assert answer["error"]["code"] == -32602
    assert answer["error"]["message"].startswith("invalid argument 1: ")
    answer = await ws.call("eth_subscribe")
    assert answer["error"]["code"] == -32602


async def test_closing_the_socket_ends_its_subscriptions(session, server, rpc):
    hub = server.runner.app[HUB]
    async with session.ws_connect(server.ws_url) as conn:
        client = WS(conn)
        await client.result("eth_subscribe", "newHeads")
        await client.result("eth_subscribe", "logs")
        assert len(hub._subs) == 2
    for _ in range(50):
        if not hub._subs and not hub.connections:
            break
        await asyncio.sleep(0.02)
    assert not hub._subs and not hub.connections
    await rpc.call("evm_mine")  # nobody to notify: still fine
    assert await rpc.call("eth_blockNumber") == "0x1"


async def test_evm_revert_sends_removed_logs(ws, rpc):
    """As geth after a reorg: the logs of the blocks evm_revert rewinds come again with
    removed: true, to matching subscriptions only."""
    emitter = await rpc.deploy(EMIT_LOG2)
    wanted = "0x" + "0e" * 32
    sid = await ws.result("eth_subscribe", "logs", {"topics": [TOPIC_A, wanted]})
    snap = await rpc.call("evm_snapshot")
    r1 = await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": wanted + "00" * 32})
    await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": "0x" + "0f" * 32})
    r3 = await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": wanted + "01" * 32})
    live = [await ws.notification() for _ in range(2)]
    assert all(n["params"]["result"]["removed"] is False for n in live)
    assert await rpc.call("evm_revert", snap) is True
    gone = [(await ws.notification())["params"] for _ in range(2)]
    assert {g["subscription"] for g in gone} == {sid}
    logs = [g["result"] for g in gone]
    assert [log["transactionHash"] for log in logs] == [r1["transactionHash"],
                                                        r3["transactionHash"]]
    assert all(log["removed"] is True for log in logs)
    assert logs == [dict(n["params"]["result"], removed=True) for n in live]
    assert await ws.nothing_pending()


async def test_syncing_subscription_never_fires(ws, rpc):
    """geth's syncing subscription notifies sync-status changes; a devnet is never syncing."""
    sid = await ws.result("eth_subscribe", "syncing")
    assert sid.startswith("0x") and len(sid) == 34
    assert await rpc.call("eth_syncing") is False
    await rpc.call("evm_mine")
    await rpc.send({"from": rpc.accounts[0], "to": rpc.accounts[1], "value": "0x1"})
    assert await ws.nothing_pending()
    assert await ws.result("eth_unsubscribe", sid) is True
