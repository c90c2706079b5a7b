"""Chain configuration: the Klaytn-flavoured genesis.json, parsed and validated on load.

Every field error names the field (`genesis.json: config.unitPrice: ...`) so a user can fix the
file. Defaults follow Anvil and Hardhat (chain id 31337, the 20 accounts of the `test ... junk`
mnemonic at 10,000 ETH) and Klaytn (a 25 gwei unit price).
"""
import json
from typing import Any

from pydevnet.node.accounts import DEFAULT_MNEMONIC, DEFAULT_PATH, dev_accounts

GWEI = 10 ** 9
ETHER = 10 ** 18
DEFAULT_CHAIN_ID = 31337
DEFAULT_UNIT_PRICE = 25 * GWEI  # Klaytn's 25 ston
DEFAULT_GAS_LIMIT = 30_000_000
DEFAULT_BLOCK_PERIOD = 1
DEFAULT_TIMESTAMP = 1_700_000_000
DEFAULT_COINBASE = bytes.fromhex("c014ba5ec014ba5ec014ba5ec014ba5ec014ba5e")
DEFAULT_EXTRA_DATA = b"pydevnet"
DEFAULT_BALANCE = 10_000 * ETHER
DEFAULT_ACCOUNTS = 20
SUPPORTED_FORKS = ("cancun", "prague", "osaka", "bpo1", "bpo2")  # vm/forks.py has their rules
DEFAULT_FORK = "osaka"  # the chain's fork when neither genesis.json nor --hardfork names one (mainnet's since 2025-12-03)
MAX_EXTRA_DATA = 32


def fork_title(name: str) -> str:
    """A fork's name as written: Cancun, Prague, Osaka, BPO1, BPO2."""
    return name.upper() if name.lower().startswith("bpo") else name.capitalize()


class GenesisError(ValueError):
    """genesis.json is malformed; the message names the field."""


class AllocAccount:
    __slots__ = ("balance", "nonce", "code", "storage")

    def __init__(self, balance: int = 0, nonce: int = 0, code: bytes = b"",
                 storage: dict[int, int] | None = None) -> None:
        self.balance = balance
        self.nonce = nonce
        self.code = code
        self.storage = storage or {}


class Genesis:
    """The validated contents of genesis.json."""

    def __init__(self, *, chain_id: int = DEFAULT_CHAIN_ID, unit_price: int = DEFAULT_UNIT_PRICE,
                 block_period: int = DEFAULT_BLOCK_PERIOD, fork: str | None = None,
                 gas_limit: int = DEFAULT_GAS_LIMIT, timestamp: int = DEFAULT_TIMESTAMP,
                 coinbase: bytes = DEFAULT_COINBASE, extra_data: bytes = DEFAULT_EXTRA_DATA,
                 mnemonic: str = DEFAULT_MNEMONIC, derivation_path: str = DEFAULT_PATH,
                 accounts: int = DEFAULT_ACCOUNTS,
                 alloc: dict[bytes, AllocAccount] | None = None) -> None:
        self.chain_id = chain_id
        self.unit_price = unit_price
        self.block_period = block_period
        self._fork = DEFAULT_FORK
        self.fork_chosen = False
        if fork is not None:
            self.fork = fork
        self.gas_limit = gas_limit
        self.timestamp = timestamp
        self.coinbase = coinbase
        self.extra_data = extra_data
        self.mnemonic = mnemonic
        self.derivation_path = derivation_path
        self.accounts = accounts
        if alloc is None:
            alloc = {a.address: AllocAccount(DEFAULT_BALANCE)
                     for a in dev_accounts(mnemonic, accounts, derivation_path)}
        self.alloc = alloc


    @property
    def fork(self) -> str:
        """The chain's fork, lower case. Set (by config.fork, --hardfork or an assignment), it
        is chosen: a data dir of another fork is then an error; left at DEFAULT_FORK, an existing
        data dir's fork is taken (node/chain/chain.py)."""
        return self._fork

    @fork.setter
    def fork(self, name: str) -> None:
        self._fork = name.lower()
        self.fork_chosen = True


def _field(name: str, msg: str) -> GenesisError:
    return GenesisError(f"genesis.json: {name}: {msg}")


def _uint(obj: dict, key: str, name: str, default: int, minimum: int = 0,
          maximum: int = 2 ** 256 - 1) -> int:
    if key not in obj:
        return default
    v = obj[key]
    try:
        if isinstance(v, bool):
            raise ValueError
        n = int(v, 16) if isinstance(v, str) and v.lower().startswith("0x") else int(v)
    except (TypeError, ValueError):
        raise _field(name, f"expected an integer (decimal or 0x-hex), got {v!r}") from None
    if not minimum <= n <= maximum:
        raise _field(name, f"{n} is outside [{minimum}, {maximum}]")
    return n


def _hex_bytes(v: Any, name: str, size: int | None = None) -> bytes:
    if not isinstance(v, str) or not v.startswith("0x"):
        raise _field(name, f"expected a 0x-prefixed hex string, got {v!r}")
    try:
        b = bytes.fromhex(v[2:])
    except ValueError:
        raise _field(name, f"not valid hex: {v!r}") from None
    if size is not None and len(b) != size:
        raise _field(name, f"expected {size} bytes, got {len(b)}")
    return b


