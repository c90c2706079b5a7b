"""EIP-7594 blob transactions against the real `devnet` process. Under --hardfork osaka: a blob
transaction signed by eth_account (an independent signer that wraps blobs in Osaka's
cell-proof form) is pooled and mined, its transaction and receipt shaped as before; a cell-proof
form built here with ckzg is taken too, and with two cell proofs swapped is refused with a
-32000 error that leaves the pool and the nonce as they were; a seventh blob is refused; an
EIP-4844 form is converted and taken. Under --hardfork prague: the EIP-4844 form is taken and
the cell-proof form, ckzg's and eth_account's, refused in geth's words."""
import hashlib
from collections.abc import Iterator
from functools import lru_cache

import ckzg
import pytest
import rlp
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from pydevnet.vm.precompiles.kzg import trusted_setup
from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import CHAIN_ID, UNIT_PRICE, dev_account
from tests.node.blob_helpers import blob_parts

GAS_PER_BLOB = 131072
TO = to_checksum_address("0x" + "bb" * 20)
BLOB_FIELDS = {"blobVersionedHashes", "maxFeePerBlobGas"}


def _start(tmp_path_factory, fork: str) -> DevnetProcess:
    return DevnetProcess(tmp_path_factory.mktemp(fork) / "data", "--quiet", "--no-mining",
                         "--hardfork", fork).start()


