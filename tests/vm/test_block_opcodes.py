"""Block information opcodes 0x40-0x48: BLOCKHASH over the window of the 256 previous blocks
(zero outside it, 20 gas), COINBASE, TIMESTAMP, NUMBER, PREVRANDAO (EIP-4399, formerly
DIFFICULTY), GASLIMIT, CHAINID (EIP-1344), SELFBALANCE (EIP-1884, 5 gas) and BASEFEE (EIP-3198),
each reading the BlockEnv."""
import pytest

from pydevnet.state.hashing import keccak256
from tests.vm.asm import CONTRACT, as_int, asm, block_env, new_state, run
from pydevnet.vm.table import CANCUN

NUMBER = 1000


def hash_of(n: int) -> bytes:
    return keccak256(b"block %d" % n)


def blockhash(n: int) -> tuple[int, int]:
    asked: list[int] = []

    def lookup(k: int) -> bytes:
        asked.append(k)
        return hash_of(k)

    f = run(asm("PUSH", n, "BLOCKHASH"), block=block_env(number=NUMBER, block_hash=lookup))
    assert f.error is None
    assert 1_000_000 - f.gas == 3 + 20
    return f.stack[0], len(asked)


@pytest.mark.parametrize("n", [NUMBER - 1, NUMBER - 2, NUMBER - 256])
def test_blockhash_inside_the_window(n: int) -> None:
    assert blockhash(n) == (int.from_bytes(hash_of(n), "big"), 1)


@pytest.mark.parametrize("n", [NUMBER, NUMBER + 1, NUMBER - 257, 0, 2**64, 2**256 - 1])
def test_blockhash_outside_the_window_is_zero_without_a_lookup(n: int) -> None:
    assert blockhash(n) == (0, 0)


def test_blockhash_of_an_unknown_block_is_zero() -> None:
    f = run(asm("PUSH2 0x03e7 BLOCKHASH"), block=block_env(number=NUMBER))  # lookup gives None
    assert f.stack == [0]


def test_blockhash_window_at_the_start_of_the_chain() -> None:
    f = run(asm("PUSH0 BLOCKHASH PUSH1 1 BLOCKHASH"),
            block=block_env(number=1, block_hash=hash_of))
    assert f.stack == [int.from_bytes(hash_of(0), "big"), 0]


BLOCK = dict(coinbase=bytes.fromhex("11" * 20), number=0x1234, timestamp=1_700_000_123,
             gas_limit=30_000_000, prevrandao=2**256 - 5, base_fee=875_000_000, chain_id=31337)


@pytest.mark.parametrize(("op", "expected"), [
    ("COINBASE", as_int(BLOCK["coinbase"])),
    ("TIMESTAMP", BLOCK["timestamp"]),
    ("NUMBER", BLOCK["number"]),
    ("PREVRANDAO", BLOCK["prevrandao"]),
    ("GASLIMIT", BLOCK["gas_limit"]),
    ("CHAINID", BLOCK["chain_id"]),
    ("BASEFEE", BLOCK["base_fee"]),
])
def test_block_field(op: str, expected: int) -> None:
    f = run(asm(op), block=block_env(**BLOCK))
    assert f.stack == [expected]
    assert 1_000_000 - f.gas == 2


def test_prevrandao_is_opcode_0x44() -> None:
    assert CANCUN.names[0x44] == "PREVRANDAO"


def test_selfbalance() -> None:
    f = run(asm("SELFBALANCE"), state=new_state({CONTRACT: {"balance": 12345}}))
    assert f.stack == [12345]
    assert 1_000_000 - f.gas == 5
