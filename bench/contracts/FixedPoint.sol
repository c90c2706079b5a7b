// SPDX-License-Identifier: MIT
// Benchmark workload for bench/vm.py, written for pydevnet: WAD (1e18) and RAY (1e27) math.
pragma solidity 0.8.28;

/// @notice `run(n)` evaluates, for n inputs, a square root by Newton's iteration, e^x by its
/// Taylor series and a RAY power by repeated squaring, all with checked arithmetic, and folds
/// the results into one accumulator.
contract FixedPoint {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant RAY = 1e27;

    function run(uint256 n) external pure returns (uint256 acc) {
        for (uint256 i = 1; i <= n; ++i) {
            uint256 x = i * 7e15 + 1e17; // 0.107, 0.114, ... in WAD
            uint256 root = sqrtWad(x);
            uint256 e = expWad(x % (4 * WAD));
            uint256 p = rpow(RAY + (i % 100) * 1e24, 1 + (i % 97)); // (1.00..1.099)^(1..97)
            acc = (acc + wmul(root, e) + wdiv(e, root) + p / 1e9) % (1 << 200);
        }
    }

    function wmul(uint256 a, uint256 b) internal pure returns (uint256) {
        return (a * b + WAD / 2) / WAD;
    }

    function wdiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return (a * WAD + b / 2) / b;
    }

    function rmul(uint256 a, uint256 b) internal pure returns (uint256) {
        return (a * b + RAY / 2) / RAY;
    }

    /// sqrt(x) for x in WAD: Newton's iteration on the integer x * 1e18, started at the power
    /// of two just above the root and stopped when the estimate stops falling.
    function sqrtWad(uint256 x) internal pure returns (uint256 z) {
        uint256 v = x * WAD;
        if (v == 0) return 0;
        uint256 bits = 0;
        uint256 t = v;
        while (t >= 256) {
            t >>= 8;
            bits += 8;
        }
        while (t > 0) {
            t >>= 1;
            ++bits;
        }
        z = uint256(1) << ((bits + 1) / 2);
        uint256 next = (z + v / z) / 2;
        while (next < z) {
            z = next;
            next = (z + v / z) / 2;
        }
    }

    /// e^x for x in WAD (0 <= x < 4): the Taylor series, summed until a term underflows.
    function expWad(uint256 x) internal pure returns (uint256 sum) {
        uint256 term = WAD;
        sum = WAD;
        for (uint256 k = 1; term != 0; ++k) {
            term = wmul(term, x) / k;
            sum += term;
        }
    }

    /// base^e for base in RAY, by repeated squaring.
    function rpow(uint256 base, uint256 e) internal pure returns (uint256 result) {
        result = RAY;
        while (e > 0) {
            if (e & 1 == 1) result = rmul(result, base);
            base = rmul(base, base);
            e >>= 1;
        }
    }
}
