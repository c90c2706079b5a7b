"""What the integration tests share besides the process: the dev accounts (derived here with
eth_account from the mnemonic, independently of node/accounts.py), the compiled test contracts,
the chain constants, and locally signed raw transactions."""
from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from functools import lru_cache
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from tests.integration.devnet_process import REPO_ROOT, DevnetProcess

MNEMONIC = "test test test test test test test test test test test junk"
CHAIN_ID = 31337
GWEI = 10**9
UNIT_PRICE = 25 * GWEI
BUILD = REPO_ROOT / "tests" / "contracts" / "build"
TOKEN_BALANCE_SLOT = 3  # Token.sol: name, symbol, totalSupply, balanceOf (decimals is constant)

Account.enable_unaudited_hdwallet_features()


@lru_cache(maxsize=None)
def dev_account(i: int) -> LocalAccount:
    return Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")


def artifact(name: str) -> dict:
    path = BUILD / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `node tests/contracts/compile.js`")
    return json.loads(path.read_text())


def selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


def word(value: int | str | bytes) -> bytes:
    """One ABI word: an int, a 0x address/hex string or raw bytes, left-padded to 32 bytes."""
    if isinstance(value, str):
        value = bytes.fromhex(value.removeprefix("0x"))
    if isinstance(value, bytes):
        return value.rjust(32, b"\0")
    return value.to_bytes(32, "big")


def calldata(signature: str, *args: int | str | bytes) -> str:
    """ABI calldata for static arguments only (addresses, uints)."""
    return "0x" + (selector(signature) + b"".join(word(a) for a in args)).hex()


def token_deploy_data(name: str = "Test Token", symbol: str = "TST", supply: int = 10**24) -> str:
    """Token's initcode with its (string, string, uint256) constructor arguments."""
    def encoded_string(s: str) -> bytes:
        b = s.encode()
        return word(len(b)) + b.ljust((len(b) + 31) // 32 * 32, b"\0")
    head_size = 3 * 32
    name_enc, symbol_enc = encoded_string(name), encoded_string(symbol)
    args = word(head_size) + word(head_size + len(name_enc)) + word(supply) + name_enc + symbol_enc
    return artifact("Token")["bytecode"] + args.hex()


def sign(acct: LocalAccount, **fields: Any) -> str:
    """Sign a transaction locally with eth_account; defaults: chain id 31337, no data. The raw
    0x-hex bytes are returned. The type follows the fee fields (gasPrice: legacy, or EIP-2930
    with accessList; maxFeePerGas: EIP-1559)."""
    tx: dict[str, Any] = {"chainId": CHAIN_ID, "value": 0, "data": "0x"}
    tx.update(fields)
    if tx.get("to"):
        tx["to"] = to_checksum_address(tx["to"])
    if "accessList" in tx and "gasPrice" in tx:
        tx.setdefault("type", 1)
    return "0x" + acct.sign_transaction(tx).raw_transaction.hex()


def send_raw(dev: DevnetProcess, raw: str) -> dict:
    """eth_sendRawTransaction and the receipt, which automine makes available at once."""
    tx_hash = dev.rpc("eth_sendRawTransaction", raw)
    receipt = dev.rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt is not None, f"no receipt right after eth_sendRawTransaction {tx_hash}"
    return receipt


def nonce_of(dev: DevnetProcess, address: str, block: str = "latest") -> int:
    return int(dev.rpc("eth_getTransactionCount", address, block), 16)


def balance_of(dev: DevnetProcess, address: str, block: str | int = "latest") -> int:
    if isinstance(block, int):
        block = hex(block)
    return int(dev.rpc("eth_getBalance", address, block), 16)


def all_blocks(dev: DevnetProcess, full: bool = False) -> list[dict]:
    head = int(dev.rpc("eth_blockNumber"), 16)
    return [dev.rpc("eth_getBlockByNumber", hex(n), full) for n in range(head + 1)]


def receipts_of(dev: DevnetProcess, block: dict) -> list[dict]:
    hashes = [t if isinstance(t, str) else t["hash"] for t in block["transactions"]]
    return [dev.rpc("eth_getTransactionReceipt", h) for h in hashes]


def balance_slot(holder: str) -> bytes:
    """The storage key of Token.balanceOf[holder]: keccak256(pad(holder) ++ pad(slot))."""
    return keccak(word(holder) + word(TOKEN_BALANCE_SLOT))




JS_DIR = REPO_ROOT / "tests" / "js"


def run_js_client(script: str, package: str, devnet: DevnetProcess, *args: str) -> dict:
    """Run tests/js/`script` with Node.js against the devnet (its URL, then `args`) and return
    the JSON it prints; fails the test, naming what is missing, when Node.js or the npm
    `package` the script needs is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"Node.js (`node`) is not installed: {script} needs it")
    if not (JS_DIR / "node_modules" / package / "package.json").exists():
        pytest.fail(f"{package} is not installed in tests/js/node_modules: run `make install` "
                    "(or `cd tests/js && npm ci`)")
    proc = subprocess.run([node, str(JS_DIR / script), devnet.url, *args], cwd=JS_DIR,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{script} failed:\n{proc.stderr}\n{devnet.log()}"
    return json.loads(proc.stdout)


def post(url: str, method: str, *params: Any) -> Any:
    """One JSON-RPC call to any node by URL (the devnet, or a peer such as Anvil); its result."""
    req = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                                  "params": list(params)}).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.load(r)
    assert "result" in answer, answer
    return answer["result"]
