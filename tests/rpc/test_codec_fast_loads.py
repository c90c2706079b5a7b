"""codec.fast_loads: orjson's value only where `json` (with the dispatcher's parse_int) reads
the same value; NOT_PARSED otherwise, so the dispatcher parses with `json`."""
import json

import pytest

from pydevnet.rpc import codec

SAME = [
    b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
    b'{"jsonrpc":"2.0","id":18446744073709551615,"method":"m","params":[-9223372036854775808]}',
    b'[{"id":"0x1234567890123456789012","params":[{"to":"0x12","data":"0x00"}, "latest"]}]',
    b'{"a":[[[[{"b":[1,2,{"c":"12345678901234567890123"}]}]]]]}',
    b'"a string"',
]
DIFFERENT = [
    b'{"jsonrpc":"2.0","id":18446744073709551616,"method":"m"}',
    b'{"params":[{"gas":-9223372036854775809}]}',
    b'[1,[2,{"x":[123456789012345678901234567890]}]]',
    b'{"id":1e400}',
    b"[" + b"9" * 5000 + b"]",
    b'{"id":1.5}',  # a float: `json` reads it (the same value)
    b"{not json",
    b"[NaN]",
]


def _json(text: bytes):
    return json.loads(text, parse_int=codec.parse_int)


@pytest.mark.parametrize("text", SAME)
def test_orjson_value_where_json_reads_the_same(text):
    got = codec.fast_loads(text)
    assert got is not codec.NOT_PARSED and got == _json(text)
    assert codec.fast_loads(text.decode()) == got


@pytest.mark.parametrize("text", DIFFERENT)
def test_not_parsed_where_json_may_differ(text):
    assert codec.fast_loads(text) is codec.NOT_PARSED
    assert codec.fast_loads(text.decode()) is codec.NOT_PARSED


@pytest.mark.parametrize("long_int, parsed", [(b"", True), (b"18446744073709551616", False)])
def test_nesting_deeper_than_the_walk(long_int, parsed):
    text = b"[" * 1000 + long_int + b"]" * 1000  # orjson takes 1,024 levels
    got = codec.fast_loads(text)
    assert (got is not codec.NOT_PARSED) is parsed
