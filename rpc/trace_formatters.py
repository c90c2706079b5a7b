"""JSON shapes of traces. geth's tracers as geth writes them: the opcode logger's structLogs,
callTracer's call frames (fields in geth's order, empty output/error/calls/logs and a STATICCALL's
value left out, a failed creation without `to`), prestateTracer's accounts (nonce a plain number,
absent when zero), 4byteTracer's counts, flatCallTracer's flat list and muxTracer's map. Parity's
traces as Anvil writes them for trace_* (parity_json): every action field present, `result` null
for a failure other than a revert and for a SELFDESTRUCT, errors in Parity's words.

Struct logs are the big answers: a memory or storage snapshot shared by consecutive entries
(node/tracers/struct_logger.py) is formatted once and the formatted list shared too."""
from pydevnet.node.tracers.call import CallFrame
from pydevnet.node.tracers.flat import FlatCall, FlatTrace, parity_error
from pydevnet.node.tracers.prestate import Account, Prestate
from pydevnet.node.tracers.session import FourByteResult, MuxResult
from pydevnet.node.tracers.struct_logger import Trace
from pydevnet.rpc.codec import hexdata, qty, word
from pydevnet.vm.opcodes.system import CREATE, CREATE2, SELFDESTRUCT, STATICCALL

_CREATES = (CREATE, CREATE2)
REVERTED = "execution reverted"


def call_frame_json(f: CallFrame) -> dict:
    out = {"from": hexdata(f.sender), "gas": qty(f.gas), "gasUsed": qty(f.gas_used)}
    if not (f.error and f.kind in _CREATES):
        out["to"] = hexdata(f.to)
    out["input"] = hexdata(f.input)
    if f.output:
        out["output"] = hexdata(f.output)
    if f.error:
        out["error"] = f.error
    if f.revert_reason:
        out["revertReason"] = f.revert_reason
    if f.calls:
        out["calls"] = [call_frame_json(c) for c in f.calls]
    if f.logs:
        out["logs"] = [{"address": hexdata(a), "topics": [word(t) for t in topics],
                        "data": hexdata(data), "index": qty(index), "position": qty(position)}
                       for a, topics, data, index, position in f.logs]
    if f.value is not None:
        out["value"] = qty(f.value)
    out["type"] = f.type_name
    return out


def account_json(a: Account) -> dict:
    out = {}
    if a.balance is not None:
        out["balance"] = qty(a.balance)
    if a.code is not None:
        out["code"] = hexdata(a.code)
    if a.code_hash is not None:
        out["codeHash"] = hexdata(a.code_hash)
    if a.nonce:
        out["nonce"] = a.nonce
    if a.storage:
        out["storage"] = {word(k): word(v) for k, v in sorted(a.storage.items())}
    return out


def _accounts(m: dict) -> dict:
    return {hexdata(addr): account_json(a) for addr, a in m.items()}


def prestate_json(p: Prestate) -> dict:
    if p.post is None:
        return _accounts(p.pre)
    return {"post": _accounts(p.post), "pre": _accounts(p.pre)}


# -- the opcode logger -------------------------------------------------------------------------
class _StructLogWriter:
    """Formats entries; a memory or storage snapshot object seen before reuses its JSON."""

    def __init__(self) -> None:
        self._memory: dict[int, tuple[bytes, list]] = {}  # id -> (snapshot, its words)
        self._storage: dict[int, tuple[dict, dict]] = {}

    def entry(self, e: dict) -> dict:
        out = {k: e[k] for k in ("pc", "op", "gas", "gasCost", "depth")}
        if "stack" in e:
            out["stack"] = [hex(x) for x in e["stack"]]
        if "memory" in e:
            out["memory"] = self._words(e["memory"])
        if "returnData" in e:
            out["returnData"] = hexdata(e["returnData"])
        if "storage" in e:
            out["storage"] = self._slots(e["storage"])
        if "error" in e:
            out["error"] = e["error"]
        return out

    def _words(self, m: bytes) -> list:
        hit = self._memory.get(id(m))
        if hit is None:
            h = m.hex()
            hit = self._memory[id(m)] = (m, ["0x" + h[i:i + 64] for i in range(0, len(h), 64)])
        return hit[1]

    def _slots(self, s: dict) -> dict:
        hit = self._storage.get(id(s))
        if hit is None:
            hit = self._storage[id(s)] = (s, {word(k): word(v) for k, v in s.items()})
        return hit[1]


def struct_logs_json(t: Trace) -> dict:
    """OpcodeTransactionTrace (execution-apis schemas/opcode-tracer.yaml)."""
    writer = _StructLogWriter()
    return {"gas": t.gas_used, "failed": not t.success, "returnValue": hexdata(t.output),
            "structLogs": [writer.entry(e) for e in t.logs]}


