"""The forks the KVM knows, by name: each a Spec (vm/spec.py), a later one derived from the one
before with its EIPs' changes, each change named by its EIP. Names are matched without regard to
case.

- Cancun: vm/table.py.
- Prague (Pectra, mainnet 2025-05-07): EIP-7702 set-code transactions, EIP-2537 BLS12-381
  precompiles 0x0b-0x11, EIP-2935 block hashes in state, EIP-6110/7002/7251 requests (EIP-7685),
  EIP-7623 calldata floor, EIP-7691 blob throughput (6/9).
- Osaka (Fusaka, mainnet 2025-12-03): EIP-7939 CLZ, EIP-7951 P256VERIFY at 0x100, EIP-7823 and
  EIP-7883 MODEXP bounds and pricing, EIP-7825 transaction gas cap, EIP-7918 blob base fee
  bound by execution cost, EIP-7934 block RLP size cap, EIP-7594 (at most 6 blobs a
  transaction). BPO1 and BPO2 raise Osaka's blob schedule to 10/15 and 14/21.

Rules that are not tables are listed as EIP numbers (`spec.has(7702)`); the code that applies a
rule asks the block's spec.
"""
from pydevnet.vm.gas import GAS_LOW
from pydevnet.vm.opcodes import bitwise as B
from pydevnet.vm.precompiles import OSAKA_PRECOMPILES, PRAGUE_PRECOMPILES
from pydevnet.vm.spec import BlobSchedule, Spec
from pydevnet.vm.table import CANCUN

PRAGUE_EIPS = (7702, 2537, 2935, 6110, 7002, 7251, 7685, 7623, 7691)
OSAKA_EIPS = (7939, 7951, 7823, 7883, 7825, 7918, 7934, 7594)

PRAGUE_BLOBS = BlobSchedule(target=6, max=9, update_fraction=5007716, max_per_tx=9)  # EIP-7691
OSAKA_BLOBS = BlobSchedule(target=6, max=9, update_fraction=5007716, max_per_tx=6)  # EIP-7594
BPO1_BLOBS = BlobSchedule(target=10, max=15, update_fraction=8346193, max_per_tx=6)
BPO2_BLOBS = BlobSchedule(target=14, max=21, update_fraction=11684671, max_per_tx=6)
OSAKA_OPCODES = {0x1E: ("CLZ", B.clz, GAS_LOW)}  # EIP-7939

PRAGUE = CANCUN.derive("prague", precompiles=PRAGUE_PRECOMPILES, eips=PRAGUE_EIPS,
                       blob=PRAGUE_BLOBS)
OSAKA = PRAGUE.derive("osaka", opcodes=OSAKA_OPCODES, precompiles=OSAKA_PRECOMPILES,
                      eips=OSAKA_EIPS, blob=OSAKA_BLOBS)
BPO1 = OSAKA.derive("bpo1", blob=BPO1_BLOBS)
BPO2 = OSAKA.derive("bpo2", blob=BPO2_BLOBS)

FORKS: dict[str, Spec] = {s.name: s for s in (CANCUN, PRAGUE, OSAKA, BPO1, BPO2)}
DEFAULT_FORK = "osaka"


class UnknownFork(ValueError):
    """A fork name this node does not implement."""


def spec_for(name: str) -> Spec:
    spec = FORKS.get(name.lower()) if isinstance(name, str) else None
    if spec is None:
        known = ", ".join(n.capitalize() for n in FORKS)
        raise UnknownFork(f"unknown fork {name!r} (known: {known})")
    return spec


def with_blob_schedule(spec: Spec, schedule: BlobSchedule) -> Spec:
    """`spec` under another blob schedule (a genesis' or a fixture's config.blobSchedule)."""
    return spec if schedule == spec.blob else spec.derive(spec.name, blob=schedule)
