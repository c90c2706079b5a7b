"""eth-ape against the real `devnet` process: `ape test --network ethereum:local:node` (eth-ape
0.8.52 from the toolchain venv) runs tests/toolchains/ape_project, a temp copy of it, with ape's
core "node" provider on the devnet's URI (ape-config.yaml) and the contract as Vyper's JSON
output (vyper_json.py). Ape's own pytest run reports each of its tests in JUnit XML; each one
must pass here: connection and accounts, deploy and calls, a transaction's return value and
event (and eth_getLogs), ape's per-test isolation (evm_snapshot/evm_revert), a revert message,
a value transfer and payable call, chain.snapshot()/restore(). The devnet runs Osaka, pinned:
the project's `gas_limit: auto` is what keeps ape's transactions under EIP-7825's cap."""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from tests.integration.devnet_process import DevnetProcess

from tests.toolchains.runners import (TIMEOUT, TOOLCHAIN_PYTHON, TOOLCHAINS,
                                      run_toolchain_python, start_devnet)

APE = TOOLCHAIN_PYTHON.parent / "ape"
APE_TESTS = ["test_connected_to_the_devnet", "test_deployed_and_read",
             "test_transaction_return_value_and_event", "test_isolation_reverted_the_previous_test",
             "test_revert_message", "test_value_transfer_and_payable_call",
             "test_snapshot_and_restore"]


@pytest.fixture(scope="module")
def devnet(tmp_path_factory) -> Iterator[DevnetProcess]:
    proc = start_devnet(tmp_path_factory, "--hardfork", "osaka")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def outcomes(devnet, tmp_path_factory) -> dict[str, str]:
    """{ape test name: "passed" or its failure text}"""
    scratch = tmp_path_factory.mktemp("ape")
    project = scratch / "project"
    shutil.copytree(TOOLCHAINS / "ape_project", project)
    env = {"HOME": str(scratch / "home"), "APE_DATA_FOLDER": str(scratch / "data"),
           "PYDEVNET_URL": devnet.url}
    (scratch / "home").mkdir()
    run_toolchain_python("vyper_json.py", str(TOOLCHAINS / "contracts" / "Counter.vy"),
                         str(project / "contracts" / "Counter.json"), cwd=project, env=env)
    report = scratch / "junit.xml"
    proc = subprocess.run([str(APE), "test", "--network", "ethereum:local:node",
                           "-p", "no:cacheprovider", f"--junitxml={report}"],
                          cwd=project, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert report.exists(), f"ape test did not run:\n{proc.stdout}\n{proc.stderr}\n{devnet.log()}"
    found = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        bad = [c for c in case if c.tag in ("failure", "error", "skipped")]
        found[case.get("name")] = "passed" if not bad else \
            f"{bad[0].tag}: {bad[0].get('message')}\n{bad[0].text}"
    assert set(found) == set(APE_TESTS), f"{sorted(found)}\n{proc.stdout}"
    assert proc.returncode == 0 or any(v != "passed" for v in found.values()), proc.stdout
    return found


@pytest.mark.parametrize("name", APE_TESTS)
def test_ape_test_passes(outcomes, name):
    assert outcomes[name] == "passed"
