"""`devnet blocktest` (node/cli.py over node/blocktest.py), run as the real console script on an
execution-spec-tests blockchain test: `1 passed, 0 failed` and exit 0; with the expected last
block hash corrupted, one failure line naming the test and exit 1; `--json` an object per test."""
import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures import FIXTURES

DEVNET = Path(sys.executable).parent / "devnet"
FILE = (FIXTURES / "eest" / "blockchain_tests" / "prague" / "eip7702_set_code_tx"
        / "test_eip_7702.json")


def blocktest(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEVNET), "blocktest", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_a_passing_file() -> None:
    proc = blocktest(FILE)
    assert proc.stdout.splitlines() == ["1 passed, 0 failed"] and proc.returncode == 0


def test_a_wrong_last_block_hash_is_a_failure_line_and_exit_1(tmp_path: Path) -> None:
    data = json.loads(FILE.read_text())
    name = next(iter(data))
    data[name]["lastblockhash"] = "0x" + "00" * 32
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    proc = blocktest(bad)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 1 and lines[-1] == "0 passed, 1 failed"
    assert len(lines) == 2 and name.split("::")[-1][:40] in lines[0]


def test_json_prints_an_object_per_test() -> None:
    proc = blocktest("--json", FILE)
    first = json.loads(proc.stdout.splitlines()[0])
    assert first["pass"] is True and first["network"] == "Prague" and proc.returncode == 0
