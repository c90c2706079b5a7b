"""EIP-4844 against the real `devnet` process: a blob transaction signed by eth_account (an
independent signer) with its versioned hashes, wrapped with blobs, commitments and proofs from
ckzg into the network form, waits in the --no-mining pool across a restart (its sidecar
persisted), is mined by evm_mine with blobGasUsed in block and receipt, and the chain keeps it
across another restart. The bare canonical form is refused. (eth_account's own EIP-7594 wrapper:
tests/node/test_eip7594_devnet_process.py.)"""
import hashlib

import rlp
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from tests.integration.support import CHAIN_ID, UNIT_PRICE, dev_account
from tests.node.blob_helpers import blob_parts

SENDER = dev_account(5)
GAS_PER_BLOB = 131072


def kzg_versioned_hash(commitment: bytes) -> bytes:
    """EIP-4844's kzg_to_versioned_hash, written here apart from the node's."""
    return b"\x01" + hashlib.sha256(commitment).digest()[1:]


def _signed_canonical(nonce: int, blobs: tuple[int, ...]) -> bytes:
    hashes = [kzg_versioned_hash(blob_parts(i)[1]) for i in blobs]
    tx = dict(type=3, chainId=CHAIN_ID, nonce=nonce, to=to_checksum_address("0x" + "bb" * 20),
              value=3, gas=21_000, maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0,
              maxFeePerBlobGas=1, data="0x", blobVersionedHashes=hashes)
    return bytes(SENDER.sign_transaction(tx).raw_transaction)


def _network_form(canonical: bytes, blobs: tuple[int, ...]) -> bytes:
    parts = [blob_parts(i) for i in blobs]
    return b"\x03" + rlp.encode([rlp.decode(canonical[1:]), [p[0] for p in parts],
                                 [p[1] for p in parts], [p[2] for p in parts]])


def test_blob_tx_pooled_across_a_restart_then_mined_and_kept(spawn, tmp_path):
    datadir = tmp_path / "data"
    dev = spawn("--no-mining", datadir=datadir)
    canonical = _signed_canonical(0, (0, 1))
    err = dev.error("eth_sendRawTransaction", "0x" + canonical.hex())
    assert err.message == "missing sidecar in blob transaction"
    tx_hash = dev.rpc("eth_sendRawTransaction", "0x" + _network_form(canonical, (0, 1)).hex())
    assert tx_hash == "0x" + keccak(canonical).hex()
    dev.restart()
    pending = dev.rpc("eth_getTransactionByHash", tx_hash)
    assert pending["blockNumber"] is None and len(pending["blobVersionedHashes"]) == 2
    dev.rpc("evm_mine")
    receipt = dev.rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and receipt["blobGasUsed"] == hex(2 * GAS_PER_BLOB)
    assert dev.rpc("eth_getRawTransactionByHash", tx_hash) == "0x" + canonical.hex()
    dev.restart()
    block = dev.rpc("eth_getBlockByNumber", "0x1", True)
    assert block["blobGasUsed"] == hex(2 * GAS_PER_BLOB) and block["excessBlobGas"] == "0x0"
    assert block["transactions"][0]["hash"] == tx_hash
    assert dev.rpc("txpool_status")["pending"] == "0x0"
