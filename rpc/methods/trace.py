"""trace_*: Parity's (OpenEthereum's) trace module in Anvil's JSON shapes. trace_transaction,
trace_block and trace_filter (fromBlock, toBlock, fromAddress, toAddress, mode, after, count)
answer flat call traces with their block and transaction; trace_replayTransaction,
trace_replayBlockTransactions and trace_call answer {output, stateDiff, trace, vmTrace} for the
trace types asked for (any of "trace", "stateDiff", "vmTrace"; another name is -32602), what was
not asked for null (trace: []).

Unknown transactions and blocks: trace_transaction and trace_block answer [] as Anvil does;
trace_replayTransaction is -32000 "transaction not found". Every trace runs on a reader thread
under --rpc-timeout and --trace-max-bytes (vmTrace's instructions count)."""
from typing import Any

from pydevnet.node.queries import LATEST
from pydevnet.node.tracers.parity import TraceFilter
from pydevnet.node.tracers.session import STATE_DIFF, TRACE, VM_TRACE, Replay
from pydevnet.node.tracers.vm_trace import VmTrace
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata, qty, word
from pydevnet.rpc.errors import ParamError
from pydevnet.rpc.methods.debug import traced
from pydevnet.rpc.params import CallArgs
from pydevnet.rpc.registry import Ctx, opt, rpc
from pydevnet.rpc.trace_formatters import parity_json

TRACE_TYPES = (TRACE, STATE_DIFF, VM_TRACE)
_FILTER_KEYS = {"fromBlock", "toBlock", "fromAddress", "toAddress", "after", "count", "mode"}
MODES = {"union": True, "intersection": False}


def trace_types(v: Any) -> frozenset:
    """A list of trace types: trace, stateDiff, vmTrace."""
    if not isinstance(v, list):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into trace types: want an "
                         "array of trace, stateDiff, vmTrace")
    for t in v:
        if t not in TRACE_TYPES:
            shown = repr(t) if not isinstance(t, str) or len(t) <= 40 else repr(t[:40]) + "..."
            raise ParamError(f"unsupported trace type {shown}: want trace, stateDiff or "
                             "vmTrace")
    return frozenset(v)


def _addresses(v: Any, key: str) -> list[bytes]:
    if v is None:
        return []
    if not isinstance(v, list):
        raise ParamError(f"{key}: cannot unmarshal {codec.json_type(v)} into address list")
    return [codec.address(a) for a in v]


def trace_filter_params(v: Any) -> TraceFilter:
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into trace filter")
    unknown = v.keys() - _FILTER_KEYS
    if unknown:
        raise ParamError(f"unknown trace filter field {sorted(unknown)[0]!r}")
    mode = v.get("mode")
    if mode is not None and mode not in MODES:
        raise ParamError("mode: want union or intersection")

    def block(key: str):
        return None if v.get(key) is None else codec.block_number(v[key])

    def number(key: str):
        return None if v.get(key) is None else codec.int_or_quantity(v[key])
    return TraceFilter(block("fromBlock"), block("toBlock"),
                       _addresses(v.get("fromAddress"), "fromAddress"),
                       _addresses(v.get("toAddress"), "toAddress"),
                       number("after") or 0, number("count"), MODES.get(mode, True))


# -- JSON ------------------------------------------------------------------------------------
def _delta(d: tuple, fmt) -> Any:
    if d[0] == "=":
        return "="
    if d[0] == "*":
        return {"*": {"from": fmt(d[1]), "to": fmt(d[2])}}
    return {d[0]: fmt(d[1])}


def state_diff_json(diff: dict) -> dict:
    return {hexdata(addr): {"balance": _delta(a.balance, qty), "code": _delta(a.code, hexdata),
                            "nonce": _delta(a.nonce, qty),
                            "storage": {word(k): _delta(d, word)
                                        for k, d in sorted(a.storage.items())}}
            for addr, a in sorted(diff.items())}


def vm_trace_json(t: VmTrace) -> dict:
    ops = []
    for op in t.ops:
        ex = None
        if op.executed:
            ex = {"used": op.used, "push": [qty(x) for x in op.push],
                  "mem": None if op.mem is None else {"off": op.mem[0],
                                                      "data": hexdata(op.mem[1])},
                  "store": None if op.store is None else {"key": qty(op.store[0]),
                                                          "val": qty(op.store[1])}}
        ops.append({"cost": op.cost or 0, "ex": ex, "pc": op.pc,
                    "sub": None if op.sub is None else vm_trace_json(op.sub), "op": op.name})
    return {"code": hexdata(t.code), "ops": ops}


def replay_json(r: Replay, with_hash: bool = False) -> dict:
    out = {"output": hexdata(r.output),
           "stateDiff": None if r.state_diff is None else state_diff_json(r.state_diff),
           "trace": [] if r.trace is None else [parity_json(r.trace, c, localized=False)
                                                for c in r.trace.calls],
           "vmTrace": None if r.vm_trace is None else vm_trace_json(r.vm_trace)}
    if with_hash:
        out["transactionHash"] = hexdata(r.context.tx_hash)
    return out


# -- methods ---------------------------------------------------------------------------------
@rpc("trace_transaction", codec.hash32)
async def trace_transaction(ctx: Ctx, tx_hash: bytes) -> list:
    trace = await traced(ctx, ctx.devnet.parity_transaction, tx_hash)
    return [] if trace is None else [parity_json(trace, c) for c in trace.calls]


@rpc("trace_block", codec.block_number)
async def trace_block(ctx: Ctx, ref) -> list:
    traces = await traced(ctx, ctx.devnet.parity_block, ref)
    return [parity_json(t, c) for t in traces for c in t.calls]


@rpc("trace_replayTransaction", codec.hash32, trace_types)
async def replay_transaction(ctx: Ctx, tx_hash: bytes, kinds: frozenset) -> dict:
    return replay_json(await traced(ctx, ctx.devnet.replay_transaction, tx_hash, kinds))


@rpc("trace_replayBlockTransactions", codec.block_number, trace_types)
async def replay_block(ctx: Ctx, ref, kinds: frozenset) -> list:
    replays = await traced(ctx, ctx.devnet.replay_block, ref, kinds)
    return [replay_json(r, with_hash=True) for r in replays]


@rpc("trace_call", params.call_args, trace_types, opt(codec.block_ref, LATEST),
     opt(params.state_overrides))
async def trace_call(ctx: Ctx, args: CallArgs, kinds: frozenset, ref, overrides) -> dict:
    return replay_json(await traced(ctx, ctx.devnet.replay_call, args.request, ref, kinds,
                                    overrides))


@rpc("trace_filter", trace_filter_params)
async def trace_filter(ctx: Ctx, flt: TraceFilter) -> list:
    found = await traced(ctx, ctx.devnet.filter_traces, flt)
    return [parity_json(trace, call) for trace, call in found]
