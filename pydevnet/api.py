"""The node in-process: `Devnet(...)` starts a chain inside the calling Python process and answers
JSON-RPC without a socket. Requests go through the same dispatcher the HTTP server uses (method
table, parameter decoding, errors), on a private event loop thread, so results and errors are the
ones a client would get over HTTP. `.web3` is a web3.py `Web3` over that path (web3 is the
optional extra `pydevnet[web3]`); `.serve()` also exposes the chain over HTTP and WebSocket for a
browser, ethers or viem in the same test run.

    with Devnet() as d:
        w3 = d.web3
        w3.eth.send_transaction({"from": d.accounts[0].address, "to": ..., "value": 1})
"""
from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from pydevnet.node.accounts import DevAccount, dev_accounts, to_checksum_address
from pydevnet.node.config import ETHER, AllocAccount, Genesis, load_genesis, parse_genesis
from pydevnet.node.devnet import Devnet as Node
from pydevnet.node.miner import MiningMode
from pydevnet.node.workers import start_big_stack_thread
from pydevnet.rpc.dispatch import Dispatcher
from pydevnet.rpc.server import RPCConfig, create_app
from pydevnet.rpc.subscriptions import SubscriptionHub
from pydevnet.state.store import LevelDBStore, MemoryStore

__all__ = ["Devnet", "Account", "RPCError"]


class RPCError(Exception):
    """A JSON-RPC error answer: `code`, `message` and `data`, as over HTTP."""

    def __init__(self, error: dict) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


class Account:
    """A dev account: its checksummed address and its private key (32 bytes)."""

    __slots__ = ("address", "key", "index")

    def __init__(self, dev: DevAccount) -> None:
        self.address = to_checksum_address(dev.address)
        self.key = dev.private_key
        self.index = dev.index

    def __repr__(self) -> str:
        return f"Account({self.address})"


def build_genesis(genesis: str | Path | dict | Genesis | None = None, *,
                  hardfork: str | None = None, accounts: int | None = None,
                  balance: int | None = None, chain_id: int | None = None,
                  mnemonic: str | None = None, unit_price: int | None = None,
                  gas_limit: int | None = None, timestamp: int | None = None) -> Genesis:
    """A Genesis from a file, a genesis.json object or the defaults, then the options on top.
    With accounts, balance or mnemonic given (and no alloc of its own), the alloc follows them:
    `accounts` dev accounts of the mnemonic, `balance` wei each."""
    if isinstance(genesis, Genesis):
        g = genesis
    elif isinstance(genesis, dict):
        g = parse_genesis(genesis)
    elif genesis is not None:
        g = load_genesis(str(genesis))
    else:
        g = Genesis()
    if chain_id is not None:
        g.chain_id = chain_id
    if hardfork is not None:
        g.fork = hardfork.lower()
    if unit_price is not None:
        g.unit_price = unit_price
    if gas_limit is not None:
        g.gas_limit = gas_limit
    if timestamp is not None:
        g.timestamp = timestamp
    if mnemonic is not None:
        g.mnemonic = mnemonic
    if accounts is not None:
        g.accounts = accounts
    if accounts is not None or balance is not None or mnemonic is not None:
        each = ETHER * 10_000 if balance is None else balance
        g.alloc = {a.address: AllocAccount(each)
                   for a in dev_accounts(g.mnemonic, g.accounts, g.derivation_path)}
    return g


