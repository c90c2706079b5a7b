"""debug_trace* with geth's built-in tracers: callTracer (nested CALL, DELEGATECALL, STATICCALL
of a precompile, a reverting call with its reason, an out-of-gas call, CREATE2, onlyTopCall,
withLog), prestateTracer (default and diffMode) and noopTracer."""
from pydevnet.state.hashing import keccak256
from tests.rpc.helpers import initcode

TOPIC = 0xAA


def _push20(addr: str) -> str:
    return "73" + addr[2:]


def _call(op: str, addr: str, gas: str = "5a", value: bool = True) -> str:
    """CALL-family with empty input and output: (gas, to, [value,] 0, 0, 0, 0); POP."""
    return "6000" * (5 if value else 4) + _push20(addr) + gas + op + "50"


LOG1 = f"60{TOPIC:02x}" "6000" "6000" "a1"  # LOG1(0, 0, TOPIC)
# SSTORE(0, 0x2a); LOG1; MSTORE(0, 7); RETURN(0, 32)
LEAF = bytes.fromhex("602a600055" + LOG1 + "6007600052" "60206000f3")
# REVERT with Error("boom"), the ABI encoding copied from the code's tail
BOOM = (bytes.fromhex("08c379a0") + (32).to_bytes(32, "big") + (4).to_bytes(32, "big")
        + b"boom".ljust(32, b"\0"))
REVERTER = bytes([0x60, len(BOOM), 0x60, 12, 0x60, 0, 0x39, 0x60, len(BOOM), 0x60, 0, 0xFD]) + BOOM
LOOP = bytes.fromhex("5b600056")  # JUMPDEST; JUMP(0): runs out of gas
CHILD_INIT = bytes.fromhex("600160005360016000f3")  # MSTORE8(0, 1); RETURN(0, 1)


def hub(leaf: str, reverter: str, loop: str) -> bytes:
    code = (LOG1 + _call("f1", leaf) + _call("f4", leaf, value=False)
            + "602060006020600060045afa50"  # STATICCALL(GAS, 4, 0, 32, 0, 32); POP
            + _call("f1", reverter) + _call("f1", loop, gas="612710")
            + "69" + CHILD_INIT.hex() + "600052"  # the child's initcode at memory 22..32
            + "6042600a60166000f550"  # CREATE2(0, 22, 10, salt 0x42); POP
            + LOG1 + "00")
    return bytes.fromhex(code)


async def _hub_tx(rpc):
    leaf = await rpc.deploy(LEAF)
    reverter = await rpc.deploy(REVERTER)
    loop = await rpc.deploy(LOOP)
    h = await rpc.deploy(hub(leaf, reverter, loop))
    receipt = await rpc.send({"from": rpc.accounts[0], "to": h, "gas": hex(500_000)})
    return (leaf, reverter, loop, h), receipt


async def test_call_tracer_nested_calls(rpc):
    (leaf, reverter, loop, h), receipt = await _hub_tx(rpc)
    t = await rpc.call("debug_traceTransaction", receipt["transactionHash"],
                       {"tracer": "callTracer"})
    assert (t["type"], t["from"], t["to"], t["value"], t["input"]) == \
        ("CALL", rpc.accounts[0].lower(), h, "0x0", "0x")
    assert (t["gas"], t["gasUsed"]) == (hex(500_000), receipt["gasUsed"])
    assert "logs" not in t and "error" not in t and "output" not in t
    kinds = [(c["type"], c.get("to")) for c in t["calls"]]
    create2 = "0x" + keccak256(b"\xff" + bytes.fromhex(h[2:]) + (0x42).to_bytes(32, "big")
                               + keccak256(CHILD_INIT))[12:].hex()
    assert kinds == [("CALL", leaf), ("DELEGATECALL", leaf), ("STATICCALL", "0x" + "00" * 19 + "04"),
                     ("CALL", reverter), ("CALL", loop), ("CREATE2", create2)]
    call, delegate, static, reverted, oog, created = t["calls"]
    assert call["output"] == "0x" + (7).to_bytes(32, "big").hex() and call["value"] == "0x0"
    assert all(c["from"] == h for c in t["calls"])
    assert delegate["output"] == call["output"] and "calls" not in delegate
    assert "value" not in static and static["input"] == static["output"] == "0x" + "00" * 32
    assert static["gasUsed"] == hex(15 + 3)  # the identity precompile: 15 + 3 per word
    assert (reverted["error"], reverted["revertReason"], reverted["output"]) == \
        ("execution reverted", "boom", "0x" + BOOM.hex())
    assert (oog["error"], oog["gas"], oog["gasUsed"]) == ("out of gas", hex(10000), hex(10000))
    assert "output" not in oog
    assert (created["input"], created["output"], created["value"]) == \
        ("0x" + CHILD_INIT.hex(), "0x01", "0x0")
    assert int(call["gasUsed"], 16) < int(call["gas"], 16)


