"""Foundry's `cast` (a real Rust client, pinned in tests/js) against the devnet: reading chain
data, sending legacy and EIP-1559 transactions with a private key, deploying and calling the
Token, decoding a custom-error revert, logs, storage and EIP-1186 proofs."""
import json
import subprocess

import pytest

from tests.fixtures import REPO_ROOT
from tests.integration.support import UNIT_PRICE, dev_account, token_deploy_data

CAST = REPO_ROOT / "tests" / "js" / "node_modules" / "@foundry-rs" / "cast-linux-amd64" / "bin" \
    / "cast"
KEY0 = "0x" + dev_account(0).key.hex().removeprefix("0x")
A0, A1 = dev_account(0).address, dev_account(1).address


@pytest.fixture(scope="module")
def cast(devnet):
    if not CAST.exists():
        pytest.fail(f"Foundry's cast is missing at {CAST}: run `make install` (tests/js npm ci; "
                    "the pinned binary package is linux-x64)")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        # the URL goes first: `send --create CODE` takes every later word as constructor args
        proc = subprocess.run([str(CAST), args[0], "--rpc-url", devnet.url, *args[1:]],
                              capture_output=True, text=True, timeout=60)
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc
    return run


def test_chain_reads(cast):
    assert cast("chain-id").stdout.strip() == "31337"
    assert int(cast("gas-price").stdout) == UNIT_PRICE
    assert int(cast("base-fee").stdout) == UNIT_PRICE
    assert cast("balance", A1, "--ether").stdout.strip().startswith("10000")


@pytest.mark.parametrize("flags,tx_type", [((), "0x2"), (("--legacy",), "0x0")])
def test_send_pays_the_unit_price(cast, flags, tx_type):
    out = json.loads(cast("send", A1, "--value", "1", "--private-key", KEY0, "--json",
                          *flags).stdout)
    assert (out["status"], out["type"], out["gasUsed"]) == ("0x1", tx_type, "0x5208")
    assert int(out["effectiveGasPrice"], 16) == UNIT_PRICE


def test_deploy_call_transfer_revert_logs_proof(cast):
    deployed = json.loads(cast("send", "--private-key", KEY0, "--json", "--create",
                               token_deploy_data(supply=1_000_000)).stdout)
    token = deployed["contractAddress"]
    assert deployed["status"] == "0x1" and token
    assert cast("call", token, "balanceOf(address)(uint256)", A0).stdout.split()[0] == "1000000"
    sent = json.loads(cast("send", token, "transfer(address,uint256)", A1, "250",
                           "--private-key", KEY0, "--json").stdout)
    assert sent["status"] == "0x1" and len(sent["logs"]) == 1
    assert cast("call", token, "balanceOf(address)(uint256)", A1).stdout.split()[0] == "250"
    assert 21000 < int(cast("estimate", token, "transfer(address,uint256)", A1, "1", "--from",
                            A0).stdout) < 60000
    failed = cast("call", token, "transfer(address,uint256)", A0, "999999", "--from", A1,
                  check=False)
    assert failed.returncode != 0 and "error code 3: execution reverted" in failed.stderr
    assert "0xcf479181" in failed.stderr  # InsufficientBalance(uint256,uint256)
    logs = cast("logs", "--from-block", "0", "--address", token,
                "Transfer(address indexed,address indexed,uint256)").stdout
    assert logs.count("transactionHash") == 2  # the mint in the constructor and the transfer
    assert int(cast("storage", token, "2").stdout, 16) == 1_000_000  # totalSupply
    proof = json.loads(cast("proof", token, "2", "--json").stdout)
    assert proof["nonce"] == "0x1" and proof["accountProof"] and proof["storageProof"]


def test_cast_run_replays_a_mined_transaction(cast):
    """`cast run` forks the devnet at the transaction's parent block (historical balances, code,
    storage and nonces over RPC), re-executes the block's earlier transactions and then this one
    in revm, Foundry's own EVM: an independent check of our execution."""
    token = json.loads(cast("send", "--private-key", KEY0, "--json", "--create",
                            token_deploy_data(supply=5000)).stdout)["contractAddress"]
    sent = json.loads(cast("send", token, "transfer(address,uint256)", A1, "77",
                           "--private-key", KEY0, "--json").stdout)
    out = cast("run", sent["transactionHash"]).stdout
    assert "transfer(" in out and "emit Transfer(" in out and "[Return] true" in out
    assert f"Gas used: {int(sent['gasUsed'], 16)}" in out
    traced = cast("call", token, "balanceOf(address)(uint256)", A1, "--trace").stdout
    assert "[Return] 77" in traced
