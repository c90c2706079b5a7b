"""The pytest plugin (registered through the `pytest11` entry point: installing pydevnet is
enough). It gives tests a chain in-process:

- `devnet`: the session's Devnet (pydevnet/api.py), with isolation: a snapshot is taken before
  the test and reverted after it, so every test starts from the chain as it was and test order
  never matters;
- `w3`: its web3.Web3 (needs the `web3` extra), isolated the same way;
- `devnet_session`: the same node without isolation, for module- or session-scoped fixtures
  that deploy contracts once for many tests (what they build stays; each test's own changes
  are reverted), as Hardhat's loadFixture does:

      @pytest.fixture(scope="module")
      def token(devnet_session):
          return deploy_token(devnet_session.web3)      # once for the module

      def test_transfer(w3, token): ...                 # changes undone after the test

One node per session, or per worker under pytest-xdist. Options: --devnet-hardfork NAME,
--devnet-fork-url URL and --devnet-fork-block-number N (fork a live chain, as devnet --fork-url),
--devnet-datadir DIR (the chain on disk, a folder per xdist worker: it keeps what session and
module fixtures built), --devnet-serve PORT (also HTTP/WebSocket on PORT, plus the worker's
number under xdist, for an ethers or browser client in the same run).
"""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pydevnet", "pydevnet: an in-process Ethereum devnet per session")
    group.addoption("--devnet-hardfork", metavar="NAME", default=None,
                    help="the fork of the session's chain (default: the node's default)")
    group.addoption("--devnet-fork-url", metavar="URL", default=None,
                    help="fork this JSON-RPC endpoint's latest block (devnet --fork-url)")
    group.addoption("--devnet-fork-block-number", metavar="N", type=int, default=None,
                    help="with --devnet-fork-url: the remote block to fork from")
    group.addoption("--devnet-datadir", metavar="DIR", default=None,
                    help="keep the session's chain in DIR (LevelDB) instead of memory")
    group.addoption("--devnet-serve", metavar="PORT", type=int, default=None,
                    help="also serve the chain over HTTP and WebSocket on 127.0.0.1:PORT "
                         "(PORT + worker number under xdist)")


def _worker(config: pytest.Config) -> int:
    """The xdist worker's number (gw3 -> 3), 0 without xdist."""
    name = getattr(config, "workerinput", {}).get("workerid", "gw0")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


@pytest.fixture(scope="session")
def devnet_session(request: pytest.FixtureRequest):
    """The session's in-process devnet, not reverted between tests."""
    from pydevnet.api import Devnet
    config = request.config
    datadir = config.getoption("devnet_datadir")
    worker = _worker(config)
    if datadir is not None and hasattr(config, "workerinput"):
        datadir = Path(datadir) / f"gw{worker}"
    node = Devnet(hardfork=config.getoption("devnet_hardfork"), datadir=datadir,
                  fork_url=config.getoption("devnet_fork_url"),
                  fork_block_number=config.getoption("devnet_fork_block_number"))
    port = config.getoption("devnet_serve")
    if port is not None:
        node.serve("127.0.0.1", port + worker)
    yield node
    node.close()


@pytest.fixture
def devnet(devnet_session):
    """The session's devnet, as it was before this test and restored after it."""
    snapshot = devnet_session.snapshot()
    yield devnet_session
    devnet_session.revert(snapshot)


@pytest.fixture
def w3(devnet):
    """web3.Web3 on the isolated devnet."""
    return devnet.web3
