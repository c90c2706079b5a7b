"""Numbers and ids no Python int or JSON answer can hold (issue 7, part 5): a 5,000-digit decimal
block count (int() refuses over 4300 digits), ids and params of 1e400 or 5,000 digits (they parse
as infinities): each a client error (-32600 or -32602), and no answer ever carries NaN or
Infinity, which are not JSON."""
import json

import pytest

from pydevnet.rpc.codec import dumps
from pydevnet.rpc.dispatch import Dispatcher
from pydevnet.rpc.errors import INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST
from tests.node.helpers import make_devnet
from tests.rpc.fuzzing import strict_loads

DEV = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"


# -- eth_feeHistory's block count: Python's int() refuses decimal strings over 4300 digits -------
@pytest.mark.parametrize("count", ["1" * 5000, "9" * 4301, "18446744073709551616", "²", "١٢",
                                   " 1", "1_0", "+1", "-1", "", "0x", "1.5"])
def test_fee_history_bad_block_count_is_invalid_params(inproc, count):
    err = inproc.request("eth_feeHistory", [count, "latest"])["error"]
    assert err["code"] == INVALID_PARAMS and err["message"].startswith("invalid argument 0")
    assert len(err["message"]) < 200  # the 5000 digits are not echoed back


@pytest.mark.parametrize("count", ["2", "0x2", 2, "18446744073709551615"])
def test_fee_history_block_count_forms(inproc, count):
    assert "result" in inproc.request("eth_feeHistory", [count, "latest"])


# -- ids: 1e400 parses as an infinity, which no answer can carry --------------------------------
@pytest.mark.parametrize("rid", ["1e400", "-1e400", "1" * 5000, "-" + "1" * 5000, "1e99999"])
def test_non_finite_id_is_invalid_request(inproc, rid):
    text = inproc.text('{"jsonrpc":"2.0","id":%s,"method":"eth_chainId"}' % rid)
    answer = strict_loads(text)
    assert answer["id"] is None and answer["error"]["code"] == INVALID_REQUEST
    batch = strict_loads(inproc.text('[{"jsonrpc":"2.0","id":%s,"method":"eth_chainId"},'
                                   '{"jsonrpc":"2.0","id":2,"method":"eth_chainId"}]' % rid))
    assert batch[0]["id"] is None and batch[0]["error"]["code"] == INVALID_REQUEST
    assert batch[1] == {"jsonrpc": "2.0", "id": 2, "result": "0x7a69"}


@pytest.mark.parametrize("rid", ["1e308", "-1.7976931348623157e308", "5e-324", "1" * 4300,
                                 "0.1", "-0"])
def test_large_finite_ids_are_echoed(inproc, rid):
    answer = strict_loads(inproc.text('{"jsonrpc":"2.0","id":%s,"method":"eth_chainId"}' % rid))
    assert answer["id"] == json.loads(rid) and answer["result"] == "0x7a69"


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "1" * 5000, "-" + "1" * 5000])
@pytest.mark.parametrize("method, params", [
    ("eth_getBlockByNumber", "[%s, false]"), ("evm_increaseTime", "[%s]"),
    ("anvil_mine", "[%s]"), ("eth_feeHistory", '["0x1", "latest", [%s]]'),
    ("anvil_setBalance", '["%s", %%s]' % DEV), ("evm_mine", '[{"timestamp": %s}]')])
def test_out_of_range_numbers_in_params_are_invalid_params(inproc, literal, method, params):
    body = '{"jsonrpc":"2.0","id":1,"method":"%s","params":%s}' % (method, params % literal)
    assert strict_loads(inproc.text(body))["error"]["code"] == INVALID_PARAMS


def test_dumps_refuses_nan_and_infinity():
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError):
            dumps({"x": bad})


async def test_an_answer_that_is_not_json_becomes_internal_error(monkeypatch):
    """A result Python's json would write as NaN is a bug in the node: -32603, still JSON."""
    from pydevnet.rpc.registry import METHODS, Method

    async def bad(ctx):
        return float("nan")
    monkeypatch.setitem(METHODS, "test_nan", Method("test_nan", bad, []))
    devnet = make_devnet()
    try:
        d = Dispatcher(devnet, hub=None)
        one = strict_loads(await d.handle_text('{"jsonrpc":"2.0","id":7,"method":"test_nan"}'))
        assert one["id"] == 7 and one["error"]["code"] == INTERNAL_ERROR
        many = strict_loads(await d.handle_text(
            '[{"jsonrpc":"2.0","id":7,"method":"test_nan"},'
            '{"jsonrpc":"2.0","id":8,"method":"eth_chainId"}]'))
        assert many[0]["error"]["code"] == INTERNAL_ERROR and many[1]["result"] == "0x7a69"
    finally:
        devnet.shutdown()


