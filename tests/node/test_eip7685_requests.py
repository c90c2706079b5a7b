"""EIP-7685 with EIP-7002 and EIP-7251: the request contracts as data (their EIP deployment sets
the excess inhibitor, the predeploy has none), the requests hash, and a Prague or Osaka devnet:
every header carries requestsHash (sha256 of nothing without requests), a withdrawal or a
consolidation request paid into its contract leaves it at the end of the same block as a typed
request the header commits to, and the block hash covers the 21 header fields."""
import hashlib

import pytest

from pydevnet.node.chain import system
from pydevnet.node.chain.blocks import Header
from pydevnet.node.chain.errors import SystemCallFailed, SystemContractEmpty
from pydevnet.node.chain.requests import EMPTY_REQUESTS_HASH, requests_hash
from pydevnet.node.config import Genesis
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import decode
from pydevnet.vm.forks import PRAGUE
from tests.node.helpers import accounts, make_devnet, run, transfer
from tests.node.test_eip4788_beacon_root import deployed_code, env, fresh_state

EXCESS_INHIBITOR = 2 ** 256 - 1
PUBKEY = bytes(range(48))
TARGET_PUBKEY = bytes(range(100, 148))
DEPLOYMENTS = [  # (contract, constructor from its EIP's deployment input, deployer)
    (system.WITHDRAWAL_REQUESTS, "8646861A7cF453dDD086874d622b0696dE5b9674", "01f8"),
    (system.CONSOLIDATION_REQUESTS, "13d1913d623E6a9D8811736359E50fD31Fe54fCA", "019e"),
]


@pytest.fixture(params=["prague", "osaka"])
def devnet(request):
    d = make_devnet(genesis=Genesis(fork=request.param))
    yield d
    d.shutdown()


@pytest.mark.parametrize("contract,deployer,size", DEPLOYMENTS)
def test_the_eips_deployment_deploys_the_runtime_code_and_inhibits_requests(contract, deployer,
                                                                          size):
    constructor = bytes.fromhex("7f" + "ff" * 32 + "5f5561" + size + "80602d5f395ff3")
    code, st, address = deployed_code(constructor + contract.code, bytes.fromhex(deployer))
    assert (code, address) == (contract.code, contract.address)
    assert st.get_storage(address, 0) == EXCESS_INHIBITOR


def test_requests_hash_is_sha256_of_each_requests_sha256():
    assert EMPTY_REQUESTS_HASH == requests_hash([]) == hashlib.sha256(b"").digest()
    reqs = [b"\x00" + b"d" * 192, b"\x01" + b"w" * 76]
    inner = b"".join(hashlib.sha256(r).digest() for r in reqs)
    assert requests_hash(reqs) == hashlib.sha256(inner).digest()


def test_checked_calls_invalidate_the_block_without_code_or_when_failing():
    st = fresh_state()
    st.set_code(system.WITHDRAWAL_REQUESTS.address, b"")
    st.begin_tx()
    with pytest.raises(SystemContractEmpty):
        system.dequeue_requests(st, env(PRAGUE))
    st.set_code(system.WITHDRAWAL_REQUESTS.address, bytes.fromhex("5f5ffd"))  # REVERT
    st.begin_tx()
    with pytest.raises(SystemCallFailed):
        system.dequeue_requests(st, env(PRAGUE))
    skipped = []
    assert system.dequeue_requests(st, env(PRAGUE), on_error=skipped.append) == []
    assert [type(e) for e in skipped] == [SystemCallFailed]


def test_headers_commit_to_no_requests(devnet):
    a, b = accounts(devnet)[:2]
    assert devnet.chain.head.requests_hash == EMPTY_REQUESTS_HASH  # the genesis too
    run(devnet, devnet.submit, transfer(a.private_key, 0, b.address))
    h = devnet.chain.head
    assert h.requests_hash == EMPTY_REQUESTS_HASH
    assert len(decode(h.encode())) == 21 and h.hash == keccak256(h.encode())
    assert Header.decode(h.encode()).requests_hash == EMPTY_REQUESTS_HASH


def test_a_withdrawal_request_is_dequeued_into_the_same_block(devnet):
    a = accounts(devnet)[0]
    amount = 32 * 10 ** 9
    tx = transfer(a.private_key, 0, system.WITHDRAWAL_REQUESTS.address, value=1, gas=200_000,
                  data=PUBKEY + amount.to_bytes(8, "big"))  # the fee is 1 wei at no excess
    run(devnet, devnet.submit, tx)
    assert run(devnet, devnet.receipt, tx.hash).receipt.status == 1
    request = b"\x01" + a.address + PUBKEY + amount.to_bytes(8, "little")
    assert devnet.chain.head.requests_hash == requests_hash([request])
    run(devnet, devnet.submit, transfer(a.private_key, 1, a.address))
    assert devnet.chain.head.requests_hash == EMPTY_REQUESTS_HASH  # the queue is empty again


def test_a_consolidation_request_is_dequeued_into_the_same_block(devnet):
    a = accounts(devnet)[0]
    run(devnet, devnet.submit, transfer(a.private_key, 0, system.CONSOLIDATION_REQUESTS.address,
                                        value=1, gas=300_000, data=PUBKEY + TARGET_PUBKEY))
    request = b"\x02" + a.address + PUBKEY + TARGET_PUBKEY
    assert devnet.chain.head.requests_hash == requests_hash([request])


def test_a_broken_request_contract_does_not_stop_mining(devnet):
    a, b = accounts(devnet)[:2]

    def remove_code(st):
        st.set_code(system.CONSOLIDATION_REQUESTS.address, b"")
    run(devnet, devnet.chain.modify_head_state, remove_code)
    run(devnet, devnet.submit, transfer(a.private_key, 0, b.address))
    assert devnet.chain.head.number == 1
    assert devnet.chain.head.requests_hash == EMPTY_REQUESTS_HASH
