"""Exact fee accounting at the fixed unit price (25 gwei) through the real process: legacy,
EIP-2930 and EIP-1559 transactions signed locally with eth_account, offering more than the unit
price (or exactly it), sent with eth_sendRawTransaction. Whatever was offered, the sender pays
exactly value + gasUsed x 25 gwei, receipt.effectiveGasPrice is 25 gwei, the block's coinbase
gets all of gasUsed x 25 gwei (nothing is burned), every block's baseFeePerGas is 25 gwei,
eth_gasPrice is 25 gwei and eth_maxPriorityFeePerGas is 0."""
import pytest

from tests.integration.support import (UNIT_PRICE, GWEI, balance_of, calldata, dev_account,
                                       nonce_of, send_raw, sign, token_deploy_data)

SENDER = dev_account(8)
RECIPIENT = dev_account(9).address
TOKEN_HOLDER = dev_account(0)

FEES = {
    "legacy at 30 gwei": dict(gasPrice=30 * GWEI),
    "legacy at the unit price": dict(gasPrice=UNIT_PRICE),
    "eip2930 at 30 gwei": dict(gasPrice=30 * GWEI, accessList=[]),
    "eip1559 max 100 tip 2": dict(maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=2 * GWEI),
    "eip1559 max = unit price": dict(maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0),
}
TYPES = {"legacy at 30 gwei": 0, "legacy at the unit price": 0, "eip2930 at 30 gwei": 1,
         "eip1559 max 100 tip 2": 2, "eip1559 max = unit price": 2}


@pytest.fixture(scope="module")
def token(devnet) -> str:
    r = send_raw(devnet, sign(TOKEN_HOLDER, nonce=nonce_of(devnet, TOKEN_HOLDER.address),
                              gas=2_000_000, gasPrice=UNIT_PRICE, data=token_deploy_data()))
    assert r["status"] == "0x1"
    r = send_raw(devnet, sign(TOKEN_HOLDER, nonce=nonce_of(devnet, TOKEN_HOLDER.address),
                              gas=100_000, gasPrice=UNIT_PRICE, to=r["contractAddress"],
                              data=calldata("transfer(address,uint256)", SENDER.address, 10**6)))
    assert r["status"] == "0x1"
    return r["to"]


def _check_settlement(devnet, receipt: dict, value: int, tx_type: int) -> None:
    block = devnet.rpc("eth_getBlockByNumber", receipt["blockNumber"], False)
    n = int(block["number"], 16)
    coinbase = block["miner"]
    gas_used = int(receipt["gasUsed"], 16)
    assert receipt["status"] == "0x1"
    assert int(receipt["type"], 16) == tx_type
    assert int(receipt["effectiveGasPrice"], 16) == UNIT_PRICE
    assert int(block["baseFeePerGas"], 16) == UNIT_PRICE
    assert block["transactions"] == [receipt["transactionHash"]]  # automine: its own block
    assert balance_of(devnet, SENDER.address, n) == \
        balance_of(devnet, SENDER.address, n - 1) - value - gas_used * UNIT_PRICE
    assert balance_of(devnet, coinbase, n) == \
        balance_of(devnet, coinbase, n - 1) + gas_used * UNIT_PRICE


@pytest.mark.parametrize("fees", list(FEES))
def test_value_transfer_pays_exactly_gas_used_times_unit_price(devnet, fees):
    value = 10**18 + 7
    recipient_before = balance_of(devnet, RECIPIENT)
    raw = sign(SENDER, nonce=nonce_of(devnet, SENDER.address), to=RECIPIENT, value=value,
               gas=50_000, **FEES[fees])
    receipt = send_raw(devnet, raw)
    assert int(receipt["gasUsed"], 16) == 21_000
    _check_settlement(devnet, receipt, value, TYPES[fees])
    assert balance_of(devnet, RECIPIENT) == recipient_before + value


@pytest.mark.parametrize("fees", list(FEES))
def test_contract_call_pays_exactly_gas_used_times_unit_price(devnet, token, fees):
    fields = dict(FEES[fees])
    if "accessList" in fields:  # warm the token and the sender's balance slot up front
        fields["accessList"] = [{"address": token, "storageKeys": []}]
    raw = sign(SENDER, nonce=nonce_of(devnet, SENDER.address), to=token, gas=120_000,
               data=calldata("transfer(address,uint256)", RECIPIENT, 3), **fields)
    receipt = send_raw(devnet, raw)
    assert int(receipt["gasUsed"], 16) > 21_000
    assert len(receipt["logs"]) == 1
    _check_settlement(devnet, receipt, 0, TYPES[fees])


def test_mined_transaction_objects_report_the_offered_and_effective_prices(devnet):
    legacy = send_raw(devnet, sign(SENDER, nonce=nonce_of(devnet, SENDER.address),
                                   to=RECIPIENT, gas=21_000, gasPrice=30 * GWEI))
    tx = devnet.rpc("eth_getTransactionByHash", legacy["transactionHash"])
    assert (tx["type"], int(tx["gasPrice"], 16)) == ("0x0", 30 * GWEI)
    dynamic = send_raw(devnet, sign(SENDER, nonce=nonce_of(devnet, SENDER.address),
                                    to=RECIPIENT, gas=21_000, maxFeePerGas=100 * GWEI,
                                    maxPriorityFeePerGas=2 * GWEI))
    tx = devnet.rpc("eth_getTransactionByHash", dynamic["transactionHash"])
    assert tx["type"] == "0x2"
    assert int(tx["maxFeePerGas"], 16) == 100 * GWEI
    assert int(tx["maxPriorityFeePerGas"], 16) == 2 * GWEI
    assert int(tx["gasPrice"], 16) == UNIT_PRICE  # geth: a mined 1559 tx shows the price paid


def test_fee_methods_and_every_block_base_fee(devnet, token):
    assert int(devnet.rpc("eth_gasPrice"), 16) == UNIT_PRICE
    assert int(devnet.rpc("eth_maxPriorityFeePerGas"), 16) == 0
    head = int(devnet.rpc("eth_blockNumber"), 16)
    assert head >= 2
    for n in range(head + 1):
        block = devnet.rpc("eth_getBlockByNumber", hex(n), False)
        assert int(block["baseFeePerGas"], 16) == UNIT_PRICE, n
    pending = devnet.rpc("eth_getBlockByNumber", "pending", False)
    assert int(pending["baseFeePerGas"], 16) == UNIT_PRICE
    history = devnet.rpc("eth_feeHistory", hex(head), "latest", [])
    # one more base fee than blocks: the next block's, also the unit price
    assert [int(b, 16) for b in history["baseFeePerGas"]] == [UNIT_PRICE] * (head + 1)
