"""Every kind of bad transaction sent with eth_sendRawTransaction to the real process gets a clear
JSON-RPC error in geth's wording and changes nothing: the block number, the balances, the
sender's nonce (latest and pending) and the pool stay as they were, and the transaction is
unknown afterwards. Plus the envelope errors: malformed JSON (-32700), an oversized body (HTTP
413), an invalid request (-32600), an unknown method (-32601)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import rlp
from eth_account import Account
from eth_hash.auto import keccak
from eth_keys import keys

from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import (CHAIN_ID, GWEI, UNIT_PRICE, balance_of, dev_account,
                                       nonce_of, send_raw, sign)

SENDER = dev_account(10)
OTHER = dev_account(11).address
POOR = Account.from_key(keccak(b"pydevnet integration: an account with no ether"))
SECP256K1N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
# the module's devnet runs with --gas-limit 10000000: below EIP-7825's cap of 2**24 (Osaka, checked
# first), so that a transaction can still exceed the block gas limit
BLOCK_GAS_LIMIT = 10_000_000
MAX_TX_GAS = 2**24  # EIP-7825
MAX_INITCODE_SIZE = 49_152  # EIP-3860
BAD_SIGNATURE = "invalid sender: invalid transaction v, r, s values"  # geth's pool wording


@pytest.fixture(scope="module")
def devnet(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = DevnetProcess(tmp_path_factory.mktemp("devnet") / "data", "--quiet",
                         "--gas-limit", str(BLOCK_GAS_LIMIT))
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def funded(devnet) -> int:
    """One mined transaction from SENDER first, so that its nonce is 1 and nonce 0 is used."""
    r = send_raw(devnet, sign(SENDER, nonce=0, to=OTHER, value=1, gas=21_000,
                              gasPrice=UNIT_PRICE))
    assert r["status"] == "0x1"
    return 1


def _ok(nonce: int, **fields) -> str:
    """A valid transfer from SENDER, changed by `fields`."""
    tx = dict(nonce=nonce, to=OTHER, value=10**15, gas=21_000, maxFeePerGas=30 * GWEI,
              maxPriorityFeePerGas=GWEI)
    tx.update(fields)
    return sign(SENDER, **tx)


def _typed_fields(raw: str) -> tuple[int, list]:
    b = bytes.fromhex(raw[2:])
    return b[0], rlp.decode(b[1:])


def _typed_raw(tx_type: int, fields: list) -> str:
    return "0x" + (bytes([tx_type]) + rlp.encode(fields)).hex()


def _with_signature(raw: str, y_parity: int, r: int, s: int) -> str:
    tx_type, fields = _typed_fields(raw)
    return _typed_raw(tx_type, fields[:-3] + [y_parity, r, s])


def _high_s(nonce: int) -> str:
    """The same signature with s -> n - s and the parity flipped: valid ECDSA, but EIP-2 forbids
    the malleable high-s form."""
    _, fields = _typed_fields(_ok(nonce))
    y, r, s = (int.from_bytes(x, "big") for x in fields[-3:])
    return _with_signature(_ok(nonce), 1 - y, r, SECP256K1N - s)


def _blob_tx(nonce: int) -> str:
    """A correctly signed EIP-4844 transaction (canonical form, one versioned hash)."""
    unsigned = [CHAIN_ID, nonce, GWEI, 30 * GWEI, 21_000, bytes.fromhex(OTHER[2:]), 0, b"", [],
                GWEI, [b"\x01" + keccak(b"blob")[1:]]]
    digest = keccak(b"\x03" + rlp.encode(unsigned))
    sig = keys.PrivateKey(SENDER.key).sign_msg_hash(digest)
    return _typed_raw(3, unsigned + [sig.v, sig.r, sig.s])


def _unknown_type(nonce: int) -> str:
    _, fields = _typed_fields(_ok(nonce))
    return _typed_raw(5, fields)


# name: (raw transaction builder given the sender's next nonce, JSON-RPC code, message prefix)
CASES: dict[str, tuple[Callable[[int], str], int, str]] = {
    "wrong chain id": (lambda n: _ok(n, chainId=1), -32000,
                       "invalid sender: invalid chain id for signer"),
    "legacy with another chain's EIP-155 id": (
        lambda n: sign(SENDER, nonce=n, to=OTHER, gas=21_000, gasPrice=UNIT_PRICE, chainId=5),
        -32000, "invalid sender: invalid chain id for signer"),
    "nonce too low": (lambda n: _ok(n - 1, value=12345), -32000, "nonce too low"),
    "insufficient funds (no ether at all)": (
        lambda n: sign(POOR, nonce=0, to=OTHER, gas=21_000, gasPrice=UNIT_PRICE), -32000,
        "insufficient funds for gas * price + value"),
    "insufficient funds (value above the balance)": (
        lambda n: _ok(n, value=10**30), -32000, "insufficient funds for gas * price + value"),
    "intrinsic gas too low": (lambda n: _ok(n, gas=20_999), -32000, "intrinsic gas too low"),
    "intrinsic gas too low for calldata": (
        lambda n: _ok(n, data="0x01"), -32000, "intrinsic gas too low"),
    "gas above the block gas limit": (
        lambda n: _ok(n, gas=BLOCK_GAS_LIMIT + 1), -32000, "exceeds block gas limit"),
    "gas above EIP-7825's transaction gas cap": (
        lambda n: _ok(n, gas=MAX_TX_GAS + 1), -32000,
        f"transaction gas limit too high: cap: {MAX_TX_GAS}, tx: {MAX_TX_GAS + 1}"),
    "legacy gas price below the unit price": (
        lambda n: sign(SENDER, nonce=n, to=OTHER, gas=21_000, gasPrice=UNIT_PRICE - 1), -32000,
        "max fee per gas less than block base fee"),
    "eip2930 gas price below the unit price": (
        lambda n: sign(SENDER, nonce=n, to=OTHER, gas=21_000, gasPrice=24 * GWEI,
                       accessList=[]), -32000, "max fee per gas less than block base fee"),
    "eip1559 max fee below the unit price": (
        lambda n: _ok(n, maxFeePerGas=24 * GWEI, maxPriorityFeePerGas=0), -32000,
        "max fee per gas less than block base fee"),
    "tip above the fee cap": (
        lambda n: _ok(n, maxFeePerGas=30 * GWEI, maxPriorityFeePerGas=31 * GWEI), -32000,
        "max priority fee per gas higher than max fee per gas"),
    "oversized initcode": (
        lambda n: sign(SENDER, nonce=n, gas=1_000_000, gasPrice=UNIT_PRICE,
                       data="0x" + "00" * (MAX_INITCODE_SIZE + 1)), -32000,
        "max initcode size exceeded"),
    "blob transaction without its sidecar (canonical form)": (
        _blob_tx, -32000, "missing sidecar in blob transaction"),
    "unknown type 0x05": (_unknown_type, -32000, "transaction type not supported"),
    "high s (EIP-2)": (_high_s, -32000, BAD_SIGNATURE),
    "r = 0": (lambda n: _with_signature(_ok(n), 0, 0, 1), -32000, BAD_SIGNATURE),
    "r = secp256k1n": (lambda n: _with_signature(_ok(n), 0, SECP256K1N, 1), -32000,
                       BAD_SIGNATURE),
    "y parity 2": (lambda n: _with_signature(_ok(n), 2, 1, 1), -32000, BAD_SIGNATURE),
    "truncated RLP": (lambda n: _ok(n)[:-10], -32000, "rlp:"),
    "RLP list with garbage after it": (lambda n: _ok(n) + "00", -32000, "rlp:"),
    "an RLP string, not a transaction": (lambda n: "0x8412345678", -32000, "rlp:"),
    "empty input": (lambda n: "0x", -32000, "rlp:"),
    "non-hex characters": (lambda n: "0xzz" + _ok(n)[4:], -32602, "invalid argument 0"),
    "odd number of hex digits": (lambda n: _ok(n)[:-1], -32602, "invalid argument 0"),
    "no 0x prefix": (lambda n: _ok(n)[2:], -32602, "invalid argument 0"),
    "a number, not a string": (lambda n: 12345, -32602, "invalid argument 0"),
}


def _snapshot(devnet) -> dict:
    coinbase = devnet.rpc("eth_getBlockByNumber", "latest", False)["miner"]
    return {
        "head": devnet.rpc("eth_getBlockByNumber", "latest", False)["hash"],
        "number": devnet.rpc("eth_blockNumber"),
        "balances": [balance_of(devnet, a) for a in (SENDER.address, OTHER, POOR.address,
                                                     coinbase)],
        "nonce": nonce_of(devnet, SENDER.address),
        "pending nonce": nonce_of(devnet, SENDER.address, "pending"),
        "pending block txs": devnet.rpc("eth_getBlockByNumber", "pending", False)["transactions"],
    }


@pytest.mark.parametrize("case", list(CASES))
def test_bad_transaction_is_rejected_and_changes_nothing(devnet, funded, case):
    build, code, prefix = CASES[case]
    before = _snapshot(devnet)
    raw = build(before["nonce"])
    err = devnet.error("eth_sendRawTransaction", raw)
    assert err.code == code, err
    assert err.message.startswith(prefix), err
    assert _snapshot(devnet) == before
    if isinstance(raw, str) and len(raw) > 2:
        try:
            tx_hash = "0x" + keccak(bytes.fromhex(raw[2:])).hex()
        except ValueError:
            return
        assert devnet.rpc("eth_getTransactionByHash", tx_hash) is None


def test_a_valid_transaction_still_goes_through_afterwards(devnet, funded):
    nonce = nonce_of(devnet, SENDER.address)
    receipt = send_raw(devnet, _ok(nonce))
    assert receipt["status"] == "0x1"
    assert nonce_of(devnet, SENDER.address) == nonce + 1


def test_resending_a_mined_transaction_is_rejected(devnet):
    sender = dev_account(12)
    raw = sign(sender, nonce=0, to=OTHER, gas=21_000, gasPrice=UNIT_PRICE)
    send_raw(devnet, raw)
    before = _snapshot(devnet)
    err = devnet.error("eth_sendRawTransaction", raw)
    # geth says "nonce too low" (its pool forgets mined hashes), Hardhat/Anvil-style nodes
    # "already known"; either is a -32000 that changes nothing
    assert err.code == -32000
    assert err.message == "already known" or err.message.startswith("nonce too low"), err
    assert _snapshot(devnet) == before


def test_already_known_in_the_pool(spawn):
    dev = spawn("--no-mining")
    sender = dev_account(13)
    raw = sign(sender, nonce=0, to=OTHER, value=1, gas=21_000, gasPrice=UNIT_PRICE)
    tx_hash = dev.rpc("eth_sendRawTransaction", raw)
    queued = sign(sender, nonce=5, to=OTHER, value=1, gas=21_000, gasPrice=UNIT_PRICE)
    queued_hash = dev.rpc("eth_sendRawTransaction", queued)
    pending_nonce = nonce_of(dev, sender.address, "pending")
    assert pending_nonce == 1  # the queued one waits behind the gap
    for again in (raw, queued):
        err = dev.error("eth_sendRawTransaction", again)
        assert (err.code, err.message) == (-32000, "already known")
    assert nonce_of(dev, sender.address, "pending") == pending_nonce
    assert dev.rpc("eth_blockNumber") == "0x0"
    dev.rpc("evm_mine")
    assert dev.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    assert dev.rpc("eth_getTransactionReceipt", queued_hash) is None
    assert dev.rpc("eth_getTransactionByHash", queued_hash)["blockNumber"] is None


def test_replacement_with_the_same_fee_is_underpriced(spawn):
    dev = spawn("--no-mining")
    sender = dev_account(14)
    dev.rpc("eth_sendRawTransaction",
            sign(sender, nonce=0, to=OTHER, value=1, gas=21_000, gasPrice=30 * GWEI))
    err = dev.error("eth_sendRawTransaction",
                    sign(sender, nonce=0, to=OTHER, value=2, gas=21_000, gasPrice=30 * GWEI))
    assert err.code == -32000 and err.message.startswith("replacement transaction underpriced")


# -- envelopes -----------------------------------------------------------------------------------
def test_malformed_json_is_a_parse_error(devnet):
    status, answer = devnet.post('{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"')
    assert status == 200
    assert answer["error"]["code"] == -32700 and answer["id"] is None


def test_oversized_body_is_refused(devnet):
    params = ["0x" + "00" * (8 * 1024 * 1024 + 16)]  # 16 MiB + of hex digits
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction",
                       "params": params})
    status, answer = devnet.post(body)
    assert status == 413
    assert answer["error"]["code"] == -32600 and "too large" in answer["error"]["message"]
    assert devnet.rpc("eth_chainId") == hex(CHAIN_ID)  # and the server carries on


@pytest.mark.parametrize("body,code", [
    ('{"jsonrpc": "2.0", "id": 1}', -32600),
    ('{"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}', -32600),
    ('"eth_chainId"', -32600),
    ('[]', -32600),
    ('{"jsonrpc": "2.0", "id": 1, "method": "eth_noSuchMethod"}', -32601),
    ('{"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": []}', -32602),
])
def test_bad_envelopes(devnet, body, code):
    status, answer = devnet.post(body)
    assert status == 200
    assert answer["error"]["code"] == code, answer
