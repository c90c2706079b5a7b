"""web3.py over HTTP against the real `devnet` process: deploy the ERC-20 Token with
eth_sendTransaction (automine: the receipt exists when the call returns), transfer, approve and
transferFrom, read balances, and find the Transfer/Approval events through
`contract.events.X().get_logs`, eth_getLogs (address, topics, block range, blockHash) and polled
filters (eth_newFilter / eth_newBlockFilter + eth_getFilterChanges)."""
from types import SimpleNamespace

import pytest
from eth_hash.auto import keccak
from web3 import Web3

from tests.integration.support import artifact, dev_account

SUPPLY = 10**24
TRANSFER_TOPIC = "0x" + keccak(b"Transfer(address,address,uint256)").hex()
APPROVAL_TOPIC = "0x" + keccak(b"Approval(address,address,uint256)").hex()
ZERO = "0x" + "00" * 20


def topic(address: str) -> str:
    return "0x" + address[2:].lower().rjust(64, "0")


@pytest.fixture(scope="module")
def w3(devnet) -> Web3:
    w3 = Web3(Web3.HTTPProvider(devnet.url))
    assert w3.is_connected()
    return w3


@pytest.fixture(scope="module")
def chain(w3):
    """Deploy the Token from account 0; transfer to alice, approve bob, bob transferFrom to
    carol. Every receipt is read right after its transact() returns: no waiting."""
    owner, alice, bob, carol = (dev_account(i).address for i in range(4))
    build = artifact("Token")
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    deploy_hash = factory.constructor("Test Token", "TST", SUPPLY).transact({"from": owner})
    deploy = w3.eth.get_transaction_receipt(deploy_hash)
    token = w3.eth.contract(address=deploy.contractAddress, abi=build["abi"])
    transfer = w3.eth.get_transaction_receipt(
        token.functions.transfer(alice, 1000).transact({"from": owner}))
    approve = w3.eth.get_transaction_receipt(
        token.functions.approve(bob, 500).transact({"from": owner}))
    transfer_from = w3.eth.get_transaction_receipt(
        token.functions.transferFrom(owner, carol, 300).transact({"from": bob}))
    return SimpleNamespace(owner=owner, alice=alice, bob=bob, carol=carol, token=token,
                           build=build, deploy=deploy, transfer=transfer, approve=approve,
                           transfer_from=transfer_from)


def test_deploy_receipt_is_available_at_once_with_contract_address(w3, chain):
    r = chain.deploy
    assert r.status == 1
    assert r.contractAddress is not None and r.to is None
    assert r.blockNumber == 1  # automine: one block per transaction, the first after genesis
    assert w3.eth.get_code(r.contractAddress).to_0x_hex() == chain.build["deployedBytecode"]
    assert chain.token.functions.name().call() == "Test Token"
    assert chain.token.functions.symbol().call() == "TST"
    assert chain.token.functions.totalSupply().call() == SUPPLY


def test_constructor_emits_transfer_from_zero(chain):
    (event,) = chain.token.events.Transfer().process_receipt(chain.deploy)
    assert event.args == {"from": ZERO, "to": chain.owner, "value": SUPPLY}
    assert event.address == chain.deploy.contractAddress
    assert event.transactionHash == chain.deploy.transactionHash


def test_transfer_approve_transfer_from_and_balances(chain):
    t = chain.token
    mined = (chain.transfer, chain.approve, chain.transfer_from)
    assert [r.status for r in mined] == [1, 1, 1]
    assert [r.blockNumber for r in mined] == [2, 3, 4]
    (ev,) = t.events.Transfer().process_receipt(chain.transfer)
    assert ev.args == {"from": chain.owner, "to": chain.alice, "value": 1000}
    (ev,) = t.events.Approval().process_receipt(chain.approve)
    assert ev.args == {"owner": chain.owner, "spender": chain.bob, "value": 500}
    (ev,) = t.events.Transfer().process_receipt(chain.transfer_from)
    assert ev.args == {"from": chain.owner, "to": chain.carol, "value": 300}
    assert t.functions.balanceOf(chain.alice).call(block_identifier=4) == 1000
    assert t.functions.balanceOf(chain.carol).call(block_identifier=4) == 300
    assert t.functions.balanceOf(chain.bob).call(block_identifier=4) == 0
    assert t.functions.balanceOf(chain.owner).call(block_identifier=4) == SUPPLY - 1300
    assert t.functions.allowance(chain.owner, chain.bob).call(block_identifier=4) == 200
    # history stays readable: at block 2 the approval did not exist yet
    assert t.functions.allowance(chain.owner, chain.bob).call(block_identifier=2) == 0
    assert t.functions.balanceOf(chain.carol).call(block_identifier=3) == 0


