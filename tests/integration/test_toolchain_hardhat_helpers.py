"""@nomicfoundation/hardhat-network-helpers (Hardhat 3, ethers v6) against the real `devnet`
process: tests/js/hardhat/network_helpers.js drives an OpenZeppelin ERC20 with a time lock
(contracts/HelperToken.sol) through loadFixture, the time helpers, mine/mineUpTo, the account and
storage setters, impersonation, takeSnapshot().restore(), the next block's settings (coinbase,
prevrandao, gas limit, base fee) and dropTransaction; it prints JSON, this module asserts it. The helpers run at all only because web3_clientVersion starts with "anvil/"."""
import pytest

from tests.integration.support import dev_account
from tests.toolchains.runners import run_hardhat

OWNER, ALICE, BOB, CAROL = (dev_account(i).address for i in range(4))
WHALE = "0x000000000000000000000000000000000000bEEF"
SUPPLY = 10**24
LOCKED = 5000
LOCK_SECONDS = 86400


@pytest.fixture(scope="module")
def result(devnet, tmp_path_factory) -> dict:
    return run_hardhat(devnet.url, "network_helpers.js", tmp_path_factory.mktemp("hh-helpers"),
                       log=devnet.log())


def test_client_version_is_one_the_helpers_accept(result):
    assert result["clientVersion"].lower().startswith("anvil/")


def test_load_fixture_runs_once_and_restores_its_snapshot(result):
    f = result["fixture"]
    assert f["runs"] == 1 and f["name"] == "Helper Token"
    assert int(f["unlock"]) == f["startedAt"] + LOCK_SECONDS
    assert f["address"] == "0x5FbDB2315678afecb367f032d93F642f64180aa3"  # owner's nonce 0
    assert f["changed"] == {"block": f["atFixture"]["number"] + 4, "bob": "400"}
    assert f["reused"] == {"sameAddress": True, "block": f["atFixture"]["number"],
                           "alice": "1000", "bob": "0", "owner": str(SUPPLY - 1000)}


def test_time_latest_increase_increase_to_and_next_block_timestamp(result):
    t = result["time"]
    unlock = int(t["unlock"])
    assert t["latest"] == t["start"]["timestamp"] and t["latestBlock"] == t["start"]["number"]
    assert unlock == int(result["fixture"]["unlock"])
    # increase(3600) mines one block 3600 s after the latest and returns its timestamp
    assert t["afterIncrease"] == {"number": t["start"]["number"] + 1,
                                  "timestamp": t["start"]["timestamp"] + 3600}
    assert t["increased"] == t["afterIncrease"]["timestamp"]
    assert t["afterIncreaseTo"] == {"number": t["start"]["number"] + 2, "timestamp": unlock - 10}
    # the contract saw those times: locked before, released in the block at exactly `unlock`
    assert t["early"] == t["stillLocked"] == "StillLocked"
    assert t["releaseBlock"] == {"number": t["start"]["number"] + 3, "timestamp": unlock}
    assert t["released"] == {"status": 1, "alice": str(1000 + LOCKED), "contract": "0"}


def test_mine_with_an_interval_and_mine_up_to(result):
    m = result["mine"]
    blocks = m["blocks"]
    assert [b["number"] for b in blocks] == list(range(m["before"]["number"] + 1,
                                                       m["before"]["number"] + 6))
    assert blocks[0]["timestamp"] > m["before"]["timestamp"]
    assert [b["timestamp"] - a["timestamp"] for a, b in zip(blocks, blocks[1:])] == [60] * 4
    assert m["afterMine"] == blocks[-1]
    assert m["afterMineUpTo"]["number"] == m["afterMine"]["number"] + 4


def test_set_balance_nonce_code_and_storage(result):
    a = result["accounts"]
    assert (a["balance"], a["nonce"]) == ("123456789", 42)
    assert a["code"] == "0x602a60005260206000f3" and int(a["answer"], 16) == 42
    # the token's runtime placed elsewhere by setCode reads the balance setStorageAt wrote
    assert a["clonedCarol"] == "777"
    assert a["carol"] == "31337" and int(a["carolSlot"], 16) == 31337
    assert int(a["totalSupplyRaw"], 16) == SUPPLY + LOCKED


def test_impersonate_and_stop(result, devnet):
    i = result["impersonation"]
    assert (i["from"], i["status"]) == (WHALE, 1)
    assert (i["whale"], i["bob"]) == ("1000", "1500")
    assert i["refused"]["name"] == "ProviderError"
    assert WHALE.lower() in i["refused"]["message"]


def test_take_snapshot_restore_twice(result):
    s = result["snapshot"]
    before = s["before"]
    assert len(s["rounds"]) == 2
    for r in s["rounds"]:
        assert r["inside"] == {"block": before["block"] + 3,
                               "alice": str(int(before["alice"]) + 99)}
        assert (r["block"], r["alice"]) == (before["block"], before["alice"])


def test_next_block_coinbase_prevrandao_gas_limit_and_base_fee(result):
    s = result["blockSettings"]
    gwei = 10**9
    assert s["before"] == {"miner": "0xC014BA5EC014ba5ec014Ba5EC014ba5Ec014bA5E",
                           "gasLimit": "30000000", "baseFee": str(25 * gwei)}
    assert s["set"] == {"miner": "0x00000000000000000000000000000000c014bA5e",
                        "prevRandao": "0x" + "00" * 30 + "1234",
                        "gasLimit": "25000000", "baseFee": str(30 * gwei)}
    # put back by the same helpers; the PREVRANDAO setting was for one block only
    assert {k: v for k, v in s["after"].items() if k != "prevRandao"} == s["before"]
    assert s["after"]["prevRandao"] != s["set"]["prevRandao"]


def test_drop_transaction(result):
    assert result["drop"] == {"pooled": True, "dropped": True, "gone": True, "minedAfter": 0}
