"""debug_*: tracing (debug_traceTransaction, debug_traceCall, debug_traceBlockByNumber,
debug_traceBlockByHash) and the raw getters (debug_getRawBlock, debug_getRawHeader,
debug_getRawReceipts, debug_getRawTransaction).

Without `tracer`, geth's default opcode ("struct") logger: TraceConfig's disableStack,
disableStorage, enableMemory, enableReturnData and limit are honoured. geth's built-in tracers by
name: "callTracer" (tracerConfig onlyTopCall, withLog), "prestateTracer" (tracerConfig diffMode,
disableCode, disableStorage, includeEmpty), "4byteTracer", "flatCallTracer" (tracerConfig
convertParityErrors, includePrecompiles), "muxTracer" (tracerConfig: tracer name -> its config;
the result: tracer name -> its result) and "noopTracer" ({}). Any other name, JavaScript tracers
included, is refused with -32602, as is an unknown tracerConfig field. `timeout` (a Go duration
such as "10s" or "500ms"; default --rpc-timeout, geth's 5s) stops a trace with geth's "execution
timeout"; an answer past --trace-max-bytes stops it with -32000. Traces run on a reader thread,
beside the writer. debug_traceCall also takes stateOverrides (as eth_call's third parameter);
blockOverrides are ignored. The block variants answer [{txHash, result}].

An unknown transaction is -32000 "transaction not found", as in geth, except the zero hash:
titanoboa (boa/network.py) asks for it with {"tracer": "callTracer", "onlyTopCall": true} to
learn whether the node traces (an error other than -32602 turns its tracing off), so it gets
Anvil's answer to any unknown hash, an empty opcode trace. boa's `onlyTopCall` beside `tracer`
(not in tracerConfig, where geth reads it) is honoured for callTracer."""
import re
from typing import Any

from pydevnet.node.queries import LATEST, BlockRef
from pydevnet.node.tracers.call import CallTracerConfig
from pydevnet.node.tracers.flat import FlatCallConfig
from pydevnet.node.tracers.fourbyte import FourByteConfig
from pydevnet.node.tracers.mux import MuxConfig
from pydevnet.node.tracers.prestate import PrestateConfig
from pydevnet.node.tracers.session import NoopConfig
from pydevnet.node.tracers.struct_logger import TraceConfig, TraceTooLarge
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata
from pydevnet.rpc.errors import ParamError, RPCError
from pydevnet.rpc.params import CallArgs
from pydevnet.rpc.registry import Ctx, opt, rpc
from pydevnet.rpc.trace_formatters import traced_json

_FLAGS = {"disableStack": "disable_stack", "disableStorage": "disable_storage",
          "enableMemory": "enable_memory", "enableReturnData": "enable_return_data"}
_IGNORED = {"timeout", "debug", "reexec", "stateOverrides", "blockOverrides"}
_TRACER_FLAGS = {
    "callTracer": (CallTracerConfig, {"onlyTopCall": "only_top_call", "withLog": "with_log"}),
    "prestateTracer": (PrestateConfig, {"diffMode": "diff_mode", "disableCode": "disable_code",
                                        "disableStorage": "disable_storage",
                                        "includeEmpty": "include_empty"}),
    "noopTracer": (NoopConfig, {}),
    "4byteTracer": (FourByteConfig, {}),
    "flatCallTracer": (FlatCallConfig, {"convertParityErrors": "convert_parity_errors",
                                        "includePrecompiles": "include_precompiles"}),
}
MUX = "muxTracer"
PROBE_HASH = bytes(32)  # titanoboa's question: does this node trace?
EMPTY_TRACE = {"failed": False, "gas": 0, "returnValue": "0x", "structLogs": []}  # Anvil's


def trace_config(v: Any) -> Any:
    """TraceConfig (the opcode logger) or a named tracer's config."""
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into TraceConfig")
    tracer = v.get("tracer")
    if tracer:
        cfg = _named_tracer(tracer, v.get("tracerConfig"))
        if tracer == "callTracer" and "onlyTopCall" in v:  # titanoboa puts it here
            cfg.only_top_call = codec.boolean(v["onlyTopCall"])
        return cfg
    unknown = v.keys() - _FLAGS.keys() - _IGNORED - {"tracer", "tracerConfig", "limit"}
    if unknown:
        raise ParamError(f"unknown TraceConfig field {sorted(unknown)[0]!r}")
    cfg = TraceConfig()
    for name, attr in _FLAGS.items():
        if name in v:
            setattr(cfg, attr, codec.boolean(v[name]))
    if v.get("limit") is not None:
        cfg.limit = codec.int_or_quantity(v["limit"])
    return cfg


def _named_tracer(name: Any, tracer_config: Any) -> Any:
    if name == MUX:
        return _mux(tracer_config)
    if not isinstance(name, str) or name not in _TRACER_FLAGS:
        shown = repr(name) if not isinstance(name, str) or len(name) <= 40 \
            else repr(name[:40]) + "..."
        raise ParamError(f"tracer {shown} is not supported: only callTracer, prestateTracer, "
                         "4byteTracer, flatCallTracer, muxTracer, noopTracer and the default "
                         "opcode logger (no JavaScript tracers)")
    make, flags = _TRACER_FLAGS[name]
    cfg = make()
    if tracer_config is None:
        return cfg
    if not isinstance(tracer_config, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(tracer_config)} into {name} "
                         "config")
    unknown = tracer_config.keys() - flags.keys()
    if unknown:
        raise ParamError(f"unknown {name} config field {sorted(unknown)[0]!r}")
    for key, attr in flags.items():
        if key in tracer_config:
            setattr(cfg, attr, codec.boolean(tracer_config[key]))
    return cfg


