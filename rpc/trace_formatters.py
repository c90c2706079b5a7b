"""JSON shapes of the named tracers' results, as geth writes them: callTracer's call frames
(fields in geth's order, empty output/error/calls/logs and a STATICCALL's value left out) and
prestateTracer's accounts (nonce a plain number, absent when zero)."""
from pydevnet.node.tracers.call import CallFrame
from pydevnet.node.tracers.prestate import Account, Prestate
from pydevnet.node.tracers.struct_logger import Trace
from pydevnet.rpc.codec import hexdata, qty, word
from pydevnet.rpc.formatters import trace_json


def call_frame_json(f: CallFrame) -> dict:
    out = {"from": hexdata(f.sender), "gas": qty(f.gas), "gasUsed": qty(f.gas_used)}
    if f.to is not None:
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


def traced_json(result) -> dict:
    """Any tracer's result: the opcode logger's, a call frame, a prestate, or {} (noopTracer)."""
    if isinstance(result, Trace):
        return trace_json(result)
    if isinstance(result, CallFrame):
        return call_frame_json(result)
    if isinstance(result, Prestate):
        return prestate_json(result)
    return {}
