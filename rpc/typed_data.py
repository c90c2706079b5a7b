"""EIP-712 typed structured data (eth_signTypedData_v4): the JSON document ({types,
primaryType, domain, message}) checked and hashed to the digest a dev account signs.

Values are interpreted by their declared types: integers as numbers or decimal/0x strings,
addresses and bytes as 0x strings. Atomic types are Solidity's: uint<M> and int<M> for M in 8, 16,
..., 256 (uint and int mean 256), bytes<N> for N in 1..32, bool, address, string, bytes; anything
else is refused (-32602), as is a message nested more than MAX_DEPTH levels.
"""
import re
from typing import Any

from pydevnet.rpc.errors import ParamError
from pydevnet.state.hashing import keccak256

_ARRAY = re.compile(r"^(.*)\[([0-9]*)\]$")
_INTEGER_TYPE = re.compile(r"(u?)int([1-9][0-9]{0,2})?")
_BYTES_TYPE = re.compile(r"bytes([1-9][0-9]?)")
_HEX_STRING = re.compile(r"0[xX]([0-9a-fA-F]*)")
_INTEGER_STRING = re.compile(r"(-?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))")
MAX_INTEGER_BITS = 256
MAX_FIXED_BYTES = 32
MAX_DEPTH = 1024  # nested structs and arrays in one message; far beyond any real one
MAX_ARRAY_DIGITS = 9  # a fixed array length this long cannot match any JSON array sent
MAX_PATH = 160  # characters of a field path in an error message
MAX_DECIMAL_DIGITS = 78  # 2**256 has 78; int() of a longer string is refused or slow
_DOMAIN_FIELDS = (("name", "string"), ("version", "string"), ("chainId", "uint256"),
                  ("verifyingContract", "address"), ("salt", "bytes32"))




class TypedDataError(ParamError):
    """The typed data does not follow EIP-712; the message says where (answered -32602)."""


def _hex_bytes(v: Any, where: str) -> bytes:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    m = _HEX_STRING.fullmatch(v) if isinstance(v, str) else None
    if m is not None:  # fromhex alone would also take spaces between the digits
        digits = m.group(1)
        return bytes.fromhex(digits if len(digits) % 2 == 0 else "0" + digits)
    raise TypedDataError(f"{where}: expected 0x-prefixed hex bytes, got {_shown(v)}")


