"""A fork's rules as data (revm's SpecId with its tables): the instruction set, static gas, the
run-charging handlers of the fast loop, and the precompiles. Everything that runs code reads them
from the block's spec (BlockEnv.spec), so the interpreter, the analysis and the run compiler need
no import of the table, and a fork is a table with overrides, not a copy of modules.

vm/table.py builds Cancun's spec; a later fork is `Spec.derive(name, opcodes=..., precompiles=...)`
with the EIP named beside each change.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from pydevnet.vm.gas import GAS_PER_BLOB, MIN_BLOB_BASE_FEE, fake_exponential
from pydevnet.vm.opcodes import flow as F

JUMP, JUMPI, JUMPDEST = 0x56, 0x57, 0x5B
# Ops that must see the exact gas left (GAS, SSTORE's EIP-2200 sentry, the 63/64 rule of calls
# and creates), so each ends a run and charges the next one.
EXACT_GAS = (0x5A, 0x55, 0xF0, 0xF1, 0xF2, 0xF4, 0xF5, 0xFA)  # GAS SSTORE CREATE CALL* CREATE2
HALTS = (0x00, 0xF3, 0xFD, 0xFE, 0xFF)  # STOP RETURN REVERT INVALID SELFDESTRUCT

BLOB_BASE_COST = 2 ** 13  # EIP-7918: execution gas a blob costs at least, at the base fee
Opcode = tuple[str, Callable, int]  # mnemonic, handler, static gas
_ids = itertools.count()


class BlobSchedule(NamedTuple):
    """A fork's blob parameters (EIP-4844; raised by EIP-7691 in Prague and by the BPO forks):
    blobs per block targeted and allowed, the base fee's update fraction, and the most blobs one
    transaction may carry."""
    target: int
    max: int
    update_fraction: int
    max_per_tx: int

    @property
    def target_gas(self) -> int:
        return self.target * GAS_PER_BLOB

    @property
    def max_gas(self) -> int:
        return self.max * GAS_PER_BLOB

    def base_fee(self, excess_blob_gas: int) -> int:
        """The price of a unit of blob gas in a block with this excess blob gas."""
        return fake_exponential(MIN_BLOB_BASE_FEE, excess_blob_gas, self.update_fraction)

    def next_excess(self, parent_excess: int, parent_used: int,
                    reserve_base_fee: int | None = None) -> int:
        """A block's excess blob gas, from its parent's excess and blob gas used (EIP-4844).

        With `reserve_base_fee` (the parent's base fee, where EIP-7918 is in force): while
        BLOB_BASE_COST gas at that base fee costs more than a blob's gas at the parent's blob
        base fee, the excess only grows, by the parent's blob gas above the target share
        (used x (max - target) / max), so the blob price climbs back to that reserve."""
        if parent_excess + parent_used < self.target_gas:
            return 0
        if reserve_base_fee is not None and (BLOB_BASE_COST * reserve_base_fee
                                             > GAS_PER_BLOB * self.base_fee(parent_excess)):
            return parent_excess + parent_used * (self.max - self.target) // self.max
        return parent_excess + parent_used - self.target_gas


CANCUN_BLOBS = BlobSchedule(target=3, max=6, update_fraction=3338477, max_per_tx=6)  # EIP-4844


class Spec:
    """One fork. `handlers`/`static_gas` serve the traced loop, `run_handlers`/`run_enders` the
    fast loop and the run compiler (see vm/table.py); `precompiles` maps address -> function;
    `eips` are the EIPs in force whose rules are not tables (`spec.has(7702)`); `blob` is the
    blob schedule."""

    __slots__ = ("name", "id", "opcodes", "handlers", "static_gas", "names", "run_handlers",
                 "run_enders", "halts", "precompiles", "eips", "blob")

    def __init__(self, name: str, opcodes: Mapping[int, Opcode],
                 precompiles: Mapping[bytes, Callable], eips: Iterable[int] = (),
                 blob: BlobSchedule = CANCUN_BLOBS) -> None:
        self.name = name
        self.id = next(_ids)  # part of the analysis cache's key
        self.opcodes = dict(opcodes)
        self.precompiles = dict(precompiles)
        self.eips = frozenset(eips)
        self.blob = blob
        self.handlers = [F.invalid] * 256
        self.static_gas = [0] * 256
        self.names = [f"opcode 0x{i:02x} not defined" for i in range(256)]
        for op, (mnemonic, fn, gas) in self.opcodes.items():
            self.handlers[op] = fn
            self.static_gas[op] = gas
            self.names[op] = mnemonic
        undefined = tuple(op for op in range(256) if op not in self.opcodes)
        self.run_enders = frozenset((JUMP, JUMPI) + EXACT_GAS + HALTS + undefined)
        self.halts = self.run_enders - frozenset((JUMP, JUMPI) + EXACT_GAS)
        self.run_handlers = list(self.handlers)
        self.run_handlers[JUMP] = F.jump_run
        self.run_handlers[JUMPI] = F.jumpi_run
        for op in EXACT_GAS:
            self.run_handlers[op] = F.then_charge_run(self.handlers[op])

    def has(self, eip: int) -> bool:
        return eip in self.eips

    def derive(self, name: str, opcodes: Mapping[int, Opcode] = {},
               precompiles: Mapping[bytes, Callable] = {}, eips: Iterable[int] = (),
               blob: BlobSchedule | None = None) -> Spec:
        """A later fork: this one's tables with `opcodes` and `precompiles` added or replaced,
        `eips` added, and its blob schedule if given."""
        return Spec(name, {**self.opcodes, **opcodes}, {**self.precompiles, **precompiles},
                    self.eips | frozenset(eips), blob or self.blob)

    def __repr__(self) -> str:
        return f"Spec({self.name})"
