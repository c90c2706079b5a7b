"""EIP-4844 over JSON-RPC: blob transactions sent in their network form and mined, their
transaction, receipt and block shapes validated against the execution-apis schemas, BLOBHASH
(0x49) and BLOBBASEFEE (0x4a, EIP-7516) seen by a contract, the blob fee burned while execution
gas pays the coinbase at the unit price, excessBlobGas and the blob base fee growing with full
blocks, and the block's blob limit splitting the pool over two blocks: under Cancun's schedule
(target 3, max 6) and under Osaka's (EIP-7691's target 6, max 9, update fraction 5007716;
EIP-7594's 6 blobs a transaction; EIP-7918's reserve price), Osaka's numbers worked out from
the EIPs beside each."""
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.state.hashing import keccak256
from pydevnet.node.tx.decode import network_encoding
from tests.node.blob_helpers import blob_raw, blob_tx, osaka_raw
from tests.rpc.conftest import Client
from tests.rpc.helpers import UNIT, ServerThread, keys, make_devnet, validate_result
from pydevnet.vm.gas import GAS_PER_BLOB
from pydevnet.vm.spec import CANCUN_BLOBS

G = GAS_PER_BLOB
OSAKA_UPDATE_FRACTION = 5007716  # EIP-7691's BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE, Osaka's too

# BLOBHASH(0) -> slot 0, BLOBHASH(1) -> slot 1, BLOBBASEFEE -> slot 2
STORE_BLOB_ENV = bytes.fromhex("600049600055" "600149600155" "4a600255" "00")


def _hex(raw: bytes) -> str:
    return "0x" + raw.hex()


def eip4844_fake_exponential(factor: int, numerator: int, denominator: int) -> int:
    """EIP-4844's fake_exponential, as the EIP writes it."""
    i, output, numerator_accum = 1, 0, factor * denominator
    while numerator_accum > 0:
        output += numerator_accum
        numerator_accum = (numerator_accum * numerator) // (denominator * i)
        i += 1
    return output // denominator


def _client(session, mining=MiningMode.AUTO, fork="cancun"):
    return Client(session, ServerThread(make_devnet(mining=mining, genesis=Genesis(fork=fork))))


@pytest.fixture
async def cancun_rpc(session):
    c = _client(session)
    yield c
    c.server.stop()


@pytest.fixture
async def cancun_manual_rpc(session):
    c = _client(session, MiningMode.MANUAL)
    yield c
    c.server.stop()


@pytest.fixture
async def osaka_rpc(session):
    c = _client(session, fork="osaka")
    yield c
    c.server.stop()


@pytest.fixture
async def osaka_manual_rpc(session):
    c = _client(session, MiningMode.MANUAL, fork="osaka")
    yield c
    c.server.stop()


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


async def test_full_blocks_raise_the_blob_base_fee_a_contract_sees_and_the_fee_is_burned(
        cancun_rpc):
    rpc = cancun_rpc  # Cancun's schedule: a 6-blob block is full, 3 blobs above the target
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


async def test_osaka_blocks_at_the_target_raise_the_blob_base_fee_and_the_fee_is_burned(
        osaka_rpc):
    rpc = osaka_rpc
    key = keys(rpc.server.devnet)[0]
    sender, coinbase = rpc.accounts[0], await rpc.call("eth_coinbase")
    contract = await rpc.deploy(STORE_BLOB_ENV)  # block 1
    for nonce in range(1, 15):  # blocks 2..15, 6 blobs each: Osaka's target, 2/3 of its max
        await _send(rpc, osaka_raw(key, nonce, blobs=range(6)))
    # EIP-4844 alone would keep the excess at 0 (0 + 6 - 6); EIP-7918's reserve binds (8192 gas
    # at the 25 gwei base fee against 131072 blob gas at a blob base fee of a few wei), so each
    # block adds 6 blobs x (9 - 6) / 9 = 2 blobs: block n carries 2 (n - 2) blobs
    head = await rpc.call("eth_getBlockByNumber", "latest", False)
    assert head["number"] == hex(15) and head["blobGasUsed"] == hex(6 * G)
    assert head["excessBlobGas"] == hex(13 * 2 * G)
    fees = [eip4844_fake_exponential(1, 2 * (n - 2) * G, OSAKA_UPDATE_FRACTION)
            for n in (13, 14, 15, 16)]
    assert fees == [1, 1, 1, 2]  # e ** (28 x 131072 / 5007716) = 2.08: block 16's fee is 2
    fee = fees[-1]
    assert await rpc.call("eth_blobBaseFee") == hex(fee)
    history = await rpc.call("eth_feeHistory", "0x3", "latest", [])
    validate_result("eth_feeHistory", history)
    assert history["baseFeePerBlobGas"] == [hex(f) for f in fees]
    assert history["blobGasUsedRatio"] == [6 / 9] * 3

    before = [int(await rpc.call("eth_getBalance", a, "latest"), 16) for a in (sender, coinbase)]
    tx, _ = blob_tx(key, 15, blobs=(3, 4), to=bytes.fromhex(contract[2:]), gas=100_000,
                    fee=2 * UNIT, blob_fee=fee)
    receipt = await _send(rpc, osaka_raw(key, 15, blobs=(3, 4), to=bytes.fromhex(contract[2:]),
                                         gas=100_000, fee=2 * UNIT, blob_fee=fee))
    assert receipt["transactionHash"] == _hex(tx.hash)
    assert receipt["blockNumber"] == hex(16)
    assert receipt["status"] == "0x1" and receipt["blobGasPrice"] == hex(fee)
    for slot, want in enumerate([*tx.blob_versioned_hashes, fee.to_bytes(32, "big")]):
        assert await rpc.call("eth_getStorageAt", contract, hex(slot), "latest") == _hex(want)
    after = [int(await rpc.call("eth_getBalance", a, "latest"), 16) for a in (sender, coinbase)]
    gas_used = int(receipt["gasUsed"], 16)
    assert receipt["effectiveGasPrice"] == hex(UNIT)
    assert before[0] - after[0] == gas_used * UNIT + 2 * G * fee
    assert after[1] - before[1] == gas_used * UNIT  # the blob fee is burned


async def test_seven_blobs_in_the_pool_take_two_blocks(cancun_manual_rpc):
    rpc = cancun_manual_rpc  # Cancun's schedule: max 6 blobs a block, target 3
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


async def test_osaka_ten_blobs_in_the_pool_take_two_blocks(osaka_manual_rpc):
    rpc = osaka_manual_rpc
    devnet_keys = keys(rpc.server.devnet)
    for key, blobs in zip(devnet_keys, (range(6), (0, 1, 2), (3,))):
        await rpc.call("eth_sendRawTransaction", _hex(osaka_raw(key, 0, blobs=blobs)))
    await rpc.call("evm_mine")
    first = await rpc.call("eth_getBlockByNumber", "0x1", False)
    assert (len(first["transactions"]), first["blobGasUsed"]) == (2, hex(9 * G))  # Osaka's max
    assert (await rpc.call("txpool_status"))["pending"] == "0x1"
    await rpc.call("evm_mine")
    second = await rpc.call("eth_getBlockByNumber", "0x2", False)
    assert (len(second["transactions"]), second["blobGasUsed"]) == (1, hex(G))
    assert second["excessBlobGas"] == hex(9 * G * 3 // 9)  # 9 blobs x (9 - 6) / 9 (EIP-7918)
    await rpc.call("evm_mine")
    third = await rpc.call("eth_getBlockByNumber", "0x3", False)
    assert third["excessBlobGas"] == "0x0"  # 3 + 1 blobs: below the 6-blob target