def _alloc(raw: Any) -> dict[bytes, AllocAccount]:
    if not isinstance(raw, dict):
        raise _field("alloc", "expected an object of address -> account")
    out = {}
    for addr, acct in raw.items():
        name = f"alloc.{addr}"
        a = addr if addr.startswith("0x") else "0x" + addr
        address = _hex_bytes(a, name, 20)
        if not isinstance(acct, dict):
            raise _field(name, "expected an object with balance/nonce/code/storage")
        storage = {}
        for k, v in (acct.get("storage") or {}).items():
            storage[_uint({"k": k}, "k", f"{name}.storage key", 0)] = \
                _uint({"v": v}, "v", f"{name}.storage[{k}]", 0)
        out[address] = AllocAccount(
            balance=_uint(acct, "balance", f"{name}.balance", 0),
            nonce=_uint(acct, "nonce", f"{name}.nonce", 0, maximum=2 ** 64 - 2),
            code=_hex_bytes(acct["code"], f"{name}.code") if "code" in acct else b"",
            storage=storage)
    return out


def parse_genesis(data: Any) -> Genesis:
    """Validate a decoded genesis.json object."""
    if not isinstance(data, dict):
        raise GenesisError("genesis.json: the top level must be an object")
    cfg = data.get("config", {})
    if not isinstance(cfg, dict):
        raise _field("config", "expected an object")
    fork = cfg.get("fork")
    if fork is not None and (not isinstance(fork, str) or fork.lower() not in SUPPORTED_FORKS):
        raise _field("config.fork", f"{fork!r} is not supported (supported: "
                                    f"{', '.join(map(fork_title, SUPPORTED_FORKS))})")
    mnemonic = cfg.get("mnemonic", DEFAULT_MNEMONIC)
    if not isinstance(mnemonic, str) or len(mnemonic.split()) not in (12, 15, 18, 21, 24):
        raise _field("config.mnemonic", "expected a BIP-39 mnemonic of 12 to 24 words")
    path = cfg.get("derivationPath", DEFAULT_PATH)
    if not isinstance(path, str) or not path.startswith("m/"):
        raise _field("config.derivationPath", f"expected a path like m/44'/60'/0'/0, got {path!r}")
    extra = _hex_bytes(data["extraData"], "extraData") if "extraData" in data \
        else DEFAULT_EXTRA_DATA
    if len(extra) > MAX_EXTRA_DATA:
        raise _field("extraData", f"{len(extra)} bytes, at most {MAX_EXTRA_DATA}")
    return Genesis(
        chain_id=_uint(cfg, "chainId", "config.chainId", DEFAULT_CHAIN_ID, 1, 2 ** 64 - 1),
        unit_price=_uint(cfg, "unitPrice", "config.unitPrice", DEFAULT_UNIT_PRICE),  # 0: free gas
        block_period=_uint(cfg, "blockPeriod", "config.blockPeriod", DEFAULT_BLOCK_PERIOD, 1,
                           86400),
        fork=fork,
        gas_limit=_uint(data, "gasLimit", "gasLimit", DEFAULT_GAS_LIMIT, 21000, 2 ** 63 - 1),
        timestamp=_uint(data, "timestamp", "timestamp", DEFAULT_TIMESTAMP, 0, 2 ** 63 - 1),
        coinbase=_hex_bytes(data["coinbase"], "coinbase", 20) if "coinbase" in data
        else DEFAULT_COINBASE,
        extra_data=extra, mnemonic=mnemonic, derivation_path=path,
        accounts=_uint(cfg, "accounts", "config.accounts", DEFAULT_ACCOUNTS, 0, 1000),
        alloc=_with_dev_accounts(_alloc(data["alloc"]), mnemonic, path, _uint(
            cfg, "accounts", "config.accounts", DEFAULT_ACCOUNTS, 0, 1000))
        if "alloc" in data else None)


def _with_dev_accounts(alloc: dict[bytes, AllocAccount], mnemonic: str, path: str,
                       count: int) -> dict[bytes, AllocAccount]:
    """The alloc, with DEFAULT_BALANCE for each dev account of the mnemonic it leaves out (a
    changed mnemonic funds its own accounts; an account listed keeps what the file says)."""
    for a in dev_accounts(mnemonic, count, path):
        alloc.setdefault(a.address, AllocAccount(DEFAULT_BALANCE))
    return alloc


def load_genesis(path: str) -> Genesis:
    try:
        with open(path) as fh:
            data = json.load(fh)
    except OSError as e:
        raise GenesisError(f"cannot read genesis file {path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise GenesisError(f"{path}: not valid JSON: {e}") from None
    try:
        return parse_genesis(data)
    except GenesisError as e:  # name the file the user gave
        msg = str(e)
        raise GenesisError(f"{path}: {msg.removeprefix('genesis.json: ')}") from None


def genesis_to_json(g: Genesis) -> dict:
    """The canonical genesis.json for `g` (used to write the default file)."""
    return {
        "config": {"chainId": g.chain_id, "unitPrice": g.unit_price,
                   "blockPeriod": g.block_period, "fork": fork_title(g.fork),
                   "mnemonic": g.mnemonic,
                   "derivationPath": g.derivation_path, "accounts": g.accounts},
        "timestamp": hex(g.timestamp), "gasLimit": hex(g.gas_limit),
        "coinbase": "0x" + g.coinbase.hex(), "extraData": "0x" + g.extra_data.hex(),
        "alloc": {"0x" + a.hex(): _alloc_json(acct) for a, acct in g.alloc.items()},
    }


def _alloc_json(acct: AllocAccount) -> dict:
    out: dict = {"balance": hex(acct.balance)}
    if acct.nonce:
        out["nonce"] = hex(acct.nonce)
    if acct.code:
        out["code"] = "0x" + acct.code.hex()
    if acct.storage:
        out["storage"] = {hex(k): hex(v) for k, v in acct.storage.items()}
    return out