async def test_call_tracer_with_log_and_only_top_call(rpc):
    (leaf, _, _, h), receipt = await _hub_tx(rpc)
    tx = receipt["transactionHash"]
    topic = "0x" + f"{TOPIC:064x}"
    t = await rpc.call("debug_traceTransaction", tx,
                       {"tracer": "callTracer", "tracerConfig": {"withLog": True}})
    assert [(lg["address"], lg["position"]) for lg in t["logs"]] == [(h, "0x0"), (h, "0x6")]
    assert t["logs"][0]["topics"] == [topic] and t["logs"][0]["data"] == "0x"
    call, delegate = t["calls"][:2]
    assert [(lg["address"], lg["position"]) for lg in call["logs"]] == [(leaf, "0x0")]
    assert [lg["address"] for lg in delegate["logs"]] == [h]  # the caller's context
    receipt_logs = (await rpc.call("eth_getTransactionReceipt", tx))["logs"]
    assert [lg["logIndex"] for lg in receipt_logs] == \
        [t["logs"][0]["index"], call["logs"][0]["index"], delegate["logs"][0]["index"],
         t["logs"][1]["index"]]
    top = await rpc.call("debug_traceTransaction", tx, {
        "tracer": "callTracer", "tracerConfig": {"onlyTopCall": True, "withLog": True}})
    assert "calls" not in top and len(top["logs"]) == 2
    assert top["gasUsed"] == receipt["gasUsed"]


async def test_call_tracer_failed_logs_dropped_and_top_level_revert(rpc):
    reverter = await rpc.deploy(REVERTER)
    t = await rpc.call("debug_traceCall", {"from": rpc.accounts[0], "to": reverter,
                                           "gas": hex(100_000), "input": "0x1234"},
                       "latest", {"tracer": "callTracer"})
    assert (t["type"], t["error"], t["revertReason"], t["input"]) == \
        ("CALL", "execution reverted", "boom", "0x1234")
    assert t["gas"] == hex(100_000) and int(t["gasUsed"], 16) > 21000
    # a log in a call that then fails is dropped, as the chain drops it
    # LOG1; STATICCALL(GAS, 4, 0, 0, 0, 0); POP; JUMPDEST; JUMP(20)
    logs_then_loop = bytes.fromhex(LOG1 + "60006000600060006004" "5afa50" "5b601456")
    target = await rpc.deploy(logs_then_loop)
    outer = await rpc.deploy(bytes.fromhex(_call("f1", target, gas="61c350") + "00"))
    t = await rpc.call("debug_traceCall", {"from": rpc.accounts[0], "to": outer,
                                           "gas": hex(200_000)},
                       "latest", {"tracer": "callTracer", "tracerConfig": {"withLog": True}})
    failed = t["calls"][0]
    assert failed["error"] == "out of gas" and "logs" not in failed
    assert failed["calls"][0]["type"] == "STATICCALL"


async def test_call_tracer_create_and_block_shape(rpc):
    receipt = await rpc.send({"from": rpc.accounts[0], "input": "0x" + initcode(LEAF).hex()})
    block = await rpc.call("debug_traceBlockByNumber", receipt["blockNumber"],
                           {"tracer": "callTracer"})
    assert len(block) == 1 and block[0]["txHash"] == receipt["transactionHash"]
    t = block[0]["result"]
    assert (t["type"], t["to"], t["output"], t["gasUsed"]) == \
        ("CREATE", receipt["contractAddress"], "0x" + LEAF.hex(), receipt["gasUsed"])
    assert await rpc.call("debug_traceBlockByHash", receipt["blockHash"],
                          {"tracer": "callTracer"}) == block


