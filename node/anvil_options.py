"""Anvil's command-line flags on `devnet` (node/cli.py adds them to its parser), with Anvil's names
and meanings, so a script that starts `anvil ...` runs with `devnet ...` unchanged:

- chain shape: -a/--accounts, --balance (ETH), -m/--mnemonic, --derivation-path, --chain-id,
  --gas-limit, --gas-price (the unit price; 0 = free gas), --timestamp (genesis). They shape a
  new chain as genesis.json does, on top of it (--genesis or the built-in one); the alloc follows
  the mnemonic, accounts and balance. On an existing data dir, a flag its genesis contradicts is
  an error naming the flags (cli.py).
- state files (node/dev/state_dump.py, Anvil's plain-JSON format): --load-state PATH at start,
  --dump-state PATH at exit, --state PATH both (loaded only if it exists), --state-interval S
  (also dump every S seconds).
- output: --silent (no log), -V/--version, --config-out FILE (the banner's facts as JSON, Anvil's
  keys), --client-version STRING (web3_clientVersion).
"""
import argparse
import json
import logging
import os
import threading

from pydevnet.node.accounts import dev_accounts, to_checksum_address
from pydevnet.node.config import DEFAULT_BALANCE, ETHER, AllocAccount, Genesis
from pydevnet.node.dev.state_dump import (StateFileError, dump_state, load_state, read_state_file,
                                      write_state_file)

log = logging.getLogger("devnet")
# the flags that shape a new chain's genesis (their argparse dests)
GENESIS_FLAGS = ("accounts", "balance", "mnemonic", "derivation_path", "chain_id", "gas_limit",
                 "gas_price", "timestamp")


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("Anvil's options (same names and meanings)")
    g.add_argument("-a", "--accounts", type=int, metavar="NUM",
                   help="number of dev accounts of the mnemonic to fund (default 20)")
    g.add_argument("--balance", type=_ether, metavar="ETH",
                   help="balance of every dev account in ether (default 10000)")
    g.add_argument("-m", "--mnemonic", metavar="MNEMONIC",
                   help="BIP-39 mnemonic of the dev accounts (default: test test ... junk)")
    g.add_argument("--derivation-path", metavar="PATH",
                   help="derivation path of the dev accounts' parent key (default "
                        "m/44'/60'/0'/0/)")
    g.add_argument("--chain-id", type=int, metavar="ID", help="the chain id (default 31337)")
    g.add_argument("--gas-limit", type=int, metavar="GAS",
                   help="the block gas limit (default 30000000)")
    g.add_argument("--gas-price", type=int, metavar="WEI",
                   help="the unit price every transaction pays per gas, and every block's "
                        "base fee (default 25 gwei; 0: free gas)")
    g.add_argument("--timestamp", type=int, metavar="NUM",
                   help="the timestamp of the genesis block")
    g.add_argument("--load-state", metavar="PATH",
                   help="merge a state dump (Anvil's JSON, as --dump-state writes) into the "
                        "chain at start")
    g.add_argument("--dump-state", metavar="PATH",
                   help="write the state to PATH at exit (PATH/state.json for a directory)")
    g.add_argument("--state", metavar="PATH",
                   help="--load-state PATH if it exists, and --dump-state PATH")
    g.add_argument("-s", "--state-interval", type=float, metavar="SECONDS",
                   help="also dump the state every SECONDS (with --state or --dump-state)")
    g.add_argument("--silent", action="store_true",
                   help="print nothing: no banner, no log (as --quiet, and no banner)")
    g.add_argument("--config-out", metavar="FILE",
                   help="write the banner's facts as JSON to FILE (Anvil's keys)")
    g.add_argument("--client-version", metavar="STRING",
                   help="what web3_clientVersion answers (default: anvil/v1.7.1 (compatible; "
                        "pydevnet/<version>))")


def _ether(v: str) -> int:
    try:
        wei = round(float(v) * ETHER) if any(c in v for c in ".eE") else int(v) * ETHER
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of ether: {v!r}") from None
    if wei < 0:
        raise argparse.ArgumentTypeError("a balance is not negative")
    return wei


def check(args: argparse.Namespace) -> str | None:
    """A message for options that cannot be honoured, else None."""
    for name in ("accounts", "chain_id", "gas_limit", "gas_price", "timestamp"):
        v = getattr(args, name)
        if v is not None and v < 0:
            return f"--{name.replace('_', '-')} must not be negative"
    if args.accounts is not None and args.accounts > 1000:
        return "--accounts: at most 1000"
    if args.chain_id is not None and not 1 <= args.chain_id < 2 ** 64:
        return "--chain-id must be in [1, 2**64 - 1]"
    if args.gas_limit is not None and args.gas_limit < 21000:
        return "--gas-limit must be at least 21000"
    if args.mnemonic is not None and len(args.mnemonic.split()) not in (12, 15, 18, 21, 24):
        return "--mnemonic: expected a BIP-39 mnemonic of 12 to 24 words"
    if args.derivation_path is not None and not args.derivation_path.startswith("m/"):
        return f"--derivation-path: expected a path like m/44'/60'/0'/0/, got " \
               f"{args.derivation_path!r}"
    if args.state_interval is not None and (args.state_interval <= 0
                                            or not (args.state or args.dump_state)):
        return "--state-interval needs a positive number of seconds and --state or --dump-state"
    if args.state and (args.load_state or args.dump_state):
        return "--state is --load-state and --dump-state together: give one or the other"
    return None


