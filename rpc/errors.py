"""JSON-RPC errors: the JSON-RPC 2.0 codes, and how the node's exceptions become errors.

Codes: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params,
-32603 internal error (JSON-RPC 2.0); 3 for a revert with its data (execution-apis); -32000 for a
rejected transaction or a failed execution, with geth's messages, since web3.py and ethers.js
recognise errors by those messages ("nonce too low", "insufficient funds", "already known", ...).
"""
from typing import Any

from pydevnet.node.tx.errors import AlreadyKnown, InvalidSignature, InvalidTransaction, WrongChainId
from pydevnet.node.calls import ExecutionFailed, ExecutionReverted
from pydevnet.node.chain.chain import InvalidTimestamp, TimestampLimit
from pydevnet.node.tracers.replay import NotTraceable
from pydevnet.node.queries import BlockNotFound, InvalidRange
from pydevnet.node.workers import ExecutionTimeout
from pydevnet.node.fork.remote import RemoteError

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000  # geth's code for a rejected transaction or a failed call
EXECUTION_REVERTED = 3  # execution-apis: "execution reverted", data = the revert bytes


class RPCError(Exception):
    """An error answer: code, message and optional data."""

    code = SERVER_ERROR

    def __init__(self, message: str, data: Any = None, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data
        if code is not None:
            self.code = code

    def to_json(self) -> dict:
        err: dict = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


class ParseError(RPCError):
    code = PARSE_ERROR


class InvalidRequest(RPCError):
    code = INVALID_REQUEST


class MethodNotFound(RPCError):
    code = METHOD_NOT_FOUND

    def __init__(self, name: str) -> None:
        super().__init__(f"the method {name} does not exist/is not available")


class InvalidParams(RPCError):
    code = INVALID_PARAMS


class InternalError(RPCError):
    code = INTERNAL_ERROR


class ParamError(ValueError):
    """A parameter that does not decode; the dispatcher names the argument ("invalid argument
    1: ...") and answers -32602."""


def transaction_error_message(exc: InvalidTransaction) -> str:
    """geth's wording: a pooled duplicate is plain "already known"; signature problems,
    a wrong chain id included, are "invalid sender: ..." as geth's pool reports them."""
    if isinstance(exc, AlreadyKnown):
        return AlreadyKnown.message
    if isinstance(exc, (InvalidSignature, WrongChainId)):
        return f"invalid sender: {exc}"
    return str(exc)


def from_exception(exc: BaseException) -> RPCError | None:
    """The error answer for an exception the node raises by design; None for anything else
    (a bug, answered -32603 and logged)."""
    if isinstance(exc, RPCError):
        return exc
    if isinstance(exc, ExecutionReverted):
        return RPCError(str(exc), "0x" + exc.data.hex(), EXECUTION_REVERTED)
    if isinstance(exc, InvalidTransaction):
        return RPCError(transaction_error_message(exc))
    if isinstance(exc, (ExecutionFailed, BlockNotFound, NotTraceable, ExecutionTimeout,
                        TimestampLimit, RemoteError)):
        return RPCError(str(exc))
    if isinstance(exc, (InvalidRange, ParamError, InvalidTimestamp)):
        return InvalidParams(str(exc))
    return None
