"""One installable package: the distribution claims the single import name `pydevnet`, every
subpackage folder is in the wheel, no source imports the folders by their bare names, and a wheel
installed in a fresh venv outside the tree runs `devnet` and `python -m pydevnet`.

The fresh venv gets the wheel alone (--no-deps) and finds the third-party dependencies through a
path entry to this environment's site-packages, so the test needs no download; the run happens
from a directory outside the repository, so nothing can come from the source tree."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"pydevnet": ROOT / "pydevnet", "pydevnet.node": ROOT / "node",
           "pydevnet.rpc": ROOT / "rpc", "pydevnet.vm": ROOT / "vm",
           "pydevnet.state": ROOT / "state"}
OLD_NAMES = re.compile(r"^\s*(from|import) (node|rpc|vm|state)(\.| |$)", re.M)


def _packages_on_disk() -> set[str]:
    found = set()
    for name, folder in FOLDERS.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            found.add(".".join((name, *rel)))
    return found


def test_pyproject_lists_every_subpackage() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(config["packages"]) == _packages_on_disk()
    assert {k: ROOT / v for k, v in config["package-dir"].items()} == FOLDERS


def test_no_source_imports_the_bare_folder_names() -> None:
    offenders = []
    for folder in [*FOLDERS.values(), ROOT / "tests", ROOT / "bench"]:
        for path in folder.rglob("*.py"):
            # installed third-party trees: npm's, bench's peers, make toolchains' venv
            if {"node_modules", ".peers", ".venv"} & set(path.parts):
                continue
            if OLD_NAMES.search(path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of what the wheel needs (setuptools writes build/ beside its input)."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for folder in FOLDERS.values():
        shutil.copytree(folder, src / folder.name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(src)],
                   check=True, capture_output=True, cwd=out)
    (built,) = out.glob("pydevnet-*.whl")
    return built


def test_wheel_claims_only_pydevnet(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"pydevnet", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                    + ".dist-info"}
    for package in _packages_on_disk():
        assert package.replace(".", "/") + "/__init__.py" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "devnet = pydevnet:main" in entry_points


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> tuple[Path, Path, dict]:
    """(venv, a working directory outside the tree, env): the wheel alone in a fresh venv,
    the dependencies through a path entry to this environment's site-packages."""
    tmp_path = tmp_path_factory.mktemp("installed")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True)
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], check=True, capture_output=True,
                               text=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return venv, work, env


def test_wheel_runs_outside_the_tree(installed) -> None:
    venv, work, env = installed
    py, devnet = venv / "bin" / "python", venv / "bin" / "devnet"
    where = subprocess.run([str(py), "-c", "import pydevnet, pydevnet.node.devnet as d; "
                            "print(pydevnet.__file__); print(d.__file__)"], check=True,
                           capture_output=True, text=True, cwd=work, env=env).stdout.split()
    assert all(p.startswith(str(venv)) for p in where), where
    for cmd in ([str(devnet), "--help"], [str(py), "-m", "pydevnet", "--help"]):
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=work, env=env)
        assert out.returncode == 0 and "--datadir" in out.stdout, out.stderr
    port = _free_port()
    proc = subprocess.Popen([str(py), "-m", "pydevnet", "--memory", "--port", str(port),
                             "--quiet"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        answer = None
        deadline = time.monotonic() + 30
        while answer is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}", headers={"Content-Type": "application/json"},
                    data=b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance",'
                         b'"params":["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","latest"]}')
                answer = json.loads(urllib.request.urlopen(req, timeout=5).read())
            except OSError:
                time.sleep(0.1)
        assert answer == {"jsonrpc": "2.0", "id": 1, "result": hex(10_000 * 10 ** 18)}, \
            proc.stderr.read().decode() if proc.poll() is not None else answer
    finally:
        proc.terminate()
        proc.wait(10)


USER_PROJECT = """
def test_transfer(w3, devnet):
    a, b = devnet.accounts[0].address, devnet.accounts[1].address
    w3.eth.send_transaction({"from": a, "to": b, "value": 10**18})
    assert w3.eth.get_balance(b) == 10_001 * 10**18

def test_isolated(w3, devnet):
    assert w3.eth.get_balance(devnet.accounts[1].address) == 10_000 * 10**18
"""


def test_a_user_project_gets_the_fixtures_from_the_installed_wheel(installed) -> None:
    """pip install <wheel>, then a test project with no conftest: the plugin's fixtures are
    there through the pytest11 entry point."""
    venv, work, env = installed
    project = work / "project"
    project.mkdir()
    (project / "test_token.py").write_text(USER_PROJECT)
    out = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-q",
                          "-p", "no:cacheprovider", str(project)], capture_output=True,
                         text=True, cwd=project, env=env, timeout=120)
    assert out.returncode == 0 and "2 passed" in out.stdout, out.stdout + out.stderr
