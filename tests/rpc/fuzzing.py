"""Shared by the property tests that feed the node hostile input (test_fuzz_*.py): how many
examples to run, the in-process dispatcher they drive, strict JSON and envelope checks, and a
fingerprint of the node's state to compare before and after a refused request.

Example counts: each test names its default (small enough for `make test`); FUZZ_EXAMPLES=N
(`make fuzz`) runs N examples in each instead, or N * share for the slower ones. A test marked
@counted (under @given) tallies the examples it ran; tests/rpc/conftest.py reports the tallies
when FUZZ_EXAMPLES is set.
"""
import asyncio
import contextlib
import functools
import json
import math
import os
from typing import Any, Callable, Iterator

import pytest

from hypothesis import HealthCheck, settings

from pydevnet.node.queries import LATEST
from pydevnet.rpc.dispatch import Dispatcher
from pydevnet.rpc.methods import send_sync

MAX_TIMESTAMP = 2 ** 64 - 1
ENVELOPE_KEYS = {"jsonrpc", "id", "result", "error"}


def examples(default: int, share: float = 1.0) -> int:
    """The number of examples for a property test: `default`, or FUZZ_EXAMPLES * share."""
    wanted = os.environ.get("FUZZ_EXAMPLES")
    return max(1, int(int(wanted) * share)) if wanted else default


EXAMPLES_RUN: dict[str, int] = {}  # "module::test" -> examples run in this process


def counted(test: Callable) -> Callable:
    """Count the examples hypothesis runs through `test` (put it under @given)."""
    key = f"{test.__module__}::{test.__name__}"

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        EXAMPLES_RUN[key] = EXAMPLES_RUN.get(key, 0) + 1
        return test(*args, **kwargs)
    return run


SYNC_WAIT_MS = 20  # how long eth_send*TransactionSync waits for a receipt in the fuzz tests


@contextlib.contextmanager
def short_sync_waits() -> Iterator[None]:
    """eth_sendRawTransactionSync and eth_sendTransactionSync wait SYNC_WAIT_MS at most, not 20 s.

    Under automine a pooled transaction is mined (or not) before the wait begins, so the answer
    is the same with any timeout: a receipt, or code 4 for a transaction that waits in the
    queued pool behind a nonce gap."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(send_sync, "DEFAULT_TIMEOUT_MS", SYNC_WAIT_MS)
        patch.setattr(send_sync, "MAX_TIMEOUT_MS", SYNC_WAIT_MS)
        yield


def fuzz_settings(default: int, share: float = 1.0) -> settings:
    return settings(max_examples=examples(default, share), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


def _refuse_constant(name: str) -> Any:
    raise AssertionError(f"{name} in an answer: not JSON")


def strict_loads(text: str) -> Any:
    """json.loads that fails on NaN, Infinity and -Infinity (Python's json accepts them)."""
    assert isinstance(text, str), type(text)
    return json.loads(text, parse_constant=_refuse_constant)


def check_envelope(answer: Any) -> dict:
    """One JSON-RPC 2.0 answer object: jsonrpc, id, and exactly one of result and error (with
    an integer code and a string message)."""
    assert isinstance(answer, dict), answer
    assert answer.keys() <= ENVELOPE_KEYS, answer.keys()
    assert answer["jsonrpc"] == "2.0" and "id" in answer, answer
    assert ("result" in answer) != ("error" in answer), answer
    if "error" in answer:
        err = answer["error"]
        assert isinstance(err, dict) and err.keys() <= {"code", "message", "data"}, err
        assert type(err["code"]) is int and isinstance(err["message"], str), err
    rid = answer["id"]
    assert rid is None or isinstance(rid, (str, int)) or (
        isinstance(rid, float) and math.isfinite(rid)), rid
    return answer


class InProcess:
    """The dispatcher over a devnet, driven on this thread's own event loop (no HTTP)."""

    def __init__(self, devnet) -> None:
        self.devnet = devnet
        self.loop = asyncio.new_event_loop()
        self.dispatcher = Dispatcher(devnet, hub=None)

    def text(self, body: str | bytes) -> str | None:
        return self.loop.run_until_complete(self.dispatcher.handle_text(body))

    def request(self, method: str, params: Any, rid: Any = 1) -> dict:
        """One request as JSON text; its answer, checked to be strict JSON and an envelope."""
        body = json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return check_envelope(strict_loads(self.text(body)))

    def close(self) -> None:
        self.loop.close()
        self.devnet.shutdown()


def fingerprint(devnet, addresses: list[bytes]) -> dict:
    """What a refused request must leave as it was: the head and its state root, the pool,
    balances and nonces, the dev clock and the snapshots."""
    def read() -> dict:
        chain = devnet.chain
        pending, queued = devnet.pool_content()
        return {
            "head": chain.head.hash, "root": chain.head_root,
            "pool": ([t.hash for t in pending], [t.hash for t in queued]),
            "accounts": [(devnet.balance(a, LATEST), devnet.nonce(a, LATEST))
                         for a in addresses],
            "clock": (chain.time_offset, chain.next_timestamp),
            "snapshots": sorted(devnet._snapshots),
            "mining": devnet.mining,
        }
    return devnet.worker.run(read)


def head_timestamp(devnet) -> int:
    return devnet.worker.run(lambda: devnet.chain.head.timestamp)
