"""rpc/access.py through a real aiohttp server: the Host check (DNS-rebinding protection, geth's
vhosts rule), --cors enforced on every request carrying an Origin, and the remote-dev guard on
the methods that sign with the dev keys or edit state (under every alias)."""
import json

import pytest

from pydevnet.rpc.access import (READ_ONLY_DEV_METHODS, HostPolicy, RemoteDevDisabled, host_name,
                                 is_dev_only)
from pydevnet.rpc.errors import INVALID_REQUEST, SERVER_ERROR
from pydevnet.rpc.registry import METHODS, lookup
from pydevnet.rpc.server import RPCConfig
from tests.raw_http import NO_HOST, request, rpc_body, websocket_upgrade
from tests.rpc.helpers import ServerThread, addresses, keys, make_devnet, signed

GOOD = "http://good.example"
EVIL = "http://evil.example"

# every method that signs with a dev key or edits the chain, by its registered name
DEV_ONLY = {
    "eth_sendTransaction", "eth_sign", "personal_sign", "eth_signTypedData_v4",
    "eth_signTransaction", "anvil_setBalance", "anvil_setCode", "anvil_setNonce",
    "anvil_setStorageAt", "anvil_impersonateAccount", "anvil_stopImpersonatingAccount",
    "anvil_autoImpersonateAccount", "anvil_dropTransaction", "evm_setAutomine",
    "evm_setIntervalMining", "evm_mine", "anvil_mine", "evm_snapshot", "evm_revert",
    "evm_increaseTime", "evm_setNextBlockTimestamp",
    # Anvil's sends without a key, and the setters, resets and reports added with Anvil 1.7.1's
    # methods and forking
    "eth_sendTransactionSync", "eth_sendUnsignedTransaction", "anvil_addBalance",
    "anvil_dealERC20", "anvil_setERC20Allowance", "anvil_dropAllTransactions",
    "anvil_removePoolTransactions", "anvil_loadState", "anvil_reorg", "anvil_rollback",
    "anvil_reset", "anvil_setRpcUrl", "anvil_setChainId", "anvil_setCoinbase",
    "anvil_setLoggingEnabled", "anvil_setMinGasPrice", "anvil_setNextBlockBaseFeePerGas",
    "anvil_setNextBlockPrevRandao", "anvil_setBlockTimestampInterval",
    "anvil_removeBlockTimestampInterval", "evm_mine_detailed", "evm_setBlockGasLimit",
    "evm_setTime",
    # readers kept guarded: the fork's remote URL (an API key in it), a whole-state export
    "anvil_nodeInfo", "anvil_dumpState",
}


@pytest.fixture
def serve():
    started = []

    def _serve(config: RPCConfig | None = None) -> ServerThread:
        s = ServerThread(make_devnet(), config)
        started.append(s)
        return s
    yield _serve
    for s in started:
        s.stop()


def _error(body: bytes) -> dict:
    answer = json.loads(body)
    assert "result" not in answer, answer
    return answer["error"]


# -- the policy's pieces -----------------------------------------------------------------------
@pytest.mark.parametrize("header, name", [
    ("localhost:8545", "localhost"), ("LOCALHOST", "localhost"), ("127.0.0.1:80", "127.0.0.1"),
    ("[::1]:8545", "::1"), ("[::1]", "::1"), ("::1", "::1"), ("Example.COM.:443", "example.com"),
    ("devnet", "devnet"), ("*", "*"),
])
def test_host_name(header, name):
    assert host_name(header) == name


def test_every_dev_method_and_alias_is_guarded():
    """All of them, found through the registry as the dispatcher finds them."""
    registered = {m.name for m in METHODS.values()}
    assert DEV_ONLY <= registered
    for name in registered:
        assert is_dev_only(name) == (name in DEV_ONLY), name
    for alias in ("hardhat_setBalance", "hardhat_impersonateAccount", "anvil_setAutomine",
                  "hardhat_mine", "eth_signTypedData", "klay_sendTransaction", "kaia_sign",
                  "kai_signTransaction", "klay_signTypedData_v4", "kaia_sendTransaction"):
        method, _ = lookup(alias)
        assert is_dev_only(method.name), alias
    for name in ("eth_sendRawTransaction", "tx_sendRawTransaction", "klay_sendRawTransaction",
                 "eth_call", "eth_accounts", "hardhat_getAutomine", "hardhat_metadata",
                 *READ_ONLY_DEV_METHODS):
        method, _ = lookup(name)
        assert not is_dev_only(method.name), name


