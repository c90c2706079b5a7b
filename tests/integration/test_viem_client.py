"""viem 2 (tests/js/viem_client.mjs) against the real `devnet` process: a public client, a wallet
client signing locally with the mnemonic's first account and a test client in anvil mode, over
HTTP and WebSocket: deploy and use the ERC-20, decoded reverts, fee estimation, anvil_setBalance
and impersonation, anvil_mine (viem sends interval 0), snapshots, eth_getProof, watchBlocks."""
import pytest

from tests.integration.support import UNIT_PRICE, dev_account, run_js_client

ALICE = dev_account(1).address
WHALE = "0x0000000000000000000000000000000000001234"


@pytest.fixture(scope="module")
def result(devnet) -> dict:
    return run_js_client("viem_client.mjs", "viem", devnet)


def test_chain_and_fees(result):
    assert result["chainId"] == 31337
    # viem: maxFeePerGas = 1.2 x base fee + tip; the tip is eth_maxPriorityFeePerGas, 0
    assert result["fees"] == {"maxFeePerGas": str(UNIT_PRICE * 12 // 10),
                              "maxPriorityFeePerGas": "0"}
    assert set(result["feeHistory"]["baseFeePerGas"]) == {str(UNIT_PRICE)}


def test_token(result):
    assert result["token"] == "0x5fbdb2315678afecb367f032d93f642f64180aa3"
    assert result["transfer"]["status"] == "success"
    assert result["transfer"]["effectiveGasPrice"] == str(UNIT_PRICE)
    assert result["aliceTokens"] == "1000"
    assert result["transferEvents"] == 1


def test_decoded_reverts(result):
    r = result["reverts"]
    assert r["failRequire"]["name"] == "Error" and r["failRequire"]["reason"] == "require failed: boom"
    assert r["failCustom"]["name"] == "Unauthorized"
    assert r["failAssert"]["name"] == "Panic" and r["failAssert"]["args"] == ["1"]


def test_set_balance_and_impersonation(result):
    assert result["whaleBalance"] == str(5 * 10**18)
    assert result["impersonatedFrom"] == WHALE


def test_mine_snapshot_revert(result):
    # 3 blocks at the 1 s period, then one 100 s + 1 s later
    assert result["mined"] == {"blocks": "4", "seconds": "104"}
    assert result["numberAfterRevert"] == "0"


def test_proof_code_ws_txpool(result):
    assert result["proofNonce"] == 3  # the deployer sent three transactions
    assert result["reverterCodeLength"] > 100
    assert result["wsHeads"] == ["1", "2"]
    assert result["txpool"] == {"pending": 0, "queued": 0}