async def test_prestate_tracer(rpc):
    leaf = await rpc.deploy(LEAF)
    receipt = await rpc.send({"from": rpc.accounts[0], "to": leaf, "gas": hex(100_000)})
    tx = receipt["transactionHash"]
    sender = rpc.accounts[0].lower()
    pre = await rpc.call("debug_traceTransaction", tx, {"tracer": "prestateTracer"})
    assert pre[leaf] == {"balance": "0x0", "code": "0x" + LEAF.hex(),
                         "codeHash": "0x" + keccak256(LEAF).hex(), "nonce": 1,
                         "storage": {"0x" + "00" * 32: "0x" + "00" * 32}}
    assert pre[sender]["nonce"] == 1 and "code" not in pre[sender]
    diff = await rpc.call("debug_traceTransaction", tx,
                          {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}})
    assert diff["post"][leaf] == {"storage": {"0x" + "00" * 32: "0x" + f"{0x2a:064x}"}}
    assert "storage" not in diff["pre"][leaf]  # an empty slot before is left out
    assert diff["post"][sender]["nonce"] == 2
    assert int(diff["post"][sender]["balance"], 16) < int(diff["pre"][sender]["balance"], 16)


async def test_noop_tracer_and_bad_tracer_config(rpc):
    leaf = await rpc.deploy(LEAF)
    receipt = await rpc.send({"from": rpc.accounts[0], "to": leaf, "gas": hex(100_000)})
    tx = receipt["transactionHash"]
    assert await rpc.call("debug_traceTransaction", tx, {"tracer": "noopTracer"}) == {}
    err = await rpc.error("debug_traceTransaction", tx,
                          {"tracer": "callTracer", "tracerConfig": {"onlyTop": True}})
    assert err["code"] == -32602 and "onlyTop" in err["message"]


async def test_call_tracer_selfdestruct(rpc):
    beneficiary = "0x" + "bb" * 20
    doomed = await rpc.deploy(bytes.fromhex(_push20(beneficiary) + "ff"))
    t = await rpc.call("debug_traceCall", {"from": rpc.accounts[0], "to": doomed,
                                           "value": hex(5), "gas": hex(100_000)},
                       "latest", {"tracer": "callTracer"})
    assert t["value"] == "0x5" and t["calls"] == [
        {"from": doomed, "gas": "0x0", "gasUsed": "0x0", "to": beneficiary, "input": "0x",
         "value": "0x5", "type": "SELFDESTRUCT"}]


async def test_trace_call_state_overrides(rpc):
    """debug_traceCall's stateOverrides, as eth_call's: code and balance replaced for the
    trace only."""
    target = "0x" + "77" * 20
    sender = "0x" + "88" * 20  # no ether on chain: only the override lets it send value
    overrides = {target: {"code": "0x" + REVERTER.hex()}, sender: {"balance": hex(10**18)}}
    t = await rpc.call("debug_traceCall", {"from": sender, "to": target, "value": "0x5",
                                           "gas": hex(100_000)},
                       "latest", {"tracer": "callTracer", "stateOverrides": overrides})
    assert (t["error"], t["revertReason"], t["value"]) == ("execution reverted", "boom", "0x5")
    opcodes = await rpc.call("debug_traceCall", {"from": sender, "to": target},
                             "latest", {"stateOverrides": {target: {"code": "0x" + LEAF.hex()}}})
    assert [s["op"] for s in opcodes["structLogs"]][:2] == ["PUSH1", "PUSH1"]
    assert opcodes["failed"] is False
    # nothing stuck: the chain has no code there
    assert await rpc.call("eth_getCode", target, "latest") == "0x"
    plain = await rpc.call("debug_traceCall", {"from": sender, "to": target}, "latest", {})
    assert plain["structLogs"] == []
    err = await rpc.error("debug_traceCall", {"to": target}, "latest",
                          {"stateOverrides": {target: {"balance": "lots"}}})
    assert err["code"] == -32602
