"""EIP-7939 CLZ (0x1e, Osaka): the number of leading zero bits of the top word, 256 for zero, for
5 gas; in every tier (traced loop, fast loop, run compiler, constants folded or not). Before
Osaka the byte is an undefined opcode, and the node names it so: "invalid opcode: CLZ (0x1e) is
not in Cancun"."""
import pytest

from pydevnet.node.chain.transition import describe_error, opcode_name
from pydevnet.vm import jit
from pydevnet.vm.errors import InvalidOpcode
from pydevnet.vm.forks import OSAKA, PRAGUE
from pydevnet.vm.table import CANCUN
from pydevnet.vm.tracing import Tracer
from tests.vm.asm import asm, block_env, ret_top, run, tx_env

CLZ = b"\x1e"
CASES = [(0, 256), (1, 255), (2, 254), (3, 254), (0xFF, 248), (1 << 255, 0), ((1 << 256) - 1, 0),
         (1 << 128, 127), ((1 << 200) + 12345, 55)]


def _clz(x: int, **kw) -> int:
    f = run(asm("PUSH32", x) + CLZ + ret_top(), block=block_env(spec=OSAKA), **kw)
    assert f.error is None, f.error
    return int.from_bytes(f.output, "big")


@pytest.mark.parametrize(("x", "zeros"), CASES, ids=[hex(x)[:12] for x, _ in CASES])
def test_clz_counts_leading_zero_bits(x: int, zeros: int) -> None:
    assert _clz(x) == zeros
    assert _clz(x, tx=tx_env(tracer=Tracer())) == zeros  # the traced loop


@pytest.mark.parametrize(("x", "zeros"), CASES[:4])
def test_clz_in_the_run_compiler(x: int, zeros: int) -> None:
    saved = jit.MODE
    jit.set_mode("always")
    try:
        assert _clz(x) == zeros  # folded: the operand is a literal
        loaded = asm("PUSH32", x, "PUSH0 MSTORE PUSH0 MLOAD") + CLZ + ret_top()
        f = run(loaded, block=block_env(spec=OSAKA))
        assert int.from_bytes(f.output, "big") == zeros
    finally:
        jit.set_mode(saved)


def test_clz_costs_5_gas() -> None:
    assert OSAKA.static_gas[0x1E] == 5 and OSAKA.names[0x1E] == "CLZ"
    f = run(asm("PUSH0") + CLZ + asm("STOP"), gas=100, block=block_env(spec=OSAKA))
    assert 100 - f.gas == 2 + 5


def test_clz_on_an_empty_stack_underflows() -> None:
    f = run(CLZ, block=block_env(spec=OSAKA))
    assert f.error is not None and f.gas == 0


@pytest.mark.parametrize("spec", [CANCUN, PRAGUE], ids=["cancun", "prague"])
def test_clz_before_osaka_is_an_invalid_opcode(spec) -> None:
    for mode in ("off", "always"):
        saved = jit.MODE
        jit.set_mode(mode)
        try:
            f = run(asm("PUSH1 1") + CLZ + ret_top(), block=block_env(spec=spec))
        finally:
            jit.set_mode(saved)
        assert isinstance(f.error, InvalidOpcode) and f.gas == 0
        assert (f.error.opcode, f.error.fork) == (0x1E, spec.name)
        assert describe_error(f.error) == \
            f"invalid opcode: CLZ (0x1e) is not in {spec.name.capitalize()}"


def test_other_invalid_opcodes_keep_geths_names() -> None:
    assert opcode_name(0xFE, "osaka") == "INVALID"
    assert opcode_name(0x0C, "cancun") == "opcode 0x0c not defined"
    assert opcode_name(0x1E, "osaka") == "CLZ"
    assert describe_error(run(b"\xfe").error) == "invalid opcode: INVALID"
    assert describe_error(run(b"\x0c").error) == "invalid opcode: opcode 0x0c not defined"
