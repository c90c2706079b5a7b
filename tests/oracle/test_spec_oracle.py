"""The KVM against the execution specs on hand-written Prague/Osaka state tests (tests/oracle/
cases.py: CLZ, EIP-7702, EIP-7623, P256VERIFY, MODEXP, EIP-7825, BLS12-381 G1ADD), each for every
fork it applies to, Cancun included where the behaviour differs.

The expected post states come from the oracle, never from our node: every case and fork is run
once by the specs' t8n (`ethereum-execution` in tests/oracle/.venv, `make oracle`; one subprocess
for all of them, tests/oracle/spec_oracle.py). Its state roots and logs hashes fill a state test
in the standard format, written to a file, which our runner (node/statetest.py's run_file, what
`devnet statetest` runs) then checks like any execution-spec-tests fixture. EIP-2935 and EIP-4788
are block-level (system calls), outside state tests: tests/node and the blockchain tests cover them.
"""
import json
import subprocess
from pathlib import Path

import pytest

from pydevnet.node.statetest import run_file

from tests.oracle.cases import ENV, all_cases

ORACLE_PYTHON = Path(__file__).parent / ".venv" / "bin" / "python"
DRIVER = Path(__file__).parent / "spec_oracle.py"
CASES = {c.name: c for c in all_cases()}
PARAMS = [(name, fork) for name, c in CASES.items() for fork in c.forks]


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Path, dict]:
    """Every case filled by the oracle: the fixture file and the oracle's answers by
    (name, fork, variant)."""
    assert ORACLE_PYTHON.exists(), f"{ORACLE_PYTHON} is missing: run `make oracle`"
    requests, tests = [], {}
    for case in CASES.values():
        variants = list(case.variants())
        tests[case.name] = {"env": ENV, "pre": case.pre, "transaction": case.transaction(),
                            "config": {"chainid": "0x1"}, "post": {}}
        for fork in case.forks:
            for i, (indexes, raw) in enumerate(variants):
                requests.append({"id": [case.name, fork, i], "fork": fork, "chainId": 1,
                                 "env": ENV, "pre": case.pre, "txbytes": "0x" + raw.hex(),
                                 "indexes": indexes})
    proc = subprocess.run([str(ORACLE_PYTHON), str(DRIVER)], input=json.dumps(requests),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    answers = {}
    for req, ans in zip(requests, json.loads(proc.stdout), strict=True):
        name, fork, i = req["id"]
        assert ans["id"] == req["id"]
        answers[(name, fork, i)] = ans
        entry = {"hash": ans["stateRoot"], "logs": ans["logsHash"], "txbytes": req["txbytes"],
                 "indexes": req["indexes"]}
        if ans["rejected"] is not None:
            entry["expectException"] = ans["rejected"]
        tests[name]["post"].setdefault(fork, []).append(entry)
    path = tmp_path_factory.mktemp("oracle") / "oracle_state_tests.json"
    path.write_text(json.dumps(tests, indent=1))
    return path, answers


def _storage(alloc: dict, address: bytes) -> dict:
    acct = alloc.get("0x" + address.hex(), {})
    return {int(k, 16): int(v, 16) for k, v in acct.get("storage", {}).items()}


@pytest.mark.parametrize("name,fork", PARAMS, ids=[f"{n}-{f}" for n, f in PARAMS])
def test_kvm_matches_the_execution_specs(filled, name: str, fork: str) -> None:
    path, answers = filled
    results = list(run_file(path, fork, case=name))
    assert len(results) == len(list(CASES[name].variants()))
    failures = []
    for r in results:
        if not r.passed:
            ans = answers[(name, fork, r.index)]
            failures.append(f"{r.line()}\n  oracle: gasUsed={ans['gasUsed']} "
                            f"rejected={ans['rejected']} alloc={json.dumps(ans['alloc'])}")
    assert not failures, "\n".join(failures)
