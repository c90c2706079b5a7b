"""eth_sendRawTransactionSync (EIP-7966) against the real `devnet` process with web3.py: the
receipt at once under automine, the next interval block's with --block-time, and with
--no-mining geth's timeout error (code 4, the hash as data; the transaction stays pooled) or the
receipt of the block evm_mine makes while it waits."""
import threading

from web3 import Web3

from tests.integration.support import UNIT_PRICE, dev_account


def _raw(w3: Web3, nonce: int) -> str:
    tx = {"chainId": 31337, "nonce": nonce, "to": dev_account(1).address, "value": 1,
          "gas": 21000, "maxFeePerGas": UNIT_PRICE, "maxPriorityFeePerGas": 0, "type": 2}
    return "0x" + dev_account(0).sign_transaction(tx).raw_transaction.hex().removeprefix("0x")


def test_automine_returns_the_receipt(devnet):
    w3 = Web3(Web3.HTTPProvider(devnet.url))
    receipt = devnet.rpc("eth_sendRawTransactionSync", _raw(w3, 0))
    assert receipt["status"] == "0x1"
    assert receipt == devnet.rpc("eth_getTransactionReceipt", receipt["transactionHash"])


def test_block_time_waits_for_the_block(spawn):
    node = spawn("--block-time", "1")
    w3 = Web3(Web3.HTTPProvider(node.url))
    receipt = node.rpc("eth_sendRawTransactionSync", _raw(w3, 0), 30_000)
    assert receipt["status"] == "0x1" and int(receipt["blockNumber"], 16) >= 1


def test_no_mining_times_out_then_mines(spawn):
    node = spawn("--no-mining")
    w3 = Web3(Web3.HTTPProvider(node.url))
    err = node.error("eth_sendRawTransactionSync", _raw(w3, 0), 300)
    assert err.code == 4
    assert err.message == ("The transaction was added to the transaction pool but wasn't "
                           "processed in 300ms")
    assert node.rpc("eth_getTransactionByHash", err.data)["blockHash"] is None
    # a second one waits while evm_mine runs beside it
    out: dict = {}
    raw = _raw(w3, 1)
    waiter = threading.Thread(target=lambda: out.update(r=w3.provider.make_request(
        "eth_sendRawTransactionSync", [raw, 30_000])["result"]))
    waiter.start()
    while node.rpc("txpool_status")["pending"] != "0x2":
        pass
    node.rpc("evm_mine")
    waiter.join(30)
    assert out["r"]["status"] == "0x1" and out["r"]["blockNumber"] == "0x1"
