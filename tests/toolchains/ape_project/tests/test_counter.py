"""Run by `ape test --network ethereum:local:node` against the devnet (ape's own pytest plugin:
its `accounts` are the `test ... junk` dev accounts, signed locally; its isolation wraps each
test in evm_snapshot/evm_revert)."""
import ape

DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_connected_to_the_devnet(chain, owner):
    assert ape.networks.provider.name == "node"
    assert chain.chain_id == 31337
    assert owner.address == DEV0
    assert "pydevnet" in ape.networks.provider.web3.client_version


def test_deployed_and_read(counter, owner):
    assert counter.owner() == owner
    assert counter.count() == 5


def test_transaction_return_value_and_event(counter, owner):
    receipt = counter.bump(3, sender=owner)
    assert receipt.status == 1 and receipt.sender == owner
    assert counter.count() == 8
    assert receipt.return_value == 8  # ape reads it from the node's call trace
    [log] = receipt.events
    assert log.event_name == "Bumped" and log.sender == owner and log.count == 8
    # eth_getLogs over the chain
    [found] = counter.Bumped.range(receipt.block_number, receipt.block_number + 1)
    assert found.count == 8 and found.transaction_hash == receipt.txn_hash


def test_isolation_reverted_the_previous_test(counter):
    assert counter.count() == 5


def test_revert_message(counter, other):
    with ape.reverts("zero bump"):
        counter.bump(0, sender=other)


def test_value_transfer_and_payable_call(counter, owner, other, chain):
    before = other.balance
    receipt = owner.transfer(other, 10**18)
    assert receipt.status == 1 and other.balance == before + 10**18
    counter.deposit(sender=other, value=4321)
    assert counter.deposits(other) == 4321 and counter.balance == 4321


def test_snapshot_and_restore(chain, counter, owner):
    head = chain.blocks.head.number
    snapshot = chain.snapshot()
    counter.bump(100, sender=owner)
    assert counter.count() == 105 and chain.blocks.head.number == head + 1
    chain.restore(snapshot)
    assert counter.count() == 5 and chain.blocks.head.number == head
