"""Anvil/Hardhat state-manipulation dev methods over real HTTP: anvil_/hardhat_setBalance, setCode,
setNonce, setStorageAt (visible at latest and pending at once, built on by the next block, whose
stateRoot is checked with Merkle proofs; the mined head header unchanged; older blocks unchanged;
evm_snapshot/evm_revert; restart persistence on LevelDB), impersonation (a contract's address
sends, EIP-3607 waived; stop, then rejected), anvil_/hardhat_dropTransaction, evm_setAutomine and
evm_setIntervalMining, and -32602 for out-of-range values with nothing changed."""
import asyncio

import aiohttp
import pytest

from pydevnet.node.devnet import MiningMode
from pydevnet.state.account import decode_account
from pydevnet.state.hashing import keccak256
from pydevnet.state.trie import SecureTrie
from tests.rpc.conftest import Client
from tests.rpc.helpers import READ_SLOT0, ServerThread, make_devnet

FRESH = "0x" + "ab" * 20
CONTRACT = "0x" + "c0" * 20
ETHER = 10**18


def _b(h: str) -> bytes:
    return bytes.fromhex(h[2:])


async def _block(rpc, ref="latest") -> dict:
    return await rpc.call("eth_getBlockByNumber", ref, False)


async def _proven_account(rpc, addr: str, block: dict, slots=()) -> tuple:
    """The account (and slot values) at `block`, each verified against its stateRoot."""
    proof = await rpc.call("eth_getProof", addr, list(slots), block["number"])
    leaf = SecureTrie.verify_proof(_b(block["stateRoot"]), _b(addr),
                                   [_b(n) for n in proof["accountProof"]])
    acct = decode_account(leaf) if leaf is not None else None
    values = []
    for sp in proof["storageProof"]:
        raw = SecureTrie.verify_proof(acct.storage_root, int(sp["key"], 16).to_bytes(32, "big"),
                                      [_b(n) for n in sp["proof"]])
        values.append(0 if raw is None else int.from_bytes(raw[1:] if raw[0] >= 0x80 else raw,
                                                           "big"))
    return acct, values


async def _header_hash_ok(rpc, block: dict) -> bool:
    raw = await rpc.call("debug_getRawHeader", block["number"])
    return "0x" + keccak256(_b(raw)).hex() == block["hash"]


async def test_set_balance_latest_pending_and_next_block(rpc):
    await rpc.call("evm_mine")
    older = await _block(rpc, "0x0")
    head = await _block(rpc)
    assert await rpc.call("hardhat_setBalance", FRESH, hex(5 * ETHER)) is True
    for ref in ("latest", "pending", head["number"]):
        assert await rpc.call("eth_getBalance", FRESH, ref) == hex(5 * ETHER)
    assert await rpc.call("eth_getBalance", FRESH, "0x0") == "0x0"  # older block unchanged
    assert await _block(rpc, "0x0") == older
    assert await _block(rpc) == head  # the mined head header is not rewritten
    assert await _header_hash_ok(rpc, head)
    assert await rpc.call("anvil_setBalance", FRESH, 7 * ETHER) is None  # JSON number too
    await rpc.call("evm_mine")
    new = await _block(rpc)
    assert new["parentHash"] == head["hash"] and new["stateRoot"] != head["stateRoot"]
    assert await _header_hash_ok(rpc, new)
    acct, _ = await _proven_account(rpc, FRESH, new)
    assert acct.balance == 7 * ETHER
    # the funded address can pay for a call at latest
    gas = await rpc.call("eth_estimateGas", {"from": FRESH, "to": rpc.accounts[1],
                                             "value": hex(ETHER)})
    assert gas == hex(21000)


