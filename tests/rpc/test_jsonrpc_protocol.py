"""JSON-RPC 2.0 transport: parse errors, invalid requests, batches, notifications, unknown
methods, parameter errors, the request-size limit, CORS, the health GET, internal errors."""
import json
import re

import pytest

from pydevnet.rpc.errors import INTERNAL_ERROR
from pydevnet.rpc.registry import METHODS, rpc as register
from pydevnet.rpc.server import RPCConfig
from tests.rpc.conftest import Client
from tests.rpc.helpers import ServerThread, make_devnet


async def test_parse_error(rpc):
    for text in ('{"jsonrpc":"2.0","id":1,"method":', "nonsense", b"\xff\xfe", "NaN"):
        status, _, out = await rpc.post(text)
        assert status == 200
        answer = json.loads(out)
        assert answer["id"] is None and answer["error"]["code"] == -32700


@pytest.mark.parametrize("request_obj", [
    42, "eth_blockNumber", None,
    {"id": 1, "method": "eth_blockNumber"},  # no jsonrpc
    {"jsonrpc": "1.0", "id": 1, "method": "eth_blockNumber"},
    {"jsonrpc": "2.0", "id": 1},  # no method
    {"jsonrpc": "2.0", "id": 1, "method": 7},
    {"jsonrpc": "2.0", "id": {"a": 1}, "method": "eth_blockNumber"},
    {"jsonrpc": "2.0", "id": [1], "method": "eth_blockNumber"},
    {"jsonrpc": "2.0", "id": True, "method": "eth_blockNumber"},
])
async def test_invalid_request(rpc, request_obj):
    status, _, out = await rpc.post(json.dumps(request_obj))
    assert status == 200
    answer = json.loads(out)
    assert answer["jsonrpc"] == "2.0" and answer["error"]["code"] == -32600
    assert "result" not in answer


async def test_empty_batch(rpc):
    answer = json.loads((await rpc.post("[]"))[2])
    assert answer == {"jsonrpc": "2.0", "id": None,
                      "error": {"code": -32600, "message": "empty batch"}}


async def test_ids_are_echoed(rpc):
    for rid in ("abc", 7, 1.5, None):
        answer = json.loads((await rpc.post(
            {"jsonrpc": "2.0", "id": rid, "method": "eth_chainId"}))[2])
        assert answer == {"jsonrpc": "2.0", "id": rid, "result": "0x7a69"}


async def test_params_may_be_omitted(rpc):
    answer = json.loads((await rpc.post({"jsonrpc": "2.0", "id": 1,
                                         "method": "eth_syncing"}))[2])
    assert answer["result"] is False


async def test_unknown_method_names_it(rpc):
    err = await rpc.error("eth_foo")
    assert err == {"code": -32601, "message": "the method eth_foo does not exist/is not available"}
    assert (await rpc.error("klay_nope"))["code"] == -32601


async def test_batch_with_good_and_bad_entries(rpc):
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nope"},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance", "params": ["0x12"]},
        {"jsonrpc": "2.0", "method": "eth_chainId"},  # a notification: no answer
        17,
        {"jsonrpc": "2.0", "id": 4, "method": "eth_blockNumber"},
    ]
    status, headers, out = await rpc.post(batch)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    answers = json.loads(out)
    assert [a["id"] for a in answers] == [1, 2, 3, None, 4]
    assert answers[0]["result"] == "0x7a69"
    assert answers[1]["error"]["code"] == -32601
    assert answers[2]["error"]["code"] == -32602
    assert answers[3]["error"]["code"] == -32600
    assert answers[4]["result"] == "0x0"


async def test_notifications_get_no_answer(rpc):
    status, _, out = await rpc.post({"jsonrpc": "2.0", "method": "eth_chainId"})
    assert status == 204 and out == ""
    status, _, out = await rpc.post([{"jsonrpc": "2.0", "method": "eth_chainId"},
                                     {"jsonrpc": "2.0", "method": "eth_nope"}])
    assert status == 204 and out == ""


