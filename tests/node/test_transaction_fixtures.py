"""ethereum/tests TransactionTests: decoding, EIP-155/EIP-2 signatures, EIP-2718/2930/1559 typed
transactions, EIP-2028 and EIP-3860 intrinsic gas, EIP-2681 nonce limit.

Each file holds one test: `txbytes` plus a result per fork. We use the Cancun result, or for the
files filled before Cancun existed (all of them invalid RLP) the latest fork they list. A result
with "exception" must make decode_transaction + validate_stateless raise an InvalidTransaction
(of the class the exception's category names, where it names one); otherwise the recovered
sender, the hash and the intrinsic gas must match. The fixtures are signed for chain id 1.
"""
import json

import pytest

from pydevnet.node.tx import errors
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.validation import tx_intrinsic_gas, validate_stateless
from tests.fixtures import ETHEREUM_TESTS

FIXTURES = ETHEREUM_TESTS / "TransactionTests"
FIXTURE_CHAIN_ID = 1
# Newest first: the result we test is the first of these a file has.
FORKS = ("Cancun", "Shanghai", "Paris", "London", "Berlin", "Istanbul", "ConstantinopleFix",
         "Constantinople", "Byzantium", "EIP158", "EIP150", "Homestead", "Frontier")

# The fixture's exception category -> the error classes that express it here. Categories not
# listed only need some InvalidTransaction. An overflowing field may also be non-canonical (a
# zero-prefixed 2**64): that is a DecodeError first.
EXPECTED_ERRORS: dict[str, tuple[type, ...]] = {
    # The fillers read txbytes that are an RLP string (0x80..0xbf) as a block body's typed-tx
    # string whose content starts with a bad type; as raw transaction bytes they are no
    # envelope at all, a DecodeError (as geth's eth_sendRawTransaction says).
    "TYPE_NOT_SUPPORTED": (errors.UnsupportedType, errors.DecodeError),
    "INVALID_SIGNATURE_VRS": (errors.InvalidSignature,),
    "EC_RECOVERY_FAIL": (errors.InvalidSignature,),
    # v that is neither 27/28 nor a chain id 1 value: no chain id at all, or a different one
    "INVALID_CHAINID": (errors.WrongChainId, errors.InvalidSignature),
    "NONCE_TOO_BIG": (errors.NonceMax,),
    "NONCE_OVERFLOW": (errors.DecodeError,),  # IntegerOverflow is a DecodeError
    "VALUE_OVERFLOW": (errors.DecodeError,),
    "GASLIMIT_OVERFLOW": (errors.GasLimitTooHigh, errors.DecodeError),
    "GASPRICE_OVERFLOW": (errors.FeeOverflow, errors.DecodeError),
    "PRIORITY_OVERFLOW": (errors.FeeOverflow, errors.DecodeError),
    "GASLIMIT_PRICE_PRODUCT_OVERFLOW": (errors.FeeOverflow,),
    "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2": (errors.TipAboveFeeCap,),
    "INTRINSIC_GAS_TOO_LOW": (errors.IntrinsicGasTooLow,),
    "INITCODE_SIZE_EXCEEDED": (errors.InitcodeTooLarge,),
    "ADDRESS_TOO_LONG": (errors.DecodeError,),
    "ADDRESS_TOO_SHORT": (errors.DecodeError,),
}


def _expected_error(exception: str) -> tuple[type, ...]:
    category = exception.removeprefix("TransactionException.")
    if category.startswith("RLP_"):
        return (errors.DecodeError,)
    return EXPECTED_ERRORS.get(category, (errors.InvalidTransaction,))


def _load_cases() -> list:
    cases = []
    for path in sorted(FIXTURES.rglob("*.json")):
        for name, test in json.loads(path.read_text()).items():
            fork = next(f for f in FORKS if f in test["result"])
            case_id = f"{path.relative_to(FIXTURES).with_suffix('')}/{name}"
            cases.append(pytest.param(test["txbytes"], fork, test["result"][fork], id=case_id))
    return cases


CASES = _load_cases()


def test_fixture_corpus_is_present() -> None:
    assert len(CASES) >= 200, f"TransactionTests not found under {FIXTURES}"


def _run(txbytes: str):
    tx = decode_transaction(bytes.fromhex(txbytes.removeprefix("0x")))
    validate_stateless(tx, chain_id=FIXTURE_CHAIN_ID)
    return tx


@pytest.mark.parametrize("txbytes, fork, expected", CASES)
def test_transaction_fixture(txbytes: str, fork: str, expected: dict) -> None:
    if "exception" in expected:
        with pytest.raises(_expected_error(expected["exception"])):
            _run(txbytes)
        return
    tx = _run(txbytes)
    assert "0x" + tx.sender.hex() == expected["sender"]
    assert "0x" + tx.hash.hex() == expected["hash"]
    assert tx_intrinsic_gas(tx) == int(expected["intrinsicGas"], 16)
    # the strict decoder only accepts canonical input, so re-encoding gives the same bytes
    assert "0x" + tx.raw.hex() == txbytes
