"""The benchmark's fixed workloads, as JSON-ready specs both VM runners execute the same way.

A spec names the pre-state (accounts with code and storage, contracts deployed by running their
initcode) and one message call (sender, target, calldata, gas). Five programs are hand-assembled
here; four are Solidity contracts from bench/contracts, compiled with solc-js and committed as
artifacts (bench/contracts/compile.js). Sizes are chosen so one run takes roughly 0.3 to 3 s on
our VM; `scale` shrinks or grows them all.
"""
import hashlib
import json
from pathlib import Path

from bench.asm import assemble

ARTIFACTS = Path(__file__).resolve().parent / "contracts" / "artifacts"
SENDER = bytes.fromhex("5e0de70000000000000000000000000000000001")
CONTRACT = bytes.fromhex("c0de000000000000000000000000000000000001")
CALLEE = bytes.fromhex("c0de000000000000000000000000000000000002")
CALL_GAS = 1_000_000_000  # message-level call: far above any workload's need, never binding
RESULT = [0, "MSTORE", 32, 0, "RETURN"]  # return the word on top of the stack


def _count_down() -> list:
    """Loop tail: [.., i] -> [.., i-1], back to :loop while i-1 != 0."""
    return [1, "SWAP1", "SUB", "DUP1", "@loop", "JUMPI"]


def arith_program(n: int) -> bytes:
    """ADD/MUL/SHR/XOR/JUMPI on two stack words: 18 opcodes and 61 gas per iteration."""
    return assemble([
        1, n,                                          # [acc, i]
        ":loop",
        1, "SWAP1", "SUB", "SWAP1",                    # [i-1, acc]
        "DUP1", 7, "MUL", 11, "ADD",                   # [i-1, acc, 7acc+11]
        "SWAP1", 3, "SHR", "XOR",                      # [i-1, (7acc+11) ^ (acc>>3)]
        "SWAP1", "DUP1", "@loop", "JUMPI",             # [acc', i-1]
        "POP", *RESULT,
    ])


def keccak_program(n: int) -> bytes:
    """A hash chain: mem[0] = keccak256(mem[0:64]), mem[32] = i, n times."""
    return assemble([
        n,                                             # [i]
        ":loop",
        64, 0, "KECCAK256", 0, "MSTORE",               # mem[0] = keccak(mem[0:64])
        "DUP1", 32, "MSTORE",                          # mem[32] = i
        *_count_down(),
        "POP", 32, 0, "RETURN",
    ])


def storage_program(n: int) -> bytes:
    """slot[i % 512] += i for i = n..1: slots 0-255 start empty (EIP-2200 set), 256-511 hold a
    committed value (reset), then every access is warm and dirty."""
    return assemble([
        n,                                             # [i]
        ":loop",
        "DUP1", 511, "AND",                            # [i, k]
        "DUP1", "SLOAD", "DUP3", "ADD",                # [i, k, slot[k] + i]
        "SWAP1", "SSTORE",                             # [i]
        *_count_down(),
        "POP", 0, "SLOAD", 300, "SLOAD", "XOR", *RESULT,
    ])


def storage_prestate() -> dict[int, int]:
    return {k: k * 1000 + 1 for k in range(256, 512)}


def memcopy_program(n: int) -> bytes:
    """Per iteration: CALLDATACOPY of the whole calldata to 256, one MSTORE into it, MCOPY of it
    to 2048, MLOAD of one copied word folded into mem[0] with XOR."""
    return assemble([
        n,                                             # [i]
        ":loop",
        "CALLDATASIZE", 0, 256, "CALLDATACOPY",        # mem[256:] = calldata
        "DUP1", "DUP1", 31, "AND", 5, "SHL", 256, "ADD", "MSTORE",  # mem[256 + 32(i%32)] = i
        "CALLDATASIZE", 256, 2048, "MCOPY",            # mem[2048:] = mem[256:]
        "DUP1", 7, "MUL", 31, "AND", 5, "SHL", 2048, "ADD", "MLOAD",
        0, "MLOAD", "XOR", 0, "MSTORE",                # mem[0] ^= that word
        *_count_down(),
        "POP", 32, 0, "RETURN",
    ])


def memcopy_calldata() -> bytes:
    return bytes((i * 37 + 11) & 0xFF for i in range(1024))


