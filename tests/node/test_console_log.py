"""console.log: a Solidity contract (tests/contracts/ConsoleLogger.sol, compiled with npm's solc)
calls Hardhat's console address with console.sol's encodings and Kaia's vmLog address with a
string; the real `devnet` process prints each message under "console.log:" in its log, and
prints nothing with --disable-console-log. The selector table is checked against console.sol's
size (379 functions, each also under its legacy uint/int spelling where it has one)."""
import json
from pathlib import Path

import pytest

from pydevnet.node.console_log import (SELECTORS, console_signatures, decode, format_message,
                                       selector_table)
from pydevnet.state.hashing import keccak256
from tests.integration.devnet_process import DevnetProcess

ARTIFACT = json.loads((Path(__file__).parents[1] / "contracts" / "build" /
                       "ConsoleLogger.json").read_text())
SPEAK = "0x" + keccak256(b"speak(uint256)")[:4].hex() + (7).to_bytes(32, "big").hex()
EXPECTED = ["", "hello from solidity", "7", "n is 7",
            "sender 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 true", "1 2 3 4",
            "text and %d", "-5", "0xc0ffee", "0xdeadbeef", "8",
            'vmLog: "kaia vmlog says hi"']


def test_selector_table_is_console_sol():
    sigs = console_signatures()
    assert len(sigs) == len(set(sigs)) == 379
    assert sigs[:3] == ["log()", "log(uint256)", "log(string)"]
    legacy = [s for s in sigs if "int256" in s]
    assert len(selector_table()) == len(SELECTORS) == 379 + len(legacy)
    assert SELECTORS[bytes.fromhex("f82c50f1")] == ("uint256",)  # log(uint)'s old selector
    assert SELECTORS[keccak256(b"log(address,string,bool,uint256)")[:4]] == \
        ("address", "string", "bool", "uint256")


@pytest.mark.parametrize("data", [b"", b"\x00" * 3, bytes.fromhex("deadbeef"),
                                  keccak256(b"log(string)")[:4] + (64).to_bytes(32, "big")])
def test_undecodable_input_is_skipped(data):
    from pydevnet.node.console_log import ConsoleLog, CONSOLE_ADDRESS
    c = ConsoleLog()
    c.report(CONSOLE_ADDRESS, data)
    assert c.take() == []


def test_format_as_node_util_format():
    assert format_message(["%s has %d items (%i%%)", "cart", 3, 50]) == "cart has 3 items (50%)"
    assert format_message([1, True, "x"]) == "1 true x"
    assert format_message(["%d", "word"]) == "NaN"
    assert format_message(["a", "b"]) == "a b"
    assert decode(keccak256(b"logBytes1(bytes1)")[:4] + b"\xab" + b"\0" * 31) == [b"\xab"]


def _speak(node: DevnetProcess) -> None:
    sender = node.rpc("eth_accounts")[0]
    tx = node.rpc("eth_sendTransaction", {"from": sender, "input": ARTIFACT["bytecode"]})
    logger = node.rpc("eth_getTransactionReceipt", tx)["contractAddress"]
    tx = node.rpc("eth_sendTransaction", {"from": sender, "to": logger, "input": SPEAK})
    assert node.rpc("eth_getTransactionReceipt", tx)["status"] == "0x1"
    node.rpc("eth_call", {"from": sender, "to": logger, "input": SPEAK})  # mines nothing


def test_console_log_printed_by_the_node(tmp_path):
    with DevnetProcess(tmp_path / "data") as node:
        _speak(node)
        node.rpc("eth_blockNumber")
        log = node.log()
    lines = log.splitlines()
    start = lines.index("    console.log:")
    assert lines[start + 1:start + 1 + len(EXPECTED)] == ["      " + e for e in EXPECTED]
    assert log.count("console.log:") == 1  # the eth_call and the deployment print nothing
    assert lines[start + 1 + len(EXPECTED)].startswith("    Transaction: 0x")


def test_disable_console_log(tmp_path):
    with DevnetProcess(tmp_path / "data", "--disable-console-log") as node:
        _speak(node)
        log = node.log()
    assert "console.log" not in log and "vmLog" not in log and "Transaction: 0x" in log
