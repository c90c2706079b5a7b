"""Klaytn/Kaia (klay_*, kaia_*, klay_chainID) and KardiaChain (kai_*, tx_*, account_*) names
answer exactly as their eth_* equivalents."""
import pytest

from pydevnet.rpc.registry import METHODS, lookup
from tests.rpc.helpers import EMIT_LOG2, READ_SLOT0, STORE_CTOR, keys, signed

NAMESPACES = ("klay", "kaia", "kai")


def test_every_eth_method_has_the_aliases():
    for name in [n for n in METHODS if n.startswith("eth_")]:
        rest = name[4:]
        for ns in NAMESPACES:
            method, namespace = lookup(f"{ns}_{rest}")
            assert method is METHODS[name] and namespace == ns


@pytest.fixture
async def populated(rpc):
    storage = await rpc.deploy(READ_SLOT0, STORE_CTOR)
    emitter = await rpc.deploy(EMIT_LOG2)
    r = await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": "0x" + "01" * 64})
    return {"storage": storage, "emitter": emitter, "tx": r["transactionHash"],
            "block": r["blockHash"]}


async def test_same_answers_under_every_namespace(rpc, populated):
    a = rpc.accounts
    calls = [
        ("chainId",), ("blockNumber",), ("gasPrice",), ("accounts",), ("syncing",),
        ("getBalance", a[0], "latest"), ("getTransactionCount", a[0]),
        ("getCode", populated["storage"]), ("getStorageAt", populated["storage"], "0x0"),
        ("getBlockByNumber", "0x3", True), ("getBlockByHash", populated["block"], False),
        ("getTransactionByHash", populated["tx"]), ("getTransactionReceipt", populated["tx"]),
        ("getBlockReceipts", "latest"), ("getLogs", {"fromBlock": "0x0"}),
        ("call", {"to": populated["storage"]}), ("estimateGas", {"to": a[1]}),
        ("feeHistory", "0x2", "latest", [10]), ("getProof", a[0], ["0x1"]),
        ("maxPriorityFeePerGas",), ("getBlockTransactionCountByNumber", "0x1"),
    ]
    for name, *params in calls:
        want = await rpc.request("eth_" + name, *params)
        for ns in NAMESPACES:
            got = await rpc.request(f"{ns}_{name}", *params)
            assert {k: v for k, v in got.items() if k != "id"} == \
                {k: v for k, v in want.items() if k != "id"}, (ns, name)
    for name in ("klay_chainID", "kaia_chainID"):
        assert await rpc.call(name) == "0x7a69"


async def test_errors_are_the_same_too(rpc):
    for ns in ("eth", *NAMESPACES):
        err = await rpc.error(f"{ns}_getBalance", "0x12")
        assert err == {"code": -32602,
                       "message": "invalid argument 0: hex string has length 2, want 40 for "
                                  "address"}
    err = await rpc.error("klay_nope")
    assert err["message"] == "the method klay_nope does not exist/is not available"


async def test_filters_under_kai(rpc, populated):
    fid = await rpc.call("kai_newBlockFilter")
    await rpc.call("evm_mine")
    assert len(await rpc.call("kai_getFilterChanges", fid)) == 1
    assert await rpc.call("klay_uninstallFilter", fid) is True


async def test_kardia_names(rpc, populated):
    a = rpc.accounts
    pairs = [
        ("kai_kardiaCall", "eth_call", [{"to": populated["storage"]}, "latest"]),
        ("tx_getTransaction", "eth_getTransactionByHash", [populated["tx"]]),
        ("tx_getTransactionReceipt", "eth_getTransactionReceipt", [populated["tx"]]),
        ("tx_getRawTransactionByHash", "eth_getRawTransactionByHash", [populated["tx"]]),
        ("account_balance", "eth_getBalance", [a[0], "latest"]),
        ("account_nonceAtHeight", "eth_getTransactionCount", [a[0], "0x1"]),
        ("account_getCode", "eth_getCode", [populated["storage"], "latest"]),
        ("account_getStorageAt", "eth_getStorageAt", [populated["storage"], "0x0", "latest"]),
    ]
    for kardia, eth, params in pairs:
        assert await rpc.call(kardia, *params) == await rpc.call(eth, *params), kardia
    assert await rpc.call("account_nonce", a[0]) == await rpc.call("eth_getTransactionCount",
                                                                  a[0])
    header = await rpc.call("kai_getBlockHeaderByNumber", "0x3")
    block = await rpc.call("eth_getBlockByNumber", "0x3", False)
    assert "transactions" not in header
    assert header == {k: v for k, v in block.items() if k != "transactions"}
    assert await rpc.call("kai_getBlockHeaderByHash", block["hash"]) == header
    assert await rpc.call("kai_getBlockHeaderByNumber", "0x99") is None
    raw = signed(keys(rpc.server.devnet)[1], 0, bytes(20), 1)
    tx_hash = await rpc.call("tx_sendRawTransaction", raw)
    assert (await rpc.call("eth_getTransactionReceipt", tx_hash))["status"] == "0x1"


async def test_kardia_pending_transactions(manual_rpc):
    rpc = manual_rpc
    assert await rpc.call("tx_pendingTransactions") == []
    tx = await rpc.call("eth_sendTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1]})
    pending = await rpc.call("tx_pendingTransactions")
    assert [p["hash"] for p in pending] == [tx] and pending[0]["blockHash"] is None