def test_contract_events_get_logs(chain):
    transfers = chain.token.events.Transfer().get_logs(from_block=0, to_block=4)
    assert [(e.args["from"], e.args["to"], e.args["value"]) for e in transfers] == [
        (ZERO, chain.owner, SUPPLY), (chain.owner, chain.alice, 1000),
        (chain.owner, chain.carol, 300)]
    assert [e.blockNumber for e in transfers] == [1, 2, 4]
    to_alice = chain.token.events.Transfer().get_logs(
        from_block=0, to_block=4, argument_filters={"to": chain.alice})
    assert [e.transactionHash for e in to_alice] == [chain.transfer.transactionHash]
    approvals = chain.token.events.Approval().get_logs(from_block=0, to_block=4)
    assert [e.args["spender"] for e in approvals] == [chain.bob]


def _get_logs(w3, **criteria) -> list:
    return w3.eth.get_logs({"fromBlock": 0, "toBlock": 4, **criteria})


def test_eth_get_logs_by_address_topics_and_block_range(w3, chain):
    addr = chain.token.address
    every = _get_logs(w3, address=addr)
    assert [(log.blockNumber, log.logIndex, log.topics[0].to_0x_hex()) for log in every] == [
        (1, 0, TRANSFER_TOPIC), (2, 0, TRANSFER_TOPIC), (3, 0, APPROVAL_TOPIC),
        (4, 0, TRANSFER_TOPIC)]
    assert len(_get_logs(w3, address=addr, topics=[TRANSFER_TOPIC])) == 3
    assert len(_get_logs(w3, topics=[[TRANSFER_TOPIC, APPROVAL_TOPIC]])) == 4  # OR in a position
    (log,) = _get_logs(w3, address=addr, topics=[TRANSFER_TOPIC, None, topic(chain.alice)])
    assert log.transactionHash == chain.transfer.transactionHash
    assert log.data.to_0x_hex() == "0x" + (1000).to_bytes(32, "big").hex()
    from_owner = _get_logs(w3, topics=[None, topic(chain.owner)])
    assert [log.blockNumber for log in from_owner] == [2, 3, 4]
    (log,) = w3.eth.get_logs({"fromBlock": 3, "toBlock": 3, "address": addr})
    assert log.topics[0].to_0x_hex() == APPROVAL_TOPIC
    assert len(w3.eth.get_logs({"fromBlock": 2, "toBlock": 3, "address": addr})) == 2
    (log,) = w3.eth.get_logs({"blockHash": chain.transfer_from.blockHash})
    assert log.transactionHash == chain.transfer_from.transactionHash
    assert _get_logs(w3, address=chain.owner) == []
    assert _get_logs(w3, address=addr, topics=[TRANSFER_TOPIC, topic(chain.bob)]) == []


def test_new_filter_and_get_filter_changes(w3, chain):
    log_filter = w3.eth.filter({"address": chain.token.address, "topics": [TRANSFER_TOPIC],
                                "fromBlock": 0})
    block_filter = w3.eth.filter("latest")
    assert w3.eth.get_filter_changes(log_filter.filter_id) == []
    assert w3.eth.get_filter_changes(block_filter.filter_id) == []
    tx_hash = chain.token.functions.transfer(chain.bob, 7).transact({"from": chain.alice})
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    (log,) = w3.eth.get_filter_changes(log_filter.filter_id)
    assert log.transactionHash == tx_hash
    assert log.blockHash == receipt.blockHash
    assert chain.token.events.Transfer().process_log(log).args == {
        "from": chain.alice, "to": chain.bob, "value": 7}
    assert w3.eth.get_filter_changes(block_filter.filter_id) == [receipt.blockHash]
    assert w3.eth.get_filter_changes(log_filter.filter_id) == []  # each change is given once
    # an Approval does not match the Transfer topic filter
    chain.token.functions.approve(chain.carol, 1).transact({"from": chain.alice})
    assert w3.eth.get_filter_changes(log_filter.filter_id) == []
    every = w3.eth.get_filter_logs(log_filter.filter_id)  # the whole range, from block 0
    assert [log.blockNumber for log in every] == [1, 2, 4, receipt.blockNumber]
    assert w3.eth.uninstall_filter(log_filter.filter_id)
    assert w3.eth.uninstall_filter(block_filter.filter_id)
