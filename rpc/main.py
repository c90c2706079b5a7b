"""Running the server: `serve()` for a Devnet built elsewhere, and `main()`, the `devnet` console
entry point (it lives in rpc/ because only rpc/ may import the server).

`main(argv)` delegates `devnet statetest ...` to node.cli.statetest_main; otherwise it builds the
Devnet with node.cli.parse_node_args, prints node.cli's banner once the port is bound, and serves
until SIGINT or SIGTERM.
"""
import asyncio
import signal
import sys
from typing import Callable, Iterable

from aiohttp import web

from rpc.server import MAX_REQUEST_BYTES, RPCConfig, create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8545
SHUTDOWN_TIMEOUT = 5.0


def serve(devnet, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          cors_origins: Iterable[str] = ("*",), *, max_request_bytes: int = MAX_REQUEST_BYTES,
          on_listening: Callable[[], None] | None = None) -> None:
    """Serve `devnet` on host:port until SIGINT/SIGTERM, then shut it down (its store included).
    Starts the devnet's background work (interval mining). Prints nothing; `on_listening` is
    called once the port is bound. OSError if the port cannot be bound."""
    app = create_app(devnet, RPCConfig(tuple(cors_origins), max_request_bytes))
    devnet.start()
    try:
        asyncio.run(_serve(app, host, port, on_listening))
    finally:
        devnet.shutdown()


async def _serve(app: web.Application, host: str, port: int,
                 on_listening: Callable[[], None] | None) -> None:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        if on_listening is not None:
            on_listening()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                pass
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from node import cli
    if argv[:1] == ["statetest"]:
        return cli.statetest_main(argv[1:])
    args, devnet = cli.parse_node_args(argv)
    origins = [o.strip() for o in args.cors.split(",") if o.strip()] or ["*"]

    def listening() -> None:
        print(cli.banner(args, devnet), flush=True)

    try:
        serve(devnet, args.host, args.port, origins, on_listening=listening)
    except OSError as e:
        sys.exit(f"devnet: cannot listen on {args.host}:{args.port}: {e.strerror or e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
