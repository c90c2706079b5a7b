"""eth_simulateV1 (execution-apis): decode the payload, run it on a reader thread (node/simulate.py)
under --rpc-timeout, and answer one block object per simulated block with its `calls`.

Errors carry geth's simulate codes: -38010/-38011 nonce too low/high, -38012 fee cap below the
base fee, -38013 intrinsic gas, -38014 insufficient funds, -38015 block gas limit, -38020/-38021
block numbers/timestamps out of order, -38022 a precompile moved onto itself, -38024 sender not an
EOA, -38025 init code too large, -38026 too many blocks; "header not found" (-32000) for an
unknown base block. A failed call is not an error of the request: its result has status 0x0 and
an error object, code 3 for a revert (data: the revert bytes) and -32015 for another failure,
worded "vm execution error: ..." as the execution-apis schema requires.
"""
from typing import Any

from pydevnet.node import simulate as sim
from pydevnet.node.calls import ExecutionReverted
from pydevnet.node.chain.blocks import Withdrawal
from pydevnet.node.queries import LATEST
from pydevnet.node.tx import errors as txe
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import INTERNAL_ERROR, INVALID_PARAMS, ParamError, RPCError
from pydevnet.rpc.formatters import block_json, log_json
from pydevnet.rpc.params import _field  # the one field decoder: errors name the field
from pydevnet.rpc.registry import Ctx, opt, rpc

VM_ERROR = -32015
_SIMULATION_CODES = {
    sim.InvalidBlockNumber: -38020, sim.InvalidBlockTimestamp: -38021,
    sim.TooManyBlocks: -38026, sim.BlockGasLimitReached: -38015,
    sim.PrecompileSelfReference: -38022, sim.NotAPrecompile: -32000,
}
_CALL_CODES = (  # the first class that matches: subclasses before their bases
    (txe.NonceTooLow, -38010), (txe.NonceTooHigh, -38011), (txe.FeeTooLow, -38012),
    (txe.IntrinsicGasTooLow, -38013), (txe.FloorDataGasTooLow, -38013),
    (txe.InsufficientFunds, -38014), (txe.SenderNotEOA, -38024),
    (txe.InitcodeTooLarge, -38025), (txe.TipAboveFeeCap, INVALID_PARAMS),
)
_PAYLOAD_FIELDS = {"blockStateCalls", "traceTransfers", "validation", "returnFullTransactions"}
_BLOCK_FIELDS = {"blockOverrides", "stateOverrides", "calls"}
_OVERRIDE_FIELDS = {"number", "time", "gasLimit", "feeRecipient", "prevRandao", "baseFeePerGas",
                    "blobBaseFee", "withdrawals"}


class Payload:
    __slots__ = ("blocks", "trace_transfers", "validation", "full")

    def __init__(self, blocks: list, trace_transfers: bool, validation: bool, full: bool):
        self.blocks = blocks
        self.trace_transfers = trace_transfers
        self.validation = validation
        self.full = full


def _object(v: Any, what: str, allowed: set[str]) -> dict:
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into {what}: want an object")
    unknown = v.keys() - allowed
    if unknown:
        raise ParamError(f"{what}: unsupported field {sorted(unknown)[0]!r}")
    return v


def _u64(v: Any) -> int:
    """A quantity field: hex, or a JSON number as Anvil takes it (as rpc/params.py's)."""
    return codec.int_or_quantity(v, codec.UINT64_BITS)


def _u256(v: Any) -> int:
    return codec.int_or_quantity(v, codec.UINT256_BITS)


def _withdrawal(v: Any) -> Withdrawal:
    w = _object(v, "withdrawal", {"index", "validatorIndex", "address", "amount"})
    return Withdrawal(_field(w, "index", _u64, 0),
                      _field(w, "validatorIndex", _u64, 0),
                      _field(w, "address", codec.address, bytes(20)),
                      _field(w, "amount", _u64, 0))


def _block_overrides(v: Any) -> sim.BlockOverrides:
    o = _object(v, "block overrides", _OVERRIDE_FIELDS)
    withdrawals = o.get("withdrawals")
    if withdrawals is not None and not isinstance(withdrawals, list):
        raise ParamError("withdrawals: want an array")
    return sim.BlockOverrides(
        number=_field(o, "number", _u64), time=_field(o, "time", _u64),
        gas_limit=_field(o, "gasLimit", _u64),
        fee_recipient=_field(o, "feeRecipient", codec.address),
        prev_randao=_field(o, "prevRandao", codec.storage_key),
        base_fee=_field(o, "baseFeePerGas", _u256),
        blob_base_fee=_field(o, "blobBaseFee", _u256),
        withdrawals=None if withdrawals is None else [_withdrawal(w) for w in withdrawals])


