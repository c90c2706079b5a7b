// SPDX-License-Identifier: MIT
// Every way a call can fail, for pydevnet's revert-reason tests.
pragma solidity 0.8.28;

contract Reverter {
    error Unauthorized(address caller, uint256 code);

    uint256 public counter;
    uint256[] private items;

    function failRequire() external pure {
        require(false, "require failed: boom");
    }

    function failRevertString() external pure {
        revert("plain revert");
    }

    function failCustom() external view {
        revert Unauthorized(msg.sender, 42);
    }

    function failAssert() external pure {
        assert(false);
    }

    function failOverflow(uint256 x) external pure returns (uint256) {
        return x + type(uint256).max;
    }

    function failDivide(uint256 x) external pure returns (uint256) {
        return 10 / x;
    }

    function failIndex() external view returns (uint256) {
        return items[7];
    }

    function failEmpty() external pure {
        revert();
    }

    function increment() external returns (uint256) {
        counter += 1;
        return counter;
    }

    function now_() external view returns (uint256 number, uint256 timestamp, uint256 random) {
        return (block.number, block.timestamp, block.prevrandao);
    }
}
