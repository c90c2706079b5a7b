"""debug_trace* with geth's 4byteTracer, flatCallTracer (convertParityErrors,
includePrecompiles) and muxTracer, on the Tracee chain (tests/rpc/tracee.py); and titanoboa's
probe: boa/network.py asks debug_traceTransaction about the zero hash with
{"tracer": "callTracer", "onlyTopCall": true} and turns its tracing off on any error but -32602."""
from tests.rpc.tracee import ANVIL, tracee_chain, without_hashes

ZERO = "0x" + "00" * 32
PING, FAIL, DIE, RUN = "0x773acdef", "0xa9cc4718", "0xc9353cb5", "0xef6ac0f0"


async def test_4byte_tracer_counts_calls_but_precompiles(rpc):
    chain = await tracee_chain(rpc)
    counts = await rpc.call("debug_traceTransaction", chain["run"]["transactionHash"],
                            {"tracer": "4byteTracer"})
    # ping by CALL and by DELEGATECALL; no creation, SELFDESTRUCT or precompile (geth's rule:
    # Anvil counts the identity precompile's call as 0x00000000-28)
    assert counts == {f"{RUN}-32": 1, f"{PING}-32": 2, f"{FAIL}-0": 1, f"{DIE}-32": 1}
    block = await rpc.call("debug_traceBlockByNumber", chain["run"]["blockNumber"],
                           {"tracer": "4byteTracer"})
    assert block == [{"txHash": chain["run"]["transactionHash"], "result": counts}]
    err = await rpc.error("debug_traceTransaction", chain["run"]["transactionHash"],
                          {"tracer": "4byteTracer", "tracerConfig": {"x": 1}})
    assert err["code"] == -32602 and "unknown 4byteTracer config field 'x'" in err["message"]


async def test_flat_call_tracer(rpc):
    chain = await tracee_chain(rpc)
    h = chain["run"]["transactionHash"]
    flat = await rpc.call("debug_traceTransaction", h, {"tracer": "flatCallTracer"})
    anvil = [t for t in ANVIL["trace_transaction"]
             if t["action"].get("to") != "0x" + "00" * 19 + "04"]
    assert len(flat) == len(anvil) == 8  # the precompile's call left out, as geth
    # geth drops the precompile's call from the tree: the DELEGATECALL after it becomes [5]
    assert [t["traceAddress"] for t in flat] == [[], [0], [1], [2], [3], [3, 0], [4], [5]]
    for got, want in zip(flat, anvil):
        assert (got["blockHash"], got["transactionHash"]) == (chain["run"]["blockHash"], h)
        got = without_hashes(got)
        assert (got["type"], got["transactionPosition"], got["blockNumber"]) == \
            (want["type"], 0, 2)
        if got["traceAddress"]:
            assert got["action"] == want["action"]  # the top call: geth's gas figures
            assert got.get("result") == want["result"] or got["error"] == "execution reverted"
    top = flat[0]
    assert (top["action"]["gas"], top["result"]["gasUsed"]) == \
        ("0x2dc6c0", chain["run"]["gasUsed"])  # the transaction's gas limit and gas used
    assert top["subtraces"] == 6  # one child fewer than Anvil's: the precompile's
    reverted = flat[3]
    assert reverted["error"] == "execution reverted" and "result" in reverted
    parity = await rpc.call("debug_traceTransaction", h, {
        "tracer": "flatCallTracer",
        "tracerConfig": {"convertParityErrors": True, "includePrecompiles": True}})
    assert len(parity) == 9 and parity[3]["error"] == "Reverted"
    assert parity[7]["action"]["to"] == "0x" + "00" * 19 + "04"
    assert [t["subtraces"] for t in parity] == [t["subtraces"] for t in ANVIL["trace_transaction"]]


async def test_mux_tracer_runs_each_tracer_once(rpc):
    chain = await tracee_chain(rpc)
    h = chain["run"]["transactionHash"]
    config = {"4byteTracer": None, "callTracer": {"withLog": True}, "flatCallTracer": {},
              "prestateTracer": {"diffMode": True}}
    mux = await rpc.call("debug_traceTransaction", h, {"tracer": "muxTracer",
                                                       "tracerConfig": config})
    assert list(mux) == list(config)
    for name, cfg in config.items():
        alone = {"tracer": name} if cfg is None else {"tracer": name, "tracerConfig": cfg}
        assert mux[name] == await rpc.call("debug_traceTransaction", h, alone), name
    assert len(mux["callTracer"]["logs"]) == 1  # Done; Born is the children's
    call = await rpc.call("debug_traceCall", {"from": rpc.accounts[0], "to": chain["tracee"],
                                              "input": "0xa169ce09"},
                          "latest", {"tracer": "muxTracer",
                                     "tracerConfig": {"callTracer": None, "4byteTracer": None}})
    assert call["callTracer"]["error"] == "execution reverted"
    assert call["4byteTracer"] == {"0xa169ce09-0": 1}
    assert await rpc.call("debug_traceTransaction", h, {"tracer": "muxTracer"}) == {}
    err = await rpc.error("debug_traceTransaction", h, {"tracer": "muxTracer",
                                                        "tracerConfig": {"jsTracer": None}})
    assert err["code"] == -32602 and "'jsTracer' is not supported" in err["message"]


async def test_titanoboa_probe_and_traces(rpc):
    """boa's probe gets an answer, not an error (Anvil's empty trace), so boa keeps callTracer
    with onlyTopCall for its transactions; it reads `output` and `error` of the answer."""
    probe = await rpc.call("debug_traceTransaction", ZERO, {"tracer": "callTracer",
                                                            "onlyTopCall": True})
    assert probe == ANVIL["debug_zero"]
    chain = await tracee_chain(rpc)
    boa_config = {"tracer": "callTracer", "onlyTopCall": True}
    ok = await rpc.call("debug_traceTransaction", chain["run"]["transactionHash"], boa_config)
    assert ok.get("error") is None and ok["output"] == "0x" + (42).to_bytes(32, "big").hex()
    assert "calls" not in ok  # onlyTopCall honoured where boa puts it
    failed = await rpc.call("debug_traceTransaction", chain["boom"]["transactionHash"],
                            boa_config)
    assert failed["error"] == "execution reverted" and failed["revertReason"] == "boom"
    err = await rpc.error("debug_traceTransaction", "0x" + "11" * 32, boa_config)
    assert (err["code"], err["message"]) == (-32000, "transaction not found")
