// SPDX-License-Identifier: MIT
// console.log's calls written out (a STATICCALL to Hardhat's console address with the call's ABI
// encoding), and Kaia's vmLog (a CALL to 0x3fd with the message's bytes), for pydevnet's
// console-log tests.
pragma solidity 0.8.28;

contract ConsoleLogger {
    address constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;
    address constant VM_LOG = address(0x3fd);

    function _send(bytes memory payload) private view {
        address to = CONSOLE;
        assembly {
            pop(staticcall(gas(), to, add(payload, 32), mload(payload), 0, 0))
        }
    }

    function speak(uint256 n) external returns (uint256) {
        _send(abi.encodeWithSignature("log()"));
        _send(abi.encodeWithSignature("log(string)", "hello from solidity"));
        _send(abi.encodeWithSignature("log(uint256)", n));
        _send(abi.encodeWithSignature("log(string,uint256)", "n is", n));
        _send(abi.encodeWithSignature("log(string,address,bool)", "sender", msg.sender, true));
        _send(abi.encodeWithSignature("log(uint256,uint256,uint256,uint256)", 1, 2, 3, 4));
        _send(abi.encodeWithSignature("log(string,string)", "%s and %d", "text"));
        _send(abi.encodeWithSignature("logInt(int256)", int256(-5)));
        _send(abi.encodeWithSignature("logBytes(bytes)", hex"c0ffee"));
        _send(abi.encodeWithSignature("logBytes4(bytes4)", bytes4(0xdeadbeef)));
        _send(abi.encodeWithSignature("log(uint)", n + 1));
        (bool ok, ) = VM_LOG.call(abi.encodePacked("kaia vmlog says hi"));
        require(ok, "vmlog failed");
        return n;
    }
}
