"""Signing with the unlocked dev accounts: EIP-191 personal messages (eth_sign, personal_sign)
and EIP-712 typed structured data (eth_signTypedData_v4), as Anvil and Hardhat offer them.

A signature is r ++ s ++ v with v = 27 or 28. Typed data arrives as the JSON object EIP-712
defines ({types, primaryType, domain, message}); its values are interpreted by their declared
types: integers as numbers or decimal/0x strings, addresses and bytes as 0x strings.
"""
import re
from typing import Any

from node.tx_crypto import sign_hash
from state.hashing import keccak256

_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")
_DOMAIN_FIELDS = (("name", "string"), ("version", "string"), ("chainId", "uint256"),
                  ("verifyingContract", "address"), ("salt", "bytes32"))


class TypedDataError(ValueError):
    """The typed data does not follow EIP-712; the message says where."""


def signature(msg_hash: bytes, key: bytes) -> bytes:
    y_parity, r, s = sign_hash(msg_hash, key)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes((27 + y_parity,))


def personal_message_hash(data: bytes) -> bytes:
    """EIP-191 version 0x45: keccak256("\\x19Ethereum Signed Message:\\n" + len + data)."""
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(data)).encode() + data)


def _hex_bytes(v: Any, where: str) -> bytes:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    if isinstance(v, str) and v.startswith(("0x", "0X")):
        try:
            return bytes.fromhex(v[2:] if len(v) % 2 == 0 else "0" + v[2:])
        except ValueError:
            pass
    raise TypedDataError(f"{where}: expected 0x-prefixed hex bytes, got {v!r}")


def _integer(v: Any, where: str) -> int:
    if isinstance(v, bool):
        raise TypedDataError(f"{where}: expected an integer, got {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v, 16) if v.lower().startswith(("0x", "-0x")) else int(v)
        except ValueError:
            pass
    raise TypedDataError(f"{where}: expected an integer, got {v!r}")


def _atomic(typ: str, v: Any, where: str) -> bytes:
    if typ == "string":
        if not isinstance(v, str):
            raise TypedDataError(f"{where}: expected a string")
        return keccak256(v.encode())
    if typ == "bytes":
        return keccak256(_hex_bytes(v, where))
    if typ == "bool":
        if not isinstance(v, bool):
            raise TypedDataError(f"{where}: expected true or false")
        return int(v).to_bytes(32, "big")
    if typ == "address":
        b = _hex_bytes(v, where)
        if len(b) != 20:
            raise TypedDataError(f"{where}: an address is 20 bytes")
        return bytes(12) + b
    if typ.startswith("bytes") and typ[5:].isdigit() and 1 <= int(typ[5:]) <= 32:
        b = _hex_bytes(v, where)
        if len(b) > int(typ[5:]):
            raise TypedDataError(f"{where}: more than {typ[5:]} bytes")
        return b.ljust(32, b"\x00")
    for prefix, signed in (("uint", False), ("int", True)):
        if typ.startswith(prefix) and (typ[len(prefix):] or "256").isdigit():
            bits = int(typ[len(prefix):] or "256")
            n = _integer(v, where)
            lo, hi = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
            if not lo <= n < hi:
                raise TypedDataError(f"{where}: {n} does not fit {typ}")
            return (n % (1 << 256)).to_bytes(32, "big")
    raise TypedDataError(f"{where}: unknown type {typ!r}")


class TypedData:
    """An EIP-712 message: its type definitions, domain and primary message."""

    def __init__(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            raise TypedDataError("typed data must be an object")
        types = doc.get("types")
        if not isinstance(types, dict):
            raise TypedDataError("types: expected an object of struct definitions")
        self.types = {}
        for k, fields in types.items():
            if not isinstance(fields, list) or not all(
                    isinstance(f, dict) and isinstance(f.get("name"), str)
                    and isinstance(f.get("type"), str) for f in fields):
                raise TypedDataError(f"types.{k}: expected a list of {{name, type}} objects")
            self.types[k] = [(f["name"], f["type"]) for f in fields]
        self.domain = doc.get("domain") or {}
        if "EIP712Domain" not in self.types:
            self.types["EIP712Domain"] = [f for f in _DOMAIN_FIELDS if f[0] in self.domain]
        self.primary = doc.get("primaryType")
        if self.primary not in self.types:
            raise TypedDataError(f"primaryType {self.primary!r} is not among the types")
        self.message = doc.get("message") or {}

    def _deps(self, typ: str, found: set) -> set:
        if typ in found or typ not in self.types:
            return found
        found.add(typ)
        for _, ftype in self.types[typ]:
            self._deps(_ARRAY.sub(r"\1", ftype).split("[")[0], found)
        return found

    def encode_type(self, typ: str) -> str:
        deps = sorted(self._deps(typ, set()) - {typ})
        return "".join(f"{t}(" + ",".join(f"{ft} {fn}" for fn, ft in self.types[t]) + ")"
                       for t in [typ] + deps)

    def hash_struct(self, typ: str, value: Any, where: str) -> bytes:
        if not isinstance(value, dict):
            raise TypedDataError(f"{where}: expected an object of type {typ}")
        parts = [keccak256(self.encode_type(typ).encode())]
        for name, ftype in self.types[typ]:
            if name not in value:
                raise TypedDataError(f"{where}.{name}: missing")
            parts.append(self._value(ftype, value[name], f"{where}.{name}"))
        return keccak256(b"".join(parts))

    def _value(self, typ: str, v: Any, where: str) -> bytes:
        m = _ARRAY.match(typ)
        if m:
            if not isinstance(v, list) or (m.group(2) and len(v) != int(m.group(2))):
                raise TypedDataError(f"{where}: expected an array of type {typ}")
            return keccak256(b"".join(self._value(m.group(1), x, f"{where}[{i}]")
                                      for i, x in enumerate(v)))
        if typ in self.types:
            return self.hash_struct(typ, v, where)
        return _atomic(typ, v, where)

    def digest(self) -> bytes:
        """keccak256(0x1901 ++ domainSeparator ++ hashStruct(message))."""
        separator = self.hash_struct("EIP712Domain", self.domain, "domain")
        if self.primary == "EIP712Domain":
            return keccak256(b"\x19\x01" + separator)
        return keccak256(b"\x19\x01" + separator +
                         self.hash_struct(self.primary, self.message, "message"))
