"""JSON-RPC 2.0 envelopes: parsing, batches, notifications, calling the method table, and turning
every exception into an error answer (never into a crashed server).

A batch is answered in order, one entry per request that has an id; a batch of notifications
gets no answer at all. Requests run one after another, as the devnet runs one operation at a time.
"""
import json
import logging
import math
from typing import Any

import pydevnet.rpc.methods  # noqa: F401 -- registers every method
from pydevnet.rpc import call_log, fork_history
from pydevnet.rpc.access import RemoteDevDisabled, is_dev_only
from pydevnet.rpc.codec import NOT_PARSED, dumps, fast_loads, parse_int
from pydevnet.rpc.errors import (InternalError, InvalidRequest, MethodNotFound, ParseError,
                                 RPCError, from_exception)
from pydevnet.rpc.registry import Ctx, lookup

log = logging.getLogger("devnet.rpc")
MAX_BATCH = 1000  # geth's default batch request limit


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def error_response(rid: Any, err: RPCError) -> dict:
    return {"jsonrpc": "2.0", "id": rid, "error": err.to_json()}


def _valid_id(rid: Any) -> bool:
    """A string, a number or null. A number beyond the double range (1e400, or an integer too
    long for Python) parses as an infinity, which no answer could echo as JSON."""
    if isinstance(rid, float):
        return math.isfinite(rid)
    return rid is None or (isinstance(rid, (str, int)) and not isinstance(rid, bool))


def _encode(answer: dict) -> str:
    """The JSON text of one answer; a result that is not strict JSON (a bug) becomes -32603."""
    try:
        return dumps(answer)
    except (ValueError, TypeError) as e:
        log.exception("unencodable answer")
        rid = answer.get("id")
        return dumps(error_response(rid if _valid_id(rid) else None, InternalError(
            f"internal error: the answer is not JSON: {type(e).__name__}")))


class Dispatcher:
    def __init__(self, devnet, hub, max_batch: int = MAX_BATCH, *,
                 dev_methods: bool = True) -> None:
        self.devnet = devnet
        self.hub = hub
        self.max_batch = max_batch
        self.dev_methods = dev_methods  # False: rpc.access's dev-only methods are refused
        self.in_flight = 0  # bodies and messages being answered (on the event loop only)

    async def handle_text(self, text: str | bytes, conn=None) -> str | None:
        """The answer to one HTTP body or WebSocket message (None: nothing to send)."""
        self.in_flight += 1
        try:
            return await self._handle_text(text, conn)
        finally:
            self.in_flight -= 1

    async def _handle_text(self, text: str | bytes, conn=None) -> str | None:
        payload = fast_loads(text)
        try:
            if payload is NOT_PARSED:
                payload = json.loads(text, parse_constant=_no_constants, parse_int=parse_int)
        except (ValueError, UnicodeDecodeError) as e:
            return dumps(error_response(None, ParseError(f"parse error: {e}")))
        except RecursionError:
            return dumps(error_response(None, ParseError("parse error: JSON nested too deeply")))
        if isinstance(payload, list):
            if not payload:
                return dumps(error_response(None, InvalidRequest("empty batch")))
            if len(payload) > self.max_batch:
                return dumps(error_response(None, InvalidRequest(
                    f"batch too large: {len(payload)} requests, at most {self.max_batch}")))
            # counted twice meanwhile: its requests are never `alone`, so its sends go through
            # the writer and the loop gets a turn at each (as it does between requests)
            self.in_flight += 1
            try:
                answers = [await self.handle_one(msg, conn) for msg in payload]
            finally:
                self.in_flight -= 1
            texts = [_encode(a) for a in answers if a is not None]
            return "[" + ",".join(texts) + "]" if texts else None
        answer = await self.handle_one(payload, conn)
        return None if answer is None else _encode(answer)

    async def handle_one(self, msg: Any, conn=None) -> dict | None:
        """The answer to one request object; None for a well-formed notification."""
        if not isinstance(msg, dict):
            return error_response(None, InvalidRequest("invalid request: not a JSON object"))
        rid = msg.get("id")
        if not _valid_id(rid):
            return error_response(None, InvalidRequest(
                "invalid request: id must be a string, a number or null"))
        if msg.get("jsonrpc") != "2.0":
            return error_response(rid, InvalidRequest('invalid request: "jsonrpc" must be "2.0"'))
        name = msg.get("method")
        if not isinstance(name, str) or not name:
            return error_response(rid, InvalidRequest(
                'invalid request: "method" must be a non-empty string'))
        try:
            result = await self.call(name, msg.get("params"), conn)
        except Exception as e:  # every failure becomes an answer; the server keeps running
            err = from_exception(e)
            if err is None:
                log.exception("internal error in %s", name)
                err = InternalError(f"internal error: {type(e).__name__}: {e}")
            if call_log.enabled(self.devnet):
                call_log.log_call(name, msg.get("params"), None, err.message)
            if "id" not in msg:
                return None
            return error_response(rid, err)
        if call_log.enabled(self.devnet):
            call_log.log_call(name, msg.get("params"), result, None)
        if "id" not in msg:
            return None
        return {"jsonrpc": "2.0", "id": rid, "result": result}

    async def call(self, name: str, params: Any, conn=None) -> Any:
        found = lookup(name)
        if found is None:
            raise MethodNotFound(name)
        method, namespace = found
        if not self.dev_methods and is_dev_only(method.name):
            raise RemoteDevDisabled(name)
        args = method.decode(params)
        ctx = Ctx(self.devnet, self.hub, conn, namespace, self.in_flight == 1)
        if getattr(self.devnet, "fork", None) is not None and method.name in fork_history.METHODS:
            return await self._forked(ctx, method, args, params)
        return await method.handler(ctx, *args)

    async def _forked(self, ctx: Ctx, method, args: tuple, params: Any) -> Any:
        """A history method on a forked chain: the remote's answer up to the fork block
        (rpc/fork_history.py), else the local handler's."""
        async def local(*first: Any) -> Any:
            given = list(params) if isinstance(params, list) else []
            return await method.handler(ctx, *(method.decode([*first, *given[1:]]) if first
                                               else args))
        found = await fork_history.answer(ctx, method.name, args, params, local)
        return await local() if found is fork_history.LOCAL else found
