"""Every precompile at 30M gas: seconds to spend a block's worth of gas on it, worst input first.

    .venv/bin/python bench/precompiles.py [--gas N] [--only name,name] [--all] [--json]

For each precompile a few valid inputs are tried (sizes, pair counts, round counts, exponent
lengths: whatever moves the price against the work). Each input runs the way a transaction would
spend 30M gas on it: a contract at depth 0 copies the input to memory once, then STATICCALLs the
precompile with all its gas in a loop until it runs out of gas. The time is that one message call
(interpreter, call overhead and the precompile itself): the VM thread's CPU time (time.thread_time,
the figure compared, since other processes share the cores) and the wall time beside it. The
table shows each precompile's slowest input by CPU time, the slowest row marked; --all shows
every input.
The fork is the first that has the precompile (modexp runs under Cancun's EIP-2565 price and
Osaka's EIP-7883 price). This is a benchmark, not a test: nothing is asserted.
"""
import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/vm.py would shadow vm/

from coincurve import PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import (Prehashed,  # noqa: E402
                                                             decode_dss_signature)
from cryptography.hazmat.primitives.hashes import SHA256  # noqa: E402
from py_arkworks_bls12381 import G1Point, G2Point  # noqa: E402

from bench.asm import assemble  # noqa: E402
from pydevnet.node.workers import run_in_vm_thread  # noqa: E402
from pydevnet.state.statedb import StateDB  # noqa: E402
from pydevnet.state.store import MemoryStore  # noqa: E402
from pydevnet.vm import message  # noqa: E402
from pydevnet.vm.errors import OutOfGas  # noqa: E402
from pydevnet.vm.forks import CANCUN, OSAKA, PRAGUE  # noqa: E402
from pydevnet.vm.frame import BlockEnv, TxEnv  # noqa: E402

BLOCK_GAS = 30_000_000
SENDER = b"\x5e" * 20
LOOPER = b"\x10" * 20
OUTPUT = 256  # the largest output (a G2 point)
VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vm" / "data"
W = 32


def _w(n: int) -> bytes:
    return n.to_bytes(W, "big")


# ---- valid inputs ----

def _ecrecover() -> bytes:
    digest = bytes(range(32))
    sig = PrivateKey(b"\x07" * 32).sign_recoverable(digest, hasher=None)
    return digest + _w(27 + sig[64]) + sig[:64]


def _dense(length: int, seed: bytes) -> bytes:
    """`length` pseudo-random bytes: a sparse modulus would make the reductions nearly free."""
    out = b""
    while len(out) < length:
        out += hashlib.sha256(seed + len(out).to_bytes(4, "big")).digest()
    return out[:length]


def _modexp(length: int, exp_len: int) -> bytes:
    """Dense base and odd modulus (top bit set) of `length` bytes, an all-ones exponent."""
    modulus = int.from_bytes(_dense(length, b"modulus"), "big") | 1 << (8 * length - 1) | 1
    base = int.from_bytes(_dense(length, b"base"), "big") % modulus
    return (_w(length) + _w(exp_len) + _w(length) + base.to_bytes(length, "big")
            + b"\xff" * exp_len + modulus.to_bytes(length, "big"))


BN_G1 = _w(1) + _w(2)
BN_G1_NEG = _w(1) + _w(0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD45)
BN_G2 = b"".join(_w(n) for n in (
    0x198E9393920D483A7260BFB731FB5D25F1AA493335A9E71297E485B7AEF312C2,
    0x1800DEEF121F1E76426A00665E5C4479674322D4F75EDADD46DEBD5CD992F6ED,
    0x090689D0585FF075EC9E99AD690C3395BC4B313370B38EF355ACDADCD122975B,
    0x12C85EA5DB8C6DEB4AAB71808DCB408FE3D1E7690C43D37B4CE6CC0166FA7DAA))


def _blake2f(rounds: int) -> bytes:
    return rounds.to_bytes(4, "big") + bytes(range(64)) + bytes(128) + bytes(16) + b"\x01"


def _kzg() -> bytes:
    vectors = json.loads((VECTORS / "precompile_vectors.json").read_text())["point_evaluation"]
    return bytes.fromhex(next(v["input"] for v in vectors if v["expected"]))


def _pad(values: bytes) -> bytes:
    """arkworks' 48-byte coordinates as EIP-2537's 64-byte ones."""
    return b"".join(bytes(16) + values[i : i + 48] for i in range(0, len(values), 48))


BLS_G1 = _pad(G1Point().to_xy_bytes_be())
BLS_G1_NEG = _pad((-G1Point()).to_xy_bytes_be())
BLS_G2 = _pad(G2Point().to_xy_bytes_be())
FP = _pad((0x1234567890ABCDEF << 300).to_bytes(48, "big"))


def _p256() -> bytes:
    digest = bytes(range(32))
    key = ec.derive_private_key(0xC0FFEE, ec.SECP256R1())
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(SHA256()))))
    public = key.public_key().public_numbers()
    return digest + _w(r) + _w(s) + _w(public.x) + _w(public.y)


