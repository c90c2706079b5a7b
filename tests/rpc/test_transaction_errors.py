"""Rejected transactions answer -32000 with geth's message and change nothing; reverts answer
code 3 with the reason and the revert data; other execution failures answer -32000."""
import pytest

from pydevnet.node.config import AllocAccount, Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.node.tx.decode import decode_transaction
from tests.rpc.conftest import Client
from tests.rpc.helpers import (LOOP, REVERT_BOOM, REVERT_EMPTY, REVERT_PANIC, UNIT, ServerThread,
                               keys, make_devnet, signed)

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
STRANGER_KEY = bytes.fromhex("aa" * 32)  # holds nothing


async def _snapshot(rpc: Client) -> tuple:
    balances = [await rpc.call("eth_getBalance", a) for a in rpc.accounts[:3]]
    return (await rpc.call("eth_blockNumber"), balances,
            await rpc.call("eth_getTransactionCount", rpc.accounts[0], "pending"))


def _to(rpc: Client) -> bytes:
    return bytes.fromhex(rpc.accounts[1][2:])


REJECTIONS = {
    "nonce too low": lambda k, to: signed(k, 0, to, 2),
    "insufficient funds for gas * price + value": lambda k, to: signed(STRANGER_KEY, 0, to, 1),
    "intrinsic gas too low": lambda k, to: signed(k, 1, to, 1, gas=20000),
    "max fee per gas less than block base fee": lambda k, to: signed(k, 1, to, 1, fee=UNIT - 1),
    "max priority fee per gas higher than max fee per gas":
        lambda k, to: signed(k, 1, to, 1, fee=UNIT, tip=UNIT + 1),
    "missing sidecar in blob transaction": lambda k, to: signed(  # the bare canonical form
        k, 1, to, 1, tx_type=3, max_fee_per_blob_gas=1,
        blob_versioned_hashes=(b"\x01" + bytes(31),)),
    # no fork has a type 0x05 (type 0x04 on a Cancun node: test_set_code_json)
    "transaction type not supported": lambda k, to: "0x05c0",
    "invalid sender: invalid chain id for signer": lambda k, to: signed(k, 1, to, 1, chain_id=1),
    # the devnet's block gas limit (10M, under EIP-7825's 2**24 cap, so that the block's
    # check is reached) and the cap, checked first
    "exceeds block gas limit": lambda k, to: signed(k, 1, to, 1, gas=10_000_001),
    "transaction gas limit too high": lambda k, to: signed(k, 1, to, 1, gas=2**24 + 1),
    "max initcode size exceeded": lambda k, to: signed(k, 1, None, 0, gas=10_000_000,
                                                       data=b"\x00" * 49153),
    "nonce has max value": lambda k, to: signed(k, 2 ** 64 - 1, to, 1),
    "rlp:": lambda k, to: "0xc0",
    "already known": None,  # the mined transaction itself, sent again
    "invalid sender": None,  # a high-s signature (EIP-2)
}


@pytest.fixture
async def low_limit_rpc(session):
    """A served automine devnet whose block gas limit (10M) is below EIP-7825's cap."""
    s = ServerThread(make_devnet(genesis=Genesis(gas_limit=10_000_000)))
    try:
        yield Client(session, s)
    finally:
        s.stop()


@pytest.mark.parametrize("message", list(REJECTIONS))
async def test_rejected_raw_transaction_changes_nothing(low_limit_rpc, message):
    rpc = low_limit_rpc
    key = keys(rpc.server.devnet)[0]
    first = signed(key, 0, _to(rpc), 1)
    await rpc.call("eth_sendRawTransaction", first)
    before = await _snapshot(rpc)
    if message == "already known":
        raw = first
    elif message == "invalid sender":
        tx = decode_transaction(bytes.fromhex(signed(key, 1, _to(rpc), 1)[2:]))
        raw = "0x" + tx.replace(s=SECP256K1_N - tx.s, v=tx.v ^ 1).raw.hex()
    else:
        raw = REJECTIONS[message](key, _to(rpc))
    err = await rpc.error("eth_sendRawTransaction", raw)
    assert err["code"] == -32000
    assert err["message"].startswith(message), err
    if message == "already known":
        assert err["message"] == "already known"
    if message == "nonce too low":
        assert err["message"] == f"nonce too low: address {rpc.accounts[0]}, tx: 0 state: 1"
    assert await _snapshot(rpc) == before


async def test_replacement_underpriced_in_the_pool(manual_rpc):
    rpc = manual_rpc
    key = keys(rpc.server.devnet)[0]
    await rpc.call("eth_sendRawTransaction", signed(key, 0, _to(rpc), 1))
    before = await _snapshot(rpc)
    err = await rpc.error("eth_sendRawTransaction", signed(key, 0, _to(rpc), 2))
    assert err["code"] == -32000
    assert err["message"].startswith("replacement transaction underpriced")
    assert await _snapshot(rpc) == before
    pending = await rpc.call("eth_getBlockByNumber", "pending", False)
    assert len(pending["transactions"]) == 1


