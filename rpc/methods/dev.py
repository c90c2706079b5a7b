"""Dev methods under their Hardhat/Anvil names: evm_mine, anvil_mine / hardhat_mine,
evm_/anvil_mine_detailed, evm_/anvil_snapshot, evm_/anvil_revert, evm_/anvil_increaseTime,
evm_setNextBlockTimestamp, evm_/anvil_setTime, anvil_setBlockTimestampInterval,
anvil_removeBlockTimestampInterval, and the history methods anvil_rollback, anvil_reorg,
debug_setHead and anvil_/hardhat_reset (node/chain/rewind.py; with `forking`,
node/fork/reset.py).

Numbers are accepted as JSON integers or hex quantities, as both tools accept them. A request
that would mine a block with a timestamp above 2**64 - 1 (a header's timestamp is a uint64) is
refused with -32602 before any block is mined.
"""
from typing import Any

from pydevnet.node.chain.rewind import HistoryError
from pydevnet.node.fork import reset as fork_reset
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import qty
from pydevnet.rpc.errors import InvalidParams, ParamError
from pydevnet.rpc.formatters import block_json
from pydevnet.rpc.registry import Ctx, opt, rpc

MAX_MINE_BLOCKS = 100_000  # one call must not occupy the node for minutes


def _mine_options(v: Any) -> tuple[int | None, int]:
    """evm_mine's parameter: a timestamp, or {timestamp, blocks} (Ganache and Anvil)."""
    if isinstance(v, dict):
        ts = v.get("timestamp")
        blocks = v.get("blocks")
        return (None if ts is None else codec.int_or_quantity(ts),
                1 if blocks is None else _block_count(blocks))
    return codec.int_or_quantity(v), 1


def _block_count(v: Any) -> int:
    n = codec.int_or_quantity(v)
    if not 1 <= n <= MAX_MINE_BLOCKS:
        raise ParamError(f"block count {n} outside [1, {MAX_MINE_BLOCKS}]")
    return n


@rpc("evm_mine", opt(_mine_options, (None, 1)))
async def evm_mine(ctx: Ctx, options: tuple) -> str:
    timestamp, count = options
    await ctx.run(ctx.devnet.mine_blocks, count, timestamp)
    return qty(0)


@rpc("anvil_mine", opt(_block_count, 1), opt(codec.int_or_quantity), aliases=("hardhat_mine",))
async def anvil_mine(ctx: Ctx, count: int, interval: int | None) -> None:
    await ctx.run(ctx.devnet.mine_blocks, count, None, interval)


@rpc("evm_mine_detailed", opt(_mine_options, (None, 1)), aliases=("anvil_mine_detailed",))
async def evm_mine_detailed(ctx: Ctx, options: tuple) -> list:
    """Anvil's answer: the mined blocks with their full transactions."""
    timestamp, count = options
    mined = await ctx.run(ctx.devnet.mine_blocks, count, timestamp)
    return [block_json(m.block, True) for m in mined]


@rpc("evm_snapshot", aliases=("anvil_snapshot",))
async def evm_snapshot(ctx: Ctx) -> str:
    return qty(await ctx.run(ctx.devnet.snapshot))


@rpc("evm_revert", codec.int_or_quantity, aliases=("anvil_revert",))
async def evm_revert(ctx: Ctx, snapshot_id: int) -> bool:
    return await ctx.run(ctx.devnet.revert, snapshot_id)


@rpc("evm_increaseTime", codec.int_or_quantity, aliases=("anvil_increaseTime",))
async def evm_increase_time(ctx: Ctx, seconds: int) -> int:
    return await ctx.run(ctx.devnet.increase_time, seconds)


@rpc("evm_setNextBlockTimestamp", codec.int_or_quantity)
async def evm_set_next_block_timestamp(ctx: Ctx, timestamp: int) -> None:
    await ctx.run(ctx.devnet.set_next_timestamp, timestamp)


# -- time --------------------------------------------------------------------------------------
MS_THRESHOLD = 10**12  # evm_setTime: above this a value is milliseconds (Ganache, Anvil)


@rpc("evm_setTime", codec.int_or_quantity, aliases=("anvil_setTime",))
async def evm_set_time(ctx: Ctx, timestamp: int) -> int:
    """The next block's timestamp; answers the seconds it moves time forward (Anvil's)."""
    if timestamp > MS_THRESHOLD:
        timestamp //= 1000
    return await ctx.run(ctx.devnet.set_time, timestamp)


