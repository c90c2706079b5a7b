"""The code-analysis cache (vm/analysis.py): bounded by estimated bytes, least recently used out,
the JIT's counters and units counted and freed with their analysis; initcode (CREATE, CREATE2 and
creation transactions) analysed outside it; safe to share between threads."""
import gc
import inspect
import json
import random
import threading
import tracemalloc
from pathlib import Path

import pytest

from tests.vm.asm import asm, block_env, initcode, new_state, tx_env, warm_like_a_tx
from pydevnet.vm import analysis, jit, message
from pydevnet.vm.table import CANCUN

TOKEN = Path(__file__).resolve().parents[1] / "contracts" / "build" / "Token.json"
BUDGET = 4 << 20


@pytest.fixture(autouse=True)
def _small_cache(monkeypatch):
    mode = jit.MODE
    monkeypatch.setattr(analysis, "CACHE_BYTES", BUDGET)
    analysis.clear_cache()
    yield
    jit.set_mode(mode)  # clears the cache again, under the real budget


def _codes(n: int, size: int, seed: int = 1) -> list[bytes]:
    """Distinct codes of PUSH1/JUMPDEST/ADD pieces (pushes and entries: the costly kinds)."""
    rng = random.Random(seed)
    pieces = [b"\x60\x01", b"\x5b", b"\x01", b"\x5b\x60\x03\x01\x50"]
    out = []
    for i in range(n):
        body = b"".join(rng.choice(pieces) for _ in range(size // 2))[:size]
        out.append(i.to_bytes(4, "big") + body)
    return out


def _within_budget() -> bool:
    return analysis.cached_bytes() <= analysis.CACHE_BYTES


@pytest.mark.parametrize("mode,count,size", [("off", 200, 6000), ("auto", 200, 6000),
                                             ("always", 16, 1000)])  # ~2 MB compiled each
def test_total_stays_under_the_byte_budget_with_many_distinct_codes(mode, count, size):
    jit.set_mode(mode)
    codes = _codes(count, size)
    for code in codes:
        analysis.analyse(code, CANCUN)
        assert _within_budget()
    # LRU: the newest few are still there (the same objects), the first long gone
    assert 1 < analysis.cache_size() < len(codes)
    newest = analysis.analyse(codes[-1], CANCUN)
    assert analysis.analyse(codes[-1], CANCUN) is newest
    assert (CANCUN.id, codes[0]) not in analysis._CACHE


def test_a_hit_refreshes_its_place():
    jit.set_mode("off")
    codes = _codes(100, 6000)
    keep = analysis.analyse(codes[0], CANCUN)
    for code in codes[1:]:
        assert analysis.analyse(codes[0], CANCUN) is keep  # used again each time: never the LRU
        analysis.analyse(code, CANCUN)
    assert (CANCUN.id, codes[0]) in analysis._CACHE and (CANCUN.id, codes[1]) not in analysis._CACHE


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_evicted_jit_memory_is_freed_without_the_cycle_collector(mode):
    """Counters and compiled units hold no reference cycle: dropping an analysis gives its
    bytes (and compiled source) back at once, with gc off."""
    jit.set_mode(mode)
    base_bytes, base_left = jit.live_bytes(), jit.total_left()
    gc.disable()
    try:
        for code in _codes(*((60, 6000) if mode == "auto" else (8, 600)), seed=2):
            analysis.analyse(code, CANCUN)
        assert jit.live_bytes() > base_bytes
        analysis.clear_cache()
        assert jit.live_bytes() == base_bytes and jit.total_left() == base_left
    finally:
        gc.enable()


def _retained(fn) -> int:
    """Bytes fn() leaves allocated, by tracemalloc, except what _instructions allocates: its
    list of tuples is garbage at once, but the tuples' free list keeps them traced."""
    lines, first = inspect.getsourcelines(analysis._instructions)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        kept = fn()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    temporary = [tracemalloc.Filter(False, analysis.__file__, n)
                 for n in range(first, first + len(lines))]
    temporary.append(tracemalloc.Filter(False, tracemalloc.__file__))
    diff = after.filter_traces(temporary).compare_to(before.filter_traces(temporary), "lineno")
    del kept
    return sum(d.size_diff for d in diff)


def test_the_estimate_is_the_right_order_of_magnitude():
    """Checked against tracemalloc for a real (solc) contract: not under, at most 2x over."""
    jit.set_mode("off")
    runtime = bytes.fromhex(json.loads(TOKEN.read_text())["deployedBytecode"].removeprefix("0x"))
    for i in range(3):  # a steady state: free lists filled by analyses like it
        analysis.analyse(runtime + bytes([i]), CANCUN)
    measured = _retained(lambda: analysis.analyse(runtime, CANCUN))
    size = analysis.analyse(runtime, CANCUN).size
    assert measured <= size <= 2 * measured


def _create(code: bytes, gas: int = 3_000_000) -> tuple:
    state = new_state()
    creator = bytes.fromhex("c4ea7e" + "00" * 17)
    warm_like_a_tx(state, creator)
    return state, message.create(state, block_env(), tx_env(), creator,
                                 bytes.fromhex("de9107" + "00" * 17), 0, code, gas, 0)


def test_initcode_is_never_cached_runtime_code_is():
    jit.set_mode("auto")
    runtime = asm(1, 2, "ADD", "PUSH0", "MSTORE", 32, "PUSH0", "RETURN")
    for salt in range(5):  # distinct initcodes, the same runtime code
        init = initcode(runtime) + bytes([salt])
        state, (ok, _, _, err) = _create(init)
        assert ok, err
        assert (CANCUN.id, init) not in analysis._CACHE
    assert analysis.cache_size() == 0  # nothing ran the deployed code yet
    analysis.analyse(runtime, CANCUN)
    assert list(analysis._CACHE) == [(CANCUN.id, runtime)]


def test_create_opcodes_leave_their_initcode_out_of_the_cache():
    """CREATE and CREATE2 from a cached runtime code: only that code is cached."""
    jit.set_mode("off")
    child = initcode(asm("STOP"))
    factory = asm("PUSH32", int.from_bytes(child.ljust(32, b"\x00"), "big"), "PUSH0", "MSTORE",
                  len(child), "PUSH0", "PUSH0", "CREATE", "POP",
                  7, len(child), "PUSH0", "PUSH0", "CREATE2", "STOP")
    assert len(child) <= 32
    state = new_state({b"\xfa" * 20: {"code": factory}})
    warm_like_a_tx(state, b"\xfa" * 20)
    ok, _, _, err = message.call(state, block_env(), tx_env(), b"\xca" * 20, b"\xfa" * 20,
                                 b"\xfa" * 20, 0, b"", 1_000_000, 0, False)
    assert ok, err
    assert list(analysis._CACHE) == [(CANCUN.id, factory)]


def test_initcode_loops_still_get_compiled_in_auto_mode(monkeypatch):
    """The analysis of initcode is alive while its frame runs, so a hot loop there is patched
    with its compiled unit (vm/jit reaches the analysis through a weak reference)."""
    jit.set_mode("auto")
    seen = []
    real = analysis.analyse_uncached

    def spy(code, spec):
        seen.append(real(code, spec))
        return seen[-1]
    monkeypatch.setattr(message, "analyse_uncached", spy)
    loop = asm(50, "top:", "JUMPDEST", 1, "SWAP1", "SUB", "DUP1", "@top", "JUMPI", "STOP")
    _, (ok, _, _, err) = _create(loop)
    assert ok, err
    top = loop.index(0x5B)
    assert seen[0].program[top].__name__ == "unit"


def test_concurrent_readers_share_the_cache_safely():
    """Threads analysing overlapping codes under a budget that keeps evicting: no KeyError,
    one analysis per cached code, and the running total matches what is cached."""
    jit.set_mode("auto")
    codes = _codes(40, 2000, seed=3)
    errors: list[BaseException] = []

    def reader(k: int) -> None:
        try:
            rng = random.Random(k)
            for _ in range(150):
                code = rng.choice(codes)
                assert analysis.analyse(code, CANCUN).program is not None
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert analysis.cache_size() < len(codes)  # it did evict
    assert analysis._cached[0] == sum(a.size for a in analysis._CACHE.values())
    assert _within_budget()