def given(args: argparse.Namespace) -> list[str]:
    """The genesis-shaping flags given, as written."""
    return ["--" + n.replace("_", "-") for n in GENESIS_FLAGS if getattr(args, n) is not None]


def apply_to_genesis(args: argparse.Namespace, g: Genesis) -> None:
    """Shape genesis `g` with the flags given: the alloc's dev accounts follow the mnemonic,
    path, count and balance (its other entries stay)."""
    for name, attr in (("chain_id", "chain_id"), ("gas_limit", "gas_limit"),
                       ("gas_price", "unit_price"), ("timestamp", "timestamp")):
        if getattr(args, name) is not None:
            setattr(g, attr, getattr(args, name))
    if args.mnemonic is None and args.derivation_path is None and args.accounts is None \
            and args.balance is None:
        return
    old = {a.address for a in dev_accounts(g.mnemonic, g.accounts, g.derivation_path)}
    if args.mnemonic is not None:
        g.mnemonic = args.mnemonic
    if args.derivation_path is not None:
        g.derivation_path = args.derivation_path.rstrip("/")
    if args.accounts is not None:
        g.accounts = args.accounts
    alloc = {a: acct for a, acct in g.alloc.items() if a not in old}
    for a in (d.address for d in dev_accounts(g.mnemonic, g.accounts, g.derivation_path)):
        prior = g.alloc.get(a)
        balance = args.balance if args.balance is not None else \
            prior.balance if prior is not None else DEFAULT_BALANCE
        alloc[a] = AllocAccount(balance, prior.nonce, prior.code, prior.storage) \
            if prior is not None else AllocAccount(balance)
    g.alloc = alloc


# -- state files ---------------------------------------------------------------------------------
def load_path(args: argparse.Namespace) -> str | None:
    if args.load_state:
        return args.load_state
    if args.state and os.path.exists(args.state) and not (
            os.path.isdir(args.state) and not os.path.exists(os.path.join(args.state,
                                                                          "state.json"))):
        return args.state
    return None


def load_at_start(args: argparse.Namespace, devnet) -> None:
    """--load-state / --state: merge the file's accounts; StateFileError names the file."""
    path = load_path(args)
    if path is None:
        return
    state = read_state_file(path)
    try:
        n = devnet.worker.run(load_state, devnet, state)
    except StateFileError as e:
        raise StateFileError(f"{path}: {e}") from None
    log.info("Loaded %d accounts from %s", n, path)


class StateDumper:
    """--dump-state / --state: write the state at exit and every --state-interval seconds."""

    def __init__(self, args: argparse.Namespace, devnet) -> None:
        self.path = args.dump_state or args.state
        self.interval = args.state_interval
        self.devnet = devnet
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.path and self.interval:
            self._thread = threading.Thread(target=self._run, name="state-dumper", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.dump()

    def dump(self) -> None:
        if not self.path:
            return
        try:
            state = self.devnet.worker.run(dump_state, self.devnet)
            written = write_state_file(self.path, state)
        except Exception as e:  # a dump that fails must not stop the node: say so
            log.error("state dump to %s failed: %s", self.path, e)
            return
        log.info("Dumped the state to %s", written)

    def stop(self) -> None:
        """Stop the interval and write the last dump (call before the devnet shuts down)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        self.dump()


def config_json(devnet) -> dict:
    """--config-out: Anvil's keys (available_accounts, private_keys, wallet, base_fee,
    gas_price, gas_limit, genesis_timestamp), ours in the same shape."""
    g = devnet.genesis
    accts = list(devnet.accounts.values())
    return {"available_accounts": [to_checksum_address(a.address) for a in accts],
            "private_keys": ["0x" + a.private_key.hex() for a in accts],
            "wallet": {"derivation_path": g.derivation_path + "/", "mnemonic": g.mnemonic},
            "base_fee": str(g.unit_price), "gas_price": str(g.unit_price),
            "gas_limit": str(g.gas_limit), "genesis_timestamp": str(g.timestamp)}


def write_config(path: str, devnet) -> None:
    with open(path, "w") as fh:
        json.dump(config_json(devnet), fh, indent=2)