async def test_set_code_storage_nonce(rpc):
    assert await rpc.call("hardhat_setCode", CONTRACT, "0x" + READ_SLOT0.hex()) is True
    assert await rpc.call("anvil_setStorageAt", CONTRACT, "0x0", "0x" + "00" * 31 + "2a") is None
    assert await rpc.call("hardhat_setStorageAt", CONTRACT, "0x" + "00" * 31 + "07",
                          "0x" + "11" * 32) is True
    assert await rpc.call("eth_getCode", CONTRACT, "latest") == "0x" + READ_SLOT0.hex()
    assert await rpc.call("eth_getStorageAt", CONTRACT, "0x7", "pending") == "0x" + "11" * 32
    assert await rpc.call("eth_call", {"to": CONTRACT}, "latest") == "0x" + "00" * 31 + "2a"
    assert await rpc.call("eth_call", {"to": CONTRACT}, "0x0") == "0x" + "00" * 31 + "2a"
    a0 = rpc.accounts[0]
    assert await rpc.call("anvil_setNonce", a0, "0x5") is None
    assert await rpc.call("eth_getTransactionCount", a0, "latest") == "0x5"
    assert await rpc.call("hardhat_setNonce", a0, 9) is True
    receipt = await rpc.send({"from": a0, "to": rpc.accounts[1], "value": "0x1"})
    tx = await rpc.call("eth_getTransactionByHash", receipt["transactionHash"])
    assert tx["nonce"] == "0x9" and receipt["status"] == "0x1"
    block = await _block(rpc)
    acct, values = await _proven_account(rpc, CONTRACT, block, ["0x0", "0x7"])
    assert acct.code_hash == keccak256(READ_SLOT0)
    assert values == [0x2A, int("11" * 32, 16)]
    sender, _ = await _proven_account(rpc, a0, block)
    assert sender.nonce == 10
    # zeroing the slot removes it; setting zero on an unused address writes nothing
    await rpc.call("anvil_setStorageAt", CONTRACT, "0x7", "0x" + "00" * 32)
    assert await rpc.call("eth_getStorageAt", CONTRACT, "0x7") == "0x" + "00" * 32
    root_before = (await rpc.call("eth_getProof", FRESH, [], "latest"))["accountProof"]
    await rpc.call("anvil_setBalance", FRESH, "0x0")
    assert (await rpc.call("eth_getProof", FRESH, [], "latest"))["accountProof"] == root_before


async def test_snapshot_and_revert_restore_setters(rpc):
    a1 = rpc.accounts[1]
    before = await rpc.call("eth_getBalance", a1)
    snap = await rpc.call("evm_snapshot")
    await rpc.call("anvil_setBalance", a1, "0x1")
    snap2 = await rpc.call("evm_snapshot")
    await rpc.call("anvil_setStorageAt", CONTRACT, "0x1", "0x" + "22" * 32)
    assert await rpc.call("evm_revert", snap2) is True
    assert await rpc.call("eth_getBalance", a1) == "0x1"  # the first change stays
    assert await rpc.call("eth_getStorageAt", CONTRACT, "0x1") == "0x" + "00" * 32
    await rpc.call("evm_mine")
    await rpc.call("anvil_setBalance", a1, "0x2")
    assert await rpc.call("evm_revert", snap) is True
    assert await rpc.call("eth_blockNumber") == "0x0"
    assert await rpc.call("eth_getBalance", a1) == before
    # a block re-mined after a revert has the same hash; the override its first copy had is gone
    snap = await rpc.call("evm_snapshot")
    await rpc.call("evm_mine")
    first = await _block(rpc)
    await rpc.call("anvil_setBalance", a1, "0x3")
    assert await rpc.call("evm_revert", snap) is True
    await rpc.call("evm_mine")
    assert await _block(rpc) == first
    await rpc.call("evm_mine")
    assert await rpc.call("eth_getBalance", a1, first["number"]) == before
    assert await rpc.call("eth_getBalance", a1) == before


async def test_same_calls_same_hashes(session):
    async def run() -> list[str]:
        s = ServerThread(make_devnet())
        try:
            c = Client(session, s)
            await c.call("anvil_setBalance", FRESH, hex(ETHER))
            await c.call("anvil_setCode", CONTRACT, "0x" + READ_SLOT0.hex())
            await c.call("anvil_impersonateAccount", CONTRACT)
            await c.call("anvil_setBalance", CONTRACT, hex(ETHER))
            await c.send({"from": CONTRACT, "to": FRESH, "value": "0x5"})
            await c.call("evm_mine")
            return [(await _block(c, hex(n)))["hash"] for n in range(3)]
        finally:
            s.stop()
    assert await run() == await run()


async def test_impersonated_contract_sends(rpc):
    await rpc.call("hardhat_setCode", CONTRACT, "0x" + READ_SLOT0.hex())
    await rpc.call("hardhat_setBalance", CONTRACT, hex(ETHER))
    err = await rpc.error("eth_sendTransaction", {"from": CONTRACT, "to": FRESH})
    assert err["code"] == -32000 and "unknown account" in err["message"]
    assert await rpc.call("hardhat_impersonateAccount", CONTRACT) is True
    assert await rpc.call("eth_accounts") == rpc.accounts + [CONTRACT]  # as Anvil lists them
    receipt = await rpc.send({"from": CONTRACT, "to": FRESH, "value": "0x64"})
    assert receipt["status"] == "0x1" and receipt["from"] == CONTRACT
    tx = await rpc.call("eth_getTransactionByHash", receipt["transactionHash"])
    assert tx["from"] == CONTRACT and tx["s"] == "0x1"
    raw = await rpc.call("eth_getRawTransactionByHash", tx["hash"])
    assert "0x" + keccak256(_b(raw)).hex() == tx["hash"]
    assert await rpc.call("eth_getBalance", FRESH) == "0x64"
    trace = await rpc.call("debug_traceTransaction", tx["hash"], {"tracer": "callTracer"})
    assert trace["from"] == CONTRACT and trace["value"] == "0x64"
    # the placeholder signature recovers to someone else, who cannot send it
    await rpc.call("evm_snapshot")
    assert await rpc.call("hardhat_stopImpersonatingAccount", CONTRACT) is True
    assert await rpc.call("hardhat_stopImpersonatingAccount", CONTRACT) is False
    assert await rpc.call("eth_accounts") == rpc.accounts
    err = await rpc.error("eth_sendTransaction", {"from": CONTRACT, "to": FRESH})
    assert "unknown account" in err["message"]
    await rpc.call("anvil_autoImpersonateAccount", True)
    await rpc.call("anvil_setBalance", FRESH, hex(ETHER))
    assert (await rpc.send({"from": FRESH, "to": CONTRACT}))["status"] == "0x1"
    await rpc.call("anvil_autoImpersonateAccount", False)
    assert "unknown account" in (await rpc.error("eth_sendTransaction",
                                                 {"from": FRESH, "to": CONTRACT}))["message"]


