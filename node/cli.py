"""The `devnet` command line: the node's options, the startup banner, `devnet statetest` and
`devnet blocktest`.

`parse_node_args(argv)` builds the Devnet from the options; rpc/main.py (the console entry point,
since only rpc/ may import the server) prints the banner from `banner()` and serves it.
"""
import argparse
import json
import logging
import os
import sys

from pydevnet.node import anvil_options
from pydevnet.node.fork import cli as fork_cli
from pydevnet.node.hosts import is_loopback
from pydevnet.node.dev.state_dump import StateFileError
from pydevnet.node.workers import run_in_vm_thread

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8545
DEFAULT_DATADIR = ".devnet"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="devnet",
        description="pydevnet: a deterministic local Ethereum development node. "
                    "'devnet statetest PATH...' runs ethereum/tests GeneralStateTests instead, "
                    "'devnet blocktest PATH...' execution-spec-tests blockchain tests.")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help="interface to listen on (default %(default)s; 0.0.0.0 in Docker)")
    p.add_argument("-p", "--port", type=int, default=DEFAULT_PORT,
                   help="JSON-RPC port, HTTP and WebSocket (default %(default)s)")
    p.add_argument("--datadir", default=DEFAULT_DATADIR,
                   help="LevelDB data directory; the chain resumes from it (default %(default)s)")
    p.add_argument("--memory", action="store_true",
                   help="keep everything in memory instead of --datadir (lost on exit)")
    p.add_argument("--fsync", action="store_true",
                   help="wait for the disk on every block write (survives a machine crash; "
                        "without it a write survives any crash of the node process, kill -9 "
                        "included, and is lost only if the machine goes down)")
    p.add_argument("--genesis", metavar="FILE",
                   help="genesis.json to start a new chain from (default: the built-in "
                        "one: chain id 31337, 25 gwei unit price, 20 dev accounts)")
    p.add_argument("--hardfork", metavar="NAME", type=str.lower,
                   help="the fork of a new chain: cancun, prague, osaka, bpo1 or bpo2 (default: "
                        "genesis.json's config.fork, else Osaka); an existing data dir keeps "
                        "its own, and naming another is an error")
    p.add_argument("-b", "--block-time", type=float, metavar="SECONDS",
                   help="mine a block every SECONDS with all pending transactions instead "
                        "of one block per transaction; also the timestamp step")
    p.add_argument("--mixed-mining", action="store_true",
                   help="automine each transaction and also mine a block every --block-time "
                        "seconds (Anvil's --mixed-mining)")
    p.add_argument("--no-mining", "--no-mine", action="store_true",
                   help="leave transactions pending until evm_mine")
    p.add_argument("--wallclock", action="store_true",
                   help="take block timestamps from the wall clock (not deterministic)")
    p.add_argument("--cors", default="*", metavar="ORIGINS",
                   help="comma-separated allowed CORS origins (default %(default)s); with a "
                        "list, requests carrying another Origin are refused (HTTP 403)")
    p.add_argument("--allow-remote-dev", action="store_true",
                   help="on a non-loopback --host, still serve the methods that sign with the "
                        "dev keys (eth_sendTransaction, eth_sign*, personal_sign, "
                        "eth_signTransaction), impersonate or edit state (evm_*, anvil_*, "
                        "hardhat_*); anyone who reaches the port can then use them")
    p.add_argument("--allowed-hosts", metavar="HOSTS",
                   help="comma-separated host names accepted in the Host header besides "
                        "loopback ones (DNS-rebinding protection; * accepts any)")
    p.add_argument("--rpc-gas-cap", type=int, default=50_000_000, metavar="GAS",
                   help="most gas an eth_call, eth_estimateGas, eth_createAccessList or "
                        "debug_traceCall may use (default %(default)s, as geth; 0: no cap)")
    p.add_argument("--rpc-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="wall-clock limit of those calls and of debug traces without their "
                        "own timeout (default %(default)s, as geth; 0: none)")
    p.add_argument("--quiet", action="store_true", help="no per-block and per-transaction log")
    p.add_argument("--trace-max-bytes", type=int, default=64 * 1024 * 1024, metavar="BYTES",
                   help="largest answer of a debug_trace*/trace_* call; past it the trace stops "
                        "with an error (default %(default)s; 0: no limit)")
    p.add_argument("--disable-console-log", action="store_true",
                   help="do not print contracts' console.log (Hardhat's console.sol) and Kaia "
                        "vmLog (0x3fd) messages")
    anvil_options.add_arguments(p)
    fork_cli.add_arguments(p)
    p.add_argument("-V", "--version", action=_Version, nargs=0, default=argparse.SUPPRESS,
                   help="show program's version number and exit")
    return p


