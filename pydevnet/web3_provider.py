"""web3.py providers that hand each request straight to an in-process Devnet (pydevnet/api.py):
no socket, no HTTP, the same dispatcher, results and errors as the HTTP server. Batches are
supported. Needs web3 (`pip install pydevnet[web3]`).

    from web3 import Web3, AsyncWeb3
    w3 = Web3(InProcessProvider(devnet))
    aw3 = AsyncWeb3(AsyncInProcessProvider(devnet))
"""
from __future__ import annotations

import asyncio
import itertools
from typing import Any

from web3.providers.async_base import AsyncJSONBaseProvider
from web3.providers.base import JSONBaseProvider

_ids = itertools.count(1)


def _request(method: str, params: Any) -> dict:
    return {"jsonrpc": "2.0", "id": next(_ids), "method": method,
            "params": list(params) if params is not None else []}


class InProcessProvider(JSONBaseProvider):
    """A synchronous provider for web3.Web3."""

    def __init__(self, devnet, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.devnet = devnet

    def make_request(self, method, params):
        return self.devnet.submit(_request(method, params)).result()

    def make_batch_request(self, requests):
        return self.devnet.submit([_request(m, p) for m, p in requests]).result()

    def is_connected(self, show_traceback: bool = False) -> bool:
        return True


class AsyncInProcessProvider(AsyncJSONBaseProvider):
    """An asynchronous provider for web3.AsyncWeb3 (from any event loop)."""

    def __init__(self, devnet, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.devnet = devnet

    async def make_request(self, method, params):
        return await asyncio.wrap_future(self.devnet.submit(_request(method, params)))

    async def make_batch_request(self, requests):
        return await asyncio.wrap_future(
            self.devnet.submit([_request(m, p) for m, p in requests]))

    async def is_connected(self, show_traceback: bool = False) -> bool:
        return True
