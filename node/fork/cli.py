"""The fork's command-line flags, Anvil's names: --fork-url, --fork-block-number,
--fork-chain-id, --fork-retries, --fork-timeout (node/cli.py adds them and calls open_from_args).
"""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pydevnet.node.fork.remote import DEFAULT_RETRIES, DEFAULT_TIMEOUT, RemoteError

if TYPE_CHECKING:  # fork.point brings the chain and the VM: `devnet --help` must not import them
    from pydevnet.node.config import Genesis
    from pydevnet.node.fork.point import Fork
    from pydevnet.state.store import KVStore


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("forking (Anvil's names): a live chain's block as the start")
    g.add_argument("-f", "--fork-url", "--rpc-url", metavar="URL",
                   help="fork the chain at this JSON-RPC URL: its block N is this chain's first, "
                        "its state read lazily and kept in the data dir")
    g.add_argument("--fork-block-number", type=int, metavar="N",
                   help="the remote block to fork from (default: its latest at the first start; "
                        "a data dir keeps the block it forked from)")
    g.add_argument("--fork-chain-id", type=int, metavar="ID",
                   help="the chain id of the fork (default: the remote's)")
    g.add_argument("--fork-retries", type=int, default=DEFAULT_RETRIES, metavar="K",
                   help="retries of a failed or rate-limited remote call, with backoff "
                        "(default %(default)s)")
    g.add_argument("--fork-timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="how long one remote call may take (default %(default)s)")


def check(args: argparse.Namespace) -> str | None:
    """A message for fork flags that cannot be honoured, else None."""
    if args.fork_url is None:
        given = [f for f in ("fork_block_number", "fork_chain_id") if getattr(args, f) is not None]
        return f"--{given[0].replace('_', '-')} needs --fork-url" if given else None
    if args.fork_block_number is not None and args.fork_block_number < 0:
        return "--fork-block-number must not be negative"
    if args.fork_retries < 0 or args.fork_timeout <= 0:
        return "--fork-retries must not be negative and --fork-timeout must be positive"
    if not args.fork_url.startswith(("http://", "https://")):
        return f"--fork-url must be an http:// or https:// URL, got {args.fork_url!r}"
    return None


def open_from_args(args: argparse.Namespace, genesis: Genesis, store: KVStore) -> Fork | None:
    """The fork the flags ask for (None without --fork-url), with the chain id set on `genesis`.
    Raises RemoteError when the remote cannot give the fork block."""
    if args.fork_url is None:
        return None
    from pydevnet.node.fork.point import open_fork
    fork = open_fork(store, args.fork_url, args.fork_block_number, args.fork_retries,
                     args.fork_timeout)
    genesis.chain_id = args.fork_chain_id or fork.remote_chain_id
    return fork


__all__ = ["add_arguments", "check", "open_from_args", "RemoteError"]