class _Version(argparse.Action):
    """argparse's version action, reading the installed version (importlib.metadata, ~10 ms
    with what it imports) only when -V is given rather than whenever the parser is built."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(_version_line())
        parser.exit()


def _version_line() -> str:
    from importlib import metadata
    try:
        v = metadata.version("pydevnet")
    except metadata.PackageNotFoundError:
        v = "0.0.0"
    return f"devnet (pydevnet) {v}, compatible with anvil 1.7.1"


def parse_node_args(argv: list[str] | None = None):
    """Parse the node options and open the Devnet; returns (args, devnet). Exits with a
    message naming the problem on a bad genesis or an unusable data dir."""
    args = build_parser().parse_args(argv)  # first: --help and bad options import no node
    from pydevnet.node.config import SUPPORTED_FORKS, Genesis, GenesisError, load_genesis
    from pydevnet.node.chain.chain import GenesisMismatch
    from pydevnet.node.chain.db import LayoutError
    from pydevnet.node.devnet import Devnet, MiningMode
    from pydevnet.state.store import LevelDBStore, MemoryStore, StoreOpenError
    if args.block_time is not None and args.no_mining:
        sys.exit("devnet: --block-time and --no-mining exclude each other")
    if args.mixed_mining and args.block_time is None:
        sys.exit("devnet: --mixed-mining needs --block-time (the interval of its extra blocks)")
    try:
        genesis = load_genesis(args.genesis) if args.genesis else Genesis()
    except GenesisError as e:
        sys.exit(f"devnet: {e}")
    problem = anvil_options.check(args) or fork_cli.check(args)
    if problem:
        sys.exit(f"devnet: {problem}")
    anvil_options.apply_to_genesis(args, genesis)
    if args.hardfork is not None:
        if args.hardfork not in SUPPORTED_FORKS:
            sys.exit(f"devnet: --hardfork: {args.hardfork!r} is not supported (supported: "
                     f"{', '.join(SUPPORTED_FORKS)})")
        genesis.fork = args.hardfork
    if args.rpc_gas_cap < 0 or args.rpc_timeout < 0:
        sys.exit("devnet: --rpc-gas-cap and --rpc-timeout must not be negative")
    if args.block_time is not None:
        if args.block_time <= 0:
            sys.exit("devnet: --block-time must be positive")
        genesis.block_period = max(1, round(args.block_time))
    mining = MiningMode.MANUAL if args.no_mining else \
        MiningMode.INTERVAL if args.block_time is not None and not args.mixed_mining \
        else MiningMode.AUTO
    if args.memory:
        store = MemoryStore()
    else:
        os.makedirs(args.datadir, exist_ok=True)
        try:
            store = LevelDBStore(os.path.join(args.datadir, "chaindata"), fsync=args.fsync)
        except StoreOpenError as e:
            sys.exit(f"devnet: cannot open data dir {args.datadir}: {e}")
    _configure_logging(args.quiet or args.silent)
    try:
        fork = fork_cli.open_from_args(args, genesis, store)
    except fork_cli.RemoteError as e:
        store.close()
        sys.exit(f"devnet: cannot fork {args.fork_url}: {e}")
    try:
        devnet = Devnet(store, genesis, mining=mining, wallclock=args.wallclock,
                        block_time=args.block_time, rpc_gas_cap=args.rpc_gas_cap,
                        mixed_mining=args.mixed_mining,
                        rpc_timeout=args.rpc_timeout, trace_max_bytes=args.trace_max_bytes,
                        console_log=not args.disable_console_log, fork=fork)
    except GenesisMismatch as e:
        flags = anvil_options.given(args)
        sys.exit(f"devnet: {' '.join(flags)} contradict{'s' if len(flags) == 1 else ''} the "
                 f"chain in {args.datadir}: {e}" if flags else f"devnet: {e}")
    except LayoutError as e:
        sys.exit(f"devnet: {e}")
    devnet.client_version = args.client_version
    try:
        anvil_options.load_at_start(args, devnet)
    except StateFileError as e:
        devnet.shutdown()
        sys.exit(f"devnet: cannot load the state: {e}")
    return args, devnet


def _configure_logging(quiet: bool) -> None:
    log = logging.getLogger("devnet")
    if not log.handlers:
        h = logging.StreamHandler(sys.stdout)
        h.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(h)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False


def banner(args, devnet) -> str:
    """The startup banner: accounts and keys, wallet, chain id, unit price, gas limit, genesis
    hash, data dir and URL (Anvil's layout)."""
    from pydevnet.node.accounts import to_checksum_address
    from pydevnet.node.config import fork_title
    g = devnet.genesis
    lines = ["", f"pydevnet: a deterministic Ethereum devnet ({fork_title(g.fork)}, fixed unit "
                 f"price)", "",
             "Available Accounts", "=================="]
    accts = list(devnet.accounts.values())
    for a in accts:
        bal = g.alloc[a.address].balance if a.address in g.alloc else 0
        lines.append(f"({a.index}) {to_checksum_address(a.address)} ({bal / 10**18:.1f} ETH)")
    lines += ["", "Private Keys", "=================="]
    lines += [f"({a.index}) 0x{a.private_key.hex()}" for a in accts]
    lines += ["", "Wallet", "==================", f"Mnemonic:          {g.mnemonic}",
              f"Derivation path:   {g.derivation_path}/", "",
              f"Chain ID:          {g.chain_id}",
              f"Unit price:        {g.unit_price} wei ({g.unit_price / 10**9:g} gwei)",
              f"Gas limit:         {g.gas_limit}",
              f"Genesis hash:      0x{devnet.chain.genesis_hash.hex()}",
              f"Head:              #{devnet.chain.head.number} 0x{devnet.chain.head.hash.hex()}",
              f"Mining:            {devnet.mining.value}"
              + (f" every {args.block_time:g}s" if args.block_time else ""),
              f"Data dir:          {'(memory)' if args.memory else os.path.abspath(args.datadir)}",
              "", f"Listening on http://{args.host}:{args.port} (HTTP and WebSocket)"]
    lines += [*_access_lines(args), ""]
    return "\n".join(lines)


def _access_lines(args) -> list[str]:
    """What the network may do: beyond loopback, dev-key signing, impersonation and state edits
    are off unless --allow-remote-dev, which earns a warning (rpc/access.py enforces both)."""
    lines = [f"Allowed hosts:     loopback, {args.allowed_hosts}"] if args.allowed_hosts else []
    if is_loopback(args.host):
        return lines
    if args.allow_remote_dev:
        return lines + [
            f"WARNING: listening on {args.host} (not loopback) with --allow-remote-dev: anyone who",
            "can reach this port can sign with the public dev keys, impersonate accounts and edit",
            "state. Publish the port on 127.0.0.1 only, or drop --allow-remote-dev."]
    return lines + [
        f"Dev methods:       disabled ({args.host} is not a loopback address): signing with the",
        "                   dev keys (eth_sendTransaction, eth_sign*, personal_sign,",
        "                   eth_signTransaction), impersonation, state edits and the other",
        "                   evm_/anvil_/hardhat_ methods are refused; --allow-remote-dev",
        "                   enables them"]


def statetest_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="devnet statetest",
                                description="Run ethereum/tests GeneralStateTests files or "
                                            "directories.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="test files or directories")
    p.add_argument("--fork", default="Cancun", help="fork whose post states are checked")
    p.add_argument("--json", action="store_true", help="print one JSON object per case")
    p.add_argument("--trace", action="store_true",
                   help="write an EIP-3155 trace to stderr (use with one case: --case/--index)")
    p.add_argument("--case", help="only the test with this name")
    p.add_argument("--index", type=int, help="only this post entry of each test")
    args = p.parse_args(argv)
    from pydevnet.node.config import fork_title
    from pydevnet.vm.forks import UnknownFork, spec_for
    try:
        spec_for(args.fork)  # an unknown fork is refused before any file is read
    except UnknownFork as e:
        p.error(str(e))
    args.fork = fork_title(args.fork)  # as the fixtures' post keys spell it: prague -> Prague
    return run_in_vm_thread(_run_statetests, args)


def _run_statetests(args: argparse.Namespace) -> int:
    from pydevnet.node.statetest import iter_files, run_file
    from pydevnet.vm.tracing import JsonTracer
    tracer = JsonTracer(sys.stderr) if args.trace else None
    results = (r for path in iter_files(args.paths)
               for r in run_file(path, args.fork, args.case, args.index, tracer))
    return _report(results, args.json and (lambda r: {
        "file": r.file, "name": r.name, "index": r.index, "indexes": r.indexes,
        "pass": r.passed, "expected": r.expected_root, "actual": r.actual_root,
        "detail": r.detail}))


def _report(results, as_json) -> int:
    """Print a line per failure (or, with `as_json`, an object per result), then the counts;
    the exit status is 0 iff nothing failed."""
    passed = failed = 0
    for r in results:
        if as_json:
            print(json.dumps(as_json(r)))
        elif not r.passed:
            print(r.line())
        passed += r.passed
        failed += not r.passed
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def blocktest_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="devnet blocktest",
                                description="Run execution-spec-tests blockchain tests (files or "
                                            "directories): import every block by Ethereum's "
                                            "rules, then check the head and the post state.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="test files or directories")
    p.add_argument("--json", action="store_true", help="print one JSON object per test")
    p.add_argument("--case", help="only the test with this name")
    args = p.parse_args(argv)
    return run_in_vm_thread(_run_blocktests, args)


def _run_blocktests(args: argparse.Namespace) -> int:
    from pydevnet.node.blocktest import iter_files, run_file
    results = (r for path in iter_files(args.paths) for r in run_file(path, args.case))
    return _report(results, args.json and (lambda r: {
        "file": r.file, "name": r.name, "network": r.network, "pass": r.passed,
        "detail": r.detail}))
