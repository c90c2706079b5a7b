"""EIP-6110: deposit requests read from the deposit contract's DepositEvent logs, the event's ABI
layout checked field by field (a log that breaks it invalidates the block), only the named
contract's logs with the DepositEvent topic counted, none without a deposit contract (the devnet,
as geth's dev mode)."""
import pytest

from pydevnet.node.chain.errors import InvalidDepositLog
from pydevnet.node.chain.requests import (DEPOSIT_EVENT_TOPIC, MAINNET_DEPOSIT_CONTRACT,
                                          deposit_data, deposit_requests)
from pydevnet.state.hashing import keccak256

PUBKEY, CREDENTIALS, AMOUNT = b"\x11" * 48, b"\x22" * 32, (32 * 10 ** 9).to_bytes(8, "little")
SIGNATURE, INDEX = b"\x33" * 96, (7).to_bytes(8, "little")


def abi_bytes(*fields: bytes) -> bytes:
    """ABI encoding of a tuple of `bytes` values, as the deposit contract logs them."""
    head, tail = b"", b""
    for f in fields:
        head += (32 * len(fields) + len(tail)).to_bytes(32, "big")
        tail += len(f).to_bytes(32, "big") + f.ljust((len(f) + 31) // 32 * 32, b"\0")
    return head + tail


EVENT = abi_bytes(PUBKEY, CREDENTIALS, AMOUNT, SIGNATURE, INDEX)


def log(data: bytes = EVENT, address: bytes = MAINNET_DEPOSIT_CONTRACT,
        topic: int = DEPOSIT_EVENT_TOPIC) -> tuple:
    return (address, [topic], data)


def test_the_topic_is_the_deposit_events_signature():
    assert DEPOSIT_EVENT_TOPIC == int.from_bytes(
        keccak256(b"DepositEvent(bytes,bytes,bytes,bytes,bytes)"), "big")


def test_a_deposit_request_is_the_fields_without_abi_padding():
    assert len(EVENT) == 576
    assert deposit_data(EVENT) == PUBKEY + CREDENTIALS + AMOUNT + SIGNATURE + INDEX


def test_deposits_of_a_block_are_one_type_0_request_in_log_order():
    second = abi_bytes(b"\x44" * 48, CREDENTIALS, AMOUNT, SIGNATURE, INDEX)
    logs = [log(), log(address=b"\x01" * 20), log(topic=1), log(second)]
    assert deposit_requests(logs, MAINNET_DEPOSIT_CONTRACT) == \
        [b"\x00" + deposit_data(EVENT) + deposit_data(second)]
    assert deposit_requests(logs[1:3], MAINNET_DEPOSIT_CONTRACT) == []
    assert deposit_requests(logs, None) == []


@pytest.mark.parametrize("offset,value", [
    (0, 161), (32, 255), (64, 0), (96, 385), (128, 511),  # the five ABI offsets
    (160, 47), (256, 33), (320, 9), (384, 95), (512, 7),  # the five lengths
])
def test_a_layout_other_than_the_contracts_is_invalid(offset, value):
    bad = EVENT[:offset] + value.to_bytes(32, "big") + EVENT[offset + 32:]
    with pytest.raises(InvalidDepositLog):
        deposit_requests([log(bad)], MAINNET_DEPOSIT_CONTRACT)


@pytest.mark.parametrize("size", [575, 577, 0])
def test_a_length_other_than_576_is_invalid(size):
    with pytest.raises(InvalidDepositLog):
        deposit_data(EVENT[:size].ljust(size, b"\0"))
