"""The remote of a fork: a small JSON-RPC client over HTTP with bounded retries.

Every call goes to one URL; `batch` sends several calls in one JSON-RPC batch (one round trip).
A remote that is slow (timeout), rate-limits (HTTP 429) or fails (a transport error, an HTTP 5xx,
a JSON-RPC error answer, a malformed answer) is retried `retries` times with exponential backoff
(Retry-After is honoured up to MAX_BACKOFF); then RemoteError names the remote call and the last
failure. Nothing here caches: callers store only what they verified, never a failure.

This is the one place in node/ that speaks JSON: the remote talks JSON-RPC, and its answers are
turned into bytes and ints by the callers in this package (hexes()).
"""
from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

# http.client and urllib.request (with email and ssl behind them, ~20 ms) are imported by the
# first remote call: node/cli.py imports this module for its defaults whether or not it forks.

DEFAULT_RETRIES = 5  # Anvil's --fork-retries default
DEFAULT_TIMEOUT = 45.0  # Anvil's --timeout default (45,000 ms)
FIRST_BACKOFF = 0.1
MAX_BACKOFF = 5.0


class RemoteError(Exception):
    """The fork's remote failed a call after every retry (the message names the call)."""


class _Failure(Exception):
    """One attempt failed; `wait` is the remote's Retry-After, if it gave one."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return min(float(value), MAX_BACKOFF) if value is not None else None
    except ValueError:
        return None


class RemoteClient:
    """JSON-RPC over HTTP to `url`; safe to share between threads."""

    def __init__(self, url: str, retries: int = DEFAULT_RETRIES,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"the fork URL must be http:// or https://, got {url!r}")
        self.url = url
        self.retries = max(0, retries)
        self.timeout = timeout
        self._ids = 0
        self._lock = threading.Lock()
        self.requests = 0  # HTTP requests sent (attempts included): the benchmark counts them

    def call(self, method: str, params: list) -> Any:
        """The result of one call."""
        return self.batch([(method, params)])[0]

    def batch(self, calls: list[tuple[str, list]]) -> list[Any]:
        """The results of `calls`, in order, in one round trip (a JSON-RPC batch if several)."""
        names = ", ".join(sorted({m for m, _ in calls}))
        delay = FIRST_BACKOFF
        for attempt in range(self.retries + 1):
            try:
                return self._attempt(calls)
            except _Failure as f:
                if attempt == self.retries:
                    raise RemoteError(f"fork remote {self.url}: {names} failed after "
                                      f"{attempt + 1} attempt(s): {f}") from None
                time.sleep(f.wait if f.wait is not None else delay)
                delay = min(delay * 2, MAX_BACKOFF)
        raise AssertionError("unreachable")

    def _attempt(self, calls: list[tuple[str, list]]) -> list[Any]:
        with self._lock:
            first = self._ids
            self._ids += len(calls)
            self.requests += 1
        msgs = [{"jsonrpc": "2.0", "id": first + i, "method": m, "params": p}
                for i, (m, p) in enumerate(calls)]
        body = json.dumps(msgs if len(msgs) > 1 else msgs[0]).encode()
        answer = self._post(body)
        if len(msgs) == 1 and isinstance(answer, dict):
            answer = [answer]
        if not isinstance(answer, list):
            raise _Failure(f"not a JSON-RPC answer: {str(answer)[:200]}")
        by_id = {a.get("id"): a for a in answer if isinstance(a, dict)}
        results = []
        for msg in msgs:
            a = by_id.get(msg["id"])
            if a is None:
                raise _Failure(f"no answer to {msg['method']}")
            if "error" in a:
                err = a["error"]
                text = err.get("message") if isinstance(err, dict) else err
                raise _Failure(f"{msg['method']}: {text}")
            if "result" not in a:
                raise _Failure(f"{msg['method']}: an answer without a result")
            results.append(a["result"])
        return results

    def _post(self, body: bytes) -> Any:
        import http.client
        import urllib.error
        import urllib.request
        req = urllib.request.Request(self.url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                text = resp.read()
        except urllib.error.HTTPError as e:
            raise _Failure(f"HTTP {e.code} {e.reason}", _retry_after(e.headers)) from None
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError,
                http.client.HTTPException, OSError) as e:
            reason = getattr(e, "reason", e)
            raise _Failure(f"{type(reason).__name__}: {reason}") from None
        try:
            return json.loads(text)
        except ValueError:
            raise _Failure(f"the answer is not JSON: {text[:200]!r}") from None


def hexes(value: str | None) -> bytes:
    """0x-hex data from the remote as bytes."""
    if value is None:
        return b""
    return bytes.fromhex(value[2:] if value.startswith(("0x", "0X")) else value)


def qty(value: str | int | None) -> int:
    """A quantity from the remote (0x-hex; a JSON number from lenient nodes)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return int(value, 16)


def block_param(number: int) -> str:
    return hex(number)