async def test_batch_limit():
    s = ServerThread(make_devnet(), RPCConfig(max_batch=3))
    try:
        import aiohttp
        async with aiohttp.ClientSession() as session:
            client = Client(session, s)
            batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(4)]
            answer = json.loads((await client.post(batch))[2])
            assert answer["error"]["code"] == -32600 and "batch too large" in \
                answer["error"]["message"]
            assert len(json.loads((await client.post(batch[:3]))[2])) == 3
    finally:
        s.stop()


@pytest.mark.parametrize("method, params, message", [
    ("eth_getBalance", ["f39fd6e51aad88f6f4ce6ab8827279cfffb92266"],
     "invalid argument 0: hex string without 0x prefix"),
    ("eth_getBalance", ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb922"],
     "invalid argument 0: hex string has length 38, want 40 for address"),
    ("eth_getBalance", ["0xzz9fd6e51aad88f6f4ce6ab8827279cfffb92266"],
     "invalid argument 0: invalid hex string"),
    ("eth_getBalance", [12], "invalid argument 0: cannot unmarshal number into address: "
                             "want a hex string"),
    ("eth_getBalance", [], "missing value for required argument 0"),
    ("eth_getBalance", ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "latest", 1],
     "too many arguments, want at most 2"),
    ("eth_getBalance", ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "0x01"],
     "invalid argument 1: hex number with leading zero digits"),
    ("eth_getBalance", ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "newest"],
     "invalid argument 1: hex string without 0x prefix"),
    ("eth_getBlockByNumber", ["0x", False], 'invalid argument 0: hex string "0x"'),
    ("eth_getBlockByNumber", ["0x0", "yes"],
     "invalid argument 1: cannot unmarshal string into boolean"),
    ("eth_getBlockByNumber", ["0x" + "f" * 17, False], "invalid argument 0: hex number > 64 bits"),
    ("eth_getBlockByHash", ["0x1234", False],
     "invalid argument 0: hex string has length 4, want 64 for hash"),
    ("eth_sendRawTransaction", ["0x123"], "invalid argument 0: hex string of odd length"),
    ("eth_call", [{"to": "0x" + "11" * 20, "gas": "0x0100"}],
     "invalid argument 0: gas: hex number with leading zero digits"),
    ("eth_call", [{"to": "0x" + "11" * 20, "data": "0x01", "input": "0x02"}],
     'invalid argument 0: both "data" and "input" are set and not equal. Please use "input" '
     "to pass transaction call data"),
    ("eth_call", [{"gasPrice": "0x1", "maxFeePerGas": "0x2"}],
     "invalid argument 0: both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified"),
    ("eth_call", ["0x00"], "invalid argument 0: cannot unmarshal string into transaction object: "
                           "want an object"),
    ("eth_chainId", [1], "too many arguments, want at most 0"),
    ("eth_getStorageAt", ["0xaa00000000000000000000000000000000000000", "0xasdf", "latest"],
     'invalid hex in storage key: "0xasdf"'),
    ("eth_getStorageAt", ["0xaa00000000000000000000000000000000000000", "0x" + "0" * 65],
     'storage key too long (want at most 32 bytes): "0x' + "0" * 65 + '"'),
    ("eth_getBalance", ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
                        {"blockHash": "0x" + "00" * 32, "blockNumber": "0x0"}],
     "invalid argument 1: cannot specify both BlockHash and BlockNumber, choose one or the "
     "other"),
])
async def test_invalid_params(rpc, method, params, message):
    err = await rpc.error(method, *params)
    assert err == {"code": -32602, "message": message}


async def test_named_params_are_refused(rpc):
    answer = json.loads((await rpc.post({"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance",
                                         "params": {"address": "0x00"}}))[2])
    assert answer["error"] == {"code": -32602, "message": "non-array args"}


