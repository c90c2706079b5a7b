"""Dev accounts (BIP-39/BIP-32, m/44'/60'/0'/0/i) and genesis.json validation."""
import json

import pytest

from pydevnet.node.accounts import dev_accounts, to_checksum_address
from pydevnet.node.config import Genesis, GenesisError, load_genesis, parse_genesis
from tests.fixtures import REPO_ROOT

KNOWN = [  # the accounts Anvil and Hardhat print for the `test ... junk` mnemonic
    ("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
     "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
    ("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
     "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
    ("0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199",
     "df57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e"),
]


def test_first_accounts_match_anvil_and_hardhat():
    accts = dev_accounts()
    assert len(accts) == 20
    assert to_checksum_address(accts[0].address) == KNOWN[0][0]
    assert accts[0].private_key.hex() == KNOWN[0][1]
    assert to_checksum_address(accts[1].address) == KNOWN[1][0]
    assert to_checksum_address(accts[19].address) == KNOWN[2][0]
    assert accts[19].private_key.hex() == KNOWN[2][1]


def test_repo_genesis_json_is_the_default():
    g = load_genesis(str(REPO_ROOT / "genesis.json"))
    d = Genesis()
    assert (g.chain_id, g.unit_price, g.gas_limit, g.block_period) == (31337, 25 * 10**9,
                                                                       30_000_000, 1)
    assert set(g.alloc) == set(d.alloc)
    assert all(a.balance == 10_000 * 10**18 for a in g.alloc.values())


@pytest.mark.parametrize("doc,field", [
    ({"config": {"chainId": "abc"}}, "config.chainId"),
    ({"config": {"chainId": 0}}, "config.chainId"),
    ({"config": {"unitPrice": -1}}, "config.unitPrice"),
    ({"config": {"fork": "Amsterdam"}}, "config.fork"),
    ({"config": {"fork": 7}}, "config.fork"),
    ({"config": {"mnemonic": "too short"}}, "config.mnemonic"),
    ({"gasLimit": "0x10"}, "gasLimit"),
    ({"coinbase": "0x1234"}, "coinbase"),
    ({"extraData": "0x" + "00" * 33}, "extraData"),
    ({"alloc": {"0x12": {"balance": "1"}}}, "alloc.0x12"),
    ({"alloc": {"0x" + "11" * 20: {"balance": "lots"}}}, "balance"),
    ({"alloc": {"0x" + "11" * 20: {"code": "6000"}}}, "code"),
    ([], "top level"),
])
def test_bad_genesis_names_the_field(doc, field):
    with pytest.raises(GenesisError) as e:
        parse_genesis(doc)
    assert field in str(e.value)


def test_unreadable_genesis_file(tmp_path):
    bad = tmp_path / "g.json"
    bad.write_text("{not json")
    with pytest.raises(GenesisError, match="not valid JSON"):
        load_genesis(str(bad))
    with pytest.raises(GenesisError, match="cannot read"):
        load_genesis(str(tmp_path / "missing.json"))


def test_custom_alloc_with_code_and_storage():
    g = parse_genesis(json.loads('{"alloc": {"0x' + "aa" * 20 + '": {"balance": "0x10", '
                                 '"nonce": "0x1", "code": "0x6000", "storage": {"0x1": "0x2"}}}}'))
    acct = g.alloc[bytes.fromhex("aa" * 20)]
    assert (acct.balance, acct.nonce, acct.code, acct.storage) == (16, 1, b"\x60\x00", {1: 2})
