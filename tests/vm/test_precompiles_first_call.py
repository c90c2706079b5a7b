"""The precompile tables load each contract's module, and the C library behind it, on the
contract's first call (vm/precompiles/__init__.py): importing the VM loads none of them, and a
first call through the table gives the published answer (data/*.json) and loads its library.

Checked in a fresh interpreter (sys.modules), and in the real `devnet` process (its memory maps:
mcl's BN254 library is mapped only once an eth_call reaches 0x06)."""
import json
import subprocess
import sys
from pathlib import Path

from tests.integration.devnet_process import DevnetProcess

DATA = Path(__file__).parent / "data"
# the libraries the contracts use, by top-level module: at least one (mcl) costs 0.1-0.3 s
LIBRARIES = ("coincurve", "Crypto", "gmpy2", "mclbn256", "blake2b", "ckzg",
             "py_arkworks_bls12381", "cryptography")

SCRIPT = """
import json, sys
import pydevnet.vm, pydevnet.vm.interpreter, pydevnet.vm.message
from pydevnet.vm.forks import CANCUN, OSAKA
libraries, cases = json.loads(sys.stdin.read())

def loaded():
    return sorted(name for name in libraries if name in sys.modules)

out = {"after_import": loaded(), "calls": []}
for fork, index, data, gas in cases:
    entry = {"cancun": CANCUN, "osaka": OSAKA}[fork].precompiles[index.to_bytes(20, "big")]
    used, output = entry(bytes.fromhex(data), gas)
    out["calls"].append([used, output.hex(), loaded()])
print(json.dumps(out))
"""


def _vector(file: str, group: str, name: str | None = None) -> dict:
    vectors = json.loads((DATA / file).read_text())[group]
    vectors = vectors["valid"] if isinstance(vectors, dict) else vectors
    return next(v for v in vectors if name is None or v["name"] == name)


def _cases() -> list[tuple[str, int, str, int, str, str]]:
    """(fork, address, input, gas, expected output, library it loads), in the order called."""
    out = []
    cancun = [(0x01, "ecrecover", "ValidKey", "coincurve"), (0x05, "modexp", None, "gmpy2"),
              (0x06, "bn254_add", None, "mclbn256"), (0x07, "bn254_mul", None, None),
              (0x08, "bn254_pairing", None, None), (0x09, "blake2f", None, "blake2b"),
              (0x0A, "point_evaluation", None, "ckzg")]
    for index, group, name, library in cancun:
        v = _vector("precompile_vectors.json", group, name)
        out.append(("cancun", index, v["input"], v["gas"], v["expected"], library))
    # SHA2-256, RIPEMD-160 and identity of b"abc" (FIPS 180-2, the RIPEMD-160 paper)
    abc = b"abc".hex()
    out += [("cancun", 0x02, abc, 72, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2"
             "0015ad", "Crypto"),  # the module holds RIPEMD-160 too
            ("cancun", 0x03, abc, 720, "00" * 12 + "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc",
             None),
            ("cancun", 0x04, abc, 18, abc, None)]
    bls = ["g1_add", "g1_msm", "g2_add", "g2_msm", "pairing_check", "map_fp_to_g1",
           "map_fp2_to_g2"]
    for index, group in enumerate(bls, start=0x0B):
        v = _vector("eip2537_vectors.json", group)
        out.append(("osaka", index, v["input"], v["gas"], v["expected"],
                    "py_arkworks_bls12381" if index == 0x0B else None))
    data, valid = json.loads((DATA / "eip7951_vectors.json").read_text())["vectors"][0]
    out.append(("osaka", 0x100, data, 6900, "00" * 31 + "01" if valid else "", "cryptography"))
    modexp = _vector("precompile_vectors.json", "modexp")  # Osaka's repriced entry
    out.append(("osaka", 0x05, modexp["input"], 10 ** 6, modexp["expected"], None))
    return out


def test_importing_the_vm_loads_no_library_and_each_first_call_answers() -> None:
    cases = _cases()
    stdin = json.dumps([LIBRARIES, [c[:4] for c in cases]])
    proc = subprocess.run([sys.executable, "-c", SCRIPT], input=stdin, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["after_import"] == []
    seen: set[str] = set()
    for (fork, index, _, gas, expected, library), (used, output, now) in zip(cases, out["calls"]):
        where = f"{fork} {index:#x}"
        if index != 0x05 or fork == "cancun":  # Osaka's modexp price is EIP-7883's
            assert used == gas, where
        assert output == expected, where
        if library is not None:
            seen.add(library)
        assert set(now) == seen, where  # its own library came with the first call, no other


def _mapped(pid: int, name: str) -> bool:
    return name in Path(f"/proc/{pid}/maps").read_text()


def test_a_node_maps_mcl_only_when_an_eth_call_reaches_bn254(tmp_path: Path) -> None:
    v = _vector("precompile_vectors.json", "bn254_add")
    with DevnetProcess(tmp_path / "datadir") as node:
        assert not _mapped(node.pid, "libmclbn256")
        result = node.rpc("eth_call", {"to": "0x" + "00" * 19 + "06", "data": "0x" + v["input"]},
                          "latest")
        assert result == "0x" + v["expected"]
        assert _mapped(node.pid, "libmclbn256")
