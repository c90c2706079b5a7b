"""titanoboa's network mode against the real `devnet` process (tests/toolchains/boa_network.py,
run with the toolchain venv's python: titanoboa 0.2.8 and its vyper 0.4.3):
`boa.set_network_env(url)`, a key added as the sender, boa's probe of the chain's capabilities,
tests/toolchains/contracts/Counter.vy compiled and deployed, calls, a transaction's return value,
a payable call from an unlocked dev account (eth_sendTransaction), a revert. The devnet runs
Prague, pinned: the contract targets it and boa tells it by the EIP-2935 contract."""
from collections.abc import Iterator

import pytest
from eth_hash.auto import keccak

from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import dev_account
from tests.toolchains.runners import TOOLCHAINS, run_toolchain_python, start_devnet

OWNER, DEV1 = dev_account(0).address, dev_account(1).address


@pytest.fixture(scope="module")
def devnet(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = start_devnet(tmp_path_factory, "--hardfork", "prague")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def result(devnet, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("boa-home")
    return run_toolchain_python("boa_network.py", devnet.url, cwd=TOOLCHAINS,
                                env={"HOME": str(home)}, log=devnet.log())


def test_boa_sees_a_prague_chain(result):
    assert result["capabilities"] == "prague"


def test_deploy_and_read(result, devnet):
    d = result["deploy"]
    assert (d["owner"], d["count"], d["nonceBefore"]) == (OWNER, 5, 0)
    assert devnet.rpc("eth_getCode", d["address"], "latest") not in ("0x", None)
    assert int(devnet.rpc("eth_getTransactionCount", OWNER, "latest"), 16) == 2  # deploy, bump


def test_transaction_return_value_and_receipt(result):
    assert result["bump"] == {"returned": 8, "count": 8}
    r = result["bumpReceipt"]
    assert (r["status"], r["from"], r["to"]) == ("0x1", OWNER.lower(),
                                                 result["deploy"]["address"].lower())
    assert r["logs"] == 1 and r["topic0"] == "0x" + keccak(b"Bumped(address,uint256)").hex()


def test_revert_is_raised_and_changes_nothing(result):
    assert result["revert"] == {"type": "BoaError", "zeroBump": True}
    assert result["countAfterRevert"] == 8


def test_payable_call_from_an_unlocked_account(result):
    assert result["deposit"] == {"dev1": 12345, "key0": 0, "balance": 12345}
