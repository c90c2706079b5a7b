"""The instruction table (vm/table.py): exactly the Cancun opcodes are assigned, each with its
static gas; every other byte runs INVALID. Also: each vm module imports on its own (the table ->
opcodes.system -> message -> interpreter -> table cycle must not bite whichever comes first)."""
import subprocess
import sys

import pytest

from tests.vm.asm import OPCODE, run
from pydevnet.vm.errors import InvalidOpcode
from pydevnet.vm.table import CANCUN

# 0x00-0x0b, 0x10-0x1d, 0x20, 0x30-0x4a, 0x50-0xa4, 0xf0-0xf5, 0xfa, 0xfd, 0xfe, 0xff
CANCUN_OPCODE_COUNT = 149

STATIC = {
    "STOP": 0, "ADD": 3, "MUL": 5, "EXP": 10, "KECCAK256": 30, "BALANCE": 100, "EXTCODESIZE": 100,
    "EXTCODECOPY": 100, "EXTCODEHASH": 100, "SLOAD": 100, "SSTORE": 0, "BLOCKHASH": 20,
    "SELFBALANCE": 5, "JUMP": 8, "JUMPI": 10, "JUMPDEST": 1, "TLOAD": 100, "TSTORE": 100,
    "MCOPY": 3, "PUSH0": 2, "PUSH32": 3, "DUP16": 3, "SWAP16": 3, "LOG0": 375, "LOG4": 375,
    "CREATE": 32000, "CREATE2": 32000, "CALL": 100, "CALLCODE": 100, "DELEGATECALL": 100,
    "STATICCALL": 100, "SELFDESTRUCT": 5000, "BLOBHASH": 3, "BLOBBASEFEE": 2, "INVALID": 0,
}


def test_cancun_opcode_count() -> None:
    assert len(OPCODE) == CANCUN_OPCODE_COUNT


@pytest.mark.parametrize(("name", "gas"), STATIC.items(), ids=STATIC.keys())
def test_static_gas(name: str, gas: int) -> None:
    assert CANCUN.static_gas[OPCODE[name]] == gas


@pytest.mark.parametrize("op", [op for op in range(256) if op not in OPCODE.values()])
def test_unassigned_bytes_are_invalid_and_burn_all_gas(op: int) -> None:
    assert CANCUN.handlers[op] is CANCUN.handlers[0xFE]
    f = run(bytes([op]), gas=5000)
    assert isinstance(f.error, InvalidOpcode)
    assert f.gas == 0


@pytest.mark.parametrize("module", ["pydevnet.vm.table", "pydevnet.vm.tracing",
                                    "pydevnet.vm.opcodes.system", "pydevnet.vm.message",
                                    "pydevnet.vm.interpreter", "pydevnet.vm.frame"])
def test_module_imports_first(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, timeout=60)


def _module_level_imports(path) -> set[str]:
    """The pydevnet.vm modules `path` imports at module level (not inside functions)."""
    import ast
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("pydevnet.vm"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("pydevnet.vm"))
    return out


def test_vm_imports_have_no_cycle() -> None:
    """table -> opcodes -> message -> interpreter/analysis/frame, and nothing back: the running
    code reads its fork's tables from the block's spec (vm/spec.py)."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "vm"
    modules = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).with_suffix("").parts
        name = ".".join(("pydevnet.vm",) + (rel[:-1] if rel[-1] == "__init__" else rel))
        modules[name] = path
    graph = {m: {i for i in _module_level_imports(p) if i in modules and i != m}
             for m, p in modules.items()}
    state = {}

    def visit(m, trail):
        if state.get(m) == "done":
            return
        assert state.get(m) != "open", " -> ".join(trail + [m])
        state[m] = "open"
        for nxt in sorted(graph[m]):
            visit(nxt, trail + [m])
        state[m] = "done"
    for m in sorted(graph):
        visit(m, [])