def _state_overrides(v: Any) -> tuple[dict, dict[bytes, bytes]]:
    """eth_call's state overrides plus geth's movePrecompileToAddress (returned apart)."""
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into state overrides")
    plain, moves = {}, {}
    for key, o in v.items():
        if isinstance(o, dict) and o.get("movePrecompileToAddress") is not None:
            moves[codec.address(key)] = _field(o, "movePrecompileToAddress", codec.address)
            o = {k: x for k, x in o.items() if k != "movePrecompileToAddress"}
        plain[key] = o
    return params.state_overrides(plain), moves


def _call(v: Any, chain_id: int) -> tuple:
    """(CallRequest, maxFeePerBlobGas): eth_call's call object, blob fields allowed."""
    if isinstance(v, dict):
        blob = {k: v[k] for k in ("blobVersionedHashes", "maxFeePerBlobGas") if k in v}
        v = {k: x for k, x in v.items() if k not in blob}
    else:
        blob = {}
    args = params.call_args(v)
    if args.chain_id is not None and args.chain_id != chain_id:
        raise ParamError(f"chainId does not match node's (have={args.chain_id}, want={chain_id})")
    hashes = _field(blob, "blobVersionedHashes", lambda h: [codec.hash32(x) for x in h], [])
    return (args.request.replace(blob_versioned_hashes=tuple(hashes)),
            _field(blob, "maxFeePerBlobGas", _u256))


def _block(v: Any, chain_id: int) -> sim.SimBlock:
    b = _object(v, "block state call", _BLOCK_FIELDS)
    state, moves = _field(b, "stateOverrides", _state_overrides, ({}, {}))
    calls = b.get("calls") or []
    if not isinstance(calls, list):
        raise ParamError("calls: want an array")
    decoded = []
    for i, c in enumerate(calls):
        try:
            decoded.append(_call(c, chain_id))
        except ParamError as e:
            raise ParamError(f"calls[{i}]: {e}") from None
    return sim.SimBlock(_field(b, "blockOverrides", _block_overrides), state, moves,
                        [req for req, _ in decoded], [cap for _, cap in decoded])


def payload(v: Any) -> dict:
    """Checked for shape here; blocks are decoded with the chain id in the handler."""
    return _object(v, "simulate payload", _PAYLOAD_FIELDS)


def _decode(obj: dict, chain_id: int) -> Payload:
    blocks = obj.get("blockStateCalls")
    if not isinstance(blocks, list):
        raise ParamError("blockStateCalls: want an array")
    if not blocks:
        raise RPCError("empty input", code=INVALID_PARAMS)
    return Payload([_block(b, chain_id) for b in blocks],
                   _field(obj, "traceTransfers", codec.boolean, False),
                   _field(obj, "validation", codec.boolean, False),
                   _field(obj, "returnFullTransactions", codec.boolean, False))


def _error(e: sim.SimulationError) -> RPCError:
    if isinstance(e, sim.InvalidCall):
        code = next((c for cls, c in _CALL_CODES if isinstance(e.cause, cls)), INTERNAL_ERROR)
        return RPCError(str(e), code=code)
    return RPCError(str(e), code=_SIMULATION_CODES.get(type(e), -32000))


def _call_json(c: sim.SimCall, header, index: int, first_log: int) -> dict:
    logs = [log_json(log, header.number, header.hash, header.timestamp, c.tx.hash, index,
                     first_log + i) for i, log in enumerate(c.logs)]
    out = {"returnData": hexdata(c.output), "logs": logs, "gasUsed": qty(c.gas_used),
           "status": "0x1" if c.success else "0x0"}
    if c.success:
        return out
    if c.error == "execution reverted":
        out["error"] = {"message": str(ExecutionReverted(c.output)), "code": 3,
                        "data": hexdata(c.output)}
    else:
        out["error"] = {"message": f"vm execution error: {c.error}", "code": VM_ERROR}
    return out


def _result_json(r: sim.SimResult, full: bool) -> dict:
    out = block_json(r.block, full)
    header, calls, n = r.block.header, [], 0
    for i, c in enumerate(r.calls):
        calls.append(_call_json(c, header, i, n))
        n += len(c.logs)
    out["calls"] = calls
    return out


@rpc("eth_simulateV1", payload, opt(codec.block_ref, LATEST))
async def simulate_v1(ctx: Ctx, obj: dict, ref) -> list:
    p = _decode(obj, ctx.devnet.chain_id)
    try:
        results = await ctx.execute(sim.simulate, ctx.devnet, p.blocks, ref, p.trace_transfers,
                                    p.validation)
    except sim.SimulationError as e:
        raise _error(e) from None
    return [_result_json(r, p.full) for r in results]