async def test_sender_with_code_is_not_an_eoa(session):
    devnet = make_devnet()
    acct0 = next(iter(devnet.accounts))
    devnet.shutdown()
    genesis = Genesis(alloc={acct0: AllocAccount(10 ** 21, code=b"\x00")})
    s = ServerThread(make_devnet(genesis=genesis))
    try:
        rpc = Client(session, s)
        before = await _snapshot(rpc)
        err = await rpc.error("eth_sendRawTransaction", signed(keys(s.devnet)[0], 0, _to(rpc)))
        assert err["code"] == -32000 and err["message"].startswith("sender not an eoa")
        assert await _snapshot(rpc) == before
    finally:
        s.stop()


async def test_send_transaction_rejections(rpc):
    before = await _snapshot(rpc)
    err = await rpc.error("eth_sendTransaction", {"from": "0x" + "12" * 20,
                                                  "to": rpc.accounts[1]})
    assert err["code"] == -32000 and err["message"].startswith("unknown account")
    err = await rpc.error("eth_sendTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                                  "value": hex(10 ** 30), "gas": "0x5208"})
    assert err["code"] == -32000 and "insufficient funds" in err["message"]
    err = await rpc.error("eth_sendTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                                  "chainId": "0x1"})
    assert err == {"code": -32000,
                   "message": "chainId does not match node's (have=1, want=31337)"}
    err = await rpc.error("eth_sendTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                                  "gas": "0x5207"})
    assert err["code"] == -32000 and err["message"].startswith("intrinsic gas too low")
    assert await _snapshot(rpc) == before


@pytest.fixture
async def reverters(rpc):
    return {name: await rpc.deploy(code) for name, code in
            (("boom", REVERT_BOOM), ("panic", REVERT_PANIC), ("empty", REVERT_EMPTY),
             ("loop", LOOP))}


BOOM_DATA = ("0x08c379a0" + f"{0x20:064x}" + f"{4:064x}" + b"boom".hex().ljust(64, "0"))
PANIC_DATA = "0x4e487b71" + f"{0x11:064x}"


@pytest.mark.parametrize("method", ["eth_call", "eth_estimateGas"])
async def test_revert_is_code_3_with_reason_and_data(rpc, reverters, method):
    sender = rpc.accounts[0]
    err = await rpc.error(method, {"from": sender, "to": reverters["boom"]})
    assert err == {"code": 3, "message": "execution reverted: boom", "data": BOOM_DATA}
    err = await rpc.error(method, {"from": sender, "to": reverters["panic"]})
    assert err == {"code": 3, "message": "execution reverted: arithmetic underflow or overflow",
                   "data": PANIC_DATA}
    err = await rpc.error(method, {"from": sender, "to": reverters["empty"]})
    assert err == {"code": 3, "message": "execution reverted", "data": "0x"}


async def test_send_transaction_estimating_a_revert_reports_it(rpc, reverters):
    before = await _snapshot(rpc)
    err = await rpc.error("eth_sendTransaction", {"from": rpc.accounts[0],
                                                  "to": reverters["boom"]})
    assert err["code"] == 3 and err["message"] == "execution reverted: boom"
    assert await _snapshot(rpc) == before


async def test_mined_revert_has_status_0(rpc, reverters):
    receipt = await rpc.send({"from": rpc.accounts[0], "to": reverters["boom"],
                              "gas": hex(100_000)})
    assert receipt["status"] == "0x0" and receipt["logs"] == []


async def test_out_of_gas_is_32000(rpc, reverters):
    err = await rpc.error("eth_call", {"to": reverters["loop"], "gas": hex(50_000)})
    assert err == {"code": -32000, "message": "out of gas"}
    err = await rpc.error("eth_estimateGas", {"to": reverters["loop"], "gas": hex(50_000)})
    assert err == {"code": -32000, "message": "gas required exceeds allowance (50000)"}
    al = await rpc.call("eth_createAccessList", {"to": reverters["loop"], "gas": hex(50_000)})
    assert al["error"] == "out of gas" and al["gasUsed"] == hex(50_000)
    al = await rpc.call("eth_createAccessList", {"to": reverters["boom"]})
    assert al["error"] == "execution reverted"


async def test_call_rejections_are_32000(rpc):
    err = await rpc.error("eth_call", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                       "gas": "0x100"})
    assert err["code"] == -32000 and err["message"].startswith("intrinsic gas too low")
    err = await rpc.error("eth_call", {"from": "0x" + "77" * 20, "to": rpc.accounts[1],
                                       "value": "0x1"})
    assert err["code"] == -32000 and err["message"].startswith("insufficient funds")


async def test_manual_mode_keeps_rejected_state_too(session):
    s = ServerThread(make_devnet(mining=MiningMode.MANUAL))
    try:
        rpc = Client(session, s)
        key = keys(s.devnet)[0]
        raw = signed(key, 0, _to(rpc), 1)
        await rpc.call("eth_sendRawTransaction", raw)
        err = await rpc.error("eth_sendRawTransaction", raw)
        assert err == {"code": -32000, "message": "already known"}
        assert await rpc.call("eth_blockNumber") == "0x0"
    finally:
        s.stop()
