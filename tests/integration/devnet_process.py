"""The real `devnet` console process for integration tests: start it on a free 127.0.0.1 port
with its own --datadir, wait until it answers eth_chainId, talk raw JSON-RPC to it, and stop it
by its PID (SIGTERM for a clean shutdown, SIGKILL to simulate a crash).

Clients under test (web3.py, ethers.js) connect to `url` / `ws_url`; `rpc()` and `post()` are for
what a client library would hide (exact error codes and messages, malformed envelopes).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
# the console script of the environment running the tests, else the repo's .venv
DEVNET = next((p for p in (Path(sys.executable).parent / "devnet",
                           REPO_ROOT / ".venv" / "bin" / "devnet") if p.exists()),
              REPO_ROOT / ".venv" / "bin" / "devnet")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class RPCFailure(Exception):
    """A JSON-RPC error answer: code, message and data."""

    def __init__(self, error: dict) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


def _die_with_parent() -> None:
    """Linux: the devnet gets SIGKILL if the test process dies first (a crashed or killed xdist
    worker must not leave nodes behind); elsewhere the fixtures' teardown is all there is.
    The signal follows the thread that started the process: start nodes from the main thread."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevnetProcess:
    def __init__(self, datadir: Path, *args: str) -> None:
        if not DEVNET.exists():
            raise FileNotFoundError(f"{DEVNET} is missing: run `make install` first")
        self.datadir = Path(datadir)
        self.args = list(args)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = self.datadir.parent / f"{self.datadir.name}.log"
        self._id = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> "DevnetProcess":
        """Start on a fresh free port (a port taken in between is retried) and wait until
        eth_chainId answers."""
        for _attempt in range(3):
            self.port = free_port()
            with open(self.log_path, "ab") as logf:
                self.proc = subprocess.Popen(
                    [str(DEVNET), "--host", "127.0.0.1", "--port", str(self.port),
                     "--datadir", str(self.datadir), *self.args],
                    stdout=logf, stderr=subprocess.STDOUT, cwd=self.datadir.parent,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None)
            if self._wait_ready():
                return self
            if "cannot listen" not in self.log():
                break
        raise RuntimeError(f"devnet did not start (exit {self.proc.poll()}):\n{self.log()}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if self.rpc("eth_chainId") is not None:
                    return True
            except (OSError, RPCFailure):
                time.sleep(0.05)
        self.stop(signal.SIGKILL)
        return False

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig` to the process by its PID and wait for it; returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        os.kill(self.proc.pid, sig)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(STOP_TIMEOUT)
            raise RuntimeError(f"devnet ignored signal {sig} for {STOP_TIMEOUT}s")

    def restart(self, sig: int = signal.SIGTERM) -> "DevnetProcess":
        self.stop(sig)
        return self.start()

    def __enter__(self) -> "DevnetProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- raw JSON-RPC --------------------------------------------------------------------------
    def post(self, body: bytes | str, timeout: float = 30.0) -> tuple[int, Any]:
        """POST `body` as it is; (HTTP status, decoded JSON answer or None)."""
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url, data=data,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        return status, (json.loads(text) if text else None)

    def request(self, method: str, *params: Any) -> dict:
        self._id += 1
        status, answer = self.post(json.dumps(
            {"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)}))
        assert status == 200 and answer["id"] == self._id, (status, answer)
        return answer

    def rpc(self, method: str, *params: Any) -> Any:
        """The result, or RPCFailure with the error."""
        answer = self.request(method, *params)
        if "error" in answer:
            raise RPCFailure(answer["error"])
        return answer["result"]

    def error(self, method: str, *params: Any) -> RPCFailure:
        """The error a call must give (AssertionError if it succeeds)."""
        answer = self.request(method, *params)
        assert "error" in answer and "result" not in answer, answer
        return RPCFailure(answer["error"])
