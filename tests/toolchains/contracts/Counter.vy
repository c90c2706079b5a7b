# A Vyper contract for the toolchain tests (titanoboa's network mode, eth-ape): an owner, a
# counter that bump() raises by a positive amount (logging Bumped), and a payable deposit.
#pragma version ^0.4.0
#pragma evm-version prague

owner: public(address)
count: public(uint256)
deposits: public(HashMap[address, uint256])

event Bumped:
    sender: indexed(address)
    count: uint256


@deploy
def __init__(start: uint256):
    self.owner = msg.sender
    self.count = start


@external
def bump(by: uint256) -> uint256:
    assert by > 0, "zero bump"
    self.count += by
    log Bumped(sender=msg.sender, count=self.count)
    return self.count


@external
@payable
def deposit():
    self.deposits[msg.sender] += msg.value
