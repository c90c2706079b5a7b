"""EIP-7702 set-code transactions in the JSON-RPC methods, against the real `devnet` process
(--hardfork prague): an authorizationList in eth_sendTransaction / eth_signTransaction makes a
type-4 transaction (impersonated senders too); eth_call, eth_estimateGas, eth_createAccessList
and debug_traceCall apply the authorizations to the call's state first; transactions (mined,
in a full block, pending) and receipts show type 0x4 and the entries as geth does; invalid
entries are skipped as EIP-7702 says; malformed or unhonourable requests are errors that change
nothing, and on a Cancun node an authorizationList is a clear error."""
from collections.abc import Iterator

import pytest

from tests.integration.devnet_process import DevnetProcess
from tests.integration.eip7702_support import (DELEGATE, authorization_json,
                                               check_set_code_tx_json, code_of, designator,
                                               install_delegate, runs_delegate,
                                               signed_authorization)
from tests.integration.support import UNIT_PRICE, dev_account, nonce_of, sign

SENDER = dev_account(0)
PER_AUTHORIZATION = 25_000  # EIP-7702 PER_EMPTY_ACCOUNT_COST
TX_BASE = 21_000


def _start(tmp_path_factory, *flags: str) -> DevnetProcess:
    return DevnetProcess(tmp_path_factory.mktemp("devnet") / "data", "--quiet", *flags).start()


