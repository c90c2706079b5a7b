"""EIP-7910 eth_config against the real `devnet` process, one per fork: exactly the EIP's shape
({current, next, last}, next and last null on a one-fork chain; activationTime, blobSchedule,
chainId, forkId, precompiles and systemContracts in the current object), the fork's blob
schedule, precompiles and system contracts under the EIP's names, and forkId the CRC32 of the
genesis hash (EIP-2124, no fork after genesis) computed here with zlib. Also the EIP's Hoodi
vectors for the fork hash, and a parameter is refused."""
import zlib

import pytest

from pydevnet.node.fork_config import fork_hash

CANCUN_PRECOMPILES = {
    "ECREC": 0x01, "SHA256": 0x02, "RIPEMD160": 0x03, "ID": 0x04, "MODEXP": 0x05,
    "BN254_ADD": 0x06, "BN254_MUL": 0x07, "BN254_PAIRING": 0x08, "BLAKE2F": 0x09,
    "KZG_POINT_EVALUATION": 0x0A}
PRAGUE_PRECOMPILES = {**CANCUN_PRECOMPILES, "BLS12_G1ADD": 0x0B, "BLS12_G1MSM": 0x0C,
                      "BLS12_G2ADD": 0x0D, "BLS12_G2MSM": 0x0E, "BLS12_PAIRING_CHECK": 0x0F,
                      "BLS12_MAP_FP_TO_G1": 0x10, "BLS12_MAP_FP2_TO_G2": 0x11}
OSAKA_PRECOMPILES = {**PRAGUE_PRECOMPILES, "P256VERIFY": 0x100}
BEACON_ROOTS = {"BEACON_ROOTS_ADDRESS": "0x000f3df6d732807ef1319fb7b8bb8522d0beac02"}
PRAGUE_SYSTEM = {
    **BEACON_ROOTS,
    "CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS": "0x0000bbddc7ce488642fb579f8b00f3a590007251",
    "DEPOSIT_CONTRACT_ADDRESS": "0x" + "00" * 20,  # none configured, as geth's dev mode
    "HISTORY_STORAGE_ADDRESS": "0x0000f90827f1c53a10cb7a02335b175320002935",
    "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS": "0x00000961ef480eb55e80d19ad83579a64c007002",
}
FORKS = {  # fork: (blob schedule, precompiles, system contracts)
    "cancun": ({"baseFeeUpdateFraction": 3338477, "max": 6, "target": 3}, CANCUN_PRECOMPILES,
               BEACON_ROOTS),
    "prague": ({"baseFeeUpdateFraction": 5007716, "max": 9, "target": 6}, PRAGUE_PRECOMPILES,
               PRAGUE_SYSTEM),
    "osaka": ({"baseFeeUpdateFraction": 5007716, "max": 9, "target": 6}, OSAKA_PRECOMPILES,
              PRAGUE_SYSTEM),
}


def _address(n: int) -> str:
    return "0x" + n.to_bytes(20, "big").hex()


@pytest.mark.parametrize("fork", list(FORKS))
def test_eth_config_reports_the_running_fork(spawn, fork):
    dev = spawn("--hardfork", fork)
    blobs, precompiles, system = FORKS[fork]
    answer = dev.rpc("eth_config")
    assert list(answer) == ["current", "next", "last"]
    assert answer["next"] is None and answer["last"] is None
    current = answer["current"]
    assert list(current) == ["activationTime", "blobSchedule", "chainId", "forkId",
                             "precompiles", "systemContracts"]
    genesis_hash = bytes.fromhex(dev.rpc("eth_getBlockByNumber", "0x0", False)["hash"][2:])
    assert current == {
        "activationTime": 0,
        "blobSchedule": blobs,
        "chainId": dev.rpc("eth_chainId"),
        "forkId": "0x%08x" % zlib.crc32(genesis_hash),
        "precompiles": {name: _address(n) for name, n in precompiles.items()},
        "systemContracts": system,
    }
    assert list(current["precompiles"]) == sorted(precompiles)
    assert list(current["systemContracts"]) == sorted(system)
    assert current["chainId"] == "0x7a69"
    # every system contract named has its code at its address (the deposit contract: none)
    for name, address in system.items():
        code = dev.rpc("eth_getCode", address, "latest")
        assert (code == "0x") == (name == "DEPOSIT_CONTRACT_ADDRESS" or fork == "cancun")


def test_eth_config_takes_no_parameters(spawn):
    dev = spawn("--hardfork", "osaka")
    assert dev.error("eth_config", "latest").code == -32602


def test_fork_hash_matches_the_eips_hoodi_vectors():
    hoodi = bytes.fromhex("bbe312868b376a3001692a646dd2d7d1e4406380dfd86b98aa8a34d1557c971b")
    assert fork_hash(hoodi).hex() == "bef71d30"  # Cancun, every fork at genesis
    assert fork_hash(hoodi, [1742999832]).hex() == "0929e24e"  # Prague at its time
