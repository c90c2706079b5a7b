"""The real `devnet` process exposed beyond loopback, and a loopback one under attack from a web
page: dev-key signing, impersonation and state edits refused on a non-loopback listener unless
--allow-remote-dev (with the banner saying which), the Host check against DNS rebinding
(--allowed-hosts), --cors enforced on a cross-site text/plain POST, and geth's 128 KiB
transaction size limit."""
from __future__ import annotations

import json
import socket
import subprocess

import pytest

from tests.integration.devnet_process import DevnetProcess, RPCFailure
from tests.integration.support import UNIT_PRICE, dev_account, sign
from tests.raw_http import request, rpc_body, websocket_upgrade

SERVER_ERROR = -32000
INVALID_REQUEST = -32600
GOOD, EVIL = "http://good.example", "http://evil.example"
TO = dev_account(1).address
FROM = dev_account(0).address


def _lan_address() -> str | None:
    """This machine's first non-loopback IPv4 address (`hostname -I`), if it has one."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for addr in out.stdout.split():
        if "." in addr and not addr.startswith("127."):
            try:
                with socket.socket() as s:
                    s.bind((addr, 0))
            except OSError:
                continue
            return addr
    return None


class LanDevnet(DevnetProcess):
    """A devnet reached at the address it listens on (DevnetProcess talks to 127.0.0.1)."""

    def __init__(self, datadir, address: str, *args: str) -> None:
        super().__init__(datadir, "--quiet", "--host", address, *args)
        self.address = address

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"


def _dev_calls() -> list[tuple]:
    tx = {"from": FROM, "to": TO, "value": "0x1"}
    return [("eth_sendTransaction", tx), ("klay_sendTransaction", tx),
            ("eth_signTransaction", tx), ("eth_sign", FROM, "0xdeadbeef"),
            ("personal_sign", "0xdeadbeef", FROM), ("eth_signTypedData_v4", FROM, {}),
            ("anvil_setBalance", TO, "0x1"), ("hardhat_setStorageAt", TO, "0x0", "0x" + "11" * 32),
            ("anvil_impersonateAccount", TO), ("anvil_autoImpersonateAccount", True),
            ("evm_mine",), ("evm_snapshot",)]


def _assert_dev_methods_refused(node: DevnetProcess) -> None:
    for method, *params in _dev_calls():
        err = node.error(method, *params)
        assert err.code == SERVER_ERROR, method
        assert method in err.message and "--allow-remote-dev" in err.message, err.message
    assert node.rpc("eth_getTransactionCount", FROM, "latest") == "0x0"
    assert node.rpc("eth_getBalance", TO, "latest") == hex(10_000 * 10**18)
    # what any client may do stays: reads, and transactions it signed itself
    raw = sign(dev_account(0), nonce=0, to=TO, value=1, gas=21000, gasPrice=UNIT_PRICE)
    tx_hash = node.rpc("eth_sendRawTransaction", raw)
    assert node.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    assert node.rpc("anvil_getAutomine") is True


def test_all_interfaces_refuse_dev_methods_and_the_banner_says_so(spawn):
    node = spawn("--host", "0.0.0.0")
    log = node.log()
    assert "Listening on http://0.0.0.0:" in log
    assert "Dev methods:       disabled (0.0.0.0 is not a loopback address)" in log
    assert "--allow-remote-dev" in log and "WARNING" not in log
    _assert_dev_methods_refused(node)


def test_lan_address_refuses_dev_methods(tmp_path):
    address = _lan_address()
    if address is None:
        pytest.skip("no non-loopback IPv4 address on this machine")
    with LanDevnet(tmp_path / "data", address) as node:
        assert f"Dev methods:       disabled ({address} is not" in node.log()
        _assert_dev_methods_refused(node)
        # reached by its address: an IP literal in Host passes the check beyond loopback
        status, _, _ = request(node.port, body=rpc_body("eth_chainId"), address=address)
        assert status == 200
        status, _, answer = request(node.port, body=rpc_body("eth_chainId"), address=address,
                                    host="evil.example")
        assert status == 403 and json.loads(answer)["error"]["code"] == INVALID_REQUEST


def test_allow_remote_dev_serves_them_with_a_warning(spawn):
    node = spawn("--host", "0.0.0.0", "--allow-remote-dev")
    log = node.log()
    assert "WARNING: listening on 0.0.0.0 (not loopback) with --allow-remote-dev" in log
    assert "Dev methods:       disabled" not in log
    tx_hash = node.rpc("eth_sendTransaction", {"from": FROM, "to": TO, "value": "0x1"})
    assert node.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    assert node.rpc("anvil_setBalance", TO, "0x1") is None
    assert node.rpc("eth_getBalance", TO, "latest") == "0x1"
    assert node.rpc("personal_sign", "0xdeadbeef", FROM).startswith("0x")


def test_loopback_node_serves_dev_methods_without_a_note(devnet):
    log = devnet.log()
    assert "Dev methods:" not in log and "WARNING" not in log
    assert devnet.rpc("eth_sign", FROM, "0xdeadbeef").startswith("0x")


def test_dns_rebinding_host_is_refused(devnet):
    """A page at http://evil.example:PORT whose name now resolves to 127.0.0.1 sends its own
    name as Host: POST, GET and the WebSocket handshake are all refused."""
    body = rpc_body("eth_sendTransaction", {"from": FROM, "to": TO, "value": "0x1"})
    nonce = devnet.rpc("eth_getTransactionCount", FROM, "latest")
    for host in (f"evil.example:{devnet.port}", "evil.example", "10.1.2.3"):
        status, headers, answer = request(devnet.port, body=body, host=host,
                                          headers={"Content-Type": "text/plain"})
        assert status == 403, host
        error = json.loads(answer)["error"]
        assert error["code"] == INVALID_REQUEST
        assert error["message"].startswith("invalid host specified: ")
        assert host.split(":")[0] in error["message"]
    assert devnet.rpc("eth_getTransactionCount", FROM, "latest") == nonce
    assert request(devnet.port, "GET", host="evil.example")[0] == 403
    assert websocket_upgrade(devnet.port, host="evil.example") == 403
    for host in (f"localhost:{devnet.port}", f"127.0.0.1:{devnet.port}", f"[::1]:{devnet.port}",
                 "localhost"):
        status, _, answer = request(devnet.port, body=rpc_body("eth_chainId"), host=host)
        assert status == 200 and json.loads(answer)["result"] == "0x7a69", host
        assert websocket_upgrade(devnet.port, host=host) == 101


def test_allowed_hosts_flag(spawn):
    node = spawn("--allowed-hosts", "devnet.test,Other.Test")
    assert "Allowed hosts:     loopback, devnet.test,Other.Test" in node.log()
    for host in ("devnet.test", f"devnet.test:{node.port}", "other.test"):
        assert request(node.port, body=rpc_body("eth_chainId"), host=host)[0] == 200, host
    assert request(node.port, body=rpc_body("eth_chainId"), host="evil.example")[0] == 403
    star = spawn("--allowed-hosts", "*")
    assert request(star.port, body=rpc_body("eth_chainId"), host="evil.example")[0] == 200


def test_restricted_cors_stops_a_cross_site_text_plain_post(spawn):
    """A text/plain POST is a CORS "simple request": the browser sends it without a preflight,
    so only refusing its Origin keeps a foreign page from spending the dev accounts."""
    node = spawn("--cors", GOOD)
    body = rpc_body("eth_sendTransaction", {"from": FROM, "to": TO, "value": "0x1"})
    status, headers, answer = request(node.port, body=body,
                                      headers={"Content-Type": "text/plain", "Origin": EVIL})
    assert status == 403 and "access-control-allow-origin" not in headers
    error = json.loads(answer)["error"]
    assert error["code"] == INVALID_REQUEST and EVIL in error["message"]
    assert node.rpc("eth_getTransactionCount", FROM, "latest") == "0x0"
    assert websocket_upgrade(node.port, headers={"Origin": EVIL}) == 403
    status, headers, answer = request(node.port, body=body,
                                      headers={"Content-Type": "text/plain", "Origin": GOOD})
    assert status == 200 and headers["access-control-allow-origin"] == GOOD
    tx_hash = json.loads(answer)["result"]
    assert node.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"


# above EIP-7623's calldata floor of 140 KB of non-zero bytes (21,000 + 40 per byte = 5,621,000,
# from Prague): only the size refuses the big one
DATA_GAS = 6_000_000


def _data_tx(nonce: int, size: int) -> str:
    return sign(dev_account(2), nonce=nonce, to=TO, gas=DATA_GAS, gasPrice=UNIT_PRICE,
                data="0x" + "01" * size)


def test_transaction_size_limit(devnet):
    """geth's pool limit, 128 KiB: a 140 KB transaction is "oversized data", 100 KB is mined."""
    nonce = int(devnet.rpc("eth_getTransactionCount", dev_account(2).address, "latest"), 16)
    big = _data_tx(nonce, 140_000)
    assert len(big) // 2 - 1 > 128 * 1024
    with pytest.raises(RPCFailure) as e:
        devnet.rpc("eth_sendRawTransaction", big)
    assert e.value.code == SERVER_ERROR
    assert e.value.message.startswith("oversized data: transaction size ")
    assert e.value.message.endswith(", limit 131072")
    tx_hash = devnet.rpc("eth_sendRawTransaction", _data_tx(nonce, 100_000))
    assert devnet.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    # eth_sendTransaction: the node signs it, the pool still refuses it
    err = devnet.error("eth_sendTransaction", {"from": dev_account(2).address, "to": TO,
                                               "gas": hex(DATA_GAS),
                                               "data": "0x" + "01" * 140_000})
    assert err.code == SERVER_ERROR and err.message.startswith("oversized data")
