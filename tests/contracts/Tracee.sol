// SPDX-License-Identifier: MIT
// One transaction with every kind of message, for pydevnet's trace_* and ots_* tests: a CREATE2
// with value, a CALL with value, a reverting call, a SELFDESTRUCT, a CREATE, a STATICCALL of a
// precompile, a DELEGATECALL and logs.
pragma solidity 0.8.28;

contract Child {
    event Born(address owner, uint256 value);

    constructor() payable {
        emit Born(msg.sender, msg.value);
    }

    function ping(uint256 x) external payable returns (uint256) {
        return x + 1;
    }

    function fail() external pure {
        revert("child failed");
    }

    function die(address payable to) external {
        selfdestruct(to);
    }
}

contract Tracee {
    event Done(uint256 value, address child);

    uint256 public runs;

    function run(bytes32 salt) external payable returns (uint256 r) {
        Child c = new Child{salt: salt, value: 1}();
        r = c.ping{value: 2}(41);
        try c.fail() {} catch {}
        c.die(payable(msg.sender));
        new Child();
        (, bytes memory echo) = address(4).staticcall(abi.encode(r));
        (bool ok, ) = address(c).delegatecall(abi.encodeCall(Child.ping, (1)));
        require(ok && echo.length == 32, "unexpected");
        runs += 1;
        emit Done(r, address(c));
    }

    function boom() external pure {
        revert("boom");
    }
}