@rpc("anvil_setBlockTimestampInterval", codec.int_or_quantity)
async def set_block_timestamp_interval(ctx: Ctx, seconds: int) -> None:
    await ctx.run(ctx.devnet.set_timestamp_interval, seconds)


@rpc("anvil_removeBlockTimestampInterval")
async def remove_block_timestamp_interval(ctx: Ctx) -> bool:
    return await ctx.run(ctx.devnet.remove_timestamp_interval)


# -- history -----------------------------------------------------------------------------------
async def _history(ctx: Ctx, fn, *args):
    try:
        return await ctx.run(fn, *args)
    except HistoryError as e:
        raise InvalidParams(str(e)) from None


@rpc("anvil_rollback", opt(codec.int_or_quantity, 1))
async def anvil_rollback(ctx: Ctx, depth: int) -> None:
    await _history(ctx, ctx.devnet.rollback, depth)


@rpc("debug_setHead", codec.int_or_quantity)
async def debug_set_head(ctx: Ctx, number: int) -> None:
    await _history(ctx, ctx.devnet.set_head, number)


def _reorg_tx(v):
    """A reorg pair's transaction: signed raw bytes (0x hex) or a transaction object."""
    return codec.data(v) if isinstance(v, str) else params.call_args(v).request


def _reorg_options(v) -> tuple[int, list]:
    """Anvil's {depth, tx_block_pairs: [[tx, block offset], ...]}."""
    if not isinstance(v, dict) or "depth" not in v:
        raise ParamError("want an object {depth, tx_block_pairs}")
    pairs = v.get("tx_block_pairs") or []
    if not isinstance(pairs, list):
        raise ParamError("tx_block_pairs: want an array of [transaction, block] pairs")
    out = []
    for p in pairs:
        if not isinstance(p, list) or len(p) != 2:
            raise ParamError("tx_block_pairs: each entry is a [transaction, block] pair")
        out.append((_reorg_tx(p[0]), codec.int_or_quantity(p[1])))
    return codec.int_or_quantity(v["depth"]), out


@rpc("anvil_reorg", _reorg_options)
async def anvil_reorg(ctx: Ctx, options: tuple) -> None:
    await _history(ctx, ctx.devnet.reorg, *options)


def _reset_options(v: Any) -> tuple[bool, str | None, int | None]:
    """anvil_/hardhat_reset's parameter: (whether to fork, URL, block number). Hardhat's
    {forking: {jsonRpcUrl, blockNumber}} or Anvil's flat {jsonRpcUrl, blockNumber}; none, {} or
    {forking: null}: no forking."""
    if v is None:
        return False, None, None
    if not isinstance(v, dict):
        raise ParamError(f"want an object {{forking: {{jsonRpcUrl, blockNumber}}}}, got "
                         f"{codec.json_type(v)}")
    forking = v.get("forking")
    if forking is None:
        if "jsonRpcUrl" not in v and "blockNumber" not in v:
            return False, None, None
        forking = v
    if not isinstance(forking, dict):
        raise ParamError(f"forking: want an object {{jsonRpcUrl, blockNumber}}, got "
                         f"{codec.json_type(forking)}")
    url, number = forking.get("jsonRpcUrl"), forking.get("blockNumber")
    if url is not None:
        url = fork_url(url)
    if number is not None:
        number = codec.int_or_quantity(number)
    return True, url, number


def fork_url(v: Any) -> str:
    if not isinstance(v, str) or not v.startswith(("http://", "https://")):
        raise ParamError(f"the fork URL must be an http:// or https:// URL, got {v!r}")
    return v


@rpc("anvil_reset", opt(_reset_options, (False, None, None)), aliases=("hardhat_reset",))
async def anvil_reset(ctx: Ctx, options: tuple) -> bool | None:
    """Back to genesis (a forked node: to its fork block), or to a fork point: another remote
    block or remote (node/fork/reset.py)."""
    forking, url, number = options
    devnet = ctx.devnet
    try:
        if forking:
            await ctx.run(fork_reset.reset_to_fork, devnet, url, number)
        elif devnet.fork is not None:
            await ctx.run(fork_reset.reset_to_fork_point, devnet)
        else:
            await ctx.run(devnet.reset)
    except fork_reset.NotForked as e:
        raise InvalidParams(str(e)) from None
    return True if ctx.namespace == "hardhat" else None
