"""Logs and polled filters: eth_getLogs, eth_newFilter, eth_newBlockFilter,
eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter.

Range rules are geth's and live in the node (reversed range and a range past the head are
-32602); blockHash together with fromBlock/toBlock is refused while decoding. Filter ids are hex
quantities; an id that is unknown or expired is "filter not found". On a forked node
eth_getFilterLogs joins the remote's logs up to the fork block, as eth_getLogs does
(rpc/fork_history.py); eth_getFilterChanges delivers the blocks mined after the filter was made,
as on a local node, so never the remote's (past) blocks.
"""
from typing import Any

from pydevnet.rpc import codec, fork_history
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import ParamError, RPCError
from pydevnet.rpc.formatters import entry_json
from pydevnet.rpc.params import FilterSpec, filter_spec
from pydevnet.rpc.registry import Ctx, rpc

NOT_FOUND = "filter not found"
LOG_TIMEOUT = "query timeout exceeded"


def filter_id(v: Any) -> int:
    """A filter id; a string that is no quantity names no filter (-1)."""
    if not isinstance(v, str):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into filter id: want a string")
    try:
        return codec.quantity(v, codec.UINT64_BITS)
    except ParamError:
        return -1


@rpc("eth_getLogs", filter_spec)
async def get_logs(ctx: Ctx, spec: FilterSpec) -> list[dict]:
    entries = await ctx.execute(ctx.devnet.logs, spec.criteria(), timeout_message=LOG_TIMEOUT)
    return [entry_json(e) for e in entries]


@rpc("eth_newFilter", filter_spec)
async def new_filter(ctx: Ctx, spec: FilterSpec) -> str:
    return qty(await ctx.run(ctx.devnet.new_log_filter, spec.criteria()))


@rpc("eth_newBlockFilter")
async def new_block_filter(ctx: Ctx) -> str:
    return qty(await ctx.run(ctx.devnet.new_block_filter))


@rpc("eth_newPendingTransactionFilter")
async def new_pending_filter(ctx: Ctx) -> str:
    return qty(await ctx.run(ctx.devnet.new_pending_filter))


@rpc("eth_getFilterChanges", filter_id)
async def get_filter_changes(ctx: Ctx, fid: int) -> list:
    found = await ctx.run(ctx.devnet.filter_changes, fid)
    if found is None:
        raise RPCError(NOT_FOUND)
    kind, items = found
    if kind == "logs":
        return [entry_json(e) for e in items]
    return [hexdata(h) for h in items]  # block or transaction hashes


@rpc("eth_getFilterLogs", filter_id)
async def get_filter_logs(ctx: Ctx, fid: int) -> list[dict]:
    criteria = await ctx.run(ctx.devnet.filter_criteria, fid)  # the registry is the writer's
    if criteria is None:
        raise RPCError(NOT_FOUND)
    async def local_logs(c) -> list[dict]:
        entries = await ctx.execute(ctx.devnet.logs, c, timeout_message=LOG_TIMEOUT)
        return [entry_json(e) for e in entries]
    if ctx.devnet.fork is not None:  # the remote's logs up to the fork block joined
        return await fork_history.filter_logs(ctx, criteria, local_logs)
    return await local_logs(criteria)


@rpc("eth_uninstallFilter", filter_id)
async def uninstall_filter(ctx: Ctx, fid: int) -> bool:
    return await ctx.run(ctx.devnet.uninstall_filter, fid)
