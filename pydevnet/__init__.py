"""pydevnet: a deterministic local Ethereum development node with its own EVM (the KVM), a fixed
unit gas price and a LevelDB Merkle Patricia trie.

The distribution claims this one import name. Its parts live in the repository's top-level
folders and are installed beneath it:

- `pydevnet.rpc`   (rpc/)   the aiohttp JSON-RPC server: transport, dispatch, codecs, methods
- `pydevnet.node`  (node/)  the devnet: chain, transactions, pool, miner, calls, tracers, CLI
- `pydevnet.vm`    (vm/)    the KVM: interpreter, opcode table, forks, gas, precompiles, jit
- `pydevnet.state` (state/) stores, RLP, the Merkle Patricia trie, accounts, journal, StateDB

Imports flow one way, rpc -> node -> vm -> state. This package is the public face: `Devnet` (the
node in-process, pydevnet/api.py), its providers for web3.py (pydevnet/web3_provider.py), the
pytest plugin (pydevnet/pytest_plugin.py) and `main` (the `devnet` command; `python -m pydevnet`
is the same).
"""
__all__ = ["Devnet", "Account", "RPCError", "main", "__version__"]
_API = ("Devnet", "Account", "RPCError")


def __getattr__(name: str):
    """`Devnet`, `Account` and `RPCError` (pydevnet/api.py) are imported on first use (PEP 562),
    so that `devnet --help` and the command line's start do not import the whole node first."""
    if name in _API:
        from pydevnet import api
        return getattr(api, name)
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'pydevnet' has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """The `devnet` command line."""
    from pydevnet.rpc.main import main as _main
    return _main(argv)


def _version() -> str:
    from importlib import metadata
    try:
        return metadata.version("pydevnet")
    except metadata.PackageNotFoundError:
        return "0.0.0"
