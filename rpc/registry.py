"""The method table: each JSON-RPC method with its parameter decoders, and the names it answers to.

Method adapters register with `@rpc(name, *args)`: each arg is a decoder (a required parameter)
or `opt(decoder, default)`. The dispatcher checks the count and decodes every parameter before
the adapter runs, so adapters see Python values and never raw JSON.

Names: every eth_* method also answers as klay_*, kaia_* (Klaytn and Kaia; Kaia keeps klay as an
alias) and kai_* (KardiaChain); subscription notifications take the caller's namespace
(klay_subscribe -> klay_subscription), as geth names them per namespace.
"""
import asyncio
from typing import Any, Awaitable, Callable

from pydevnet.rpc.errors import InvalidParams, ParamError

ETH_ALIAS_NAMESPACES = ("klay", "kaia", "kai")
REQUIRED = object()


class Arg:
    __slots__ = ("decode", "default")

    def __init__(self, decode: Callable[[Any], Any], default: Any = REQUIRED) -> None:
        self.decode = decode
        self.default = default


def opt(decode: Callable[[Any], Any], default: Any = None) -> Arg:
    """An optional parameter: `default` when absent or null."""
    return Arg(decode, default)


def raw(v: Any) -> Any:
    """No decoding (the adapter decodes, e.g. when one parameter's type depends on another)."""
    return v


class Method:
    __slots__ = ("name", "handler", "args")

    def __init__(self, name: str, handler: Callable[..., Awaitable[Any]], args: list[Arg]):
        self.name = name
        self.handler = handler
        self.args = args

    def decode(self, params: Any) -> list:
        """The decoded parameters, or InvalidParams saying which argument and why."""
        if params is None:
            params = []
        if not isinstance(params, list):
            raise InvalidParams("non-array args")
        if len(params) > len(self.args):
            raise InvalidParams(f"too many arguments, want at most {len(self.args)}")
        out = []
        for i, arg in enumerate(self.args):
            v = params[i] if i < len(params) else None
            if v is None:
                if arg.default is REQUIRED:
                    raise InvalidParams(f"missing value for required argument {i}")
                out.append(arg.default)
                continue
            try:
                out.append(arg.decode(v))
            except ParamError as e:
                raise InvalidParams(f"invalid argument {i}: {e}") from None
        return out


METHODS: dict[str, Method] = {}


def rpc(name: str, *args: Callable[[Any], Any] | Arg, aliases: tuple[str, ...] = ()):
    """Register the decorated coroutine as `name` (and `aliases`)."""
    def register(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        m = Method(name, fn, [a if isinstance(a, Arg) else Arg(a) for a in args])
        for n in (name, *aliases):
            if n in METHODS:
                raise ValueError(f"method {n} registered twice")
            METHODS[n] = m
        return fn
    return register


def lookup(name: str) -> tuple[Method, str] | None:
    """The method `name` calls and the namespace it was called in, or None."""
    namespace, _, rest = name.partition("_")
    m = METHODS.get(name)
    if m is None and namespace in ETH_ALIAS_NAMESPACES:
        m = METHODS.get("eth_" + rest)
    return None if m is None else (m, namespace)


class Ctx:
    """What an adapter sees: the devnet, the subscription hub, the WebSocket connection (None
    over HTTP), the namespace the method was called in, and whether it is a single request
    while no other HTTP body or WebSocket message is being answered (`alone`)."""

    __slots__ = ("devnet", "hub", "conn", "namespace", "alone")

    def __init__(self, devnet, hub, conn, namespace: str, alone: bool = False) -> None:
        self.devnet = devnet
        self.hub = hub
        self.conn = conn
        self.namespace = namespace
        self.alone = alone

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) on the devnet's writer thread, where every chain operation runs in turn."""
        worker = self.devnet.worker
        if worker.on_worker_thread():
            return fn(*args)
        return await asyncio.wrap_future(worker.submit(fn, *args))

    async def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A read of committed chain data (blocks, receipts, lookups, state at a block): inline
        on the event loop, so it never waits behind the writer's blocks. Safe because the head
        and its state root are replaced as one value, stored data is written before the head
        moves, and trie nodes are never changed once stored. Anything that reads the pool,
        filters or dev settings goes through `run`."""
        return fn(*args)

    async def execute(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None,
                      timeout_message: str | None = None) -> Any:
        """The read-only fn(*args) (eth_call, a trace, a log query) on one of the devnet's reader
        threads, under its deadline (--rpc-timeout unless `timeout`), so that neither the event
        loop nor the writer waits for it."""
        return await asyncio.wrap_future(self.devnet.execute(
            fn, *args, timeout=timeout, timeout_message=timeout_message))


def alias(name: str, target: str) -> None:
    """Let `name` answer exactly as the registered method `target`."""
    if name in METHODS:
        raise ValueError(f"method {name} registered twice")
    METHODS[name] = METHODS[target]
