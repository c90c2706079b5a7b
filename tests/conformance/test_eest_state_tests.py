"""Every execution-spec-tests (EEST) state test under the shared fixtures, for Cancun, Prague and
Osaka: each post entry of the fork is one case, run as `devnet statetest --fork F` runs it
(node/statetest.py: the transaction from `txbytes`, the chain id and the fork's blob schedule
from `config`); the post-state root and the logs hash must match, or the transaction must be
rejected where the fixture expects an exception."""
from functools import lru_cache

import pytest

from pydevnet.node.statetest import block_env, build_pre_state, fixture_chain_id, fixture_spec, \
    run_entry
from pydevnet.node.workers import run_in_vm_thread
from tests.fixtures import FIXTURES, load_json

STATE_TESTS = FIXTURES / "eest" / "state_tests"
FORKS = ("Cancun", "Prague", "Osaka")
GIVEN_CASES = {"Cancun": 6810, "Prague": 7768, "Osaka": 8336}  # a held-out share runs elsewhere


def _cases() -> list:
    if not STATE_TESTS.is_dir():
        raise FileNotFoundError(f"execution-spec-tests fixtures not found at {STATE_TESTS}")
    cases = []
    for path in sorted(STATE_TESTS.rglob("*.json")):
        data = load_json.__wrapped__(str(path))
        for name, test in data.items():
            short = name.split("::", 1)[-1]
            for fork in FORKS:
                for i, post in enumerate(test["post"].get(fork, [])):
                    ix = post.get("indexes", {})
                    cases.append(pytest.param(
                        fork, str(path), name, i,
                        id=f"{fork}::{short}[{i}:d{ix.get('data')}g{ix.get('gas')}"
                           f"v{ix.get('value')}]"))
    return cases


CASES = _cases()


@lru_cache(maxsize=4)
def _prepared(fork: str, path: str, name: str):
    test = load_json(path)[name]
    store, root = build_pre_state(test["pre"])
    return test, store, root, block_env(test["env"], fixture_spec(test, fork),
                                        fixture_chain_id(test))


@pytest.mark.parametrize("fork", FORKS)
def test_fixture_count(fork: str) -> None:
    found = sum(1 for case in CASES if case.values[0] == fork)
    assert found >= GIVEN_CASES[fork], f"only {found} {fork} cases found under {STATE_TESTS}"


@pytest.mark.parametrize("fork,path,name,index", CASES)
def test_state(fork: str, path: str, name: str, index: int) -> None:
    test, store, pre_root, env = _prepared(fork, path, name)
    post = test["post"][fork][index]
    root, logs, note = run_in_vm_thread(run_entry, store, pre_root, env, post)
    if "expectException" in post:
        assert note, f"expected {post['expectException']}, but the transaction was executed"
    else:
        assert not note, f"valid transaction rejected: {note}"
    assert root == post["hash"], f"state root {root} != {post['hash']} ({note})"
    assert logs == post["logs"], f"logs hash {logs} != {post['logs']}"
