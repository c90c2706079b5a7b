"""EIP-2935: the history storage contract as data, the system call that stores the parent hash in
a ring of 8191 block numbers, `get` answering within that window only, and a Prague or Osaka
devnet whose blocks make the call: eth_call on the contract returns a recent block's hash."""
import pytest

from pydevnet.node.calls import CallRequest
from pydevnet.node.chain import system
from pydevnet.node.config import Genesis
from pydevnet.state.hashing import keccak256
from tests.node.helpers import accounts, make_devnet, run, transfer
from tests.node.test_eip4788_beacon_root import deployed_code, env, fresh_state, get

HISTORY_SERVE_WINDOW = 8191
DEPLOYER = bytes.fromhex("3462413Af4609098e1E27A490f554f260213D685")  # EIP-2935, "Deployment"
PRAGUE_ONLY = pytest.mark.parametrize("fork", ["prague", "osaka", "bpo2"])


def test_the_eips_deployment_deploys_the_runtime_code_at_the_eips_address():
    code, _, address = deployed_code(
        bytes.fromhex("60538060095f395ff3") + system.HISTORY_STORAGE.code, DEPLOYER)
    assert code == system.HISTORY_STORAGE.code and len(code) == 83
    assert address == system.HISTORY_STORAGE.address


def test_the_ring_keeps_8191_block_numbers():
    from pydevnet.vm.forks import PRAGUE
    st = fresh_state()
    number = 20_000
    parent = keccak256(b"block 19999")
    system.system_call(st, env(PRAGUE, number), system.HISTORY_STORAGE.address, parent)
    assert st.get_storage(system.HISTORY_STORAGE.address, (number - 1) % HISTORY_SERVE_WINDOW) == \
        int.from_bytes(parent, "big")
    later = env(PRAGUE, number + 5)
    assert get(st, later, system.HISTORY_STORAGE.address, number - 1) == (True, parent)
    for outside in (number + 5, number + 6, number + 5 - HISTORY_SERVE_WINDOW - 1):
        assert not get(st, later, system.HISTORY_STORAGE.address, outside)[0]


def test_begin_block_calls_history_only_where_the_fork_has_it():
    from pydevnet.vm.forks import PRAGUE
    from pydevnet.vm.table import CANCUN
    for spec, stored in ((CANCUN, 0), (PRAGUE, 1)):
        st = fresh_state()
        system.begin_block(st, env(spec, 10), keccak256(b"9"), bytes(32))
        assert (st.get_storage(system.HISTORY_STORAGE.address, 9) != 0) == bool(stored)


@PRAGUE_ONLY
def test_devnet_history_contract_returns_recent_block_hashes(fork):
    d = make_devnet(genesis=Genesis(fork=fork))
    try:
        a, b = accounts(d)[:2]
        for n in range(3):
            run(d, d.submit, transfer(a.private_key, n, b.address))
        head = d.chain.head
        for n in range(head.number):
            r = run(d, d.call, CallRequest(to=system.HISTORY_STORAGE.address,
                                           data=n.to_bytes(32, "big")), "latest")
            assert (r.success, r.output) == (True, d.chain.header_by_number(n).hash)
        r = run(d, d.call, CallRequest(to=system.HISTORY_STORAGE.address,
                                       data=head.number.to_bytes(32, "big")), "latest")
        assert r.reverted  # not a past block yet
    finally:
        d.shutdown()
