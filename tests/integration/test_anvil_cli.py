"""Anvil's command line on `devnet` (node/anvil_options.py): the chain-shaping flags (-a,
--balance, -m, --derivation-path, --chain-id, --gas-limit, --gas-price 0 = free gas,
--timestamp), -p, --version, --config-out, --client-version, a flag that contradicts an existing
data dir, and a --genesis error naming its file; web3_clientVersion's Anvil-compatible default."""
import json
import subprocess

from eth_account import Account

from tests.integration.devnet_process import DEVNET
from tests.integration.support import dev_account, sign

OTHER_MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                 "abandon abandon about"
Account.enable_unaudited_hdwallet_features()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEVNET), *args], capture_output=True, text=True, timeout=60)


def test_client_version_default_and_override(devnet, spawn):
    version = devnet.rpc("web3_clientVersion")
    assert version.startswith("anvil/v1.7.1 (compatible; pydevnet/")  # hardhat helpers, ape
    assert spawn("--client-version", "anvil/v9 custom").rpc("web3_clientVersion") == \
        "anvil/v9 custom"


def test_chain_shaping_flags(spawn, tmp_path):
    out = tmp_path / "config.json"
    node = spawn("-a", "3", "--balance", "5", "-m", OTHER_MNEMONIC, "--chain-id", "1234",
                 "--gas-limit", "20000000", "--timestamp", "1800000000",
                 "--config-out", str(out))
    expected = [Account.from_mnemonic(OTHER_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
                for i in range(3)]
    accounts = node.rpc("eth_accounts")
    assert [a.lower() for a in accounts] == [a.address.lower() for a in expected]
    assert all(node.rpc("eth_getBalance", a, "latest") == hex(5 * 10**18) for a in accounts)
    assert node.rpc("eth_chainId") == hex(1234)
    genesis = node.rpc("eth_getBlockByNumber", "0x0", False)
    assert int(genesis["gasLimit"], 16) == 20_000_000
    assert int(genesis["timestamp"], 16) == 1_800_000_000
    config = json.loads(out.read_text())
    assert config["available_accounts"] == [a.address for a in expected]
    assert config["private_keys"][0] == "0x" + expected[0].key.hex().removeprefix("0x")
    assert config["wallet"]["mnemonic"] == OTHER_MNEMONIC
    assert config["gas_limit"] == "20000000" and config["genesis_timestamp"] == "1800000000"


def test_gas_price_zero_is_free_gas(spawn):
    node = spawn("--gas-price", "0", "--hardfork", "osaka")
    a0, a1 = dev_account(0), dev_account(1)
    before = int(node.rpc("eth_getBalance", a0.address, "latest"), 16)
    assert node.rpc("eth_gasPrice") == "0x0"
    tx = node.rpc("eth_sendRawTransaction", sign(a0, nonce=0, to=a1.address, value=7,
                                                 gas=21000, gasPrice=0))
    assert node.rpc("eth_getTransactionReceipt", tx)["status"] == "0x1"
    sent = node.rpc("eth_sendTransaction", {"from": a0.address, "to": a1.address, "value": "0x1"})
    assert node.rpc("eth_getTransactionReceipt", sent)["effectiveGasPrice"] == "0x0"
    assert int(node.rpc("eth_getBalance", a0.address, "latest"), 16) == before - 8


def test_flag_contradicting_an_existing_data_dir_is_an_error(spawn, tmp_path):
    datadir = tmp_path / "data"
    spawn(datadir=datadir).stop()
    r = _run("--datadir", str(datadir), "--port", "0", "--chain-id", "5")
    assert r.returncode != 0 and "--chain-id" in r.stderr and "chain id" in r.stderr
    r = _run("--datadir", str(datadir), "--port", "0", "--balance", "1")
    assert r.returncode != 0 and "--balance" in r.stderr and "genesis" in r.stderr


def test_genesis_errors_name_the_file(tmp_path):
    bad = tmp_path / "my-chain.json"
    bad.write_text(json.dumps({"config": {"chainId": "x"}}))
    r = _run("--genesis", str(bad), "--memory", "--port", "0")
    assert r.returncode != 0 and f"{bad}: config.chainId" in r.stderr
    assert "genesis.json" not in r.stderr


def test_changed_mnemonic_in_genesis_funds_its_accounts(spawn, tmp_path):
    genesis = tmp_path / "g.json"
    genesis.write_text(json.dumps({"config": {"mnemonic": OTHER_MNEMONIC, "accounts": 2},
                                   "alloc": {"0x" + "11" * 20: {"balance": "0x5"}}}))
    node = spawn("--genesis", str(genesis))
    first = Account.from_mnemonic(OTHER_MNEMONIC, account_path="m/44'/60'/0'/0/0").address
    assert node.rpc("eth_getBalance", first, "latest") == hex(10_000 * 10**18)
    assert node.rpc("eth_getBalance", "0x" + "11" * 20, "latest") == "0x5"


def test_help_and_version():
    out = _run("--help").stdout
    for flag in ("-p", "--accounts", "--balance", "--mnemonic", "--derivation-path",
                 "--chain-id", "--gas-limit", "--gas-price", "--block-time", "--no-mining",
                 "--hardfork", "--timestamp", "--state", "--dump-state", "--load-state",
                 "--state-interval", "--silent", "--version", "--config-out",
                 "--client-version"):
        assert flag in out, flag
    assert "compatible with anvil 1.7.1" in _run("--version").stdout
