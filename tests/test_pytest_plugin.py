"""The pytest plugin (pydevnet/pytest_plugin.py), exercised the way a user meets it: generated test
projects run by pytester in a subprocess, with the plugin found through its pytest11 entry point
(no conftest, no -p). Isolation in both test orders, a module-scoped deploy fixture kept across
tests, the options, and pytest-xdist."""
import socket

import pytest

pytest_plugins = ["pytester"]

ISOLATION = """
def test_a_sends(w3, devnet):
    a, b = devnet.accounts[0].address, devnet.accounts[1].address
    w3.eth.send_transaction({"from": a, "to": b, "value": 7})
    assert w3.eth.block_number == 1

def test_b_sees_a_fresh_chain(w3, devnet):
    assert w3.eth.block_number == 0
    assert w3.eth.get_balance(devnet.accounts[1].address) == 10_000 * 10**18

def test_c_sends_again(w3, devnet):
    a, b = devnet.accounts[0].address, devnet.accounts[1].address
    w3.eth.send_transaction({"from": a, "to": b, "value": 7})
    assert w3.eth.block_number == 1
    assert w3.eth.get_transaction_count(a) == 1
"""

# a contract that stores a non-zero calldata word 0 in slot 0, and returns slot 0 when called
# without data
MODULE_FIXTURE = """
import pytest

RUNTIME = bytes.fromhex("6000358015600c57600055005b60005460005260206000f3")

def initcode(runtime):
    n = len(runtime)
    return bytes([0x60, n, 0x60, 0x0c, 0x60, 0, 0x39, 0x60, n, 0x60, 0, 0xf3]) + runtime

@pytest.fixture(scope="module")
def store(devnet_session):
    w3 = devnet_session.web3
    h = w3.eth.send_transaction({"from": devnet_session.accounts[0].address,
                                 "data": initcode(RUNTIME)})
    return w3.eth.get_transaction_receipt(h).contractAddress

def read(w3, addr):
    return int.from_bytes(w3.eth.call({"to": addr, "data": b""}), "big")

def test_deployed_once_and_writable(w3, devnet, store):
    assert w3.eth.get_code(store) != b""
    w3.eth.send_transaction({"from": devnet.accounts[1].address, "to": store,
                             "data": (42).to_bytes(32, "big")})
    assert read(w3, store) == 42

def test_still_deployed_and_write_undone(w3, store):
    assert w3.eth.get_code(store) != b""
    assert read(w3, store) == 0
"""


def _run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_every_test_starts_from_the_same_chain(pytester, order) -> None:
    src = ISOLATION
    if order == "reverse":  # the same tests, defined in the opposite order
        parts = src.strip().split("\n\n")
        src = "\n\n".join(reversed(parts)) + "\n"
    pytester.makepyfile(test_isolation=src)
    _run(pytester).assert_outcomes(passed=3)


def test_module_scoped_deploy_fixture_is_kept(pytester) -> None:
    pytester.makepyfile(test_module=MODULE_FIXTURE)
    _run(pytester).assert_outcomes(passed=2)


def test_options_hardfork_datadir_serve(pytester) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pytester.makepyfile(test_opts=f"""
import json, urllib.request

def test_served_and_on_disk(devnet, w3):
    body = b'{{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}}'
    req = urllib.request.Request("http://127.0.0.1:{port}", data=body,
                                 headers={{"Content-Type": "application/json"}})
    assert json.loads(urllib.request.urlopen(req).read())["result"] == "0x7a69"
    assert devnet.node.chain.spec.name == "cancun"
    assert devnet.node.store.__class__.__name__ == "LevelDBStore"
""")
    result = _run(pytester, "--devnet-hardfork", "cancun", "--devnet-serve", str(port),
                  "--devnet-datadir", str(pytester.path / "chain"))
    result.assert_outcomes(passed=1)
    assert (pytester.path / "chain" / "chaindata").is_dir()


def test_runs_under_xdist(pytester) -> None:
    pytester.makepyfile(test_one=ISOLATION, test_two=ISOLATION.replace("test_", "test_two_"))
    _run(pytester, "-n", "2").assert_outcomes(passed=6)
