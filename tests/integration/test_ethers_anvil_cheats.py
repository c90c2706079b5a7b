"""ethers.js v6 (tests/js/ethers_anvil_cheats.mjs) with Anvil's cheat methods against the real
`devnet` process, as Foundry/Anvil users script a local node: anvil_setBalance on a keyless
address, anvil_impersonateAccount + ETH and ERC-20 transfers from it through a JsonRpcSigner,
anvil_stopImpersonatingAccount, anvil_autoImpersonateAccount on and off (`anvil_*` answer null)."""
import pytest

from tests.integration.support import UNIT_PRICE, dev_account, run_js_client

ALICE = dev_account(1).address
WHALE = "0x00000000000000000000000000000000000A11cE"
STRANGER = "0x0000000000000000000000000000000000b0B0b0"
ETHER = 10**18


@pytest.fixture(scope="module")
def result(devnet) -> dict:
    return run_js_client("ethers_anvil_cheats.mjs", "ethers", devnet)


def test_set_balance(result):
    assert result["setBalance"] is None
    assert result["whaleBalance"] == str(ETHER)


def test_impersonated_eth_and_token_transfers(result, devnet):
    assert result["impersonate"] is None
    imp = result["impersonated"]
    for tx in (imp["eth"], imp["token"]):
        assert tx["from"] == tx["receiptFrom"] == WHALE and tx["status"] == 1
    assert imp["eth"]["cost"] == str(21000 * UNIT_PRICE)
    assert imp["aliceGain"] == "4321"
    assert (imp["whaleTokens"], imp["aliceTokens"]) == ("3000", "2000")
    spent = int(imp["eth"]["cost"]) + int(imp["token"]["cost"]) + 4321
    assert imp["whaleBalance"] == str(ETHER - spent)
    assert int(devnet.rpc("eth_getBalance", WHALE, "latest"), 16) == ETHER - spent


def test_stop_impersonating_refuses_the_sender(result):
    assert result["stopImpersonating"] is None
    e = result["afterStop"]
    assert e["rpcCode"] == -32000 and WHALE.lower() in e["rpcMessage"]


def test_auto_impersonation_on_and_off(result):
    assert result["autoOn"] is None and result["autoOff"] is None
    assert result["auto"]["from"] == result["auto"]["receiptFrom"] == STRANGER
    assert result["auto"]["status"] == 1
    e = result["afterAutoOff"]
    assert e["rpcCode"] == -32000 and STRANGER.lower() in e["rpcMessage"]


# Anvil 1.7.1 lists impersonated addresses in eth_accounts, so ethers' getSigner(address) works
def test_impersonated_address_listed_in_eth_accounts(result):
    assert result["listedInAccounts"] is True
    assert result["getSigner"] == WHALE
