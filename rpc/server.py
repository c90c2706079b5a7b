"""The aiohttp application: JSON-RPC 2.0 over HTTP POST (single requests and batches) and over
WebSocket on the same port (a GET with Upgrade), CORS (`*` by default, or a list of origins, with
OPTIONS preflight answered), a request-size limit (16 MiB: larger bodies get HTTP 413 with a
JSON-RPC error), and a short health answer to a plain GET.

Access (rpc/access.py): every request, WebSocket upgrades and preflights included, first passes
the Host check and, with a restricted origin list, the Origin check (HTTP 403 with a JSON-RPC
error otherwise); the dispatcher then refuses the dev-only methods when the config says so.
`RPCConfig.for_listener(host, ...)` derives both from the address the node listens on.

`create_app(devnet, config)` is the one factory, used by `rpc.main.serve` and by the tests. The
subscription hub (the devnet's listeners) is opened and closed through `cleanup_ctx`; the devnet
itself belongs to whoever created it.

The app is served through rpc/front.py (`start_server(runner, host, port)`): its protocol answers
plain JSON-RPC POSTs itself with these semantics (refusal_text, too_large_message and
allowed_origin are shared with it) and hands every other request, with its connection, to the
app below. The handlers here therefore see GETs, preflights, WebSocket upgrades and the POSTs the
front does not parse (chunked, Expect: 100-continue, unusual heads).
"""
import logging
from dataclasses import dataclass
from typing import Iterable

from aiohttp import WSCloseCode, WSMsgType, web

from pydevnet.node.hosts import is_loopback

from pydevnet.rpc.access import HostPolicy, origin_allowed
from pydevnet.rpc.codec import dumps, qty
from pydevnet.rpc.dispatch import MAX_BATCH, Dispatcher, error_response
from pydevnet.rpc.errors import InvalidRequest
from pydevnet.rpc.methods.info import CLIENT_VERSION
from pydevnet.rpc.subscriptions import Connection, SubscriptionHub

log = logging.getLogger("devnet.rpc")
MAX_REQUEST_BYTES = 16 * 1024 * 1024
PREFLIGHT_MAX_AGE = "600"


@dataclass(frozen=True)
class RPCConfig:
    """`dev_methods` False refuses rpc.access's dev-only methods; `hosts` is the Host check (the
    defaults: every method, loopback hosts only, as for a node on 127.0.0.1)."""

    cors_origins: tuple[str, ...] = ("*",)
    max_request_bytes: int = MAX_REQUEST_BYTES
    max_batch: int = MAX_BATCH
    dev_methods: bool = True
    hosts: HostPolicy = HostPolicy()

    @classmethod
    def for_listener(cls, host: str, *, allow_remote_dev: bool = False,
                     allowed_hosts: Iterable[str] = (), **options) -> "RPCConfig":
        """The config for a node listening on `host`: beyond loopback, dev-only methods need
        `allow_remote_dev` and any IP address passes the Host check (rpc/access.py)."""
        return cls(dev_methods=is_loopback(host) or allow_remote_dev,
                   hosts=HostPolicy.for_listener(host, allowed_hosts), **options)


CONFIG = web.AppKey("config", RPCConfig)
DEVNET = web.AppKey("devnet", object)
HUB = web.AppKey("hub", SubscriptionHub)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)


def create_app(devnet, config: RPCConfig | None = None) -> web.Application:
    config = config or RPCConfig()
    app = web.Application(client_max_size=config.max_request_bytes,
                          middlewares=[_host_check, _cors])
    app[CONFIG] = config
    app[DEVNET] = devnet
    app.cleanup_ctx.append(_rpc_resources)
    app.on_shutdown.append(_close_websockets)
    app.router.add_route("POST", "/{tail:.*}", _post)
    app.router.add_route("GET", "/{tail:.*}", _get)
    app.router.add_route("OPTIONS", "/{tail:.*}", _preflight)
    return app


async def _rpc_resources(app: web.Application):
    devnet = app[DEVNET]
    hub = SubscriptionHub(devnet)
    await hub.attach()
    app[HUB] = hub
    app[DISPATCHER] = Dispatcher(devnet, hub, app[CONFIG].max_batch,
                                 dev_methods=app[CONFIG].dev_methods)
    yield
    try:
        await hub.detach()
    except RuntimeError:  # the devnet was shut down first: its listeners died with it
        pass


