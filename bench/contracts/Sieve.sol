// SPDX-License-Identifier: MIT
// Benchmark workload for bench/vm.py, written for pydevnet: the sieve of Eratosthenes.
pragma solidity 0.8.28;

/// @notice `run(n)` marks the composites up to n in a byte array (one byte per number, so
/// memory stays small) and returns how many primes there are and the largest one.
contract Sieve {
    function run(uint256 n) external pure returns (uint256 count, uint256 largest) {
        bytes memory composite = new bytes(n + 1);
        for (uint256 p = 2; p * p <= n; ++p) {
            if (composite[p] != 0) continue;
            for (uint256 m = p * p; m <= n; m += p) {
                composite[m] = 0x01;
            }
        }
        for (uint256 k = 2; k <= n; ++k) {
            if (composite[k] == 0) {
                ++count;
                largest = k;
            }
        }
    }
}