def caller_program(n: int, callee: bytes) -> bytes:
    """n CALLs to `callee` with one word in and one out; the answers are summed in mem[64]."""
    return assemble([
        n,                                             # [i]
        ":loop",
        "DUP1", 0, "MSTORE",                           # argument: i
        32, 32, 32, 0, 0, int.from_bytes(callee, "big"), "GAS", "CALL",
        "ISZERO", "@fail", "JUMPI",
        32, "MLOAD", 64, "MLOAD", "ADD", 64, "MSTORE",
        *_count_down(),
        "POP", 64, "MLOAD", *RESULT,
        ":fail", 0, 0, "REVERT",
    ])


def callee_program(rounds: int = 8) -> bytes:
    """x = calldata word; x = 3x + 1, `rounds` times; return x."""
    return assemble([
        0, "CALLDATALOAD", rounds,                     # [x, j]
        ":loop",
        "SWAP1", 3, "MUL", 1, "ADD", "SWAP1",          # [3x+1, j]
        *_count_down(),
        "POP", *RESULT,
    ])


def _artifact(name: str) -> dict:
    path = ARTIFACTS / f"{name}.json"
    try:
        art = json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"missing {path}: run `cd bench/contracts && npm ci && node compile.js`")
    source = (ARTIFACTS.parent / art["sourceName"]).read_bytes()
    if hashlib.sha256(source).hexdigest() != art["sourceSha256"]:
        raise SystemExit(f"{path.name} is stale: {art['sourceName']} changed since it was "
                         "compiled; run `cd bench/contracts && node compile.js`")
    return art


def _abi_call(art: dict, signature: str, *args: int) -> bytes:
    selector = bytes.fromhex(art["methodIdentifiers"][signature])
    return selector + b"".join(a.to_bytes(32, "big") for a in args)


def _hex(b: bytes) -> str:
    return "0x" + b.hex()


def _spec(name: str, title: str, data: bytes = b"", accounts: list | None = None,
          deploy: list | None = None) -> dict:
    return {
        "name": name, "title": title, "sender": _hex(SENDER),
        "accounts": accounts or [], "deploy": deploy or [],
        "call": {"to": _hex(CONTRACT), "data": _hex(data), "gas": CALL_GAS},
    }


def _code(address: bytes, code: bytes, storage: dict[int, int] | None = None) -> dict:
    return {"address": _hex(address), "code": _hex(code),
            "storage": {str(k): str(v) for k, v in (storage or {}).items()}}


def _sol(name: str, title: str, contract: str, signature: str, *args: int) -> dict:
    art = _artifact(contract)
    initcode = bytes.fromhex(art["bytecode"][2:])
    return _spec(name, title, _abi_call(art, signature, *args),
                 deploy=[{"address": _hex(CONTRACT), "initcode": _hex(initcode)}])


def build(scale: float = 1.0) -> list[dict]:
    """Every workload, in report order."""
    def n(base: int) -> int:
        return max(1, int(base * scale))

    return [
        _spec("arith", "ADD/MUL/SHR/XOR/JUMPI loop",
              accounts=[_code(CONTRACT, arith_program(n(200_000)))]),
        _spec("keccak", "KECCAK256 of 64 bytes in a loop",
              accounts=[_code(CONTRACT, keccak_program(n(70_000)))]),
        _spec("storage", "SLOAD + SSTORE over 512 slots",
              accounts=[_code(CONTRACT, storage_program(n(150_000)), storage_prestate())]),
        _spec("memcopy", "CALLDATACOPY/MCOPY 1 KiB, MLOAD/MSTORE", memcopy_calldata(),
              accounts=[_code(CONTRACT, memcopy_program(n(75_000)))]),
        _spec("calls", "CALL into a contract doing 8 MUL/ADD rounds",
              accounts=[_code(CONTRACT, caller_program(n(20_000), CALLEE)),
                        _code(CALLEE, callee_program())]),
        _sol("erc20", "ERC-20 transfer/transferFrom loop (Solidity)", "TokenBench",
             "run(uint256)", n(4_000)),
        _sol("sort", "quicksort of a memory array (Solidity)", "Sort",
             "run(uint256,uint256)", n(3_000), 12345),
        _sol("sieve", "sieve of Eratosthenes (Solidity)", "Sieve", "run(uint256)", n(30_000)),
        _sol("fixedpoint", "WAD sqrt/exp, RAY pow (Solidity)", "FixedPoint", "run(uint256)",
             n(500)),
    ]