async def test_placeholder_raw_tx_is_not_the_impersonated_sender(manual_rpc):
    rpc = manual_rpc
    await rpc.call("anvil_setBalance", FRESH, hex(ETHER))
    await rpc.call("anvil_impersonateAccount", FRESH)
    tx_hash = await rpc.call("eth_sendTransaction", {"from": FRESH, "to": CONTRACT})
    raw = await rpc.call("eth_getRawTransactionByHash", tx_hash)
    assert await rpc.call("anvil_dropTransaction", tx_hash) == tx_hash
    err = await rpc.error("eth_sendRawTransaction", raw)
    assert err["code"] == -32000  # recovered to a key-less stranger: no funds or no sender
    assert await rpc.call("eth_getTransactionCount", FRESH, "pending") == "0x0"
    assert await rpc.call("txpool_status") == {"pending": "0x0", "queued": "0x0"}


async def test_drop_transaction(manual_rpc):
    rpc = manual_rpc
    a0, a1 = rpc.accounts[:2]
    first = await rpc.call("eth_sendTransaction", {"from": a0, "to": a1})
    second = await rpc.call("eth_sendTransaction", {"from": a0, "to": a1})
    assert await rpc.call("hardhat_dropTransaction", first) is True
    assert await rpc.call("txpool_status") == {"pending": "0x0", "queued": "0x1"}
    assert await rpc.call("eth_getTransactionByHash", first) is None
    assert await rpc.call("hardhat_dropTransaction", first) is False
    assert await rpc.call("anvil_dropTransaction", first) is None
    assert list(rpc.server.devnet.chain.db.pool_transactions()) != []
    assert await rpc.call("anvil_dropTransaction", second) == second
    assert list(rpc.server.devnet.chain.db.pool_transactions()) == []
    mined = await rpc.call("eth_sendTransaction", {"from": a0, "to": a1})
    await rpc.call("evm_mine")
    assert (await _block(rpc))["transactions"] == [mined]
    err = await rpc.error("hardhat_dropTransaction", mined)
    assert err["code"] == -32602 and "already mined" in err["message"]
    assert await rpc.call("anvil_dropTransaction", mined) is None


async def test_bad_params_change_nothing(rpc):
    a0 = rpc.accounts[0]
    balance, nonce = await rpc.call("eth_getBalance", a0), await rpc.call(
        "eth_getTransactionCount", a0)
    proof = await rpc.call("eth_getProof", a0, [], "latest")
    bad = [
        ("anvil_setBalance", a0, hex(2**256)), ("hardhat_setBalance", a0, 2**256),
        ("anvil_setBalance", a0, "-0x1"), ("anvil_setBalance", "0x1234", "0x1"),
        ("anvil_setNonce", a0, hex(2**64)), ("hardhat_setNonce", a0, 2**64),
        ("anvil_setStorageAt", a0, "0x0", "0x" + "00" * 31),
        ("anvil_setStorageAt", a0, "0x0", "0x" + "00" * 33),
        ("hardhat_setStorageAt", a0, "0x" + "00" * 33, "0x" + "00" * 32),
        ("hardhat_setStorageAt", a0, "0x", "0x" + "00" * 32),
        ("anvil_setCode", a0, "0x123"), ("anvil_setCode", a0),
        ("anvil_impersonateAccount", "0xzz"), ("anvil_dropTransaction", "0x12"),
        ("evm_setAutomine", "yes"), ("evm_setIntervalMining", -1),
    ]
    for method, *params in bad:
        err = await rpc.error(method, *params)
        assert err["code"] == -32602, (method, err)
    err = await rpc.error("anvil_setBalance", a0, hex(2**256))
    assert "balance" in err["message"] and "2**256" in err["message"]
    err = await rpc.error("anvil_setNonce", a0, hex(2**64))
    assert "nonce" in err["message"]
    err = await rpc.error("anvil_setStorageAt", a0, "0x0", "0x00")
    assert "32 bytes" in err["message"]
    assert await rpc.call("eth_getBalance", a0) == balance
    assert await rpc.call("eth_getTransactionCount", a0) == nonce
    assert await rpc.call("eth_getProof", a0, [], "latest") == proof


