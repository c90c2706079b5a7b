"""The dev accounts: keys derived from a BIP-39 mnemonic along m/44'/60'/0'/0/i (BIP-32/BIP-44),
as Anvil and Hardhat derive them, so existing scripts find the same 20 funded addresses.

BIP-39: seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048 rounds). BIP-32: the
master key is HMAC-SHA512("Bitcoin seed", seed); a child key adds the left half of
HMAC-SHA512(chain code, data) to the parent key modulo the curve order (coincurve does the
secp256k1 arithmetic).
"""
import hashlib
import hmac
import unicodedata
from functools import lru_cache

from coincurve import PrivateKey

from pydevnet.node.tx.crypto import private_key_to_address

DEFAULT_MNEMONIC = "test test test test test test test test test test test junk"
DEFAULT_PATH = "m/44'/60'/0'/0"
HARDENED = 0x80000000
_PBKDF2_ROUNDS = 2048


def mnemonic_to_seed(mnemonic: str, passphrase: str = "") -> bytes:
    words = unicodedata.normalize("NFKD", " ".join(mnemonic.split()))
    salt = unicodedata.normalize("NFKD", "mnemonic" + passphrase)
    return hashlib.pbkdf2_hmac("sha512", words.encode(), salt.encode(), _PBKDF2_ROUNDS)


def _child(key: bytes, chain: bytes, index: int) -> tuple[bytes, bytes]:
    if index & HARDENED:
        data = b"\x00" + key + index.to_bytes(4, "big")
    else:
        data = PrivateKey(key).public_key.format(compressed=True) + index.to_bytes(4, "big")
    digest = hmac.new(chain, data, hashlib.sha512).digest()
    return PrivateKey(key).add(digest[:32]).secret, digest[32:]


def parse_path(path: str) -> list[int]:
    parts = path.split("/")
    if parts[0] != "m":
        raise ValueError(f"derivation path must start with m/: {path!r}")
    out = []
    for p in parts[1:]:
        hardened = p.endswith("'")
        n = int(p[:-1] if hardened else p)
        out.append(n | HARDENED if hardened else n)
    return out


def _extended_key(seed: bytes, path: str) -> tuple[bytes, bytes]:
    digest = hmac.new(b"Bitcoin seed", seed, hashlib.sha512).digest()
    key, chain = digest[:32], digest[32:]
    for index in parse_path(path):
        key, chain = _child(key, chain, index)
    return key, chain


def derive_key(seed: bytes, path: str) -> bytes:
    return _extended_key(seed, path)[0]


class DevAccount:
    __slots__ = ("address", "private_key", "index")

    def __init__(self, private_key: bytes, index: int) -> None:
        self.private_key = private_key
        self.address = private_key_to_address(private_key)
        self.index = index


def dev_accounts(mnemonic: str = DEFAULT_MNEMONIC, count: int = 20,
                 path: str = DEFAULT_PATH) -> list[DevAccount]:
    """The keys at `path`/0 .. `path`/(count - 1). Derived once a process for given arguments
    (the genesis and the node both ask at start-up: about 10 ms each before)."""
    return list(_derived_accounts(mnemonic, count, path))


@lru_cache(maxsize=8)
def _derived_accounts(mnemonic: str, count: int, path: str) -> tuple[DevAccount, ...]:
    key, chain = _extended_key(mnemonic_to_seed(mnemonic), path)  # shared by every account
    return tuple(DevAccount(_child(key, chain, i)[0], i) for i in range(count))


def to_checksum_address(address: bytes) -> str:
    """EIP-55 mixed-case checksum encoding."""
    from pydevnet.state.hashing import keccak256
    h = address.hex()
    digest = keccak256(h.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
                          for i, c in enumerate(h))
