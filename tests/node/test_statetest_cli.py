"""`devnet statetest` (node/cli.py over node/statetest.py), run as the real console script: one
line per failing case naming file, case, index, expected and actual root; a last line
`N passed, M failed`; exit status 0 iff nothing failed; `--json` prints one object per case and
`--trace` writes EIP-3155 lines to stderr."""
import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures import FIXTURES, fixture_dir

DEVNET = Path(sys.executable).parent / "devnet"
EXAMPLES = fixture_dir("GeneralStateTests", "stExample")
ADD11 = EXAMPLES / "add11.json"
ADD11_ROOT = "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530"
WRONG_ROOT = "0x" + "00" * 32


def statetest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEVNET), "statetest", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def corrupted_copy(tmp_path: Path, field: str = "hash", value: str = WRONG_ROOT) -> Path:
    data = json.loads(ADD11.read_text())
    data["add11"]["post"]["Cancun"][0][field] = value
    path = tmp_path / "add11.json"
    path.write_text(json.dumps(data))
    return path


def cancun_cases(directory: Path) -> int:
    return sum(len(test["post"].get("Cancun", []))
               for path in directory.glob("*.json")
               for test in json.loads(path.read_text()).values())


def test_passing_file() -> None:
    proc = statetest(ADD11)
    assert proc.stdout.splitlines() == ["1 passed, 0 failed"]
    assert proc.returncode == 0


def test_passing_directory_counts_every_post_entry() -> None:
    proc = statetest(EXAMPLES)
    assert proc.stdout.splitlines()[-1] == f"{cancun_cases(EXAMPLES)} passed, 0 failed"
    assert cancun_cases(EXAMPLES) == 35
    assert proc.returncode == 0


def test_wrong_expected_root_is_a_failure_line_and_exit_1(tmp_path: Path) -> None:
    path = corrupted_copy(tmp_path)
    proc = statetest(path)
    assert proc.stdout.splitlines() == [
        f"{path} add11 [0] (d=0 g=0 v=0): expected {WRONG_ROOT} got {ADD11_ROOT}",
        "0 passed, 1 failed",
    ]
    assert proc.returncode == 1


def test_wrong_logs_hash_is_reported(tmp_path: Path) -> None:
    proc = statetest(corrupted_copy(tmp_path, "logs", WRONG_ROOT))
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'add11.json'} add11 [0]")
    assert f"logs expected {WRONG_ROOT} got 0x1dcc4de8" in first
    assert proc.returncode == 1


def test_failures_and_passes_are_counted_together(tmp_path: Path) -> None:
    proc = statetest(corrupted_copy(tmp_path), ADD11)
    assert proc.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert proc.returncode == 1


def test_expected_exception_case_passes() -> None:
    proc = statetest(EXAMPLES / "invalidTr.json")
    assert proc.stdout.splitlines() == ["1 passed, 0 failed"]


def test_json_prints_one_object_per_case(tmp_path: Path) -> None:
    proc = statetest("--json", ADD11, corrupted_copy(tmp_path))
    lines = proc.stdout.splitlines()
    assert lines[-1] == "1 passed, 1 failed"
    good, bad = (json.loads(line) for line in lines[:-1])
    assert good == {"file": str(ADD11), "name": "add11", "index": 0,
                    "indexes": {"data": 0, "gas": 0, "value": 0}, "pass": True,
                    "expected": ADD11_ROOT, "actual": ADD11_ROOT, "detail": ""}
    assert (bad["pass"], bad["expected"], bad["actual"]) == (False, WRONG_ROOT, ADD11_ROOT)


def test_index_selects_one_post_entry() -> None:
    proc = statetest("--json", "--index", "2", EXAMPLES / "labelsExample.json")
    objects = [json.loads(line) for line in proc.stdout.splitlines()[:-1]]
    assert [o["index"] for o in objects] == [2]
    assert proc.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_case_selects_one_test_by_name() -> None:
    proc = statetest("--json", "--case", "add11", EXAMPLES)
    objects = [json.loads(line) for line in proc.stdout.splitlines()[:-1]]
    assert [(o["name"], o["pass"]) for o in objects] == [("add11", True)]


def test_trace_writes_eip3155_lines_to_stderr() -> None:
    proc = statetest("--trace", "--case", "add11", "--index", "0", ADD11)
    assert proc.stdout.splitlines() == ["1 passed, 0 failed"]
    lines = [json.loads(line) for line in proc.stderr.splitlines()]
    steps, summary = lines[:-1], lines[-1]
    assert steps[0]["pc"] == 0 and steps[0]["depth"] == 1
    assert all(set(s) == {"pc", "op", "gas", "gasCost", "memSize", "stack", "depth", "refund",
                          "opName"} for s in steps)
    assert [s["opName"] for s in steps][-1] == "STOP"
    assert set(summary) == {"output", "gasUsed", "error"}
    assert summary["error"] is None
    # gas at the first step minus gas at the final STOP (which costs nothing)
    assert int(summary["gasUsed"], 16) == int(steps[0]["gas"], 16) - int(steps[-1]["gas"], 16)


def test_unknown_fork_is_a_usage_error_before_anything_runs() -> None:
    proc = statetest("--fork", "Amsterdam", ADD11)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "unknown fork 'Amsterdam'" in proc.stderr and "Traceback" not in proc.stderr


def test_fork_name_in_any_case_selects_the_fixtures_entries() -> None:
    eest = FIXTURES / "eest" / "state_tests" / "prague"
    cases = sum(len(test["post"].get("Prague", []))
                for path in eest.rglob("*.json") for test in json.loads(path.read_text()).values())
    proc = statetest("--fork", "prague", eest)
    assert cases > 0 and proc.stdout.splitlines()[-1] == f"{cases} passed, 0 failed"
