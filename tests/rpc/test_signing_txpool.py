"""Signing with dev accounts (eth_sign, personal_sign, eth_signTypedData_v4, eth_signTransaction),
checked against eth_account's EIP-191 and EIP-712 implementations, and the txpool_* methods."""
import json

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

from pydevnet.node.tx.decode import decode_transaction
from tests.rpc.helpers import keys

MAIL = {  # the example of EIP-712 itself
    "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                         {"name": "chainId", "type": "uint256"},
                         {"name": "verifyingContract", "type": "address"}],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
        "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person[]"},
                 {"name": "contents", "type": "string"}, {"name": "tags", "type": "bytes32[2]"},
                 {"name": "amount", "type": "uint128"}, {"name": "delta", "type": "int8"}],
    },
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": 31337,
               "verifyingContract": "0xcccccccccccccccccccccccccccccccccccccccc"},
    "message": {
        "from": {"name": "Cow", "wallets": ["0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826"]},
        "to": [{"name": "Bob", "wallets": ["0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                                           "0xb0bdabea57b0bdabea57b0bdabea57b0bdabea57"]}],
        "contents": "Hello, Bob!", "tags": ["0x" + "ab" * 32, "0x01"],
        "amount": "0xde0b6b3a7640000", "delta": -7,
    },
}


async def test_eth_sign_and_personal_sign_are_eip191(rpc):
    key = keys(rpc.server.devnet)[0]
    want = "0x" + Account.sign_message(encode_defunct(primitive=b"hello devnet"),
                                       key).signature.hex().removeprefix("0x")
    assert await rpc.call("eth_sign", rpc.accounts[0], "0x" + b"hello devnet".hex()) == want
    assert await rpc.call("personal_sign", "0x" + b"hello devnet".hex(), rpc.accounts[0]) == want
    err = await rpc.error("eth_sign", "0x" + "11" * 20, "0x00")
    assert err["code"] == -32000 and "unknown account" in err["message"]


async def test_sign_typed_data_v4_matches_eth_account(rpc):
    key = keys(rpc.server.devnet)[0]
    want = Account.sign_message(encode_typed_data(full_message=MAIL), key).signature
    want = "0x" + want.hex().removeprefix("0x")
    assert await rpc.call("eth_signTypedData_v4", rpc.accounts[0], MAIL) == want
    assert await rpc.call("eth_signTypedData_v4", rpc.accounts[0], json.dumps(MAIL)) == want
    bad = dict(MAIL, message=dict(MAIL["message"], delta=300))  # does not fit int8
    err = await rpc.error("eth_signTypedData_v4", rpc.accounts[0], bad)
    assert err["code"] == -32602 and "int8" in err["message"]


async def test_sign_transaction_fills_defaults_and_the_raw_tx_sends(rpc):
    out = await rpc.call("eth_signTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                                 "value": "0x5"})
    tx = decode_transaction(bytes.fromhex(out["raw"][2:]))
    assert "0x" + tx.sender.hex() == rpc.accounts[0] and tx.nonce == 0 and tx.gas_limit == 21000
    assert out["tx"]["hash"] == "0x" + tx.hash.hex() and out["tx"]["type"] == "0x2"
    assert await rpc.call("eth_blockNumber") == "0x0"  # signing sends nothing
    assert await rpc.call("eth_sendRawTransaction", out["raw"]) == out["tx"]["hash"]


async def test_txpool_methods(manual_rpc):
    rpc = manual_rpc
    a0, a1 = rpc.accounts[:2]
    for nonce in (0, 2):  # nonce 2 waits behind the gap at 1
        await rpc.call("eth_sendTransaction", {"from": a0, "to": a1, "value": "0x1",
                                               "nonce": hex(nonce)})
    assert await rpc.call("txpool_status") == {"pending": "0x1", "queued": "0x1"}
    content = await rpc.call("txpool_content")
    (sender, pending), = content["pending"].items()
    assert sender.lower() == a0 and sender != a0  # checksummed, as geth shows it
    assert list(pending) == ["0"] and pending["0"]["blockHash"] is None
    assert list(content["queued"][sender]) == ["2"]
    assert (await rpc.call("txpool_contentFrom", a0))["queued"]["2"]["nonce"] == "0x2"
    inspect = await rpc.call("txpool_inspect")
    assert inspect["pending"][sender]["0"] == f"{a1}: 1 wei + 21000 gas × 25000000000 wei"
    await rpc.call("evm_mine")
    assert await rpc.call("txpool_status") == {"pending": "0x0", "queued": "0x1"}
