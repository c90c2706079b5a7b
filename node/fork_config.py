"""EIP-7910 at the node: the configuration of the chain's fork, as eth_config reports it.

A pydevnet chain runs one fork from its genesis on (--hardfork or config.fork), so there is only
a current configuration: activated at genesis (activationTime 0), with no next or last fork.
Its members, all from the running chain:
- blobSchedule: the fork's blob schedule (EIP-4844, EIP-7691, the BPO forks) or the genesis'
  config.blobSchedule where it overrides it;
- forkId: EIP-6122's FORK_HASH (EIP-2124's CRC32 checksum): CRC32 of the genesis hash, updated
  with every fork activation after the genesis as an 8-byte big-endian number; this chain has
  none, so it is the CRC32 of the genesis hash, as geth computes it for a chain whose forks are
  all at genesis;
- precompiles: the fork's precompiled contracts under EIP-7910's names;
- systemContracts: the system contracts the fork calls (node/chain/system.py) under the names of
  the EIPs that introduced them, and from Prague EIP-6110's DEPOSIT_CONTRACT_ADDRESS; this node
  configures no deposit contract (as geth's dev mode), so that address is zero, as geth reports
  it there.
"""
import zlib
from collections.abc import Iterable
from typing import NamedTuple

from pydevnet.node.chain.chain import Chain
from pydevnet.node.chain.system import contracts_of
from pydevnet.vm.precompiles import ADDRESS_SIZE
from pydevnet.vm.spec import BlobSchedule, Spec

# EIP-7910's names, by precompile address (Cancun's, Prague's EIP-2537 contracts, Osaka's)
PRECOMPILE_NAMES = {
    0x01: "ECREC", 0x02: "SHA256", 0x03: "RIPEMD160", 0x04: "ID", 0x05: "MODEXP",
    0x06: "BN254_ADD", 0x07: "BN254_MUL", 0x08: "BN254_PAIRING", 0x09: "BLAKE2F",
    0x0A: "KZG_POINT_EVALUATION",
    0x0B: "BLS12_G1ADD", 0x0C: "BLS12_G1MSM", 0x0D: "BLS12_G2ADD", 0x0E: "BLS12_G2MSM",
    0x0F: "BLS12_PAIRING_CHECK", 0x10: "BLS12_MAP_FP_TO_G1", 0x11: "BLS12_MAP_FP2_TO_G2",
    0x100: "P256VERIFY",
}
# the constant names of the EIPs that introduced each system contract
SYSTEM_CONTRACT_NAMES = {
    4788: "BEACON_ROOTS_ADDRESS",
    2935: "HISTORY_STORAGE_ADDRESS",
    7002: "WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS",
    7251: "CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS",
}
DEPOSIT_CONTRACT_NAME = "DEPOSIT_CONTRACT_ADDRESS"  # EIP-6110
NO_DEPOSIT_CONTRACT = bytes(ADDRESS_SIZE)
GENESIS_ACTIVATION = 0  # EIP-7910: the activationTime of a fork active from genesis


class UnnamedPrecompile(LookupError):
    """A precompile of the fork that EIP-7910 gives no name (a table here to extend)."""


class ForkConfig(NamedTuple):
    """One EIP-7910 configuration object; addresses are 20 bytes, fork_id 4 bytes."""

    activation_time: int
    blob_schedule: BlobSchedule
    chain_id: int
    fork_id: bytes
    precompiles: dict[str, bytes]
    system_contracts: dict[str, bytes]


def fork_hash(genesis_hash: bytes, activations: Iterable[int] = ()) -> bytes:
    """EIP-2124's FORK_HASH: CRC32 (IEEE) of the genesis hash, then of each fork block or time
    after genesis (8 bytes, big-endian), in order and once each; 4 bytes."""
    checksum = zlib.crc32(genesis_hash)
    for point in sorted(set(activations)):
        checksum = zlib.crc32(point.to_bytes(8, "big"), checksum)
    return checksum.to_bytes(4, "big")


def precompile_names(spec: Spec) -> dict[str, bytes]:
    """The fork's precompiles as {EIP-7910 name: address}."""
    named = {}
    for address in spec.precompiles:
        name = PRECOMPILE_NAMES.get(int.from_bytes(address, "big"))
        if name is None:
            raise UnnamedPrecompile(f"precompile 0x{address.hex()} has no EIP-7910 name")
        named[name] = address
    return named


def system_contract_names(spec: Spec) -> dict[str, bytes]:
    """The fork's system contracts as {name: address}; EIP-6110's deposit contract with the
    requests (Prague on)."""
    named = {SYSTEM_CONTRACT_NAMES[c.eip]: c.address for c in contracts_of(spec)}
    if spec.has(6110):
        named[DEPOSIT_CONTRACT_NAME] = NO_DEPOSIT_CONTRACT
    return named


def current_config(spec: Spec, chain_id: int, genesis_hash: bytes) -> ForkConfig:
    """The configuration of a chain that runs `spec` from its genesis."""
    return ForkConfig(GENESIS_ACTIVATION, spec.blob, chain_id, fork_hash(genesis_hash),
                      precompile_names(spec), system_contract_names(spec))


def chain_config(chain: Chain, chain_id: int) -> ForkConfig:
    """eth_config's `current`: the configuration of `chain` (its fork and genesis never change
    while it runs, so no head is read)."""
    return current_config(chain.spec, chain_id, chain.genesis_hash)