def test_config_for_listener():
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        config = RPCConfig.for_listener(host)
        assert config.dev_methods and not config.hosts.any_ip
    for host in ("0.0.0.0", "::", "", "192.168.1.5", "my-machine"):
        config = RPCConfig.for_listener(host)
        assert not config.dev_methods and config.hosts.any_ip
        assert RPCConfig.for_listener(host, allow_remote_dev=True).dev_methods
    config = RPCConfig.for_listener("127.0.0.1", allowed_hosts=["Devnet", "", " x.test:80 "],
                                    cors_origins=(GOOD,))
    assert config.hosts == HostPolicy(("devnet", "x.test"))
    assert config.cors_origins == (GOOD,)


# -- the Host check ------------------------------------------------------------------------------
def test_foreign_host_is_refused_on_every_route(serve):
    port = serve().port
    body = rpc_body("eth_chainId")
    for host in ("evil.example", "evil.example:8545", "attacker.test.", "10.0.0.1",
                 "127.0.0.1.nip.io", "[fe80::1]:8545"):
        status, headers, answer = request(port, body=body, host=host,
                                          headers={"Content-Type": "application/json"})
        assert status == 403, host
        assert headers["content-type"].startswith("application/json")
        err = _error(answer)
        assert err["code"] == INVALID_REQUEST
        assert err["message"].startswith(f"invalid host specified: {host_name(host)}")
        assert "--allowed-hosts" in err["message"]
    assert request(port, "GET", host="evil.example")[0] == 403
    assert request(port, "OPTIONS", host="evil.example",
                   headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})[0] == 403
    assert websocket_upgrade(port, host="evil.example") == 403
    assert websocket_upgrade(port) == 101


def test_loopback_hosts_and_no_host_are_served(serve):
    port = serve().port
    body = rpc_body("eth_chainId")
    for host in (f"localhost:{port}", "localhost", "LocalHost.", f"127.0.0.1:{port}",
                 "127.0.0.1", "127.9.9.9", f"[::1]:{port}", "[::1]"):
        status, _, answer = request(port, body=body, host=host)
        assert status == 200, host
        assert json.loads(answer)["result"] == "0x7a69"
    assert websocket_upgrade(port, host=f"localhost:{port}") == 101
    # HTTP/1.0 without Host, as geth serves it (a browser always sends one)
    status, _, answer = request(port, body=body, host=NO_HOST, version="HTTP/1.0")
    assert status == 200 and json.loads(answer)["result"] == "0x7a69"


def test_allowed_hosts_widen_the_check(serve):
    port = serve(RPCConfig.for_listener("127.0.0.1", allowed_hosts=["devnet", "My.Box"])).port
    for host in ("devnet", "devnet:8545", "my.box", "MY.BOX:1"):
        assert request(port, body=rpc_body("eth_chainId"), host=host)[0] == 200, host
    assert request(port, body=rpc_body("eth_chainId"), host="other.box")[0] == 403
    port = serve(RPCConfig.for_listener("127.0.0.1", allowed_hosts=["*"])).port
    assert request(port, body=rpc_body("eth_chainId"), host="anything.example")[0] == 200


def test_beyond_loopback_ip_addresses_pass_names_do_not(serve):
    """geth's rule: a rebinding page can send a name, never an address it does not own."""
    port = serve(RPCConfig.for_listener("0.0.0.0", allow_remote_dev=True)).port
    for host in ("10.0.0.1:8545", "192.168.1.5", "[fe80::1]:8545", "localhost"):
        assert request(port, body=rpc_body("eth_chainId"), host=host)[0] == 200, host
    status, _, answer = request(port, body=rpc_body("eth_chainId"), host="evil.example")
    assert status == 403 and "IP addresses" in _error(answer)["message"]


# -- CORS ----------------------------------------------------------------------------------------
def _send_body(server: ServerThread) -> dict:
    frm, to = addresses(server.devnet)[:2]
    return rpc_body("eth_sendTransaction", {"from": frm, "to": to, "value": "0x1"})


def _nonce(server: ServerThread) -> str:
    status, _, answer = request(server.port, body=rpc_body(
        "eth_getTransactionCount", addresses(server.devnet)[0], "latest"))
    return json.loads(answer)["result"]


def test_restricted_cors_refuses_a_cross_site_text_plain_post(serve):
    """No preflight precedes a text/plain POST: the Origin itself must stop it."""
    s = serve(RPCConfig(cors_origins=(GOOD,)))
    status, headers, answer = request(s.port, body=_send_body(s),
                                      headers={"Content-Type": "text/plain", "Origin": EVIL})
    assert status == 403 and "access-control-allow-origin" not in headers
    err = _error(answer)
    assert err["code"] == INVALID_REQUEST and EVIL in err["message"]
    assert _nonce(s) == "0x0"  # nothing ran
    for method in ("GET", "OPTIONS"):
        assert request(s.port, method, headers={"Origin": EVIL})[0] == 403
    assert request(s.port, body=_send_body(s), headers={"Content-Type": "application/json",
                                                       "Origin": "null"})[0] == 403
    assert websocket_upgrade(s.port, headers={"Origin": EVIL}) == 403
    status, headers, answer = request(s.port, body=_send_body(s),
                                      headers={"Content-Type": "text/plain", "Origin": GOOD})
    assert status == 200 and headers["access-control-allow-origin"] == GOOD
    assert json.loads(answer)["result"].startswith("0x") and _nonce(s) == "0x1"
    assert websocket_upgrade(s.port, headers={"Origin": GOOD}) == 101
    # no Origin: not a browser page, served
    assert request(s.port, body=rpc_body("eth_chainId"))[0] == 200


