"""Moving a devnet's fork at run time (issue 12): anvil_reset / hardhat_reset with `forking`
({jsonRpcUrl, blockNumber}) and anvil_setRpcUrl. Every function runs on the writer.

`reset_to_fork` starts the chain again at another remote block (another remote, or the same one at
another block; no block: the remote's latest), as `--fork-url` would on an empty data dir: the
remote block is the first block, the dev accounts are funded on it, the pool, snapshots and dev
settings start over. `reset_to_fork_point` is a reset without `forking` on a forked node: back to
the block it forked from (Hardhat's hardhat_reset() without parameters; Anvil 1.7.1 instead drops
the fork and starts a local chain at block 0).

The data dir is rebuilt in place: every record of the old chain goes (blocks, lookups, the log
index, overrides, the pool, the fork's records and cached JSON), except what is content-addressed
and so true of any chain: trie nodes, code and key preimages. Nodes fetched from the old remote
stay as a cache that the new fork finds by hash (so a reset to the same block fetches nothing
again). Everything the new fork needs from the remote (its block, the dev accounts' proofs) is
fetched before anything is deleted: a remote that fails leaves the node as it was.

`set_rpc_url` swaps the remote of a forked node for another serving the same chain: the new URL
must give the fork block with the same hash (Anvil checks the same), or nothing changes.
"""
from __future__ import annotations

from pydevnet.state.statedb import CODE_PREFIX, PREIMAGE_PREFIX, StateDB
from pydevnet.state.trie import NODE_PREFIX
from pydevnet.node.chain.chain import Chain
from pydevnet.node.chain.db import P_REMOTE
from pydevnet.node.fork.point import FORK_RECORD, Fork, ForkError, fetch_fork
from pydevnet.node.fork.remote import RemoteClient, block_param, hexes
from pydevnet.state.rlp import encode

CONTENT_ADDRESSED = (NODE_PREFIX, CODE_PREFIX, PREIMAGE_PREFIX)


class NotForked(ValueError):
    """A fork-only request on a node that is not forked (Anvil's message)."""


def reset_to_fork(devnet, url: str | None, number: int | None) -> None:
    """anvil_reset({forking: {jsonRpcUrl: url, blockNumber: number}}). Without `url` the current
    remote; a remote's chain id replaces the chain id when `url` is given (as Anvil)."""
    old = devnet.fork
    if url is None and old is None:
        raise NotForked("Forking not enabled and RPC URL not provided to start forking")
    if url is None or (old is not None and url == old.url):
        client = old.client
    else:
        retries, timeout = (old.client.retries, old.client.timeout) if old else (None, None)
        client = RemoteClient(url, *(a for a in (retries, timeout) if a is not None))
    fork = fetch_fork(client, devnet.store, number)
    _prefetch_dev_accounts(devnet, fork)
    same = old is not None and old.url == fork.url and old.header.hash == fork.header.hash
    if url is not None:
        devnet.set_initial_chain_id(fork.remote_chain_id)
    _rebuild(devnet, fork, keep_remote=same)


def reset_to_fork_point(devnet) -> None:
    """anvil_reset without forking on a forked node: its fork block again, as first started."""
    _rebuild(devnet, devnet.fork, keep_remote=True)


def set_rpc_url(devnet, url: str) -> None:
    """anvil_setRpcUrl: the remote of a forked node, checked to serve the fork block."""
    fork: Fork | None = devnet.fork
    if fork is None:
        raise NotForked("anvil_setRpcUrl: this node is not forked (start it with --fork-url or "
                        "use anvil_reset with forking)")
    client = RemoteClient(url, fork.client.retries, fork.client.timeout)
    block = client.call("eth_getBlockByNumber", [block_param(fork.number), False])
    if not isinstance(block, dict) or hexes(block.get("hash")) != fork.header.hash:
        raise ForkError(f"{url} does not serve the fork block {fork.number} "
                        f"0x{fork.header.hash.hex()}")
    fork.client = fork.state.client = client
    devnet.store.write_batch({FORK_RECORD: encode([url.encode(), fork.number,
                                                   fork.remote_chain_id])})


def _prefetch_dev_accounts(devnet, fork: Fork) -> None:
    """The proofs of the dev accounts on the new fork block (the funding reads them), fetched
    while the old chain still stands: the nodes are content-addressed and survive the wipe."""
    store, previous = devnet.store, getattr(devnet.store, "state_source", None)
    store.state_source = fork.state
    try:
        state = StateDB(store, fork.header.state_root)
        for addr in devnet.genesis.alloc:
            state.get_balance(addr)
    finally:
        store.state_source = previous


def _wipe(store, keep_remote: bool) -> None:
    """Delete every record but the content-addressed ones (and the fork's, if `keep_remote`)."""
    keep = set(CONTENT_ADDRESSED) | ({P_REMOTE} if keep_remote else set())
    for b in range(256):
        prefix = bytes((b,))
        if prefix in keep:
            continue
        keys = [k for k, _ in store.iterate(prefix)]
        if keys:
            store.write_batch({}, keys)


def _rebuild(devnet, fork: Fork | None, keep_remote: bool) -> None:
    """The devnet's chain started again on `fork` (None: from genesis.json) in the same store."""
    console = devnet.chain.console
    wallclock = devnet.chain.wallclock
    devnet.clear_for_reset()
    _wipe(devnet.store, keep_remote)
    devnet.fork = fork
    devnet.store.state_source = fork.state if fork is not None else None
    devnet.chain = Chain(devnet.store, devnet.genesis, wallclock, fork)
    devnet.chain.console = console
