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

from eth_utils import keccak

from tests.oracle.cases import (AUTHORITY, CANCUN, ENV, IDENTITY, DELEGATE, OSAKA, PRAGUE, PROBE,
                                SENDER, all_cases, designator)

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


def test_the_cases_do_what_they_say(filled) -> None:
    """The oracle's own post states show each case exercises what its name says (a case that ran
    out of gas before reaching its point would pass the comparison and prove nothing)."""
    _, ans = filled

    def store(name, fork, i=0, address=PROBE):
        return _storage(ans[(name, fork, i)]["alloc"], address)

    def code(name, fork, address=AUTHORITY, i=0):
        return ans[(name, fork, i)]["alloc"].get("0x" + address.hex(), {}).get("code", "0x")

    def gas(name, fork, i=0):
        return ans[(name, fork, i)]["gasUsed"]

    def rejected(name, fork, i=0):
        return ans[(name, fork, i)]["rejected"] is not None

    clz = "clz_edge_values_and_gas"
    assert [store(clz, OSAKA, i).get(0, 0) for i in range(6)] == [256, 255, 0, 0, 1, 248]
    assert all(store(clz, OSAKA, i)[1] == 3 + 5 + 2 for i in range(6))  # SWAP1, CLZ, GAS
    assert gas(clz, PRAGUE) == gas(clz, CANCUN) == 1_000_000  # invalid before Osaka

    for fork in (PRAGUE, OSAKA):
        name = "eip7702_call_runs_delegate_existing_authority"
        assert code(name, fork) == "0x" + designator(DELEGATE).hex()
        assert store(name, fork, address=AUTHORITY) == {0: int(AUTHORITY.hex(), 16),
                                                         1: int(SENDER.hex(), 16), 2: 0x42}
        # the refund for an authority that exists: 25000 - 12500
        assert gas("eip7702_call_runs_delegate_new_authority", fork) - gas(name, fork) == 12_500
        assert code("eip7702_self_sponsored", fork, SENDER) == "0x" + designator(DELEGATE).hex()
        for skipped in ("eip7702_wrong_nonce_skipped", "eip7702_wrong_chain_id_skipped"):
            assert code(skipped, fork) == "0x" and gas(skipped, fork) == 21_000 + 25_000
        assert code("eip7702_chain_id_zero_applies", fork) == "0x" + designator(DELEGATE).hex()
        assert code("eip7702_reset_to_zero_address", fork) == "0x"
        assert code("eip7702_delegation_to_precompile", fork) == "0x" + designator(IDENTITY).hex()
        assert gas("eip7702_delegation_to_precompile", fork) == 21_000 + 25_000  # no code ran
        ext = store("eip7702_extcode_of_delegated_account", fork)
        assert ext[0] == 23 and ext[1] == int(keccak(designator(DELEGATE)).hex(), 16)
        assert ext[2] == int((designator(DELEGATE) + bytes(9)).hex(), 16) and ext[3] == 1
        pre_call = store("eip7702_call_account_delegated_to_precompile", fork, 1)
        assert pre_call[0] == 1 and 2 not in pre_call  # success, no return data
        assert 0 not in store("eip7702_delegation_chain_not_followed", fork)  # 0xef: failed
        assert rejected("eip7702_self_sponsored", CANCUN)

    floor = "eip7623_floor_to_eoa"  # variants: data d x gas g, gas [100000, 50000, 61000]
    assert gas(floor, CANCUN, 0) == 21_000 + 16 * 1000 and not rejected(floor, CANCUN, 1)
    assert gas(floor, PRAGUE, 0) == 21_000 + 10 * 4 * 1000 and rejected(floor, PRAGUE, 1)

    refund = "eip7623_floor_after_refund"
    assert [gas(refund, PRAGUE, i) for i in range(3)] == [29_000, 25_000, 21_016 + 5004 - 4800]
    assert gas(refund, CANCUN, 0) == 21_000 + 16 * 200 + 5004 - 4800
    for fork in (PRAGUE, OSAKA):
        assert code("eip7702_authority_with_code_skipped", fork) == "0x00"
        assert code("eip7702_max_nonce_skipped", fork) == "0x"

    p256 = "p256verify_valid_and_invalid"
    assert [store(p256, OSAKA, i).get(4, 0) == 1 and store(p256, OSAKA, i).get(2) == 32
            for i in range(11)] == [True, True] + [False] * 9
    assert all(2 not in store(p256, PRAGUE, i) for i in range(11))  # no precompile yet

    modexp = "modexp_osaka_pricing_and_bounds"
    assert [store(modexp, OSAKA, i).get(0, 0) for i in range(10)] == [1, 1, 1, 1, 0, 0, 0, 1, 1, 0]
    assert [store(modexp, PRAGUE, i).get(0, 0) for i in range(10)] == [1] * 9 + [0]
    assert store(modexp, OSAKA, 0)[1] > store(modexp, PRAGUE, 0)[1]  # 500 against 200

    cap = "eip7825_transaction_gas_cap"
    assert [rejected(cap, OSAKA, i) for i in range(3)] == [False, True, True]
    assert not any(rejected(cap, PRAGUE, i) for i in range(3))

    g1add = "bls12_g1add"
    assert [store(g1add, PRAGUE, i).get(2, 0) for i in range(8)] == [128] * 4 + [0] * 4
    assert all(2 not in store(g1add, CANCUN, i) for i in range(8))