def _mux(tracer_config: Any) -> MuxConfig:
    """muxTracer's config: each named tracer's own config (null for its defaults)."""
    if tracer_config is None:
        return MuxConfig()
    if not isinstance(tracer_config, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(tracer_config)} into muxTracer "
                         "config")
    return MuxConfig({name: _named_tracer(name, sub) for name, sub in tracer_config.items()})


_DURATION = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                 "h": 3600.0}
TRACE_TIMEOUT = "execution timeout"  # geth's tracers stop with this
MAX_GO_DURATION = (2 ** 63 - 1) / 1e9  # seconds: a Go time.Duration is int64 nanoseconds
# The deadline the watchdog thread waits for: a wait past threading.TIMEOUT_MAX (about Go's
# limit) kills it with OverflowError; 68 years is as good as no deadline.
MAX_TRACE_TIMEOUT = float(2 ** 31)


def go_duration(v: Any) -> float:
    """A Go duration string ("5s", "1m30s", "250ms") in seconds, as geth's trace timeout."""
    if not isinstance(v, str):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into duration: want a string")
    pos, total = 0, 0.0
    for m in _DURATION.finditer(v):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
        pos = m.end()
    if pos != len(v) or not v or total > MAX_GO_DURATION:  # Go refuses an overflow too
        shown = repr(v) if len(v) <= 40 else repr(v[:40]) + "..."
        raise ParamError(f"time: invalid duration {shown}")
    return min(total, MAX_TRACE_TIMEOUT)


def trace_options(v: Any) -> tuple:
    """A trace's config and its timeout (None: the node's default)."""
    cfg = trace_config(v)
    raw = v.get("timeout")
    return cfg, None if raw is None else go_duration(raw)


CONFIG = opt(trace_options, (None, None))


def call_trace_config(v: Any) -> tuple:
    """debug_traceCall's TraceCallConfig: the tracer's config, the state overrides, the timeout."""
    cfg, timeout = trace_options(v)
    raw = v.get("stateOverrides")
    return cfg, None if raw is None else params.state_overrides(raw), timeout


def _cfg(cfg: Any) -> Any:
    return cfg if cfg is not None else TraceConfig()


async def traced(ctx: Ctx, fn, *args, timeout: float | None = None) -> Any:
    """fn(*args) on a reader under the trace's deadline; a trace past --trace-max-bytes is a
    -32000 error."""
    try:
        return await ctx.execute(fn, *args, timeout=timeout, timeout_message=TRACE_TIMEOUT)
    except TraceTooLarge as e:
        raise RPCError(str(e)) from None


@rpc("debug_traceTransaction", codec.hash32, CONFIG)
async def trace_transaction(ctx: Ctx, tx_hash: bytes, options: tuple) -> Any:
    cfg, timeout = options
    if tx_hash == PROBE_HASH and await ctx.read(ctx.devnet.transaction, tx_hash) is None:
        return dict(EMPTY_TRACE)
    return traced_json(await traced(ctx, ctx.devnet.trace_transaction, tx_hash, _cfg(cfg),
                                    timeout=timeout))


@rpc("debug_traceCall", params.call_args, opt(codec.block_ref, LATEST),
     opt(call_trace_config, (None, None, None)))
async def trace_call(ctx: Ctx, args: CallArgs, ref, config: tuple) -> Any:
    cfg, overrides, timeout = config
    return traced_json(await traced(ctx, ctx.devnet.trace_call, args.request, ref, _cfg(cfg),
                                    overrides, timeout=timeout))


async def _trace_block(ctx: Ctx, ref, options: tuple) -> list[dict]:
    cfg, timeout = options
    traces = await traced(ctx, ctx.devnet.trace_block, ref, _cfg(cfg), timeout=timeout)
    return [{"txHash": hexdata(h), "result": traced_json(t)} for h, t in traces]


@rpc("debug_traceBlockByNumber", codec.block_number, CONFIG)
async def trace_block_by_number(ctx: Ctx, ref, options: tuple) -> list[dict]:
    return await _trace_block(ctx, ref, options)


@rpc("debug_traceBlockByHash", codec.hash32, CONFIG)
async def trace_block_by_hash(ctx: Ctx, block_hash: bytes, options: tuple) -> list[dict]:
    return await _trace_block(ctx, BlockRef(block_hash), options)


async def _block(ctx: Ctx, ref):
    block = await ctx.read(ctx.devnet.block, ref)
    if block is None:
        raise RPCError("block not found")
    return block


@rpc("debug_getRawBlock", codec.block_ref)
async def raw_block(ctx: Ctx, ref) -> str:
    return hexdata((await _block(ctx, ref)).encode())


@rpc("debug_getRawHeader", codec.block_ref)
async def raw_header(ctx: Ctx, ref) -> str:
    return hexdata((await _block(ctx, ref)).header.encode())


@rpc("debug_getRawReceipts", codec.block_ref)
async def raw_receipts(ctx: Ctx, ref) -> list[str]:
    block = await _block(ctx, ref)
    views = await ctx.read(ctx.devnet.block_receipts, block.header)
    return [hexdata(v.receipt.consensus_encoding()) for v in views]


@rpc("debug_getRawTransaction", codec.hash32)
async def raw_transaction(ctx: Ctx, tx_hash: bytes) -> str:
    loc = await ctx.read(ctx.devnet.transaction, tx_hash)
    return "0x" if loc is None else hexdata(loc.tx.raw)