def _shown(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 80 else text[:80] + "..."


def _child(where: str, part: str) -> str:
    """The path of a field or an element for messages, cut at MAX_PATH characters: names come
    from the client, and a path rebuilt at every level of a deep message would cost its square."""
    if len(where) >= MAX_PATH:
        return where
    child = where + part
    return child if len(child) <= MAX_PATH else child[:MAX_PATH - 3] + "..."


def _integer(v: Any, where: str) -> int:
    """A JSON integer, or a decimal or 0x-hex string of ASCII digits (either may have a minus
    sign). A decimal string too long for any 256-bit number is refused before int(), which has
    a digit limit."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    m = _INTEGER_STRING.fullmatch(v) if isinstance(v, str) else None
    if m is None:
        raise TypedDataError(f"{where}: expected an integer, got {_shown(v)}")
    sign, hex_digits, dec_digits = m.groups()
    if hex_digits is not None:
        n = int(hex_digits, 16)
    elif len(dec_digits.lstrip("0")) <= MAX_DECIMAL_DIGITS:
        n = int(dec_digits)
    else:
        raise TypedDataError(f"{where}: the integer has more than {MAX_DECIMAL_DIGITS} digits")
    return -n if sign else n


def _integer_type(typ: str) -> tuple[int, bool] | None:
    """(bits, signed) of uint<M> / int<M>, or None if `typ` is not one."""
    m = _INTEGER_TYPE.fullmatch(typ)
    if m is None:
        return None
    bits = int(m.group(2) or MAX_INTEGER_BITS)
    if bits % 8 or bits > MAX_INTEGER_BITS:
        return None
    return bits, not m.group(1)


def _fixed_bytes_size(typ: str) -> int | None:
    m = _BYTES_TYPE.fullmatch(typ)
    if m is None or int(m.group(1)) > MAX_FIXED_BYTES:
        return None
    return int(m.group(1))


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
    size = _fixed_bytes_size(typ)
    if size is not None:
        b = _hex_bytes(v, where)
        if len(b) > size:
            raise TypedDataError(f"{where}: more than {size} bytes")
        return b.ljust(32, b"\x00")
    integer = _integer_type(typ)
    if integer is not None:
        bits, signed = integer
        n = _integer(v, where)
        lo, hi = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
        if not lo <= n < hi:
            raise TypedDataError(f"{where}: the value does not fit {typ}")
        return (n % (1 << 256)).to_bytes(32, "big")
    raise TypedDataError(f"{where}: unknown type {_shown(typ)}")


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
                raise TypedDataError(f"types.{_shown(k)}: expected a list of {{name, type}} "
                                     "objects")
            self.types[k] = [(f["name"], f["type"]) for f in fields]
        self.domain = doc.get("domain") or {}
        if not isinstance(self.domain, dict):
            raise TypedDataError("domain: expected an object")
        if "EIP712Domain" not in self.types:
            self.types["EIP712Domain"] = [f for f in _DOMAIN_FIELDS if f[0] in self.domain]
        self.primary = doc.get("primaryType")
        if not isinstance(self.primary, str) or self.primary not in self.types:
            raise TypedDataError(f"primaryType {_shown(self.primary)} is not among the types")
        self.message = doc.get("message") or {}
        self._type_hashes: dict[str, bytes] = {}

    def _deps(self, typ: str) -> set:
        """The struct types `typ` refers to, itself included (a walk, not a recursion: a chain
        of thousands of types is a valid document)."""
        found, todo = set(), [typ]
        while todo:
            t = todo.pop()
            if t in found or t not in self.types:
                continue
            found.add(t)
            todo.extend(ftype.split("[")[0] for _, ftype in self.types[t])
        return found

    def encode_type(self, typ: str) -> str:
        deps = sorted(self._deps(typ) - {typ})
        return "".join(f"{t}(" + ",".join(f"{ft} {fn}" for fn, ft in self.types[t]) + ")"
                       for t in [typ] + deps)

    def hash_struct(self, typ: str, value: Any, where: str, depth: int = 0) -> bytes:
        if not isinstance(value, dict):
            raise TypedDataError(f"{where}: expected an object of type {_shown(typ)}")
        type_hash = self._type_hashes.get(typ)
        if type_hash is None:
            type_hash = self._type_hashes[typ] = keccak256(self.encode_type(typ).encode())
        parts = [type_hash]
        for name, ftype in self.types[typ]:
            if name not in value:
                raise TypedDataError(f"{_child(where, '.' + name)}: missing")
            parts.append(self._value(ftype, value[name], _child(where, "." + name), depth + 1))
        return keccak256(b"".join(parts))

    def _value(self, typ: str, v: Any, where: str, depth: int) -> bytes:
        if depth > MAX_DEPTH:
            raise TypedDataError(f"{where}: nested more than {MAX_DEPTH} levels")
        m = _ARRAY.match(typ)
        if m:
            size = m.group(2)
            if not isinstance(v, list) or (size and (len(size) > MAX_ARRAY_DIGITS
                                                     or len(v) != int(size))):
                raise TypedDataError(f"{where}: expected an array of type {_shown(typ)}")
            return keccak256(b"".join(self._value(m.group(1), x, _child(where, f"[{i}]"),
                                                  depth + 1) for i, x in enumerate(v)))
        if typ in self.types:
            return self.hash_struct(typ, v, where, depth)
        return _atomic(typ, v, where)

    def digest(self) -> bytes:
        """keccak256(0x1901 ++ domainSeparator ++ hashStruct(message))."""
        separator = self.hash_struct("EIP712Domain", self.domain, "domain")
        if self.primary == "EIP712Domain":
            return keccak256(b"\x19\x01" + separator)
        return keccak256(b"\x19\x01" + separator +
                         self.hash_struct(self.primary, self.message, "message"))