class Devnet:
    """A devnet in this process (in memory unless `datadir` is given), with the options of the
    `devnet` command. Use it as a context manager, or call close()."""

    def __init__(self, *, hardfork: str | None = None, accounts: int | None = None,
                 balance: int | None = None, chain_id: int | None = None,
                 genesis: str | Path | dict | Genesis | None = None,
                 datadir: str | Path | None = None, mnemonic: str | None = None,
                 unit_price: int | None = None, automine: bool = True,
                 gas_limit: int | None = None, timestamp: int | None = None,
                 client_version: str | None = None, fork_url: str | None = None,
                 fork_block_number: int | None = None) -> None:
        g = build_genesis(genesis, hardfork=hardfork, accounts=accounts, balance=balance,
                          chain_id=chain_id, mnemonic=mnemonic, unit_price=unit_price,
                          gas_limit=gas_limit, timestamp=timestamp)
        if datadir is None:
            store = MemoryStore()
        else:
            Path(datadir).mkdir(parents=True, exist_ok=True)
            store = LevelDBStore(str(Path(datadir) / "chaindata"))
        fork = None
        if fork_url is not None:  # --fork-url: the remote's chain id unless chain_id is given
            from pydevnet.node.fork.point import open_fork
            from pydevnet.node.fork.remote import DEFAULT_RETRIES, DEFAULT_TIMEOUT
            fork = open_fork(store, fork_url, fork_block_number, DEFAULT_RETRIES,
                             DEFAULT_TIMEOUT)
            g.chain_id = chain_id or fork.remote_chain_id
        self.node = Node(store, g, mining=MiningMode.AUTO if automine else MiningMode.MANUAL,
                         fork=fork)
        self.node.client_version = client_version  # --client-version
        self.accounts = [Account(a) for a in
                         dev_accounts(g.mnemonic, g.accounts, g.derivation_path)]
        self._loop = asyncio.new_event_loop()
        self._thread = start_big_stack_thread(self._loop.run_forever, "pydevnet-loop",
                                              daemon=True)
        self._dispatcher = self._await(self._open())
        self._runner = None
        self._web3 = None
        self._id = 0
        self._id_lock = threading.Lock()

    async def _open(self) -> Dispatcher:
        self._hub = SubscriptionHub(self.node)
        await self._hub.attach()
        return Dispatcher(self.node, self._hub)

    def _await(self, coro) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    # -- JSON-RPC ------------------------------------------------------------------------------
    def submit(self, payload: dict | list) -> Future:
        """A request object (or a batch) as its answer's future, without waiting."""
        if isinstance(payload, list):
            coro = self._dispatcher.handle_text(json.dumps(payload))
            fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
            out: Future = Future()
            fut.add_done_callback(lambda f: out.set_exception(f.exception()) if f.exception()
                                  else out.set_result(json.loads(f.result() or "[]")))
            return out
        return asyncio.run_coroutine_threadsafe(self._dispatcher.handle_one(payload),
                                                self._loop)

    def _next_id(self) -> int:
        with self._id_lock:
            self._id += 1
            return self._id

    def request(self, method: str, *params: Any) -> Any:
        """The result of one JSON-RPC call, or RPCError with the answer's error."""
        answer = self.submit({"jsonrpc": "2.0", "id": self._next_id(), "method": method,
                              "params": list(params)}).result()
        if "error" in answer:
            raise RPCError(answer["error"])
        return answer["result"]

    # -- conveniences --------------------------------------------------------------------------
    def snapshot(self) -> int:
        return int(self.request("evm_snapshot"), 16)

    def revert(self, snapshot_id: int) -> bool:
        return self.request("evm_revert", hex(snapshot_id))

    def mine(self, blocks: int = 1) -> None:
        self.request("anvil_mine", hex(blocks))

    @property
    def web3(self):
        """A web3.Web3 over the in-process provider (needs the `web3` extra)."""
        if self._web3 is None:
            from web3 import Web3
            from pydevnet.web3_provider import InProcessProvider
            self._web3 = Web3(InProcessProvider(self))
        return self._web3

    def async_provider(self):
        """A provider for web3.AsyncWeb3 on the same chain."""
        from pydevnet.web3_provider import AsyncInProcessProvider
        return AsyncInProcessProvider(self)

    # -- HTTP and WebSocket --------------------------------------------------------------------
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Also answer over HTTP and WebSocket on host:port (0: a free port); returns the URL."""
        if self._runner is not None:
            raise RuntimeError("already serving")
        from aiohttp import web

        from pydevnet.rpc.front import start_server
        app = create_app(self.node, RPCConfig.for_listener(host))

        async def start() -> int:
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
            await runner.setup()
            await start_server(runner, host, port)
            self._runner = runner
            return runner.addresses[0][1]
        bound = self._await(start())
        self.url = f"http://{host}:{bound}"
        return self.url

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        if self._loop.is_closed():
            return
        if self._runner is not None:
            self._await(self._runner.cleanup())
            self._runner = None
        self.node.abort_reads()
        self._await(self._hub.detach())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self.node.shutdown()

    def __enter__(self) -> Devnet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
