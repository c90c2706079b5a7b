"""`devnet --help` (and a bad option) answer from the argument parser alone: the command line
imports aiohttp, the server, the node and the VM only once it starts a node (rpc/main.py,
node/cli.py and pydevnet/__init__.py import them lazily). Checked by listing sys.modules in a
fresh interpreter, not by timing."""
import json
import subprocess
import sys

# each of these (with its submodules) costs tens of milliseconds or more to import; together
# they made `devnet --help` take 0.9 to 1.3 s. (The Anvil options' parser still brings the state
# dump's modules, the opcode table among them: about 0.05 s.)
HEAVY = ("aiohttp", "asyncio", "pydevnet.api", "pydevnet.rpc.server", "pydevnet.rpc.dispatch",
         "pydevnet.rpc.methods", "pydevnet.node.devnet", "pydevnet.node.chain.chain",
         "pydevnet.node.chain.db", "pydevnet.node.tx.decode", "pydevnet.vm.precompiles",
         "mclbn256", "ckzg", "eth_account", "web3",
         # the fork's HTTP client and the version lookup (-V) load on use: ~30 ms together
         "http.client", "urllib.request", "importlib.metadata")

SCRIPT = """
import json, sys
from pydevnet import main
sys.argv = ["devnet", *sys.argv[1:]]
try:
    main()
except SystemExit as e:
    code = e.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _run(*argv: str) -> tuple[dict, str]:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, *argv], capture_output=True,
                          text=True, timeout=120)
    last = proc.stdout.strip().splitlines()[-1]
    return json.loads(last), proc.stdout + proc.stderr


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_imports_no_heavy_module() -> None:
    out, text = _run("--help")
    assert out["code"] == 0 and "usage: devnet" in text and "--fsync" in text
    assert _heavy(out["modules"]) == []


def test_bad_option_imports_no_heavy_module() -> None:
    out, text = _run("--no-such-option")
    assert out["code"] == 2 and "unrecognized arguments: --no-such-option" in text
    assert _heavy(out["modules"]) == []


def test_the_library_face_still_imports_devnet() -> None:
    """pydevnet.Devnet is imported on first use (PEP 562), and is the api module's class."""
    code = ("import sys, pydevnet; assert 'pydevnet.api' not in sys.modules; "
            "from pydevnet import Devnet, Account, RPCError; import pydevnet.api as a; "
            "assert (Devnet, Account, RPCError) == (a.Devnet, a.Account, a.RPCError); "
            "print(pydevnet.__version__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().count(".") >= 2


# what opening a node (node.cli.parse_node_args) must leave for later: the precompiles' C
# libraries (first call), eth_account/web3, the fork's HTTP client and -V's version lookup
NOT_AT_START = ("mclbn256", "Crypto", "cryptography", "gmpy2", "py_arkworks_bls12381", "blake2b",
                "eth_account", "web3", "http.client", "urllib.request", "importlib.metadata")

OPEN_SCRIPT = """
import json, sys
from pydevnet.node import cli
args, devnet = cli.parse_node_args(["--memory", "--quiet"])
print(json.dumps({"chain_id": devnet.genesis.chain_id, "modules": sorted(sys.modules)}))
devnet.shutdown(grace=0)
"""


def test_opening_a_node_leaves_the_precompile_libraries_for_their_first_call() -> None:
    proc = subprocess.run([sys.executable, "-c", OPEN_SCRIPT], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["chain_id"] == 31337
    loaded = [m for m in out["modules"] if any(m == n or m.startswith(n + ".")
                                               for n in NOT_AT_START)]
    assert loaded == []
