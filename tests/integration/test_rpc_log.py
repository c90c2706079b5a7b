"""The node log of the real `devnet` process (rpc/call_log.py): one line per RPC call, the
transaction hash after a send, a `Rejected:` line with hash, sender and reason for every refused
transaction, anvil_setLoggingEnabled switching it at runtime, and --silent printing nothing."""
import time

from eth_utils import keccak

from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import UNIT_PRICE, dev_account, sign


def _start(tmp_path, *flags: str) -> DevnetProcess:
    return DevnetProcess(tmp_path / "data", *flags).start()


def _log_after(node: DevnetProcess, marker: str) -> str:
    """The log from the line `marker` on (the process flushes each line)."""
    for _ in range(100):
        text = node.log()
        if marker in text:
            return text[text.index(marker):]
        time.sleep(0.05)
    raise AssertionError(f"{marker!r} never logged:\n{node.log()}")


def test_calls_sends_and_rejections_are_logged(tmp_path):
    node = _start(tmp_path)
    try:
        a0, a1 = dev_account(0), dev_account(1)
        node.rpc("web3_sha3", "0x01")
        raw = sign(a0, nonce=0, to=a1.address, value=1, gas=21000, gasPrice=UNIT_PRICE)
        tx = node.rpc("eth_sendRawTransaction", raw)
        low = sign(a0, nonce=0, to=a1.address, value=2, gas=21000, gasPrice=UNIT_PRICE)
        node.error("eth_sendRawTransaction", low)
        cheap = sign(a0, nonce=1, to=a1.address, value=2, gas=21000, gasPrice=1)
        node.error("eth_sendRawTransaction", cheap)
        node.error("eth_sendRawTransaction", "0x7f00")
        node.rpc("eth_chainId")
        log = _log_after(node, "web3_sha3")
        assert f"eth_sendRawTransaction {tx}" in log
        lines = [ln for ln in log.splitlines() if "Rejected:" in ln]
        assert len(lines) == 3, log
        assert "0x" + keccak(bytes.fromhex(low[2:])).hex() in lines[0]  # a legacy tx's hash
        assert a0.address.lower() in lines[0] and "nonce too low" in lines[0]
        assert a0.address.lower() in lines[1] and ("price" in lines[1] or "fee" in lines[1])
        assert "(undecodable)" in lines[2] and "type" in lines[2]
        assert log.rstrip().endswith("eth_chainId")
        node.rpc("anvil_setLoggingEnabled", False)
        node.rpc("eth_blockNumber")
        node.rpc("anvil_setLoggingEnabled", True)
        node.rpc("net_version")
        _log_after(node, "net_version")
        assert "eth_blockNumber" not in node.log()
    finally:
        node.stop()


def test_silent_prints_nothing(tmp_path):
    node = _start(tmp_path, "--silent")
    try:
        node.rpc("eth_sendRawTransaction", sign(dev_account(0), nonce=0, to=dev_account(1).address,
                                                value=1, gas=21000, gasPrice=UNIT_PRICE))
        node.rpc("eth_blockNumber")
    finally:
        node.stop()
    assert node.log().strip() == ""
