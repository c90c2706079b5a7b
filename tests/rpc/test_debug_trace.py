"""debug_trace* with geth's opcode logger, and the debug_getRaw* getters."""
from pydevnet.node.chain.blocks import Header
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import decode
from tests.rpc.helpers import validate_schema

# SSTORE(0, 0x2a); MSTORE(0, 7); RETURN(0, 32)
STORE_AND_RETURN = bytes.fromhex("602a600055" "6007600052" "60206000f3")
COSTS = [("PUSH1", 3), ("PUSH1", 3), ("SSTORE", 22100), ("PUSH1", 3), ("PUSH1", 3),
         ("MSTORE", 6), ("PUSH1", 3), ("PUSH1", 3), ("RETURN", 0)]
# CALL(gas=GAS, to=<target>, 0, 0, 0, 0, 0); POP; STOP
def caller_of(target: str) -> bytes:
    return bytes.fromhex("6000600060006000600073" + target[2:] + "5af15000")


async def _traced_tx(rpc):
    target = await rpc.deploy(STORE_AND_RETURN)
    receipt = await rpc.send({"from": rpc.accounts[0], "to": target, "gas": hex(100_000)})
    return target, receipt


async def test_trace_transaction_has_exact_costs_and_matches_the_schema(rpc):
    _, receipt = await _traced_tx(rpc)
    trace = await rpc.call("debug_traceTransaction", receipt["transactionHash"])
    validate_schema(trace, "OpcodeTransactionTrace")
    assert (trace["gas"], trace["failed"]) == (int(receipt["gasUsed"], 16), False)
    assert trace["returnValue"] == "0x" + (7).to_bytes(32, "big").hex()
    logs = trace["structLogs"]
    assert [(e["op"], e["gasCost"]) for e in logs] == COSTS
    assert logs[0]["gas"] == 100_000 - 21000 and logs[0]["depth"] == 1
    assert all(a["gas"] - a["gasCost"] == b["gas"] for a, b in zip(logs, logs[1:]))
    assert logs[2]["stack"] == ["0x2a", "0x0"]
    assert logs[2]["storage"] == {"0x" + "00" * 32: "0x" + "00" * 31 + "2a"}
    assert "memory" not in logs[6]  # memory only when asked for


async def test_trace_config_memory_stack_limit(rpc):
    _, receipt = await _traced_tx(rpc)
    trace = await rpc.call("debug_traceTransaction", receipt["transactionHash"],
                           {"enableMemory": True, "disableStack": True, "disableStorage": True,
                            "limit": 7})
    logs = trace["structLogs"]
    assert len(logs) == 7 and all("stack" not in e and "storage" not in e for e in logs)
    assert logs[6]["memory"] == ["0x" + (7).to_bytes(32, "big").hex()]


async def test_nested_call_depths_and_call_cost(rpc):
    target = await rpc.deploy(STORE_AND_RETURN)
    outer = await rpc.deploy(caller_of(target))
    receipt = await rpc.send({"from": rpc.accounts[0], "to": outer, "gas": hex(200_000)})
    logs = (await rpc.call("debug_traceTransaction", receipt["transactionHash"]))["structLogs"]
    assert [e["depth"] for e in logs] == [1] * 8 + [2] * 9 + [1, 1]
    call, first_inner = logs[7], logs[8]
    left = call["gas"] - 2600  # a cold account: 100 static + 2,500
    assert first_inner["gas"] == left - left // 64  # EIP-150: all but one 64th forwarded
    assert call["op"] == "CALL" and call["gasCost"] == 2600 + first_inner["gas"]


async def test_trace_call_and_block(rpc):
    target, receipt = await _traced_tx(rpc)
    call = await rpc.call("debug_traceCall", {"from": rpc.accounts[0], "to": target,
                                              "gas": hex(100_000)}, "latest")
    assert [e["op"] for e in call["structLogs"]] == [op for op, _ in COSTS]
    assert call["structLogs"][2]["gasCost"] == 2100 + 100  # cold slot, rewriting its value
    block = await rpc.call("debug_traceBlockByNumber", receipt["blockNumber"])
    assert [b["txHash"] for b in block] == [receipt["transactionHash"]]
    by_hash = await rpc.call("debug_traceBlockByHash", receipt["blockHash"])
    assert by_hash == block


async def test_trace_errors(rpc):
    assert (await rpc.error("debug_traceBlockByNumber", "0x0"))["message"] == \
        "genesis is not traceable"
    err = await rpc.error("debug_traceTransaction", "0x" + "00" * 31 + "01")
    assert (err["code"], err["message"]) == (-32000, "transaction not found")
    err = await rpc.error("debug_traceBlockByNumber", "3")
    assert err["code"] == -32602 and "hex string without 0x prefix" in err["message"]
    _, receipt = await _traced_tx(rpc)
    for tracer in ("opcountTracer", "{step: function() {}, result: function() {}}"):
        err = await rpc.error("debug_traceTransaction", receipt["transactionHash"],
                              {"tracer": tracer})
        assert err["code"] == -32602 and "not supported" in err["message"]


async def test_raw_getters(rpc):
    _, receipt = await _traced_tx(rpc)
    n = receipt["blockNumber"]
    block = await rpc.call("eth_getBlockByNumber", n, False)
    header = bytes.fromhex((await rpc.call("debug_getRawHeader", n))[2:])
    assert "0x" + keccak256(header).hex() == block["hash"] == \
        "0x" + Header.decode(header).hash.hex()
    raw_block = decode(bytes.fromhex((await rpc.call("debug_getRawBlock", n))[2:]))
    assert len(raw_block) == 4 and len(raw_block[1]) == 1 and raw_block[2:] == [[], []]
    receipts = await rpc.call("debug_getRawReceipts", n)
    assert len(receipts) == 1 and receipts[0].startswith("0x02")  # a typed (EIP-1559) receipt
    raw_tx = await rpc.call("debug_getRawTransaction", receipt["transactionHash"])
    assert "0x" + decode_transaction(bytes.fromhex(raw_tx[2:])).hash.hex() == \
        receipt["transactionHash"]
    assert raw_tx == await rpc.call("eth_getRawTransactionByHash", receipt["transactionHash"])
