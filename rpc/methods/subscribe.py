"""eth_subscribe / eth_unsubscribe (WebSocket only): newHeads, logs (with an optional filter of
address and topics), newPendingTransactions (hashes, or whole transactions with `true`) and
syncing (geth's: a notification when sync status changes, so never on a devnet).
Over HTTP they answer geth's "notifications not supported"."""
from typing import Any

from pydevnet.node.filters import LogFilter
from pydevnet.rpc import codec
from pydevnet.rpc.errors import METHOD_NOT_FOUND, InvalidParams, ParamError, RPCError
from pydevnet.rpc.params import filter_spec
from pydevnet.rpc.registry import Ctx, opt, raw, rpc
from pydevnet.rpc.subscriptions import KINDS, LOGS, PENDING_TXS


def _kind(v: Any) -> str:
    if not isinstance(v, str):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into subscription name")
    return v


def _require_connection(ctx: Ctx) -> None:
    if ctx.conn is None:
        raise RPCError("notifications not supported", code=METHOD_NOT_FOUND)


def _options(kind: str, arg: Any) -> tuple[LogFilter | None, bool]:
    if kind == LOGS:
        if arg is None:
            return LogFilter(), False
        spec = filter_spec(arg)  # the range is meaningless for a live feed and is ignored
        return LogFilter(0, None, spec.addresses, spec.topics), False
    if kind == PENDING_TXS and arg is not None:
        return None, codec.boolean(arg)
    return None, False


@rpc("eth_subscribe", _kind, opt(raw))
async def subscribe(ctx: Ctx, kind: str, arg: Any) -> str:
    _require_connection(ctx)
    if kind not in KINDS:
        raise RPCError(f'no "{kind}" subscription in {ctx.namespace} namespace',
                       code=METHOD_NOT_FOUND)
    try:
        criteria, full = _options(kind, arg)
    except ParamError as e:
        raise InvalidParams(f"invalid argument 1: {e}") from None
    return ctx.hub.subscribe(ctx.conn, kind, f"{ctx.namespace}_subscription", criteria, full)


@rpc("eth_unsubscribe", _kind)
async def unsubscribe(ctx: Ctx, sid: str) -> bool:
    _require_connection(ctx)
    return ctx.hub.unsubscribe(ctx.conn, sid)
