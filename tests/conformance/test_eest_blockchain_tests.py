"""Every execution-spec-tests blockchain test under the shared fixtures (Cancun, Prague, Osaka and
the transitions between them): each block imported by Ethereum's rules, an expectException block
rejected for that reason, then the head and the post state compared (node/blocktest.py)."""
from functools import lru_cache

import pytest

from pydevnet.node.blocktest import run_test
from pydevnet.node.workers import run_in_vm_thread
from tests.fixtures import FIXTURES, load_json

BLOCKCHAIN_TESTS = FIXTURES / "eest" / "blockchain_tests"
GIVEN_TESTS = 2641  # in 201 files; a held-out share is run elsewhere


@lru_cache(maxsize=1)
def _cases() -> list:
    if not BLOCKCHAIN_TESTS.is_dir():
        raise FileNotFoundError(f"execution-spec-tests fixtures not found at {BLOCKCHAIN_TESTS}")
    cases = []
    for path in sorted(BLOCKCHAIN_TESTS.rglob("*.json")):
        data = load_json.__wrapped__(str(path))
        rel = path.relative_to(BLOCKCHAIN_TESTS).with_suffix("")
        for name in data:
            short = name.split("::", 1)[-1]
            cases.append(pytest.param(str(path), name, id=f"{rel}::{short}"))
    return cases


def test_fixture_count() -> None:
    assert len(_cases()) >= GIVEN_TESTS, \
        f"only {len(_cases())} blockchain tests found under {BLOCKCHAIN_TESTS}"


@pytest.mark.parametrize("path,name", _cases())
def test_blockchain(path: str, name: str) -> None:
    test = load_json(path)[name]
    r = run_in_vm_thread(run_test, path, name, test)
    assert r.passed, r.detail