async def test_oversized_body_gets_413_with_a_jsonrpc_error():
    s = ServerThread(make_devnet(), RPCConfig(max_request_bytes=1024))
    try:
        import aiohttp
        async with aiohttp.ClientSession() as session:
            client = Client(session, s)
            big = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call",
                              "params": [{"input": "0x" + "00" * 2048}]})
            status, headers, out = await client.post(big)
            assert status == 413
            assert headers["Content-Type"].startswith("application/json")
            answer = json.loads(out)
            assert answer["error"]["code"] == -32600 and "too large" in answer["error"]["message"]
            assert await client.call("eth_blockNumber") == "0x0"  # still serving

            async def chunks():  # no Content-Length: the limit applies while reading
                for _ in range(4):
                    yield b" " * 512
            async with session.post(s.url, data=chunks()) as r:
                assert r.status == 413
                assert (await r.json())["error"]["code"] == -32600
    finally:
        s.stop()


async def test_default_limit_is_16_mib(rpc):
    status, _, out = await rpc.post(b"[" + b" " * (16 * 1024 * 1024 + 1) + b"]")
    assert status == 413 and json.loads(out)["error"]["code"] == -32600


async def test_cors_star_on_post_and_preflight(rpc):
    origin = {"Origin": "http://localhost:3000", "Content-Type": "application/json"}
    status, headers, _ = await rpc.post({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
                                        headers=origin)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    async with rpc.session.options(rpc.url, headers={
            "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"}) as r:
        assert r.status in (200, 204)
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in r.headers["Access-Control-Allow-Methods"]
        assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()


async def test_cors_configured_origins():
    s = ServerThread(make_devnet(), RPCConfig(cors_origins=("http://good.example",)))
    try:
        import aiohttp
        async with aiohttp.ClientSession() as session:
            client = Client(session, s)
            req = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}
            _, headers, _ = await client.post(req, headers={"Origin": "http://good.example"})
            assert headers["Access-Control-Allow-Origin"] == "http://good.example"
            assert headers["Vary"] == "Origin"
            status, headers, _ = await client.post(req, headers={"Origin": "http://evil.example"})
            assert status == 403 and "Access-Control-Allow-Origin" not in headers
            async with session.options(client.url, headers={
                    "Origin": "http://good.example",
                    "Access-Control-Request-Method": "POST"}) as r:
                assert r.headers["Access-Control-Allow-Origin"] == "http://good.example"
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await session.ws_connect(s.ws_url, headers={"Origin": "http://evil.example"})
    finally:
        s.stop()


async def test_health_get(rpc):
    async with rpc.session.get(rpc.url) as r:
        assert r.status == 200
        health = await r.json()
    assert health["status"] == "ok" and health["chainId"] == "0x7a69"
    # Anvil's version string naming ours (rpc/methods/info.py), as web3_clientVersion answers
    assert re.fullmatch(r"anvil/v1\.7\.1 \(compatible; pydevnet/\d+\.\d+\.\d+\S*\)",
                        health["client"]), health["client"]
    assert health["client"] == await rpc.call("web3_clientVersion")


async def test_unexpected_exception_is_internal_error_and_server_survives(rpc, caplog):
    @register("test_explode")
    async def explode(ctx):
        raise ZeroDivisionError("boom")
    try:
        err = await rpc.error("test_explode")
        assert err["code"] == INTERNAL_ERROR and "ZeroDivisionError" in err["message"]
        assert any("test_explode" in r.getMessage() and r.exc_info for r in caplog.records)
        assert await rpc.call("eth_chainId") == "0x7a69"
    finally:
        del METHODS["test_explode"]


async def test_deeply_nested_json_is_a_parse_error(rpc):
    status, _, text = await rpc.post("[" * 200_000 + "]" * 200_000)
    answer = json.loads(text)
    assert status == 200 and answer["error"]["code"] == -32700
    assert "nested too deeply" in answer["error"]["message"]
    assert await rpc.call("eth_chainId") == "0x7a69"
