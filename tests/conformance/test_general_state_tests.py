"""Every Cancun case of ethereum/tests GeneralStateTests: the post-state root and the logs hash
must match (or the transaction must be rejected where the fixture expects an exception)."""
from functools import lru_cache

import pytest

from pydevnet.node.statetest import block_env, build_pre_state, run_entry
from pydevnet.vm.table import CANCUN
from pydevnet.node.workers import run_in_vm_thread
from tests.fixtures import ETHEREUM_TESTS, fixture_dir, load_json, relative

FORK = "Cancun"


def _cases() -> list:
    cases = []
    for path in sorted(fixture_dir("GeneralStateTests").rglob("*.json")):
        data = load_json.__wrapped__(str(path))
        for name, test in data.items():
            for i, post in enumerate(test["post"].get(FORK, [])):
                ix = post.get("indexes", {})
                cases.append(pytest.param(
                    str(path), name, i,
                    id=f"{relative(path)}::{name}[{i}:d{ix.get('data')}g{ix.get('gas')}"
                       f"v{ix.get('value')}]"))
    return cases


CASES = _cases()


@lru_cache(maxsize=4)
def _prepared(path: str, name: str):
    test = load_json(path)[name]
    store, root = build_pre_state(test["pre"])
    return test, store, root, block_env(test["env"], CANCUN)


def test_fixture_count():
    # The given suite: 15,106 Cancun cases in 1,985 files; a held-out share is run elsewhere.
    assert len(CASES) >= 15106, f"only {len(CASES)} Cancun cases found under {ETHEREUM_TESTS}"


@pytest.mark.parametrize("path,name,index", CASES)
def test_state(path: str, name: str, index: int) -> None:
    test, store, pre_root, env = _prepared(path, name)
    post = test["post"][FORK][index]
    root, logs, note = run_in_vm_thread(run_entry, store, pre_root, env, post)
    if "expectException" in post:
        assert note, f"expected {post['expectException']}, but the transaction was executed"
    else:
        assert not note, f"valid transaction rejected: {note}"
    assert root == post["hash"], f"state root {root} != {post['hash']} ({note})"
    assert logs == post["logs"], f"logs hash {logs} != {post['logs']}"
