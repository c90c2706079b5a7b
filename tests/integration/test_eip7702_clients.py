"""EIP-7702 set-code transactions from real clients against the real `devnet` process
(--hardfork prague): web3.py (Account.sign_authorization; a locally signed type-4 transaction
through send_raw_transaction, and w3.eth.send_transaction with an authorizationList), viem
(tests/js/viem_eip7702.mjs: signAuthorization, sendTransaction from a local and a JSON-RPC
account) and ethers v6 (tests/js/ethers_eip7702.mjs: Wallet.authorize, a Wallet and a
JsonRpcSigner). Each checks that the authority's code becomes 0xef0100 || delegate, that a call
to the authority runs the delegate's code, the transaction and receipt JSON, and that entries
for another chain or with a wrong nonce are skipped."""
from collections.abc import Iterator

import pytest
from web3 import Web3

from tests.integration.devnet_process import DevnetProcess
from tests.integration.eip7702_support import (DELEGATE, authorization_json,
                                               check_set_code_tx_json, code_of, designator,
                                               install_delegate, runs_delegate,
                                               signed_authorization)
from tests.integration.support import (UNIT_PRICE, dev_account, nonce_of, run_js_client,
                                       send_raw, sign)

SPONSOR = dev_account(2)
RPC_SENDER = dev_account(0)


@pytest.fixture(scope="module")
def dev(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = DevnetProcess(tmp_path_factory.mktemp("devnet") / "data", "--quiet", "--hardfork",
                         "prague").start()
    install_delegate(proc)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def w3(dev) -> Web3:
    return Web3(Web3.HTTPProvider(dev.url))


def _word_of(address: str) -> str:
    return "0x" + address.lower().removeprefix("0x").rjust(64, "0")


# -- web3.py -------------------------------------------------------------------------------------
def test_web3_raw_set_code_transaction(dev, w3):
    authority = dev_account(7)
    auth = signed_authorization(authority, w3.eth.get_transaction_count(authority.address))
    raw = sign(SPONSOR, to=authority.address, nonce=nonce_of(dev, SPONSOR.address),
               gas=w3.eth.estimate_gas({"from": SPONSOR.address, "to": authority.address,
                                        "authorizationList": [authorization_json(auth)]}),
               maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0, authorizationList=[auth])
    tx_hash = w3.eth.send_raw_transaction(raw)
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    assert receipt["status"] == 1 and receipt["type"] == 4
    assert code_of(dev, authority.address) == designator()
    assert w3.eth.get_code(authority.address).hex().removeprefix("0x") == \
        designator().removeprefix("0x")
    assert runs_delegate(dev, authority.address)
    check_set_code_tx_json(dev.rpc("eth_getTransactionByHash", "0x" + tx_hash.hex()
                                   .removeprefix("0x")), [authorization_json(auth)])
    tx = w3.eth.get_transaction(tx_hash)  # web3.py's own formatters read the entries
    assert tx["type"] == 4 and tx["authorizationList"][0]["nonce"] == auth.nonce
    assert tx["authorizationList"][0]["address"] == Web3.to_checksum_address(DELEGATE)


def test_web3_self_sponsored(dev, w3):
    """The authority sends its own transaction: its nonce is raised before the authorization
    is checked, so the authorization names nonce + 1 (EIP-7702)."""
    authority = dev_account(8)
    nonce = w3.eth.get_transaction_count(authority.address)
    auth = signed_authorization(authority, nonce + 1)
    receipt = send_raw(dev, sign(authority, to=authority.address, nonce=nonce, gas=200_000,
                                 maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0,
                                 authorizationList=[auth]))
    assert receipt["status"] == "0x1"
    assert code_of(dev, authority.address) == designator()
    assert nonce_of(dev, authority.address) == nonce + 2


def test_web3_send_transaction_with_authorization_list(dev, w3):
    authority = dev_account(9)
    auth = signed_authorization(authority, 0)
    entry = {"chainId": auth.chain_id, "address": DELEGATE, "nonce": auth.nonce,
             "yParity": auth.y_parity, "r": auth.r, "s": auth.s}
    tx_hash = w3.eth.send_transaction({"from": RPC_SENDER.address, "to": authority.address,
                                       "authorizationList": [entry]})
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    assert receipt["status"] == 1 and receipt["type"] == 4
    assert code_of(dev, authority.address) == designator()
    slot0 = w3.eth.get_storage_at(authority.address, 0)
    assert int.from_bytes(slot0, "big") == int(RPC_SENDER.address, 16)
    check_set_code_tx_json(dev.rpc("eth_getTransactionByHash", "0x" + tx_hash.hex()
                                   .removeprefix("0x")), [authorization_json(auth)])


def test_web3_invalid_entries_are_skipped(dev, w3):
    wrong_chain = signed_authorization(dev_account(10), 0, chain_id=1)
    wrong_nonce = signed_authorization(dev_account(11), 3)
    receipt = send_raw(dev, sign(SPONSOR, to=dev_account(11).address,
                                 nonce=nonce_of(dev, SPONSOR.address), gas=200_000,
                                 maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0,
                                 authorizationList=[wrong_chain, wrong_nonce]))
    assert receipt["status"] == "0x1" and receipt["type"] == "0x4"
    for i in (10, 11):
        assert code_of(dev, dev_account(i).address) == "0x"
        assert nonce_of(dev, dev_account(i).address) == 0


# -- viem and ethers -----------------------------------------------------------------------------
def _check_client_outcome(dev, outcome: dict, delegated: list[bool], *, status, tx_type) -> None:
    assert outcome["status"] == status
    assert outcome["receiptType"] == tx_type and outcome["type"] == tx_type
    raw = outcome["rawTx"]
    assert outcome["authorizations"] == len(raw["authorizationList"]) == len(delegated)
    check_set_code_tx_json(raw, raw["authorizationList"])
    assert dev.rpc("eth_getTransactionByHash", raw["hash"]) == raw
    for account, expect in zip(outcome["accounts"], delegated):
        if expect:
            assert account["code"] == designator() and account["nonce"] == 1
            assert account["call"] == _word_of(account["address"])  # the delegate's code ran
        else:
            assert account["code"] == "0x" and account["nonce"] == 0


@pytest.fixture(scope="module")
def viem(dev) -> dict:
    return run_js_client("viem_eip7702.mjs", "viem", dev, DELEGATE)


@pytest.fixture(scope="module")
def ethers(dev) -> dict:
    return run_js_client("ethers_eip7702.mjs", "ethers", dev, DELEGATE)


@pytest.mark.parametrize("path", ["local", "rpc"])
def test_viem_sign_authorization_and_send(dev, viem, path):
    _check_client_outcome(dev, viem[path], [True], status="success", tx_type="eip7702")


def test_viem_local_authorization_fields(viem):
    auth = viem["local"]["auth"]  # signAuthorization took the chain id and nonce from the node
    assert auth["chainId"] == 31337 and auth["nonce"] == 0 and auth["yParity"] in (0, 1)
    assert viem["local"]["rawTx"]["authorizationList"][0]["chainId"] == "0x7a69"


def test_viem_invalid_entries_are_skipped(dev, viem):
    _check_client_outcome(dev, viem["skipped"], [False, False, True], status="success",
                          tx_type="eip7702")


@pytest.mark.parametrize("path", ["wallet", "rpc"])
def test_ethers_authorize_and_send(dev, ethers, path):
    _check_client_outcome(dev, ethers[path], [True], status=1, tx_type=4)


def test_ethers_invalid_entries_are_skipped(dev, ethers):
    _check_client_outcome(dev, ethers["skipped"], [False, False, True], status=1, tx_type=4)
