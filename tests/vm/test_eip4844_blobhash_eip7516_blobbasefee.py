"""EIP-4844 BLOBHASH (0x49): the transaction's i-th versioned hash, zero past the end, for 3 gas;
EIP-7516 BLOBBASEFEE (0x4a): the block's blob base fee, fake_exponential(1, excess blob gas,
3338477), for 2 gas. Also the blob gas a type-3 transaction pays up front."""
import pytest

from tests.vm.asm import CONTRACT, SENDER, asm, block_env, new_state, run, transact, tx_env
from pydevnet.vm.gas import fake_exponential

HASHES = (b"\x01" + b"\xaa" * 31, b"\x01" + b"\xbb" * 31)
FRACTION = 3338477


@pytest.mark.parametrize(("index", "expected"), [
    (0, HASHES[0]), (1, HASHES[1]), (2, bytes(32)), (2**64, bytes(32)), (2**256 - 1, bytes(32)),
])
def test_blobhash(index: int, expected: bytes) -> None:
    f = run(asm(index, "BLOBHASH"), tx=tx_env(blob_hashes=HASHES))
    assert f.stack == [int.from_bytes(expected, "big")]
    assert 1_000_000 - f.gas == 3 + 3


def test_blobhash_without_blobs_is_zero() -> None:
    assert run(asm("PUSH0 BLOBHASH")).stack == [0]


@pytest.mark.parametrize(("factor", "numerator", "denominator", "result"), [
    (1, 0, 1, 1), (38493, 0, 1000, 38493), (0, 1234, 2345, 0),
    (1, 2, 1, 6), (1, 4, 2, 6), (1, 3, 1, 16), (1, 6, 2, 18), (1, 8, 2, 50),
])
def test_fake_exponential(factor: int, numerator: int, denominator: int, result: int) -> None:
    # hand-evaluated Taylor sums: e.g. (1, 2, 1) = 1 + 2 + 2 + 1 (then the next term is 0)
    assert fake_exponential(factor, numerator, denominator) == result


# fee = floor(e ** (excess / FRACTION)), away from the integer boundaries
@pytest.mark.parametrize(("excess", "fee"), [
    (0, 1), (2_000_000, 1), (FRACTION, 2), (2 * FRACTION, 7), (3 * FRACTION, 20),
    (10 * FRACTION, 22026),
])
def test_blobbasefee_from_excess_blob_gas_eip7516(excess: int, fee: int) -> None:
    f = run(asm("BLOBBASEFEE"), block=block_env(excess_blob_gas=excess))
    assert f.stack == [fee]
    assert 1_000_000 - f.gas == 2


def test_blob_transaction_sees_its_hashes_and_pays_blob_gas() -> None:
    code = asm("PUSH0 BLOBHASH PUSH0 SSTORE PUSH1 1 BLOBHASH PUSH1 1 SSTORE BLOBBASEFEE "
               "PUSH1 2 SSTORE")
    state = new_state({SENDER: {"balance": 10**18}, CONTRACT: {"code": code}})
    block = block_env(excess_blob_gas=2 * FRACTION)
    before = state.get_balance(SENDER)
    result = transact(state, block=block, blob_versioned_hashes=list(HASHES),
                      max_fee_per_blob_gas=10, gas_limit=200_000)
    assert result.success
    assert result.blob_gas_used == 2 * 131072
    assert state.get_storage(CONTRACT, 0) == int.from_bytes(HASHES[0], "big")
    assert state.get_storage(CONTRACT, 1) == int.from_bytes(HASHES[1], "big")
    assert state.get_storage(CONTRACT, 2) == 7
    spent = result.gas_used * result.gas_price + 2 * 131072 * 7  # blob fee at the base fee
    assert state.get_balance(SENDER) == before - spent
