"""Published vectors for the precompiles 0x01-0x0a (go-ethereum's precompile test data and the
execution-spec-tests KZG vectors; see the `_source` note in data/precompile_vectors.json).

Each vector is run with exactly its price (must succeed with the expected output, or fail with
PrecompileError when `expected` is null) and with one gas less (must run out of gas).
"""
import json
from pathlib import Path

import pytest

from pydevnet.vm.errors import OutOfGas, PrecompileError
from pydevnet.vm.precompiles import PRECOMPILES, address

VECTORS_PATH = Path(__file__).parent / "data" / "precompile_vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text())

ADDRESSES = {
    "ecrecover": 0x01,
    "modexp": 0x05,
    "bn254_add": 0x06,
    "bn254_mul": 0x07,
    "bn254_pairing": 0x08,
    "blake2f": 0x09,
    "point_evaluation": 0x0A,
}

CASES = [
    pytest.param(ADDRESSES[group], vector, id=f"{group}-{vector['name']}")
    for group in ADDRESSES
    for vector in VECTORS[group]
]


def test_table_has_the_ten_cancun_precompiles() -> None:
    assert sorted(PRECOMPILES) == [address(i) for i in range(1, 11)]
    assert all(len(key) == 20 for key in PRECOMPILES)


@pytest.mark.parametrize(("index", "vector"), CASES)
def test_vector_at_exact_price(index: int, vector: dict) -> None:
    precompile = PRECOMPILES[address(index)]
    data = bytes.fromhex(vector["input"])
    if vector["expected"] is None:
        with pytest.raises(PrecompileError):
            precompile(data, vector["gas"])
        return
    gas_used, output = precompile(data, vector["gas"])
    assert gas_used == vector["gas"]
    assert output.hex() == vector["expected"]


@pytest.mark.parametrize(("index", "vector"), [case for case in CASES if case.values[1]["gas"] > 0])
def test_vector_one_gas_short_runs_out_of_gas(index: int, vector: dict) -> None:
    precompile = PRECOMPILES[address(index)]
    with pytest.raises(OutOfGas):
        precompile(bytes.fromhex(vector["input"]), vector["gas"] - 1)
