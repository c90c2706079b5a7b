// SPDX-License-Identifier: MIT
// Benchmark workload for bench/vm.py, written for pydevnet: quicksort of a memory array.
pragma solidity 0.8.28;

/// @notice `run(n, seed)` fills a memory array with n pseudo-random words from a 64-bit linear
/// congruential generator, sorts it with a recursive quicksort (Hoare partition, middle pivot),
/// checks the order and returns a position-weighted checksum.
contract Sort {
    error NotSorted(uint256 index);

    function run(uint256 n, uint256 seed) external pure returns (uint256 checksum) {
        uint256[] memory a = new uint256[](n);
        uint256 x = seed;
        for (uint256 i = 0; i < n; ++i) {
            unchecked {
                x = (x * 6364136223846793005 + 1442695040888963407) & type(uint64).max;
            }
            a[i] = x >> 8;
        }
        if (n > 1) quicksort(a, 0, n - 1);
        for (uint256 i = 1; i < n; ++i) {
            if (a[i - 1] > a[i]) revert NotSorted(i);
        }
        unchecked {
            for (uint256 i = 0; i < n; ++i) {
                checksum = checksum * 1000003 + a[i] * (i + 1);
            }
        }
    }

    function quicksort(uint256[] memory a, uint256 lo, uint256 hi) private pure {
        while (lo < hi) {
            uint256 pivot = a[lo + (hi - lo) / 2];
            uint256 i = lo;
            uint256 j = hi;
            while (true) {
                while (a[i] < pivot) ++i;
                while (a[j] > pivot) --j;
                if (i >= j) break;
                (a[i], a[j]) = (a[j], a[i]);
                ++i;
                --j;
            }
            // Recurse into the smaller side and loop on the larger one: depth stays O(log n).
            if (j - lo < hi - j) {
                quicksort(a, lo, j);
                lo = j + 1;
            } else {
                quicksort(a, j + 1, hi);
                hi = j;
            }
        }
    }
}
