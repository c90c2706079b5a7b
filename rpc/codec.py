"""Hex codecs for JSON-RPC values, in and out, with geth's rules and error wording.

In: quantities are 0x-prefixed hex without leading zeros ("0x0", "0x1a"); data is 0x-prefixed,
even-length hex; addresses are 20 bytes and hashes 32 (any case, no checksum check); block
parameters are a number, a tag (latest, earliest, pending, safe, finalized) or, where EIP-1898
allows, a block hash or {blockHash, requireCanonical} / {blockNumber}. Decoders raise ParamError.
Out: minimal lower-case hex quantities, 0x data, lower-case addresses.

JSON text: orjson (C, about 3-5x the standard library on these small documents) parses every
request it can parse exactly as `json` would, and writes the common answer (a string result);
anything else goes through `json` with the strict rules below, so no answer changes.
"""
import json
import re
import sys
from typing import Any

import orjson

from pydevnet.node.queries import EARLIEST, FINALIZED, LATEST, PENDING, SAFE, BlockRef
from pydevnet.rpc.errors import InvalidParams, ParamError

BLOCK_TAGS = (LATEST, EARLIEST, PENDING, SAFE, FINALIZED)
MAX_BLOCK_NUMBER = 2 ** 63 - 1  # geth's BlockNumber is an int64
UINT64_BITS = 64
UINT256_BITS = 256
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
# Python refuses int() of longer decimal strings (ValueError, CVE-2020-10735); client input is
# checked against it before converting. 0 means no limit.
INT_MAX_STR_DIGITS = sys.get_int_max_str_digits()


def json_type(v: Any) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def is_hex(digits: str) -> bool:
    """Only ASCII hex digits (int(s, 16) also takes whitespace, "_" and a sign)."""
    return _HEX.issuperset(digits)


def _hex_string(v: Any, what: str) -> str:
    """The digits after 0x of a hex string `v`, or ParamError in geth's words."""
    if not isinstance(v, str):
        raise ParamError(f"cannot unmarshal {json_type(v)} into {what}: want a hex string")
    if v == "":
        raise ParamError("empty hex string")
    if not v.startswith(("0x", "0X")):
        raise ParamError("hex string without 0x prefix")
    digits = v[2:]
    if not _HEX.issuperset(digits):
        raise ParamError("invalid hex string")
    return digits


# -- decoding ----------------------------------------------------------------------------------
def quantity(v: Any, bits: int = UINT256_BITS) -> int:
    """A hex quantity ("0x0", "0x1a"), at most `bits` wide."""
    digits = _hex_string(v, "quantity")
    if digits == "":
        raise ParamError('hex string "0x"')
    if len(digits) > 1 and digits[0] == "0":
        raise ParamError("hex number with leading zero digits")
    n = int(digits, 16)
    if n.bit_length() > bits:
        raise ParamError(f"hex number > {bits} bits")
    return n


def uint64(v: Any) -> int:
    return quantity(v, UINT64_BITS)


