"""Running the server: `serve()` for a Devnet built elsewhere, and `main()`, the `devnet` console
entry point (it lives in rpc/ because only rpc/ may import the server).

`main(argv)` delegates `devnet statetest ...` to node.cli.statetest_main and `devnet blocktest ...`
to node.cli.blocktest_main; otherwise it builds the Devnet with node.cli.parse_node_args, prints
node.cli's banner once the port is bound, and serves until SIGINT or SIGTERM.
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Callable, Iterable

from pydevnet.node.cli import DEFAULT_HOST, DEFAULT_PORT

if TYPE_CHECKING:
    from aiohttp import web

# aiohttp, the server and the node are imported by the functions that need them: `devnet --help`
# and a bad option must answer without importing the whole node (tests/rpc/test_cli_imports.py).

# A stop (SIGINT/SIGTERM) ends within 2 s: reads are aborted at once, open requests get
# SHUTDOWN_TIMEOUT to be answered, and the block in progress what is left of STOP_BUDGET to land
# before it is aborted (its batch is written whole or not at all).
SHUTDOWN_TIMEOUT = 0.5
# How long a thread holding the GIL may run before one waiting for it gets it (CPython's default
# is 5 ms). The event loop waits that long for every wake-up while readers compute; a shorter
# turn keeps cheap requests fast beside heavy calls, at a small cost to the heavy ones.
SWITCH_INTERVAL = 0.001
STOP_BUDGET = 1.2


def serve(devnet, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          cors_origins: Iterable[str] = ("*",), *, max_request_bytes: int | None = None,
          allow_remote_dev: bool = False, allowed_hosts: Iterable[str] = (),
          on_listening: Callable[[], None] | None = None,
          on_stopping: Callable[[], None] | None = None) -> None:
    """Serve `devnet` on host:port until SIGINT/SIGTERM, then shut it down (its store included).
    Starts the devnet's background work (interval mining). Prints nothing; `on_listening` is
    called once the port is bound. OSError if the port cannot be bound.

    The event loop runs on a thread with a large stack (the JSON scanner recurses on nested
    input); chain work runs on the devnet's writer thread and read-only execution on its
    readers (node/workers.py), so no request holds the loop.

    Beyond a loopback `host`, the dev-only methods need `allow_remote_dev`; `allowed_hosts` adds
    names the Host header may carry (rpc/access.py). `on_stopping` is called once serving
    has ended, before the devnet shuts down (a last state dump)."""
    from pydevnet.node.workers import start_big_stack_thread
    from pydevnet.rpc.server import RPCConfig, create_app
    sys.setswitchinterval(SWITCH_INTERVAL)
    limit = {} if max_request_bytes is None else {"max_request_bytes": max_request_bytes}
    app = create_app(devnet, RPCConfig.for_listener(
        host, allow_remote_dev=allow_remote_dev, allowed_hosts=allowed_hosts,
        cors_origins=tuple(cors_origins), **limit))
    box: dict = {}
    ready = threading.Event()

    def loop_thread() -> None:
        try:
            import asyncio
            asyncio.run(_serve(app, host, port, on_listening, devnet, box, ready))
        except BaseException as e:  # re-raised in the calling thread below
            box["error"] = e
        finally:
            ready.set()

    previous = _forward_signals(box, ready)
    try:
        start_big_stack_thread(loop_thread, "rpc").join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        since = box.get("stopping_since", time.monotonic())
        if on_stopping is not None:
            on_stopping()
        devnet.shutdown(grace=max(0.0, STOP_BUDGET - (time.monotonic() - since)))
    if "error" in box:
        raise box["error"]


def _forward_signals(box: dict, ready: threading.Event) -> dict:
    """SIGINT/SIGTERM arrive on the main thread: they set the serving loop's stop event."""
    def stop(signum, frame) -> None:
        ready.wait()
        loop, event = box.get("loop"), box.get("stop")
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(event.set)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, stop)
    return previous


async def _serve(app: web.Application, host: str, port: int,
                 on_listening: Callable[[], None] | None, devnet, box: dict,
                 ready: threading.Event) -> None:
    import asyncio

    from aiohttp import web

    from pydevnet.rpc.front import start_server
    loop = asyncio.get_running_loop()
    box["loop"], box["stop"] = loop, asyncio.Event()
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        await start_server(runner, host, port)  # rpc/front.py: POSTs below aiohttp
        devnet.start()
        ready.set()
        if on_listening is not None:
            on_listening()
        await box["stop"].wait()
    finally:
        box["stopping_since"] = time.monotonic()
        devnet.stop()
        devnet.abort_reads()
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from pydevnet.node import cli
    if argv[:1] == ["statetest"]:
        return cli.statetest_main(argv[1:])
    if argv[:1] == ["blocktest"]:
        return cli.blocktest_main(argv[1:])
    args, devnet = cli.parse_node_args(argv)
    from pydevnet.node.anvil_options import StateDumper, write_config
    origins = [o.strip() for o in args.cors.split(",") if o.strip()] or ["*"]
    dumper = StateDumper(args, devnet)

    def listening() -> None:
        if args.config_out:
            write_config(args.config_out, devnet)
        if not args.silent:
            print(cli.banner(args, devnet), flush=True)
        dumper.start()

    try:
        serve(devnet, args.host, args.port, origins, allow_remote_dev=args.allow_remote_dev,
              allowed_hosts=(args.allowed_hosts or "").split(","), on_listening=listening,
              on_stopping=dumper.stop)
    except OSError as e:
        sys.exit(f"devnet: cannot listen on {args.host}:{args.port}: {e.strerror or e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