def test_cors_star_serves_every_origin(serve):
    s = serve()
    status, headers, answer = request(s.port, body=_send_body(s),
                                      headers={"Content-Type": "text/plain", "Origin": EVIL})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "result" in json.loads(answer)


# -- the remote-dev guard ------------------------------------------------------------------------
def _call(port: int, method: str, *params) -> dict:
    status, _, answer = request(port, body=rpc_body(method, *params))
    assert status == 200
    return json.loads(answer)


def test_dev_methods_refused_when_disabled_under_every_name(serve):
    s = serve(RPCConfig(dev_methods=False))
    frm, to = addresses(s.devnet)[:2]
    tx = {"from": frm, "to": to, "value": "0x1"}
    calls = [("eth_sendTransaction", tx), ("klay_sendTransaction", tx),
             ("kai_sendTransaction", tx), ("eth_signTransaction", tx), ("eth_sign", frm, "0x00"),
             ("personal_sign", "0x00", frm), ("eth_signTypedData_v4", frm, {}),
             ("eth_signTypedData", frm, {}), ("anvil_setBalance", to, "0x1"),
             ("hardhat_setBalance", to, "0x1"), ("anvil_setCode", to, "0x00"),
             ("hardhat_setNonce", to, "0x1"), ("anvil_setStorageAt", to, "0x0", "0x" + "00" * 32),
             ("hardhat_impersonateAccount", to), ("anvil_autoImpersonateAccount", True),
             ("evm_mine",), ("hardhat_mine",), ("evm_snapshot",), ("evm_revert", "0x1"),
             ("evm_increaseTime", 60), ("anvil_setAutomine", False),
             ("anvil_dropTransaction", "0x" + "00" * 32),
             ("eth_sendTransaction", "not even valid params")]
    for method, *params in calls:
        err = _call(s.port, method, *params)["error"]
        assert err["code"] == SERVER_ERROR, method
        assert err["message"] == RemoteDevDisabled(method).message
        assert "--allow-remote-dev" in err["message"] and method in err["message"]
    assert _nonce(s) == "0x0"
    assert _call(s.port, "eth_getBalance", to, "latest")["result"] == hex(10_000 * 10**18)
    # raw transactions, reads and the read-only dev method stay
    raw = signed(keys(s.devnet)[0], 0, bytes.fromhex(to[2:]), value=1)
    assert _call(s.port, "eth_sendRawTransaction", raw)["result"].startswith("0x")
    assert _call(s.port, "anvil_getAutomine")["result"] is True
    assert _call(s.port, "hardhat_getAutomine")["result"] is True
    assert _call(s.port, "hardhat_metadata")["result"]["chainId"] == 31337
    for method in ("anvil_nodeInfo", "hardhat_dumpState", "anvil_setChainId", "hardhat_reset"):
        assert _call(s.port, method)["error"]["message"] == RemoteDevDisabled(method).message
    assert _call(s.port, "eth_accounts")["result"][0] == frm


def test_dev_methods_refused_in_batches_and_over_websocket(serve):
    s = serve(RPCConfig(dev_methods=False))
    frm = addresses(s.devnet)[0]
    status, _, answer = request(s.port, body=[rpc_body("eth_chainId", rid=1),
                                              rpc_body("eth_sign", frm, "0x00", rid=2)])
    first, second = json.loads(answer)
    assert first["result"] == "0x7a69" and second["error"]["code"] == SERVER_ERROR

    async def over_ws():
        import aiohttp
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(s.ws_url) as ws:
                await ws.send_json(rpc_body("anvil_setBalance", frm, "0x0"))
                return await ws.receive_json()
    import asyncio
    answer = asyncio.run(over_ws())
    assert "--allow-remote-dev" in answer["error"]["message"]


def test_dev_methods_served_by_default(serve):
    s = serve()
    frm, to = addresses(s.devnet)[:2]
    assert _call(s.port, "hardhat_setBalance", to, "0x1")["result"] is True
    assert "result" in _call(s.port, "eth_sendTransaction", {"from": frm, "to": to})