@pytest.fixture(scope="module")
def osaka(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = _start(tmp_path_factory, "osaka")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def prague(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = _start(tmp_path_factory, "prague")
    yield proc
    proc.stop()


def _fields(nonce: int, blobs: tuple[int, ...] = ()) -> dict:
    hashes = [b"\x01" + hashlib.sha256(blob_parts(i)[1]).digest()[1:] for i in blobs]
    return dict(type=3, chainId=CHAIN_ID, nonce=nonce, to=TO, value=5, gas=21_000,
                maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0, maxFeePerBlobGas=1, data="0x",
                **({"blobVersionedHashes": hashes} if blobs else {}))


def _wrapped(sender, nonce: int, blobs: tuple[int, ...], version: int | None,
             proofs=None) -> tuple[bytes, bytes]:
    """(canonical form, network form) of a transaction carrying blobs `blobs`: EIP-4844's
    wrapper (version None) or Osaka's, with cell proofs from ckzg (or `proofs`)."""
    canonical = bytes(sender.sign_transaction(_fields(nonce, blobs)).raw_transaction)
    parts = [blob_parts(i) for i in blobs]
    if version is None:
        items = [[p[0] for p in parts], [p[1] for p in parts], [p[2] for p in parts]]
    else:
        if proofs is None:
            proofs = [bytes(q) for p in parts
                      for q in ckzg.compute_cells_and_kzg_proofs(p[0], trusted_setup())[1]]
        items = [version, [p[0] for p in parts], [p[1] for p in parts], proofs]
    return canonical, b"\x03" + rlp.encode([rlp.decode(canonical[1:]), *items])


def _pool_and_nonce(dev: DevnetProcess, address: str) -> tuple:
    return (dev.rpc("txpool_status"), dev.rpc("eth_getTransactionCount", address, "pending"),
            dev.rpc("eth_blockNumber"))


@lru_cache(maxsize=None)
def _eth_account_signed() -> bytes:
    """One blob signed and wrapped by eth_account (which reloads the trusted setup for each
    step, about half a minute a blob): signed once, sent to both nodes."""
    signed = dev_account(5).sign_transaction(_fields(0), blobs=[blob_parts(1)[0]])
    return bytes(signed.raw_transaction)


def test_osaka_takes_eth_accounts_cell_proof_form_and_mines_it(osaka):
    raw = _eth_account_signed()
    body = rlp.decode(raw[1:])
    assert body[1] == b"\x01" and len(body[4]) == 128  # EIP-7594's wrapper
    tx_hash = osaka.rpc("eth_sendRawTransaction", "0x" + raw.hex())
    canonical = b"\x03" + rlp.encode(body[0])
    assert tx_hash == "0x" + keccak(canonical).hex()
    pending = osaka.rpc("eth_getTransactionByHash", tx_hash)
    assert pending["blockNumber"] is None and pending["type"] == "0x3"
    osaka.rpc("evm_mine")
    tx = osaka.rpc("eth_getTransactionByHash", tx_hash)
    assert BLOB_FIELDS <= set(tx) and len(tx["blobVersionedHashes"]) == 1
    assert set(tx) == set(pending) and not {"blobs", "commitments", "proofs"} & set(tx)
    receipt = osaka.rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and receipt["blobGasUsed"] == hex(GAS_PER_BLOB)
    assert osaka.rpc("eth_getRawTransactionByHash", tx_hash) == "0x" + canonical.hex()


def test_osaka_refuses_wrong_cell_proofs_and_changes_nothing(osaka):
    sender = dev_account(6)
    _, good = _wrapped(sender, 0, (2,), 1)
    proofs = rlp.decode(good[1:])[4]
    proofs[0], proofs[1] = proofs[1], proofs[0]
    _, bad = _wrapped(sender, 0, (2,), 1, proofs=proofs)
    before = _pool_and_nonce(osaka, sender.address)
    err = osaka.error("eth_sendRawTransaction", "0x" + bad.hex())
    assert err.code == -32000 and err.message.startswith("KZG verification error")
    assert _pool_and_nonce(osaka, sender.address) == before
    canonical, _ = _wrapped(sender, 0, (2,), None)
    assert osaka.rpc("eth_sendRawTransaction", "0x" + good.hex()) == \
        "0x" + keccak(canonical).hex()


def test_osaka_refuses_a_seventh_blob(osaka):
    sender = dev_account(7)
    before = _pool_and_nonce(osaka, sender.address)
    _, raw = _wrapped(sender, 0, tuple(range(7)), None)  # refused before any KZG work
    err = osaka.error("eth_sendRawTransaction", "0x" + raw.hex())
    assert err.code == -32000
    assert err.message == "too many blobs in transaction: have 7, permitted 6"
    assert _pool_and_nonce(osaka, sender.address) == before


def _send_eip4844_form_and_mine(dev: DevnetProcess, sender, blob: int) -> None:
    canonical, raw = _wrapped(sender, 0, (blob,), None)
    tx_hash = dev.rpc("eth_sendRawTransaction", "0x" + raw.hex())
    assert tx_hash == "0x" + keccak(canonical).hex()
    dev.rpc("evm_mine")
    assert dev.rpc("eth_getTransactionReceipt", tx_hash)["blobGasUsed"] == hex(GAS_PER_BLOB)


def test_osaka_converts_an_eip4844_form(osaka):
    _send_eip4844_form_and_mine(osaka, dev_account(8), 3)


def test_prague_takes_the_eip4844_form_and_refuses_cell_proofs(prague):
    sender = dev_account(5)
    before = _pool_and_nonce(prague, sender.address)
    for cells in (_wrapped(sender, 0, (0,), 1)[1], _eth_account_signed()):
        err = prague.error("eth_sendRawTransaction", "0x" + cells.hex())
        assert (err.code, err.message) == (-32000, "invalid sidecar version pre-osaka: 1")
        assert _pool_and_nonce(prague, sender.address) == before
    _send_eip4844_form_and_mine(prague, sender, 0)


def test_eth_send_transaction_builds_no_blob_transaction(osaka):
    """The node signs no blob transactions (as geth): blob fields are refused, never dropped."""
    sender = dev_account(9)
    before = _pool_and_nonce(osaka, sender.address)
    blob = "0x" + blob_parts(0)[0].hex()
    for extra, words in (({"blobs": [blob]}, '"blobs" is not supported for this RPC method'),
                         ({"maxFeePerBlobGas": "0x1"}, "blob transactions (type 3) are not")):
        err = osaka.error("eth_sendTransaction", {"from": sender.address, "to": TO, **extra})
        assert err.code == -32602 and words in err.message
    assert _pool_and_nonce(osaka, sender.address) == before
