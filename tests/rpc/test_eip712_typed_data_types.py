"""EIP-712 typed data (eth_signTypedData_v4) with types and values outside Solidity's: int0,
uint0, int257, bytes0, bytes33, non-ASCII digits, 5,000-digit numbers and array lengths, nesting
without end. Each is -32602 (TypedDataError), never -32603."""
import pytest

from pydevnet.rpc.errors import INVALID_PARAMS

DEV = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"


def code(answer: dict) -> int | None:
    return answer["error"]["code"] if "error" in answer else None


# -- EIP-712: Solidity's atomic types only -----------------------------------------------------
def typed(field_type: str, value, extra_types: dict | None = None) -> dict:
    return {"types": {"EIP712Domain": [], "M": [{"name": "a", "type": field_type}],
                      **(extra_types or {})},
            "primaryType": "M", "domain": {}, "message": {"a": value}}


@pytest.mark.parametrize("field_type", ["int0", "uint0", "int257", "uint264", "int7", "uint12",
                                        "uint08", "uint²", "int٨", "bytes0", "bytes33",
                                        "bytes01", "bytes²", "byte", "uint8[" + "9" * 5000 + "]",
                                        "uint8[٣]", "Foo"])
def test_typed_data_bad_type_is_invalid_params(inproc, field_type):
    assert code(inproc.request("eth_signTypedData_v4", [DEV, typed(field_type, 1)])) == \
        INVALID_PARAMS


@pytest.mark.parametrize("value", ["1" * 5000, "0x" + "f" * 5000, "1_0", " 1", "١", "0x", "-",
                                   1.5, True, None, [1], "256", "-1"])
def test_typed_data_bad_integer_is_invalid_params(inproc, value):
    assert code(inproc.request("eth_signTypedData_v4", [DEV, typed("uint8", value)])) == \
        INVALID_PARAMS


@pytest.mark.parametrize("field_type, value", [
    ("uint8", 255), ("uint8", "0xff"), ("uint8", "0x" + "0" * 70 + "1"), ("int8", -128),
    ("int8", "-0x80"), ("int", "-1"), ("uint", 2 ** 256 - 1), ("bytes32", "0x" + "ab" * 32),
    ("bytes1", "0x01"), ("uint8[2]", [1, 2]), ("uint256[]", [])])
def test_typed_data_good_types_still_sign(inproc, field_type, value):
    assert "result" in inproc.request("eth_signTypedData_v4", [DEV, typed(field_type, value)])


@pytest.mark.parametrize("doc", [
    {"types": {"M": []}, "primaryType": "M", "domain": 5},
    {"types": {"M": []}, "primaryType": "M", "domain": "name"},
    {"types": {"M": []}, "primaryType": ["M"]},
    {"types": {"M": []}, "primaryType": {"M": 1}},
])
def test_typed_data_bad_document_is_invalid_params(inproc, doc):
    assert code(inproc.request("eth_signTypedData_v4", [DEV, doc])) == INVALID_PARAMS


def test_typed_data_nesting_is_bounded(inproc):
    # a struct that contains itself, nested 1500 levels: refused, not a RecursionError
    value: dict = {"a": []}
    for _ in range(1500):
        value = {"a": [value]}
    doc = {"types": {"EIP712Domain": [], "N": [{"name": "a", "type": "N[]"}]},
           "primaryType": "N", "domain": {}, "message": value}
    err = inproc.request("eth_signTypedData_v4", [DEV, doc])["error"]
    assert err["code"] == INVALID_PARAMS and "nested" in err["message"]


def test_typed_data_long_type_chain(inproc):
    # thousands of struct types referring to the next one: a valid, if odd, document
    n = 5000
    types = {f"T{i}": [{"name": "x", "type": f"T{i + 1}[]"}] for i in range(n)}
    types[f"T{n}"] = []
    doc = {"types": {"EIP712Domain": [], **types}, "primaryType": "T0", "domain": {},
           "message": {"x": []}}
    assert "result" in inproc.request("eth_signTypedData_v4", [DEV, doc])




@pytest.mark.parametrize("value", ["0x12 34", "0x 12", "0x12\n", "0x1_2", "0x-1", "12"])
def test_typed_data_bytes_are_strict_hex(inproc, value):
    assert code(inproc.request("eth_signTypedData_v4", [DEV, typed("bytes", value)])) == \
        INVALID_PARAMS


def test_typed_data_long_names_deep_down_stay_cheap(inproc):
    """A 20,000-character field name at every one of 500 levels: the path in messages is
    cut short, not rebuilt at full length per level (that would copy 2.5 GB)."""
    name = "n" * 20_000
    value: dict = {name: []}
    for _ in range(500):
        value = {name: [value]}
    doc = {"types": {"EIP712Domain": [], "N": [{"name": name, "type": "N[]"}]},
           "primaryType": "N", "domain": {}, "message": value}
    assert "result" in inproc.request("eth_signTypedData_v4", [DEV, doc])
    value[name] = [{"wrong": 1}]
    err = inproc.request("eth_signTypedData_v4", [DEV, doc])["error"]
    assert err["code"] == INVALID_PARAMS and len(err["message"]) < 300
