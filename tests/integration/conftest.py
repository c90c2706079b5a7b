"""Fixtures: the real `devnet` process (one per test module, automine, its own tmp --datadir)
and a factory for extra processes with other flags; every process is stopped by PID at teardown."""
from collections.abc import Callable, Iterator

import pytest

from tests.integration.devnet_process import DevnetProcess


@pytest.fixture(scope="module")
def devnet(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = DevnetProcess(tmp_path_factory.mktemp("devnet") / "data", "--quiet")
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def spawn(tmp_path_factory) -> Iterator[Callable[..., DevnetProcess]]:
    """spawn(*flags, datadir=None): start another devnet (a fresh data dir unless given)."""
    started: list[DevnetProcess] = []

    def _spawn(*flags: str, datadir=None) -> DevnetProcess:
        datadir = datadir or tmp_path_factory.mktemp("devnet") / "data"
        proc = DevnetProcess(datadir, "--quiet", *flags)
        started.append(proc)
        return proc.start()

    yield _spawn
    for proc in started:
        proc.stop()
