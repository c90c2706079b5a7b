"""Executing and submitting: eth_call, eth_estimateGas, eth_createAccessList (at a block, with
optional state overrides), eth_sendRawTransaction and eth_sendTransaction (unlocked dev accounts).

A revert is error 3 "execution reverted: <reason>" with the revert data; another failure is
-32000 with its description; a rejected transaction is -32000 with geth's message (rpc.errors).
A transaction object's EIP-7702 authorizationList (rpc/authorizations.py) is applied to a call's
state before it runs, and makes eth_sendTransaction send a type-4 transaction (node/calls.py).
"""
import asyncio

from pydevnet.node.calls import ExecutionFailed, ExecutionReverted, raise_for_result
from pydevnet.node.queries import LATEST, PENDING
from pydevnet.node.send_here import send_raw_here
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import RPCError
from pydevnet.rpc.formatters import access_list_json
from pydevnet.rpc.params import CallArgs
from pydevnet.rpc.registry import Ctx, opt, rpc

BLOCK = opt(codec.block_ref, LATEST)
# eth_estimateGas without a block runs on the pending block, as Anvil and Hardhat do: with the
# next block's number and timestamp (evm_setNextBlockTimestamp's), the ones the send will see
PENDING_BLOCK = opt(codec.block_ref, PENDING)
OVERRIDES = opt(params.state_overrides)


def _check_chain_id(ctx: Ctx, args: CallArgs) -> None:
    want = ctx.devnet.chain_id
    if args.chain_id is not None and args.chain_id != want:
        raise RPCError(f"chainId does not match node's (have={args.chain_id}, want={want})")


@rpc("eth_call", params.call_args, BLOCK, OVERRIDES)
async def call(ctx: Ctx, args: CallArgs, ref, overrides) -> str:
    _check_chain_id(ctx, args)
    # a call whose shape ran cheap last time runs inline (bounded: node/fast_calls.py)
    cheap = ctx.devnet.cheap_calls
    result = cheap.try_inline(args.request, ref, overrides)
    if result is None:
        result = await ctx.execute(cheap.measured, args.request, ref, overrides)
    elif cheap.owes_yield():
        await asyncio.sleep(0)  # inline calls in a row (a batch) let the loop in every 2 ms
    raise_for_result(result)
    return hexdata(result.output)


@rpc("eth_estimateGas", params.call_args, PENDING_BLOCK, OVERRIDES)
async def estimate_gas(ctx: Ctx, args: CallArgs, ref, overrides) -> str:
    _check_chain_id(ctx, args)
    return qty(await ctx.execute(ctx.devnet.estimate, args.request, ref, overrides))


@rpc("eth_createAccessList", params.call_args, BLOCK, OVERRIDES)
async def create_access_list(ctx: Ctx, args: CallArgs, ref, overrides) -> dict:
    _check_chain_id(ctx, args)
    entries, result = await ctx.execute(ctx.devnet.access_list, args.request, ref, overrides)
    out = {"accessList": access_list_json(entries), "gasUsed": qty(result.gas_used)}
    try:
        raise_for_result(result)
    except ExecutionReverted:
        out["error"] = "execution reverted"  # geth leaves the reason out here
    except ExecutionFailed as e:
        out["error"] = str(e)
    return out


@rpc("eth_sendRawTransaction", codec.data)
async def send_raw_transaction(ctx: Ctx, raw: bytes) -> str:
    # A short automined send is mined right here (node/send_here.py) when no other request is
    # being answered (under concurrent load the loop keeps serving the others while the writer
    # mines). Over a WebSocket it goes through the writer, so that the connection still gets
    # the block's notifications before the answer.
    sent, tx = send_raw_here(ctx.devnet, raw) if ctx.alone and ctx.conn is None else (None, None)
    if sent is None:
        sent = await (ctx.run(ctx.devnet.submit, tx) if tx is not None
                      else ctx.run(ctx.devnet.send_raw_transaction, raw))
    return hexdata(sent)


@rpc("eth_sendTransaction", params.call_args)
async def send_transaction(ctx: Ctx, args: CallArgs) -> str:
    _check_chain_id(ctx, args)
    return hexdata(await ctx.run(ctx.devnet.send_transaction, args.request))
