"""params.call_args decodes a common call object (only to/data/input/from/gas/value) on a short
path: it must give the same request and the same errors as the full decoding, which an object
with one more (ignored) key still takes."""
import pytest

from pydevnet.rpc import params
from pydevnet.rpc.errors import ParamError

TO = "0x" + "ab" * 20
FROM = "0x" + "cd" * 20
DATA = "0x70a08231" + "00" * 12 + "cd" * 20
FIELDS = ("sender", "to", "gas", "gas_price", "max_fee_per_gas", "max_priority_fee_per_gas",
          "value", "data", "access_list", "nonce", "blob_versioned_hashes",
          "authorization_list", "tx_type")

GOOD = [
    {},
    {"to": TO},
    {"to": TO, "data": DATA},
    {"to": TO, "input": DATA},
    {"to": TO, "data": DATA, "input": DATA},
    {"to": None, "data": None, "input": "0x", "from": None, "gas": None, "value": None},
    {"from": FROM, "to": TO, "gas": "0x5208", "value": "0xde0b6b3a7640000", "data": "0x"},
    {"from": FROM, "gas": 30000, "value": 7, "input": "0x00"},
]
BAD = [
    {"to": "0x12"},
    {"to": TO, "data": "0x1"},
    {"to": TO, "data": "0x00", "input": "0x01"},
    {"to": TO, "input": 5},
    {"from": "ab" * 20},
    {"gas": "0x01"},
    {"gas": "0x" + "f" * 17},
    {"value": -1},
    {"value": True},
    {"data": "0xzz", "to": "0x1"},  # the first failing field in decoding order is reported
    {"to": "0x1", "from": "0x2"},
]


def _fields(args: params.CallArgs) -> tuple:
    return (tuple(getattr(args.request, f) for f in FIELDS), args.chain_id, args.has_from)


def _error(obj: dict) -> str:
    with pytest.raises(ParamError) as e:
        params.call_args(obj)
    return str(e.value)


@pytest.mark.parametrize("obj", GOOD)
def test_common_object_decodes_as_the_full_path(obj):
    full = dict(obj, someUnknownField="ignored")  # not a common key: the full decoding
    assert _fields(params.call_args(obj)) == _fields(params.call_args(full))


@pytest.mark.parametrize("obj", BAD)
def test_common_object_fails_in_the_full_paths_words(obj):
    assert _error(obj) == _error(dict(obj, someUnknownField="ignored"))


def test_common_object_request():
    args = params.call_args({"from": FROM, "to": TO, "gas": "0x5208", "data": DATA})
    req = args.request
    assert (req.sender, req.to, req.gas, req.value, req.data) == (
        bytes.fromhex(FROM[2:]), bytes.fromhex(TO[2:]), 21000, 0, bytes.fromhex(DATA[2:]))
    assert args.has_from and args.chain_id is None
    assert req.tx_type is None and req.access_list == () and req.authorization_list == ()


def test_other_keys_take_the_full_path():
    with pytest.raises(ParamError, match="blob transactions"):
        params.call_args({"to": TO, "maxFeePerBlobGas": "0x1"})
    assert params.call_args({"to": TO, "chainId": "0x7a69"}).chain_id == 31337