@pytest.fixture(scope="module")
def dev(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = _start(tmp_path_factory, "--hardfork", "prague")
    install_delegate(proc)
    yield proc
    proc.stop()


def _request(authority_index: int, nonce: int = 0, **extra) -> tuple[dict, dict]:
    """An eth_sendTransaction/eth_call object from SENDER to the authority, with its signed
    authorization; and that authorization's JSON."""
    auth = authorization_json(signed_authorization(dev_account(authority_index), nonce))
    req = {"from": SENDER.address, "to": dev_account(authority_index).address,
           "authorizationList": [auth], **extra}
    return req, auth


def test_calls_apply_the_authorizations_first(dev):
    authority = dev_account(5).address
    req, _ = _request(5)
    assert dev.rpc("eth_call", {"to": authority}, "latest") == "0x"  # no code yet
    out = dev.rpc("eth_call", req, "latest")
    assert int(out, 16) == int(authority, 16)  # the delegate's code ran as the authority
    gas = int(dev.rpc("eth_estimateGas", req, "latest"), 16)
    assert gas > TX_BASE + PER_AUTHORIZATION + 20_000  # the delegate's SSTORE too
    created = dev.rpc("eth_createAccessList", req, "latest")
    assert "error" not in created
    listed = {e["address"] for e in created["accessList"]}
    assert listed == {DELEGATE}  # the authority is warm anyway; the delegate is worth listing
    trace = dev.rpc("debug_traceCall", req, "latest", {"tracer": "callTracer"})
    assert trace["to"] == authority.lower() and trace["output"] == out
    struct = dev.rpc("debug_traceCall", req, "latest")
    assert "SSTORE" in {s["op"] for s in struct["structLogs"]}
    # none of it changed the chain
    assert code_of(dev, authority) == "0x" and nonce_of(dev, authority) == 0


def test_v_is_accepted_for_y_parity(dev):
    req, auth = _request(5)
    auth["v"] = auth.pop("yParity")
    assert int(dev.rpc("eth_call", req, "latest"), 16) == int(dev_account(5).address, 16)


def test_entry_numbers_as_json_numbers_and_words_as_data(dev):
    req, auth = _request(5)
    for key in ("chainId", "nonce", "yParity"):
        auth[key] = int(auth[key], 16)
    for key in ("r", "s"):
        auth[key] = "0x" + int(auth[key], 16).to_bytes(32, "big").hex()
    assert int(dev.rpc("eth_call", req, "latest"), 16) == int(dev_account(5).address, 16)


def test_estimate_is_enough_for_the_transaction(dev):
    def raw(authority_index: int, gas: int) -> str:
        auth = signed_authorization(dev_account(authority_index), 0)
        return sign(SENDER, to=dev_account(authority_index).address, gas=gas,
                    nonce=nonce_of(dev, SENDER.address), maxFeePerGas=UNIT_PRICE,
                    maxPriorityFeePerGas=0, authorizationList=[auth])

    estimates = []
    for i in (6, 7):
        req, _ = _request(i)
        estimates.append(int(dev.rpc("eth_estimateGas", req, "latest"), 16))
    assert estimates[0] == estimates[1]
    short = dev.rpc("eth_getTransactionReceipt",
                    dev.rpc("eth_sendRawTransaction", raw(6, estimates[0] - 1)))
    assert short["status"] == "0x0" and short["type"] == "0x4"
    # EIP-7702: the authorization stays applied although the call ran out of gas
    assert code_of(dev, dev_account(6).address) == designator()
    enough = dev.rpc("eth_getTransactionReceipt",
                     dev.rpc("eth_sendRawTransaction", raw(7, estimates[1])))
    assert enough["status"] == "0x1"
    slot0 = dev.rpc("eth_getStorageAt", dev_account(7).address, "0x0", "latest")
    assert int(slot0, 16) == int(SENDER.address, 16)


def test_send_transaction_makes_a_type_4_transaction(dev):
    authority = dev_account(8).address
    req, auth = _request(8)
    tx_hash = dev.rpc("eth_sendTransaction", req)
    receipt = dev.rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt["type"] == "0x4" and receipt["status"] == "0x1"
    assert receipt["to"] == authority.lower()
    tx = dev.rpc("eth_getTransactionByHash", tx_hash)
    check_set_code_tx_json(tx, [auth])
    assert tx["blockHash"] == receipt["blockHash"]
    block = dev.rpc("eth_getBlockByHash", receipt["blockHash"], True)
    assert block["transactions"] == [tx]
    assert code_of(dev, authority) == designator()
    assert nonce_of(dev, authority) == 1
    assert runs_delegate(dev, authority)
    slot0 = dev.rpc("eth_getStorageAt", authority, "0x0", "latest")
    assert int(slot0, 16) == int(SENDER.address, 16)  # the delegate's code, the authority's storage


def test_sign_transaction_signs_a_type_4_transaction(dev):
    req, auth = _request(9)
    signed = dev.rpc("eth_signTransaction", req)
    assert signed["raw"].startswith("0x04")
    check_set_code_tx_json(signed["tx"], [auth])
    assert signed["tx"]["blockHash"] is None
    assert dev.rpc("eth_sendRawTransaction", signed["raw"]) == signed["tx"]["hash"]
    assert code_of(dev, dev_account(9).address) == designator()


def test_impersonated_sender(dev):
    whale = "0x000000000000000000000000000000000000beef"
    dev.rpc("anvil_setBalance", whale, hex(10**18))
    dev.rpc("anvil_impersonateAccount", whale)
    req, auth = _request(10)
    req["from"] = whale
    tx = dev.rpc("eth_getTransactionByHash", dev.rpc("eth_sendTransaction", req))
    check_set_code_tx_json(tx, [auth])
    assert tx["from"] == whale
    assert code_of(dev, dev_account(10).address) == designator()


def test_invalid_entries_are_skipped(dev):
    """EIP-7702: a tuple for another chain or with the wrong nonce is skipped; the transaction
    and its other tuples go through."""
    wrong_chain = authorization_json(signed_authorization(dev_account(11), 0, chain_id=1))
    wrong_nonce = authorization_json(signed_authorization(dev_account(12), 5))
    good = authorization_json(signed_authorization(dev_account(13), 0))
    auths = [wrong_chain, wrong_nonce, good]
    tx_hash = dev.rpc("eth_sendTransaction", {"from": SENDER.address,
                                               "to": dev_account(13).address,
                                               "authorizationList": auths})
    assert dev.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    check_set_code_tx_json(dev.rpc("eth_getTransactionByHash", tx_hash), auths)
    for skipped in (11, 12):
        assert code_of(dev, dev_account(skipped).address) == "0x"
        assert nonce_of(dev, dev_account(skipped).address) == 0
    assert code_of(dev, dev_account(13).address) == designator()


def test_chain_id_zero_is_any_chain(dev):
    auth = authorization_json(signed_authorization(dev_account(14), 0, chain_id=0))
    dev.rpc("eth_sendTransaction", {"from": SENDER.address, "to": dev_account(14).address,
                                    "authorizationList": [auth]})
    assert code_of(dev, dev_account(14).address) == designator()


def _unsigned(req: dict) -> dict:
    for key in ("yParity", "r", "s"):
        req["authorizationList"][0].pop(key)
    return req


def _with(req: dict, **changes) -> dict:
    req.update(changes)
    return {k: v for k, v in req.items() if v is not None}


def _extra_field(req: dict) -> dict:
    req["authorizationList"][0]["signature"] = "0x00"
    return req


BAD_REQUESTS = {  # what is wrong: (the request from _request(15), code, words of the message)
    "unsigned entry": (_unsigned, -32602, "missing field 'yParity'"),
    "unknown entry field": (_extra_field, -32602, "unknown field 'signature'"),
    "type 2 with a list": (lambda r: _with(r, type="0x2"), -32602, "EIP-7702 is type 0x4"),
    "type 4 without a list": (lambda r: _with(r, authorizationList=None, type="0x4"), -32000,
                              "EIP-7702 transaction with empty auth list"),
    "empty list": (lambda r: _with(r, authorizationList=[]), -32000,
                   "EIP-7702 transaction with empty auth list"),
    "no to": (lambda r: _with(r, to=None), -32000,
              "EIP-7702 transaction cannot be used to create contract"),
    "gasPrice": (lambda r: _with(r, gasPrice=hex(UNIT_PRICE)), -32000, "not gasPrice"),
}


@pytest.mark.parametrize("what", BAD_REQUESTS)
@pytest.mark.parametrize("method", ["eth_sendTransaction", "eth_signTransaction"])
def test_bad_requests_are_errors_that_change_nothing(dev, method, what):
    change, code, words = BAD_REQUESTS[what]
    head = dev.rpc("eth_blockNumber")
    nonce = nonce_of(dev, SENDER.address)
    err = dev.error(method, change(_request(15)[0]))
    assert err.code == code and words in err.message, err.message
    assert dev.rpc("eth_blockNumber") == head and nonce_of(dev, SENDER.address) == nonce
    assert code_of(dev, dev_account(15).address) == "0x"


@pytest.mark.parametrize("what", ["unsigned entry", "type 4 without a list", "no to"])
def test_bad_call_requests_are_errors(dev, what):
    change, code, words = BAD_REQUESTS[what]
    for method in ("eth_call", "eth_estimateGas", "eth_createAccessList"):
        err = dev.error(method, change(_request(15)[0]), "latest")
        assert err.code == code and words in err.message, (method, err.message)


def test_pending_transaction_shows_its_authorizations(tmp_path_factory):
    proc = _start(tmp_path_factory, "--hardfork", "prague", "--no-mining")
    try:
        req, auth = _request(16)
        req["gas"] = hex(100_000)  # estimated over the pending state otherwise; fine either way
        tx_hash = proc.rpc("eth_sendTransaction", req)
        tx = proc.rpc("eth_getTransactionByHash", tx_hash)
        check_set_code_tx_json(tx, [auth])
        assert tx["blockHash"] is None and tx["blockNumber"] is None
        pending = proc.rpc("eth_getBlockByNumber", "pending", True)
        assert pending["transactions"][0]["authorizationList"] == tx["authorizationList"]
        proc.rpc("evm_mine")
        assert proc.rpc("eth_getTransactionReceipt", tx_hash)["type"] == "0x4"
        assert code_of(proc, dev_account(16).address) == designator()
    finally:
        proc.stop()


def test_cancun_node_refuses_an_authorization_list(tmp_path_factory):
    proc = _start(tmp_path_factory, "--hardfork", "cancun")
    try:
        req, _ = _request(5)
        for method, params in (("eth_sendTransaction", [req]), ("eth_signTransaction", [req]),
                               ("eth_call", [req, "latest"]),
                               ("eth_estimateGas", [req, "latest"])):
            err = proc.error(method, *params)
            assert err.code == -32000, (method, err.message)
            assert "EIP-7702" in err.message and "not in Cancun" in err.message, err.message
            assert "--hardfork prague" in err.message
        assert proc.rpc("eth_blockNumber") == "0x0"
        assert nonce_of(proc, SENDER.address) == 0
    finally:
        proc.stop()
