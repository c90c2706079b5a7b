"""Fixtures: a served devnet (automine or --no-mining) and an aiohttp JSON-RPC client for it."""
import json
import os

import aiohttp
import pytest

from pydevnet.node.devnet import MiningMode
from tests.rpc.helpers import ServerThread, addresses, initcode, make_devnet


class Client:
    """JSON-RPC over real HTTP with aiohttp."""

    def __init__(self, session: aiohttp.ClientSession, server: ServerThread) -> None:
        self.session = session
        self.server = server
        self.url = server.url
        self.accounts = addresses(server.devnet)
        self._id = 0

    async def post(self, data, headers=None) -> tuple[int, dict, str]:
        if not isinstance(data, (str, bytes)):
            data = json.dumps(data)
        async with self.session.post(self.url, data=data, headers=headers or {
                "Content-Type": "application/json"}) as r:
            return r.status, dict(r.headers), await r.text()

    async def request(self, method: str, *params) -> dict:
        self._id += 1
        status, _, text = await self.post(
            {"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})
        assert status == 200, text
        answer = json.loads(text)
        assert answer["id"] == self._id and answer["jsonrpc"] == "2.0"
        return answer

    async def call(self, method: str, *params):
        answer = await self.request(method, *params)
        assert "error" not in answer, answer["error"]
        return answer["result"]

    async def error(self, method: str, *params) -> dict:
        answer = await self.request(method, *params)
        assert "error" in answer and "result" not in answer, answer
        return answer["error"]

    async def send(self, tx: dict) -> dict:
        """eth_sendTransaction and its receipt (automine)."""
        tx_hash = await self.call("eth_sendTransaction", tx)
        return await self.call("eth_getTransactionReceipt", tx_hash)

    async def deploy(self, runtime: bytes, constructor: bytes = b"") -> str:
        receipt = await self.send({"from": self.accounts[0],
                                   "input": "0x" + initcode(runtime, constructor).hex()})
        assert receipt["status"] == "0x1"
        return receipt["contractAddress"]


@pytest.fixture
def server():
    s = ServerThread(make_devnet())
    yield s
    s.stop()


@pytest.fixture
def manual_server():
    s = ServerThread(make_devnet(mining=MiningMode.MANUAL))
    yield s
    s.stop()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
async def rpc(session, server) -> Client:
    return Client(session, server)


@pytest.fixture
async def manual_rpc(session, manual_server) -> Client:
    return Client(session, manual_server)


@pytest.fixture
def inproc():
    """The dispatcher over a fresh automine devnet, in this thread (no HTTP): for tests that
    send many small requests."""
    from tests.rpc.fuzzing import InProcess
    node = InProcess(make_devnet())
    yield node
    node.close()


# -- make fuzz: how many examples each property test ran ---------------------------------------
EXAMPLES_PROPERTY = "hypothesis examples"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Put the examples a @counted test ran on its report (xdist carries it to the controller)."""
    outcome = yield
    if call.when == "call" and getattr(item, "module", None) is not None:
        from tests.rpc.fuzzing import EXAMPLES_RUN
        ran = EXAMPLES_RUN.pop(f"{item.module.__name__}::{item.originalname}", None)
        if ran is not None:
            outcome.get_result().user_properties.append((EXAMPLES_PROPERTY, ran))


def pytest_terminal_summary(terminalreporter):
    if not os.environ.get("FUZZ_EXAMPLES"):
        return
    rows = [(r.nodeid, dict(r.user_properties)[EXAMPLES_PROPERTY])
            for reports in terminalreporter.stats.values() for r in reports
            if getattr(r, "when", None) == "call"
            and EXAMPLES_PROPERTY in dict(getattr(r, "user_properties", ()))]
    if not rows:
        return
    terminalreporter.write_sep("-", "hypothesis examples run")
    for nodeid, ran in sorted(rows):
        terminalreporter.write_line(f"{ran:>9,}  {nodeid}")
    terminalreporter.write_line(f"{sum(n for _, n in rows):>9,}  in all")
