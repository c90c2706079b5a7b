"""EIP-4844 over JSON-RPC: blob transactions sent in their network form and mined, their
transaction, receipt and block shapes validated against the execution-apis schemas, BLOBHASH
(0x49) and BLOBBASEFEE (0x4a, EIP-7516) seen by a contract, the blob fee burned while execution
gas pays the coinbase at the unit price, excessBlobGas and the blob base fee growing with full
blocks, and the 6-blob block limit splitting a 7-blob pool over two blocks."""
from pydevnet.state.hashing import keccak256
from pydevnet.node.tx.decode import network_encoding
from tests.node.blob_helpers import blob_raw, blob_tx
from tests.rpc.helpers import UNIT, keys, validate_result
from pydevnet.vm.gas import GAS_PER_BLOB
from pydevnet.vm.spec import CANCUN_BLOBS

# BLOBHASH(0) -> slot 0, BLOBHASH(1) -> slot 1, BLOBBASEFEE -> slot 2
STORE_BLOB_ENV = bytes.fromhex("600049600055" "600149600155" "4a600255" "00")


def _hex(raw: bytes) -> str:
    return "0x" + raw.hex()


async def _send(rpc, raw: bytes) -> dict:
    tx_hash = await rpc.call("eth_sendRawTransaction", _hex(raw))
    return await rpc.call("eth_getTransactionReceipt", tx_hash)


async def test_one_and_two_blob_transactions_mined_in_the_schema_shapes(rpc):
    key = keys(rpc.server.devnet)[0]
    for nonce, blobs in enumerate(((0,), (1, 2))):
        tx, sidecar = blob_tx(key, nonce, blobs=blobs, blob_fee=7)
        receipt = await _send(rpc, network_encoding(tx, sidecar))
        validate_result("eth_getTransactionReceipt", receipt)
        assert receipt["transactionHash"] == _hex(tx.hash) == _hex(keccak256(tx.raw))
        assert receipt["type"] == "0x3" and receipt["status"] == "0x1"
        assert receipt["blobGasUsed"] == hex(GAS_PER_BLOB * len(blobs))
        assert receipt["blobGasPrice"] == "0x1"
        got = await rpc.call("eth_getTransactionByHash", _hex(tx.hash))
        validate_result("eth_getTransactionByHash", got)
        assert got["maxFeePerBlobGas"] == "0x7"
        assert got["blobVersionedHashes"] == [_hex(h) for h in tx.blob_versioned_hashes]
        assert await rpc.call("eth_getRawTransactionByHash", _hex(tx.hash)) == _hex(tx.raw)
        block = await rpc.call("eth_getBlockByNumber", receipt["blockNumber"], True)
        validate_result("eth_getBlockByNumber", block)
        assert block["blobGasUsed"] == hex(GAS_PER_BLOB * len(blobs))
        assert block["excessBlobGas"] == "0x0"
        assert block["transactions"][0]["blobVersionedHashes"] == got["blobVersionedHashes"]


async def test_blob_errors_answer_geth_messages(rpc):
    key = keys(rpc.server.devnet)[0]
    tx, _ = blob_tx(key, 0)
    cases = [(tx.raw, "missing sidecar in blob transaction"),
             (blob_raw(key, 0, blob_fee=0), "max fee per blob gas less than block blob gas fee"),
             (blob_raw(key, 0, to=None), "blob transaction of type create"),
             (blob_raw(key, 0, blobs=range(7)), "too many blobs in transaction")]
    for raw, message in cases:
        err = await rpc.error("eth_sendRawTransaction", _hex(raw))
        assert err["code"] == -32000 and err["message"].startswith(message), err
    assert await rpc.call("eth_blockNumber") == "0x0"
    assert (await rpc.call("txpool_status"))["pending"] == "0x0"


async def test_full_blocks_raise_the_blob_base_fee_a_contract_sees_and_the_fee_is_burned(rpc):
    key = keys(rpc.server.devnet)[0]
    sender, coinbase = rpc.accounts[0], await rpc.call("eth_coinbase")
    contract = await rpc.deploy(STORE_BLOB_ENV)
    for nonce in range(1, 7):  # six 6-blob blocks: the excess grows by 3 blobs per block
        await _send(rpc, blob_raw(key, nonce, blobs=range(6)))
    head = await rpc.call("eth_getBlockByNumber", "latest", False)
    assert head["blobGasUsed"] == hex(6 * GAS_PER_BLOB)
    assert head["excessBlobGas"] == hex(5 * 3 * GAS_PER_BLOB)
    fee = CANCUN_BLOBS.base_fee(6 * 3 * GAS_PER_BLOB)
    assert fee == 2 and await rpc.call("eth_blobBaseFee") == hex(fee)
    history = await rpc.call("eth_feeHistory", "0x3", "latest", [])
    validate_result("eth_feeHistory", history)
    assert history["baseFeePerBlobGas"] == ["0x1", "0x1", "0x1", hex(fee)]
    assert history["blobGasUsedRatio"] == [1.0, 1.0, 1.0]

    before = [int(await rpc.call("eth_getBalance", a, "latest"), 16) for a in (sender, coinbase)]
    tx, sidecar = blob_tx(key, 7, blobs=(3, 4), to=bytes.fromhex(contract[2:]), gas=100_000,
                          fee=2 * UNIT, blob_fee=fee)
    receipt = await _send(rpc, network_encoding(tx, sidecar))
    assert receipt["status"] == "0x1" and receipt["blobGasPrice"] == hex(fee)
    for slot, want in enumerate([*tx.blob_versioned_hashes, fee.to_bytes(32, "big")]):
        assert await rpc.call("eth_getStorageAt", contract, hex(slot), "latest") == _hex(want)
    after = [int(await rpc.call("eth_getBalance", a, "latest"), 16) for a in (sender, coinbase)]
    gas_used = int(receipt["gasUsed"], 16)
    assert receipt["effectiveGasPrice"] == hex(UNIT)
    assert before[0] - after[0] == gas_used * UNIT + 2 * GAS_PER_BLOB * fee
    assert after[1] - before[1] == gas_used * UNIT  # the blob fee is burned


async def test_seven_blobs_in_the_pool_take_two_blocks(manual_rpc):
    rpc = manual_rpc
    devnet_keys = keys(rpc.server.devnet)
    for key, blobs in zip(devnet_keys, ((0, 1, 2, 3), (4, 5), (0,))):
        await rpc.call("eth_sendRawTransaction", _hex(blob_raw(key, 0, blobs=blobs)))
    await rpc.call("evm_mine")
    first = await rpc.call("eth_getBlockByNumber", "0x1", False)
    assert (len(first["transactions"]), first["blobGasUsed"]) == (2, hex(6 * GAS_PER_BLOB))
    assert (await rpc.call("txpool_status"))["pending"] == "0x1"
    await rpc.call("evm_mine")
    second = await rpc.call("eth_getBlockByNumber", "0x2", False)
    assert (len(second["transactions"]), second["blobGasUsed"]) == (1, hex(GAS_PER_BLOB))
    assert second["excessBlobGas"] == hex(3 * GAS_PER_BLOB)  # 6 blobs, target 3
    await rpc.call("evm_mine")
    third = await rpc.call("eth_getBlockByNumber", "0x3", False)
    assert third["excessBlobGas"] == hex(GAS_PER_BLOB)  # 3 + 1 - 3
