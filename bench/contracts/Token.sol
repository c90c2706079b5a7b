// SPDX-License-Identifier: MIT
// Benchmark workload for bench/vm.py, written for pydevnet: an ERC-20 and a driver that moves it.
pragma solidity 0.8.28;

/// @notice A plain ERC-20: balances and allowances in mappings, Transfer and Approval events,
/// custom errors for the two failure cases.
contract BenchToken {
    string public constant name = "Bench Token";
    string public constant symbol = "BNCH";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error BalanceTooLow(address holder, uint256 balance, uint256 wanted);
    error AllowanceTooLow(address spender, uint256 allowance, uint256 wanted);

    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert AllowanceTooLow(msg.sender, allowed, value);
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        uint256 held = balanceOf[from];
        if (held < value) revert BalanceTooLow(from, held, value);
        unchecked {
            balanceOf[from] = held - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

/// @notice Drives a BenchToken the way a busy block does: `run(n)` makes n external token calls
/// to a rotating set of 64 holders, three in four `transfer` and one in four `transferFrom`
/// against a finite allowance it granted itself, and returns a checksum of the balances.
contract TokenBench {
    uint256 private constant SUPPLY = 1e27;
    uint256 private constant HOLDERS = 64;
    uint160 private constant FIRST_HOLDER = 0x1000;

    BenchToken public immutable token;

    constructor() {
        token = new BenchToken(SUPPLY);
        token.approve(address(this), SUPPLY / 2);
    }

    function run(uint256 n) external returns (uint256 checksum) {
        BenchToken t = token;
        for (uint256 i = 0; i < n; ++i) {
            address to = address(FIRST_HOLDER + uint160(i % HOLDERS));
            bool ok = (i & 3) == 3
                ? t.transferFrom(address(this), to, i + 1)
                : t.transfer(to, i + 1);
            require(ok, "token call failed");
        }
        checksum = t.balanceOf(address(this)) ^ t.allowance(address(this), address(this));
        for (uint160 h = 0; h < HOLDERS; ++h) {
            uint256 b = t.balanceOf(address(FIRST_HOLDER + h));
            unchecked {
                checksum = checksum * 31 + b;
            }
        }
    }
}