async def test_automine_and_interval_mining(rpc):
    a0, a1 = rpc.accounts[:2]
    assert await rpc.call("anvil_getAutomine") is True
    assert await rpc.call("evm_setAutomine", False) is True
    assert await rpc.call("hardhat_getAutomine") is False
    pending = await rpc.call("eth_sendTransaction", {"from": a0, "to": a1})
    assert await rpc.call("eth_blockNumber") == "0x0"
    assert await rpc.call("anvil_setAutomine", True) is None
    await rpc.send({"from": a0, "to": a1})  # mines the waiting one too, in nonce order
    assert (await _block(rpc, "0x1"))["transactions"] == [pending]
    assert await rpc.call("eth_blockNumber") == "0x2"
    assert await rpc.call("evm_setIntervalMining", 50) is True
    assert await rpc.call("anvil_getAutomine") is False
    tx = await rpc.call("eth_sendTransaction", {"from": a0, "to": a1})
    for _ in range(100):
        if await rpc.call("eth_getTransactionReceipt", tx) is not None:
            break
        await asyncio.sleep(0.05)
    assert await rpc.call("eth_getTransactionReceipt", tx) is not None
    assert await rpc.call("anvil_setIntervalMining", 0) is None
    await asyncio.sleep(0.1)
    n = await rpc.call("eth_blockNumber")
    await asyncio.sleep(0.3)
    assert await rpc.call("eth_blockNumber") == n
    assert rpc.server.devnet.mining is MiningMode.MANUAL


async def test_restart_keeps_setters_and_impersonated_txs(tmp_path):
    path = tmp_path / "chaindata"
    async with aiohttp.ClientSession() as session:
        s = ServerThread(make_devnet(path))
        try:
            rpc = Client(session, s)
            await rpc.call("anvil_setCode", CONTRACT, "0x" + READ_SLOT0.hex())
            await rpc.call("anvil_setBalance", CONTRACT, hex(ETHER))
            await rpc.call("anvil_impersonateAccount", CONTRACT)
            mined = await rpc.send({"from": CONTRACT, "to": FRESH, "value": "0x7"})
            await rpc.call("evm_setAutomine", False)
            pooled = await rpc.call("eth_sendTransaction", {"from": CONTRACT, "to": FRESH})
            await rpc.call("anvil_setStorageAt", CONTRACT, "0x0", "0x" + "00" * 31 + "2a")
            head = await _block(rpc)
            balance = await rpc.call("eth_getBalance", CONTRACT)
            tx = await rpc.call("eth_getTransactionByHash", mined["transactionHash"])
        finally:
            s.stop()
        s = ServerThread(make_devnet(path, mining=MiningMode.MANUAL))
        try:
            rpc = Client(session, s)
            assert await _block(rpc) == head
            assert await rpc.call("eth_getBalance", CONTRACT) == balance
            assert await rpc.call("eth_call", {"to": CONTRACT}) == "0x" + "00" * 31 + "2a"
            assert await rpc.call("eth_getTransactionByHash", tx["hash"]) == tx
            receipt = await rpc.call("eth_getTransactionReceipt", tx["hash"])
            assert receipt["from"] == CONTRACT and receipt["status"] == "0x1"
            assert (await rpc.call("eth_getTransactionByHash", pooled))["from"] == CONTRACT
            await rpc.call("evm_mine")
            block = await _block(rpc)
            assert block["transactions"] == [pooled]
            assert (await rpc.call("eth_getTransactionReceipt", pooled))["status"] == "0x1"
            _, values = await _proven_account(rpc, CONTRACT, block, ["0x0"])
            assert values == [0x2A]
        finally:
            s.stop()


@pytest.mark.parametrize("slot", ["0x1 ", " 0x1", "0x1_0", "0x\t1", "0x+1", "0x-1", "0x١",
                                  "0x", "0x" + "0" * 65])
def test_set_storage_at_slot_is_strict_hex(inproc, slot):
    """int(s, 16) forgives whitespace, "_" and signs; a slot is ASCII hex digits only (0x-1
    reached the node as -1: -32603; 0x1_0 set slot 16)."""
    dev = "0x" + next(iter(inproc.devnet.accounts)).hex()
    answer = inproc.request("anvil_setStorageAt", [dev, slot, "0x" + "00" * 32])
    assert answer["error"]["code"] == -32602
