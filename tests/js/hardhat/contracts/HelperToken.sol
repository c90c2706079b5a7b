// SPDX-License-Identifier: MIT
// An OpenZeppelin ERC20 for tests/js/hardhat/network_helpers.js: the deployer gets `supply`, and
// `locked` more are held by the contract itself until `unlockTime`, when release() pays them to
// the beneficiary (so the Hardhat time helpers have something a contract enforces).
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract HelperToken is ERC20 {
    uint256 public immutable unlockTime;
    address public immutable beneficiary;

    error StillLocked(uint256 timestamp, uint256 unlockTime);

    constructor(uint256 supply, uint256 locked, address beneficiary_, uint256 unlockTime_)
        ERC20("Helper Token", "HLP")
    {
        _mint(msg.sender, supply);
        _mint(address(this), locked);
        beneficiary = beneficiary_;
        unlockTime = unlockTime_;
    }

    function release() external {
        if (block.timestamp < unlockTime) revert StillLocked(block.timestamp, unlockTime);
        _transfer(address(this), beneficiary, balanceOf(address(this)));
    }
}
