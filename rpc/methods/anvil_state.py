"""Anvil's node methods: anvil_dumpState / anvil_loadState in Anvil's own format (node/
state_dump.py: a hex string of gzip-compressed JSON, so a state moves between this node and
Anvil both ways) and anvil_setLoggingEnabled (the node log, rpc/dispatch.py's call lines and the
block lines, on or off at runtime).
"""
from typing import Any

from pydevnet.node.dev.state_dump import StateFileError, decode_dump, dump_state, encode_dump, \
    load_state
from pydevnet.rpc import codec
from pydevnet.rpc.errors import InvalidParams, ParamError
from pydevnet.rpc.registry import Ctx, opt, rpc


def _no_history(v: Any) -> bool:
    """anvil_dumpState's preserve_historical_states: only false (historical states are not
    kept in a dump here)."""
    if codec.boolean(v):
        raise ParamError("preserve_historical_states is not supported: a dump holds the head "
                         "state only")
    return False


@rpc("anvil_dumpState", opt(_no_history, False))
async def anvil_dump_state(ctx: Ctx, _historical: bool) -> str:
    state = await ctx.run(dump_state, ctx.devnet)
    return codec.hexdata(encode_dump(state))


@rpc("anvil_loadState", codec.data)
async def anvil_load_state(ctx: Ctx, data: bytes) -> bool:
    """Merge a dump (gzip-compressed or plain JSON, as bytes) into the head state; true."""
    try:
        state = decode_dump(data)
        await ctx.run(load_state, ctx.devnet, state)
    except StateFileError as e:
        raise InvalidParams(f"invalid state dump: {e}") from None
    return True


@rpc("anvil_setLoggingEnabled", codec.boolean, aliases=("hardhat_setLoggingEnabled",))
async def anvil_set_logging_enabled(ctx: Ctx, enabled: bool) -> bool | None:
    """Anvil answers null, Hardhat true."""
    ctx.devnet.log_enabled = enabled
    return None if ctx.namespace == "anvil" else True