async def _close_websockets(app: web.Application) -> None:
    for conn in list(app[HUB].connections):
        await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


# -- Host and CORS -------------------------------------------------------------------------------
def refusal_text(message: str) -> str:
    """The JSON-RPC error body of an HTTP 403 or 413 (no id: the request was not read)."""
    return dumps(error_response(None, InvalidRequest(message)))


def too_large_message(limit: int) -> str:
    return f"request body too large: the limit is {limit} bytes"


def _forbidden(message: str) -> web.Response:
    return web.Response(status=403, text=refusal_text(message), content_type="application/json")


@web.middleware
async def _host_check(request: web.Request, handler):
    """DNS-rebinding protection: the Host header must name this node (rpc.access.HostPolicy)."""
    hosts = request.app[CONFIG].hosts
    header = request.headers.get("Host")
    if not hosts.allows(header):
        return _forbidden(hosts.refusal(header))
    return await handler(request)


def allowed_origin(config: RPCConfig, origin: str | None) -> str | None:
    """The Access-Control-Allow-Origin value for `origin` (None: no header)."""
    if "*" in config.cors_origins:
        return "*"
    return origin if origin is not None and origin in config.cors_origins else None


@web.middleware
async def _cors(request: web.Request, handler):
    """A listed (or any, with `*`) Origin gets Access-Control-Allow-Origin; an unlisted one is
    refused before dispatch, since simple requests (a text/plain POST) skip the preflight."""
    origin = request.headers.get("Origin")
    if not origin_allowed(request.app[CONFIG].cors_origins, origin):
        return _forbidden(f"origin {origin} is not allowed (see --cors)")
    try:
        resp = await handler(request)
    except web.HTTPException as e:  # 404/405 and friends get the headers too
        resp = e
    if not resp.prepared:
        allowed = allowed_origin(request.app[CONFIG], request.headers.get("Origin"))
        if allowed is not None:
            resp.headers["Access-Control-Allow-Origin"] = allowed
            if allowed != "*":
                resp.headers["Vary"] = "Origin"
    if isinstance(resp, web.HTTPException):
        raise resp
    return resp


async def _preflight(request: web.Request) -> web.Response:
    requested = request.headers.get("Access-Control-Request-Headers", "Content-Type")
    return web.Response(status=204, headers={
        "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
        "Access-Control-Allow-Headers": requested,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    })


# -- HTTP ----------------------------------------------------------------------------------------
def _too_large(limit: int) -> web.Response:
    resp = web.Response(status=413, text=refusal_text(too_large_message(limit)),
                        content_type="application/json")
    resp.force_close()  # the unread rest of the body makes the connection unusable
    return resp


async def _post(request: web.Request) -> web.Response:
    limit = request.app[CONFIG].max_request_bytes
    if request.content_length is not None and request.content_length > limit:
        return _too_large(limit)
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _too_large(limit)
    answer = await request.app[DISPATCHER].handle_text(body)
    if answer is None:  # only notifications: JSON-RPC sends nothing back
        return web.Response(status=204)
    return web.Response(text=answer, content_type="application/json")


async def _get(request: web.Request) -> web.StreamResponse:
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return await _websocket(request)
    devnet = request.app[DEVNET]
    return web.json_response({"status": "ok", "client": CLIENT_VERSION,
                              "chainId": qty(devnet.chain_id),
                              "rpc": "POST JSON-RPC 2.0 here, or open a WebSocket"})


# -- WebSocket -----------------------------------------------------------------------------------
async def _websocket(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]  # the Host and Origin checks ran in the middlewares
    ws = web.WebSocketResponse(max_msg_size=config.max_request_bytes,
                               heartbeat=Connection.HEARTBEAT)
    await ws.prepare(request)
    hub, dispatcher = request.app[HUB], request.app[DISPATCHER]
    conn = Connection(ws)
    hub.connections.add(conn)
    try:
        async for msg in ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            answer = await dispatcher.handle_text(msg.data, conn)
            if answer is not None:
                conn.send(answer)
    finally:
        hub.drop(conn)
        await conn.close()
    return ws
