"""Dev methods under their Hardhat/Anvil names: evm_mine, anvil_mine / hardhat_mine,
evm_snapshot, evm_revert, evm_increaseTime, evm_setNextBlockTimestamp.

Numbers are accepted as JSON integers or hex quantities, as both tools accept them. A request
that would mine a block with a timestamp above 2**64 - 1 (a header's timestamp is a uint64) is
refused with -32602 before any block is mined.
"""
from typing import Any

from pydevnet.rpc import codec
from pydevnet.rpc.codec import qty
from pydevnet.rpc.errors import ParamError
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


@rpc("evm_snapshot")
async def evm_snapshot(ctx: Ctx) -> str:
    return qty(await ctx.run(ctx.devnet.snapshot))


@rpc("evm_revert", codec.int_or_quantity)
async def evm_revert(ctx: Ctx, snapshot_id: int) -> bool:
    return await ctx.run(ctx.devnet.revert, snapshot_id)


@rpc("evm_increaseTime", codec.int_or_quantity)
async def evm_increase_time(ctx: Ctx, seconds: int) -> int:
    return await ctx.run(ctx.devnet.increase_time, seconds)


@rpc("evm_setNextBlockTimestamp", codec.int_or_quantity)
async def evm_set_next_block_timestamp(ctx: Ctx, timestamp: int) -> None:
    await ctx.run(ctx.devnet.set_next_timestamp, timestamp)
