"""Recursive Length Prefix (RLP) codec: a fast encoder and a strict decoder.

Items are `bytes` or lists of items. The decoder rejects every non-canonical form (a single byte
below 0x80 wrapped in a string header, long-form headers for short payloads, length prefixes with
leading zeros, trailing bytes, truncated payloads), as the RLPTests and consensus require.
"""
from typing import Union

Item = Union[bytes, list]


class RLPError(ValueError):
    """Input is not canonical RLP."""


# Lists nested deeper than this are rejected: no Ethereum structure comes close (a trie node or
# a transaction is a few levels deep), and a bound keeps hostile input from exhausting the stack.
MAX_DEPTH = 256


def int_to_be(n: int) -> bytes:
    """The minimal big-endian encoding of a non-negative int (0 is the empty string)."""
    return n.to_bytes((n.bit_length() + 7) >> 3, "big")


def _header(length: int, short: int) -> bytes:
    if length < 56:
        return bytes((short + length,))
    lb = int_to_be(length)
    return bytes((short + 55 + len(lb),)) + lb


def encode(item: Item) -> bytes:
    """Encode bytes, an int (as minimal big-endian) or a (nested) list of those."""
    if isinstance(item, (bytes, bytearray)):
        n = len(item)
        if n == 1 and item[0] < 0x80:
            return bytes(item)
        if n < 56:
            return bytes((0x80 + n,)) + item
        return _header(n, 0x80) + item
    if isinstance(item, int):
        if item < 0:
            raise RLPError("cannot encode a negative integer")
        return encode(int_to_be(item))
    payload = b"".join([encode(x) for x in item])
    n = len(payload)
    if n < 56:
        return bytes((0xC0 + n,)) + payload
    return _header(n, 0xC0) + payload


def _length(data: bytes, pos: int, size: int, end: int) -> int:
    if pos + size > end:
        raise RLPError("truncated length prefix")
    if data[pos] == 0:
        raise RLPError("length prefix has leading zeros")
    n = int.from_bytes(data[pos:pos + size], "big")
    if n < 56:
        raise RLPError("long form used for a short payload")
    return n


def _decode_at(data: bytes, pos: int, end: int, depth: int = 0) -> tuple:
    """Decode the item at data[pos]; return (item, next position)."""
    if pos >= end:
        raise RLPError("unexpected end of input")
    b0 = data[pos]
    if b0 < 0x80:
        return data[pos:pos + 1], pos + 1
    if b0 < 0xB8:
        n = b0 - 0x80
        start = pos + 1
        if start + n > end:
            raise RLPError("string longer than its input")
        if n == 1 and data[start] < 0x80:
            raise RLPError("single byte below 0x80 must not have a string header")
        return data[start:start + n], start + n
    if b0 < 0xC0:
        size = b0 - 0xB7
        n = _length(data, pos + 1, size, end)
        start = pos + 1 + size
        if start + n > end:
            raise RLPError("string longer than its input")
        return data[start:start + n], start + n
    if b0 < 0xF8:
        n = b0 - 0xC0
        start = pos + 1
    else:
        size = b0 - 0xF7
        n = _length(data, pos + 1, size, end)
        start = pos + 1 + size
    stop = start + n
    if stop > end:
        raise RLPError("list longer than its input")
    if depth >= MAX_DEPTH:
        raise RLPError(f"lists nested more than {MAX_DEPTH} deep")
    items = []
    p = start
    while p < stop:
        item, p = _decode_at(data, p, stop, depth + 1)
        items.append(item)
    return items, stop


def decode(data: bytes) -> Item:
    """Decode exactly one item that spans all of `data`."""
    data = bytes(data)
    item, pos = _decode_at(data, 0, len(data))
    if pos != len(data):
        raise RLPError("trailing bytes after the RLP item")
    return item


def decode_int(b: bytes) -> int:
    """A canonical RLP integer: no leading zero bytes."""
    if not isinstance(b, bytes):
        raise RLPError("expected a string, got a list")
    if b[:1] == b"\x00":
        raise RLPError("integer has leading zero bytes")
    return int.from_bytes(b, "big")
