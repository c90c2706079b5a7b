"""EIP-4788: the beacon roots contract as data (the EIP's deployment input deploys exactly its
runtime code), the system call that stores a root (from SYSTEM_ADDRESS, no fee, no nonce, not
a transaction), and the devnet's blocks: from Prague the genesis predeploys the contract and every
block stores parentBeaconBlockRoot = keccak256(parent hash), which `get` returns by timestamp; a
Cancun chain keeps its zero root and the genesis it always had."""
import pytest

from pydevnet.node.calls import CallRequest
from pydevnet.node.chain import system
from pydevnet.node.chain.blocks import ZERO_HASH
from pydevnet.node.config import Genesis
from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import MemoryStore
from pydevnet.vm import message
from pydevnet.vm.forks import PRAGUE
from pydevnet.vm.frame import BlockEnv, TxEnv
from pydevnet.vm.table import CANCUN
from tests.node.helpers import accounts, make_devnet, run, transfer

HISTORY_BUFFER_LENGTH = 8191  # EIP-4788's ring of timestamps and roots
DEPLOYER = bytes.fromhex("0B799C86a49DEeb90402691F1041aa3AF2d3C875")  # EIP-4788, "Deployment"
# The default Cancun genesis before system contracts existed: old data dirs must still open
CANCUN_DEFAULT_GENESIS = "ae379c06207a857472e5f9b20fd61005bdb26b8c767c6ef2d409f1e0de4943c8"


def env(spec=CANCUN, number=1, timestamp=12):
    return BlockEnv(spec=spec, coinbase=bytes(20), number=number, timestamp=timestamp,
                    gas_limit=30_000_000, prevrandao=0, base_fee=7, chain_id=1)


def fresh_state() -> StateDB:
    st = StateDB(MemoryStore())
    for c in system.contracts_of(PRAGUE):
        st.set_nonce(c.address, 1)
        st.set_code(c.address, c.code)
    st.begin_tx()
    return st


def get(st: StateDB, block: BlockEnv, address: bytes, word: int) -> tuple[bool, bytes]:
    st.begin_tx()
    ok, _, out, _ = message.call(st, block, TxEnv(bytes(20), 0), bytes(20), address, address, 0,
                                 word.to_bytes(32, "big"), 100_000, 0, False)
    return ok, out


def deployed_code(deployment_input: bytes, deployer: bytes) -> tuple[bytes, StateDB, bytes]:
    st = StateDB(MemoryStore())
    address = keccak256(b"\xd6\x94" + deployer + b"\x80")[12:]  # CREATE(deployer, nonce 0)
    block = env()
    ok, _, _, err = message.create(st, block, TxEnv(deployer, 0), deployer, address, 0,
                                   deployment_input, 1_000_000, 0)
    assert ok, err
    return st.get_code(address), st, address


def test_the_eips_deployment_deploys_the_runtime_code_at_the_eips_address():
    code, _, address = deployed_code(
        bytes.fromhex("60618060095f395ff3") + system.BEACON_ROOTS.code, DEPLOYER)
    assert code == system.BEACON_ROOTS.code and len(code) == 97
    assert address == system.BEACON_ROOTS.address


def test_system_call_stores_the_root_under_the_timestamp_and_get_returns_it():
    st = fresh_state()
    block = env(timestamp=1_700_000_123)
    root = keccak256(b"a beacon block")
    system.system_call(st, block, system.BEACON_ROOTS.address, root)
    ring = block.timestamp % HISTORY_BUFFER_LENGTH
    assert st.get_storage(system.BEACON_ROOTS.address, ring) == block.timestamp
    assert st.get_storage(system.BEACON_ROOTS.address, ring + HISTORY_BUFFER_LENGTH) == \
        int.from_bytes(root, "big")
    assert get(st, block, system.BEACON_ROOTS.address, block.timestamp) == (True, root)
    ok, _ = get(st, block, system.BEACON_ROOTS.address, block.timestamp + 1)
    assert not ok  # an unknown timestamp reverts


def test_a_system_call_is_not_a_transaction():
    st = fresh_state()
    system.system_call(st, env(), system.BEACON_ROOTS.address, bytes(32))
    st.commit()
    assert not st.exists(system.SYSTEM_ADDRESS)  # no nonce, no fee, not even touched into being
    assert st.get_nonce(system.BEACON_ROOTS.address) == 1


def test_without_the_contract_the_call_changes_nothing():
    st = StateDB(MemoryStore())
    before = st.commit()
    system.begin_block(st, env(), keccak256(b"parent"), keccak256(b"root"))
    assert st.commit() == before


@pytest.mark.parametrize("fork", ["prague", "osaka"])
def test_devnet_blocks_store_keccak_of_the_parent_hash_as_the_beacon_root(fork):
    d = make_devnet(genesis=Genesis(fork=fork))
    try:
        a, b = accounts(d)[:2]
        genesis = d.chain.head
        assert run(d, d.code, system.BEACON_ROOTS.address, "latest") == system.BEACON_ROOTS.code
        run(d, d.submit, transfer(a.private_key, 0, b.address))
        head = d.chain.head
        assert head.parent_beacon_block_root == keccak256(genesis.hash)
        r = run(d, d.call, CallRequest(to=system.BEACON_ROOTS.address,
                                       data=head.timestamp.to_bytes(32, "big")), "latest")
        assert (r.success, r.output) == (True, keccak256(genesis.hash))
    finally:
        d.shutdown()


def test_cancun_chain_keeps_zero_roots_and_no_contract():
    d = make_devnet(genesis=Genesis(fork="cancun"))  # Osaka is the default now
    try:
        a, b = accounts(d)[:2]
        run(d, d.submit, transfer(a.private_key, 0, b.address))
        assert d.chain.head.parent_beacon_block_root == ZERO_HASH
        assert run(d, d.code, system.BEACON_ROOTS.address, "latest") == b""
        assert d.chain.genesis_hash.hex() == CANCUN_DEFAULT_GENESIS
    finally:
        d.shutdown()