def cases() -> list[tuple[str, int, object, str, bytes]]:
    """(precompile, address, fork, input label, input) for every input tried."""
    out = [("ecrecover", 0x01, CANCUN, "valid signature", _ecrecover())]
    for name, index in (("sha256", 0x02), ("ripemd160", 0x03), ("identity", 0x04)):
        out += [(name, index, CANCUN, f"{n} bytes", b"\xab" * n) for n in (0, 32, 1024)]
    for fork, label in ((CANCUN, "modexp (EIP-2565)"), (OSAKA, "modexp (EIP-7883)")):
        out += [(label, 0x05, fork, f"{n}-byte operands, {e}-byte exponent", _modexp(n, e))
                for n, e in ((1, 1), (8, 8), (32, 32), (64, 64), (128, 32), (256, 32), (512, 64),
                             (1024, 32), (1024, 64))]
    out.append(("bn254 ecAdd", 0x06, CANCUN, "G1 + (-G1)", BN_G1 + BN_G1_NEG))
    out.append(("bn254 ecMul", 0x07, CANCUN, "G1 * (2**256 - 1)", BN_G1 + b"\xff" * W))
    out += [("bn254 ecPairing", 0x08, CANCUN, f"{k} pairs", (BN_G1 + BN_G2) * k)
            for k in (1, 2, 16, 128, 860)]
    out += [("blake2f", 0x09, CANCUN, f"{r} rounds", _blake2f(r)) for r in (0, 1, 12, 10**6)]
    out.append(("kzg point evaluation", 0x0A, CANCUN, "valid proof", _kzg()))
    out.append(("bls G1ADD", 0x0B, PRAGUE, "G1 + (-G1)", BLS_G1 + BLS_G1_NEG))
    out += [("bls G1MSM", 0x0C, PRAGUE, f"{k} pairs", (BLS_G1 + b"\xff" * W) * k)
            for k in (1, 2, 8, 128, 256)]
    out.append(("bls G2ADD", 0x0D, PRAGUE, "G2 + G2", BLS_G2 * 2))
    out += [("bls G2MSM", 0x0E, PRAGUE, f"{k} pairs", (BLS_G2 + b"\xff" * W) * k)
            for k in (1, 2, 8, 128, 256)]
    out += [("bls PAIRING_CHECK", 0x0F, PRAGUE, f"{k} pairs", (BLS_G1 + BLS_G2) * k)
            for k in (1, 2, 8, 64, 890)]
    out.append(("bls MAP_FP_TO_G1", 0x10, PRAGUE, "one element", FP))
    out.append(("bls MAP_FP2_TO_G2", 0x11, PRAGUE, "one element", FP + FP))
    out.append(("p256verify", 0x100, OSAKA, "valid signature", _p256()))
    return out


# ---- the loop ----

def looper(target: int, size: int) -> bytes:
    """Copy the calldata to memory, then STATICCALL `target` with it until out of gas."""
    return assemble([
        "CALLDATASIZE", 0, 0, "CALLDATACOPY",
        ":loop", OUTPUT, size, "CALLDATASIZE", 0, target, "GAS", "STATICCALL", "POP",
        "@loop", "JUMP",
    ])


def run(index: int, spec, data: bytes, gas: int) -> tuple[float, float, int, int] | None:
    """(CPU seconds, wall seconds, about how many calls, the price of one) for one loop of `gas`;
    None if one call costs more than that."""
    fn = spec.precompiles[index.to_bytes(20, "big")]
    try:
        price, _output = fn(data, gas)  # a failing input would raise PrecompileError here
    except OutOfGas:
        return None
    st = StateDB(MemoryStore())
    st.set_code(LOOPER, looper(index, len(data)))
    st.finalize_tx()
    block = BlockEnv(spec=spec, coinbase=bytes(20), number=1, timestamp=1, gas_limit=gas,
                     prevrandao=0, base_fee=7, chain_id=1)
    st.begin_tx()
    for address in (SENDER, LOOPER, *spec.precompiles):
        st.warm_address(address)
    start, cpu_start = time.perf_counter(), time.thread_time()
    ok, _left, _out, _err = message.call(st, block, TxEnv(SENDER, 7), SENDER, LOOPER, LOOPER, 0,
                                         data, gas, 0, False)
    cpu, wall = time.thread_time() - cpu_start, time.perf_counter() - start
    assert not ok  # the loop ends by running out of gas
    return cpu, wall, gas // (price + 100), price


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gas", type=int, default=BLOCK_GAS)
    parser.add_argument("--only", help="comma-separated substrings of precompile names")
    parser.add_argument("--all", action="store_true", help="print every input, not the worst")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for name, index, spec, label, data in cases():
        if args.only and not any(s in name for s in args.only.split(",")):
            continue
        result = run_in_vm_thread(run, index, spec, data, args.gas)
        if result is None:
            continue
        cpu, wall, calls, price = result
        rows.append({"precompile": name, "address": hex(index), "fork": spec.name,
                     "input": label, "price": price, "calls": calls, "seconds": cpu,
                     "wall_seconds": wall})
    if not args.all:
        worst = {}
        for row in rows:
            if row["seconds"] > worst.get(row["precompile"], {"seconds": -1})["seconds"]:
                worst[row["precompile"]] = row
        rows = list(worst.values())
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    slowest = max(row["seconds"] for row in rows)
    print(f"{'precompile':<22} {'addr':>6} {'fork':<7} {'input':<36} {'price':>9} "
          f"{'~calls':>8} {'cpu s':>6} {'wall s':>7}   (per {args.gas:,} gas)")
    for row in rows:
        mark = "  <-- slowest" if row["seconds"] == slowest else ""
        print(f"{row['precompile']:<22} {row['address']:>6} {row['fork']:<7} {row['input']:<36} "
              f"{row['price']:>9} {row['calls']:>8} {row['seconds']:>6.2f} "
              f"{row['wall_seconds']:>7.2f}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
