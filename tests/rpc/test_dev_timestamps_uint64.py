"""A header's timestamp is a uint64: evm_increaseTime, evm_setNextBlockTimestamp, evm_mine with
a timestamp and anvil_mine / hardhat_mine intervals are refused (-32602, nothing changed) when a
block they would mine would pass 2**64 - 1."""
import pytest

from pydevnet.rpc.errors import INVALID_PARAMS
from tests.rpc.fuzzing import MAX_TIMESTAMP, fingerprint, head_timestamp

DEV = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
DEV_BYTES = bytes.fromhex(DEV[2:])


def code(answer: dict) -> int | None:
    return answer["error"]["code"] if "error" in answer else None


# -- block timestamps are uint64 ---------------------------------------------------------------
def test_increase_time_past_uint64_is_refused(inproc):
    before = fingerprint(inproc.devnet, [DEV_BYTES])
    for seconds in (MAX_TIMESTAMP, "0xffffffffffffffff", MAX_TIMESTAMP - 10):
        assert code(inproc.request("evm_increaseTime", [seconds])) == INVALID_PARAMS
    assert fingerprint(inproc.devnet, [DEV_BYTES]) == before
    assert "result" in inproc.request("evm_mine", [])
    assert head_timestamp(inproc.devnet) < 2 ** 40


def test_increase_time_up_to_uint64_then_mining_stops(inproc):
    head = head_timestamp(inproc.devnet)
    period = inproc.devnet.genesis.block_period
    assert inproc.request("evm_increaseTime", [MAX_TIMESTAMP - head - period])["result"] == \
        MAX_TIMESTAMP - head - period
    assert "result" in inproc.request("evm_mine", [])
    assert head_timestamp(inproc.devnet) == MAX_TIMESTAMP
    before = fingerprint(inproc.devnet, [DEV_BYTES])
    for method, params in (("evm_mine", []), ("anvil_mine", [3]), ("hardhat_mine", ["0x2", 1]),
                           ("evm_increaseTime", [1]), ("evm_increaseTime", [0])):
        assert code(inproc.request(method, params)) == INVALID_PARAMS, (method, params)
    assert fingerprint(inproc.devnet, [DEV_BYTES]) == before


@pytest.mark.parametrize("method, params", [
    ("evm_mine", [{"timestamp": MAX_TIMESTAMP - 1, "blocks": 3}]),
    ("evm_mine", [{"timestamp": hex(MAX_TIMESTAMP), "blocks": 2}]),
    ("anvil_mine", [5, 2 ** 62]),
    ("hardhat_mine", [hex(100_000), hex(2 ** 50)]),
])
def test_mining_a_span_past_uint64_mines_nothing(inproc, method, params):
    before = fingerprint(inproc.devnet, [DEV_BYTES])
    err = inproc.request(method, params)["error"]
    assert err["code"] == INVALID_PARAMS and "2**64 - 1" in err["message"]
    assert fingerprint(inproc.devnet, [DEV_BYTES]) == before


def test_set_next_timestamp_at_the_limit(inproc):
    assert code(inproc.request("evm_setNextBlockTimestamp", [hex(2 ** 64)])) == INVALID_PARAMS
    assert code(inproc.request("evm_setNextBlockTimestamp", [2 ** 64])) == INVALID_PARAMS
    assert "result" in inproc.request("evm_setNextBlockTimestamp", [MAX_TIMESTAMP - 1])
    assert code(inproc.request("anvil_mine", [2, 5])) == INVALID_PARAMS
    assert "result" in inproc.request("anvil_mine", [2, 1])
    assert head_timestamp(inproc.devnet) == MAX_TIMESTAMP
    assert code(inproc.request("evm_setNextBlockTimestamp", [MAX_TIMESTAMP])) == INVALID_PARAMS


def test_automine_never_makes_a_block_past_uint64(inproc):
    assert "result" in inproc.request("evm_setNextBlockTimestamp", [MAX_TIMESTAMP])
    assert "result" in inproc.request("evm_mine", [])
    answer = inproc.request("eth_sendTransaction", [{"from": DEV, "to": DEV, "value": "0x1"}])
    assert head_timestamp(inproc.devnet) == MAX_TIMESTAMP
    assert answer["error"]["code"] in (INVALID_PARAMS, -32000)
