"""docker-compose.yml and the Dockerfile agree with each other and with the `devnet` command line
(there is no Docker engine here, so the files are parsed and the container's command is run as a
plain process): the devnet service runs `devnet --host 0.0.0.0 --allow-remote-dev`, publishes
8545 on the host's 127.0.0.1 only (the dev methods it serves must not reach the network), mounts
a declared named volume at the --datadir it passes, and the image's ENTRYPOINT/CMD, EXPOSE,
VOLUME, WORKDIR and COPY lines fit that command."""
import json
import re

import pytest
import yaml

from tests.integration.devnet_process import REPO_ROOT, DevnetProcess
from tests.integration.support import CHAIN_ID

COMPOSE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
PORT = 8545


def _option(argv: list[str], name: str, default: str | None = None) -> str | None:
    """The value of the last `name VALUE` or `name=VALUE` in argv (argparse's rule)."""
    value = default
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


@pytest.fixture(scope="module")
def dockerfile() -> dict[str, list]:
    """Instruction -> list of arguments, for each occurrence (JSON form decoded)."""
    out: dict[str, list] = {}
    for line in DOCKERFILE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        rest = rest.strip()
        value = json.loads(rest) if rest.startswith("[") else rest
        out.setdefault(instruction.upper(), []).append(value)
    return out


@pytest.fixture(scope="module")
def service() -> dict:
    compose = yaml.safe_load(COMPOSE.read_text())
    assert "devnet" in compose["services"], "docker-compose.yml needs a `devnet` service"
    return compose["services"]["devnet"]


@pytest.fixture(scope="module")
def argv(service, dockerfile) -> list[str]:
    """The container's command: ENTRYPOINT + (compose `command`, else the image's CMD)."""
    (entrypoint,) = dockerfile["ENTRYPOINT"]
    assert isinstance(entrypoint, list), "ENTRYPOINT should use the JSON (exec) form"
    command = service.get("command", dockerfile["CMD"][-1])
    assert isinstance(command, list), "the command should be a list (exec form)"
    return entrypoint + command


def test_service_runs_devnet_on_all_interfaces(argv):
    assert argv[0] == "devnet"
    assert _option(argv, "--host") == "0.0.0.0"
    assert _option(argv, "--port", str(PORT)) == str(PORT)
    assert "--memory" not in argv, "the chain must live in the volume, not in memory"


def test_publishes_8545_on_loopback_only(service, dockerfile):
    """Docker publishes on every interface unless told otherwise; with --allow-remote-dev that
    would hand the dev keys, impersonation and state edits to the network."""
    published = []
    for p in service["ports"]:
        if isinstance(p, dict):  # the long syntax
            published.append((p.get("host_ip"), str(p.get("published")), str(p["target"])))
            continue
        m = re.fullmatch(r"(?:(\[[0-9a-fA-F:]+\]|[^:]+):)?(\d+):(\d+)(?:/tcp)?", str(p))
        assert m, f"unexpected ports entry {p!r}"
        published.append(m.groups())
    assert (("127.0.0.1", str(PORT), str(PORT))) in published, published
    for host_ip, _, _ in published:
        assert host_ip in ("127.0.0.1", "[::1]"), f"{host_ip or 'every interface'} is not loopback"
    assert str(PORT) in dockerfile["EXPOSE"]


def test_allows_remote_dev_inside_the_container(argv):
    """The container's loopback is not the host's: the node listens on 0.0.0.0 to be reached
    through the published port, so the dev methods need --allow-remote-dev."""
    assert "--allow-remote-dev" in argv
    assert "--allow-remote-dev" in COMPOSE.read_text().split("command:")[0], \
        "say why, in a comment above the command"


def test_named_volume_is_mounted_at_the_datadir_and_declared(service, argv, dockerfile):
    compose = yaml.safe_load(COMPOSE.read_text())
    datadir = _option(argv, "--datadir")
    assert datadir is not None and datadir.startswith("/"), "--datadir must be an absolute path"
    mounts = {}
    for v in service["volumes"]:
        if isinstance(v, str):
            source, target = v.split(":")[:2]
        else:
            source, target = v["source"], v["target"]
        mounts[target] = source
    assert datadir in mounts, f"nothing is mounted at --datadir {datadir}: {mounts}"
    volume = mounts[datadir]
    assert not volume.startswith((".", "/")), f"{volume} is a bind mount, not a named volume"
    assert volume in (compose.get("volumes") or {}), f"volume {volume} is not declared"
    assert [datadir] in dockerfile["VOLUME"] or datadir in dockerfile["VOLUME"]


def test_dockerfile_cmd_matches_the_compose_command(service, dockerfile):
    cmd = dockerfile["CMD"][-1]
    command = service["command"]
    for option in ("--host", "--port", "--datadir", "--genesis"):
        assert _option(cmd, option) == _option(command, option), option


def test_image_holds_what_the_command_needs(argv, dockerfile):
    (workdir,) = dockerfile["WORKDIR"]
    copied = {}
    for args in dockerfile["COPY"]:
        *sources, target = args.split()
        for src in sources:
            dest = target if not target.endswith("/") else target + src
            dest = dest if dest.startswith("/") else f"{workdir}/{dest.removeprefix('./')}"
            copied[src] = dest.rstrip("/")
    for package in ("rpc", "node", "vm", "state"):
        assert package in copied, f"the image does not copy the {package}/ package"
    genesis = _option(argv, "--genesis")
    if genesis is not None:
        assert genesis in copied.values(), f"{genesis} is not in the image: {copied}"
    assert any("pip install" in run for run in dockerfile["RUN"])


def test_the_container_command_runs(argv, devnet, tmp_path):
    """The service's own arguments (--host 0.0.0.0, the genesis file mapped from /app to the
    repo) start a node; --port and --datadir are the test's. Its genesis is the built-in one."""
    rest, args = argv[1:], []
    while rest:
        option, rest = rest[0], rest[1:]
        if option in ("--port", "--datadir"):
            rest = rest[1:]
        elif option == "--genesis":  # COPY genesis.json into WORKDIR /app
            args += [option, str(REPO_ROOT / "genesis.json")]
            rest = rest[1:]
        else:
            args.append(option)
    proc = DevnetProcess(tmp_path / "data", "--quiet", *args).start()
    try:
        assert proc.rpc("eth_chainId") == hex(CHAIN_ID)
        genesis = proc.rpc("eth_getBlockByNumber", "0x0", False)
        assert genesis["hash"] == devnet.rpc("eth_getBlockByNumber", "0x0", False)["hash"]
        assert "Listening on http://0.0.0.0:" in proc.log()
        assert "WARNING: listening on 0.0.0.0 (not loopback) with --allow-remote-dev" in proc.log()
        tx_hash = proc.rpc("eth_sendTransaction", {"from": proc.rpc("eth_accounts")[0],
                                                   "to": "0x" + "11" * 20, "value": "0x1"})
        assert proc.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    finally:
        proc.stop()