def int_or_quantity(v: Any, bits: int = UINT64_BITS) -> int:
    """A JSON integer or a hex quantity (dev methods accept both, as Hardhat and Anvil do)."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v < 0 or v.bit_length() > bits:
            raise ParamError(f"number {v} out of range")
        return v
    return quantity(v, bits)


def hex_or_decimal(v: Any, bits: int = UINT64_BITS) -> int:
    """geth's HexOrDecimal64 (eth_feeHistory's block count): a JSON integer, a hex quantity or
    a string of ASCII decimal digits, at most `bits` wide."""
    if isinstance(v, str) and not v.startswith(("0x", "0X")):
        if not v or not _DIGITS.issuperset(v):
            raise ParamError(f"invalid decimal or hex number {_preview(v)}")
        # log10(2) < 1/3: more digits than this cannot fit (and int() may refuse them)
        n = int(v) if len(v.lstrip("0")) <= bits // 3 + 1 else None
        if n is None or n.bit_length() > bits:
            raise ParamError(f"decimal number > {bits} bits")
        return n
    return int_or_quantity(v, bits)


def _preview(v: str, limit: int = 40) -> str:
    """A client string for an error message: quoted, and cut short if long."""
    return repr(v) if len(v) <= limit else repr(v[:limit]) + f"... ({len(v)} characters)"


def _fromhex_exact(v: Any) -> bytes | None:
    """The bytes of a well-formed "0x..." string (any case, even length), or None for anything
    else: the caller then checks it step by step for geth's error. bytes.fromhex refuses a
    non-hex digit and skips only whitespace, which leaves fewer bytes than half the digits."""
    if type(v) is str and v.startswith("0x"):
        try:
            out = bytes.fromhex(v[2:])
        except ValueError:
            return None
        if 2 * len(out) == len(v) - 2:
            return out
    return None


def data(v: Any) -> bytes:
    """0x-prefixed, even-length hex bytes ("0x" is empty)."""
    out = _fromhex_exact(v)
    if out is not None:
        return out
    digits = _hex_string(v, "bytes")
    if len(digits) % 2:
        raise ParamError("hex string of odd length")
    return bytes.fromhex(digits)


def _fixed(v: Any, size: int, what: str) -> bytes:
    out = _fromhex_exact(v)
    if out is not None and len(out) == size:
        return out
    digits = _hex_string(v, what)
    if len(digits) != 2 * size:
        raise ParamError(f"hex string has length {len(digits)}, want {2 * size} for {what}")
    return bytes.fromhex(digits)


def address(v: Any) -> bytes:
    return _fixed(v, 20, "address")


def hash32(v: Any) -> bytes:
    return _fixed(v, 32, "hash")


def boolean(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ParamError(f"cannot unmarshal {json_type(v)} into boolean")
    return v


def storage_key(v: Any) -> int:
    """geth's storage keys: up to 32 bytes of hex, 0x optional, odd length padded. Errors are
    reported without the argument prefix, as geth does (execution-apis eth_getStorageAt)."""
    if not isinstance(v, str):
        raise ParamError(f"cannot unmarshal {json_type(v)} into storage key: want a hex string")
    digits = v[2:] if v.startswith(("0x", "0X")) else v
    if not _HEX.issuperset(digits):
        raise InvalidParams(f'invalid hex in storage key: "{v}"')
    if (len(digits) + 1) // 2 > 32:
        raise InvalidParams(f'storage key too long (want at most 32 bytes): "{v}"')
    return int(digits or "0", 16)


def block_number(v: Any) -> int | str:
    """A block number or tag; JSON integers are accepted too (KardiaChain clients send them)."""
    if isinstance(v, str) and v in BLOCK_TAGS:
        return v
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        n = v
    elif isinstance(v, str):
        n = quantity(v, UINT64_BITS)
    else:
        raise ParamError(f"cannot unmarshal {json_type(v)} into block number: want a hex "
                         f"quantity or one of {', '.join(BLOCK_TAGS)}")
    if n > MAX_BLOCK_NUMBER:
        raise ParamError("block number larger than int64")
    return n


def block_ref(v: Any) -> int | str | BlockRef:
    """EIP-1898: a number, a tag, a block hash, {blockHash, requireCanonical} or {blockNumber}."""
    if isinstance(v, str) and len(v) == 66:
        return BlockRef(hash32(v))
    if not isinstance(v, dict):
        return block_number(v)
    unknown = v.keys() - {"blockHash", "blockNumber", "requireCanonical"}
    if unknown:
        raise ParamError(f"unknown field {sorted(unknown)[0]!r} in block reference")
    has_hash, has_number = v.get("blockHash") is not None, v.get("blockNumber") is not None
    if has_hash and has_number:
        raise ParamError("cannot specify both BlockHash and BlockNumber, choose one or the other")
    if has_hash:
        canonical = v.get("requireCanonical", False)
        return BlockRef(hash32(v["blockHash"]), boolean(canonical))
    if has_number:
        return block_number(v["blockNumber"])
    raise ParamError("block reference needs blockHash or blockNumber")


# -- encoding ----------------------------------------------------------------------------------
def qty(n: int) -> str:
    return hex(n)


def hexdata(b: bytes) -> str:
    return "0x" + b.hex()


def word(n: int) -> str:
    """A 256-bit word as 32 bytes of hex (storage values, topics)."""
    return f"0x{n:064x}"


def opt_hexdata(b: bytes | None) -> str | None:
    return None if b is None else "0x" + b.hex()


def dumps(obj: Any) -> str:
    """Compact, strict JSON text of an answer or notification: NaN and the infinities are not
    JSON, so they raise ValueError rather than reach a client. An answer whose result is a
    string and whose id is not a float (the hot methods' answers) holds no float anywhere, so
    orjson writes it (it would write NaN as null, so it sees nothing that might hold a float);
    an id beyond 64 bits makes it refuse, and `json` writes that one."""
    if type(obj) is dict and type(obj.get("result")) is str and type(obj.get("id")) is not float:
        try:
            return orjson.dumps(obj).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


NOT_PARSED = object()
# an integer literal of 19 or more digits in an object or array (orjson reads one beyond 64
# bits as a float); a bare top-level number is no request either way
_LONG_INT = r"[:\[,]\s*-?\d{19}"
_LONG_INT_STR = re.compile(_LONG_INT)
_LONG_INT_BYTES = re.compile(_LONG_INT.encode())


def _holds_float(v: Any) -> bool:
    """Whether a parsed JSON value holds a float anywhere."""
    t = type(v)
    if t is dict:
        v = v.values()
    elif t is not list:
        return t is float
    for x in v:
        tx = type(x)
        if tx is float or ((tx is dict or tx is list) and _holds_float(x)):
            return True
    return False


def fast_loads(text: str | bytes) -> Any:
    """The request parsed by orjson, or NOT_PARSED where it might differ from `json` or refuses
    the text (invalid JSON, NaN, deep nesting, not UTF-8): the caller then parses it with
    `json`, which gives the value or the error message. orjson reads an integer literal beyond
    64 bits as a float (`json`: the exact integer, or past Python's digit limit parse_int's
    infinity) and refuses one beyond the double range, so a value without any float is what
    `json` reads too (a float literal in a request is rare: it goes to `json` as well)."""
    try:
        v = orjson.loads(text)
    except orjson.JSONDecodeError:
        return NOT_PARSED
    try:
        differs = _holds_float(v)
    except RecursionError:  # nested deeper than the walk may go: look for long literals
        long_int = _LONG_INT_BYTES if isinstance(text, bytes) else _LONG_INT_STR
        differs = long_int.search(text) is not None
    return NOT_PARSED if differs else v


def parse_int(digits: str) -> int | float:
    """json.loads' parse_int: an integer literal too long for int() (Python's digit limit)
    overflows to an infinity, as a float literal beyond the double range (1e400) does, so it is
    an out-of-range number to every decoder instead of a parse failure."""
    if INT_MAX_STR_DIGITS and len(digits.lstrip("-")) > INT_MAX_STR_DIGITS:
        return float("-inf") if digits.startswith("-") else float("inf")
    return int(digits)