# -- flat traces: geth's flatCallTracer and Parity's trace_* ---------------------------------
def _action(f: CallFrame, parity: bool) -> dict:
    """A flat trace's action; geth leaves out absent fields, Parity shows a zero value."""
    if f.kind == SELFDESTRUCT:
        return {"address": hexdata(f.sender), "balance": qty(f.value or 0),
                "refundAddress": hexdata(f.to)}
    value = qty(f.value or 0)
    if f.kind in _CREATES:
        kind = "create" if f.kind == CREATE else "create2"
        if parity:
            return {"from": hexdata(f.sender), "gas": qty(f.gas), "init": hexdata(f.input),
                    "value": value, "creationMethod": kind}
        return {"creationMethod": kind, "from": hexdata(f.sender), "gas": qty(f.gas),
                "init": hexdata(f.input), "value": value}
    call_type = f.type_name.lower()
    if parity:
        return {"from": hexdata(f.sender), "callType": call_type, "gas": qty(f.gas),
                "input": hexdata(f.input), "to": hexdata(f.to), "value": value}
    return {"callType": call_type, "from": hexdata(f.sender), "gas": qty(f.gas),
            "input": hexdata(f.input), "to": hexdata(f.to), "value": value}


def _result(f: CallFrame, parity: bool) -> dict | None:
    """None for a SELFDESTRUCT and a failure other than a revert (whose output is kept)."""
    if f.kind == SELFDESTRUCT or (f.error and f.error != REVERTED):
        return None
    if f.kind not in _CREATES:
        return {"gasUsed": qty(f.gas_used), "output": hexdata(f.output)}
    out = {"address": hexdata(f.to)} if parity or not f.error else {}
    out.update(code=hexdata(f.output), gasUsed=qty(f.gas_used))
    return out


def _type(f: CallFrame) -> str:
    return "suicide" if f.kind == SELFDESTRUCT else "create" if f.kind in _CREATES else "call"


def flat_call_json(trace: FlatTrace, call: FlatCall) -> dict:
    """One entry of geth's flatCallTracer."""
    f, ctx = call.frame, trace.context
    out = {"action": _action(f, False),
           "blockHash": None if ctx.block_hash is None else hexdata(ctx.block_hash),
           "blockNumber": ctx.block_number}
    if f.error:
        out["error"] = parity_error(f.error, trace.parity_errors) if trace.parity_errors \
            else f.error
    result = _result(f, False)
    if result is not None:
        out["result"] = result
    out.update(subtraces=call.subtraces, traceAddress=list(call.address),
               transactionHash=None if ctx.tx_hash is None else hexdata(ctx.tx_hash),
               transactionPosition=ctx.position, type=_type(f))
    return out


def parity_json(trace: FlatTrace, call: FlatCall, localized: bool = True) -> dict:
    """One Parity trace as Anvil writes it: with its block and transaction (trace_transaction,
    trace_block, trace_filter), or without (the `trace` of trace_replay* and trace_call)."""
    f, ctx = call.frame, trace.context
    if not localized:
        out = {"type": _type(f), "action": _action(f, True)}
        if f.error and f.kind != SELFDESTRUCT:
            out["error"] = parity_error(f.error)
        out.update(result=_result(f, True), subtraces=call.subtraces,
                   traceAddress=list(call.address))
        return out
    out = {"action": _action(f, True), "blockHash": hexdata(ctx.block_hash),
           "blockNumber": ctx.block_number}
    if f.error and f.kind != SELFDESTRUCT:
        out["error"] = parity_error(f.error)
    out.update(result=_result(f, True), subtraces=call.subtraces,
               traceAddress=list(call.address), transactionHash=hexdata(ctx.tx_hash),
               transactionPosition=ctx.position, type=_type(f))
    return out


def traced_json(result):
    """Any debug tracer's result: the opcode logger's, a call frame, a prestate, a flat trace,
    4byte counts, a mux's results, or {} (noopTracer)."""
    if isinstance(result, Trace):
        return struct_logs_json(result)
    if isinstance(result, CallFrame):
        return call_frame_json(result)
    if isinstance(result, Prestate):
        return prestate_json(result)
    if isinstance(result, FlatTrace):
        return [flat_call_json(result, c) for c in result.calls]
    if isinstance(result, FourByteResult):
        return dict(sorted((f"0x{sel.hex()}-{size}", n) for (sel, size), n in result.ids.items()))
    if isinstance(result, MuxResult):
        return {name: traced_json(r) for name, r in result.results.items()}
    return {}
