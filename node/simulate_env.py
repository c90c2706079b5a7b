"""What eth_simulateV1 (node/simulate.py) runs on: a store overlay that keeps the simulated
blocks' trie nodes and code in memory over the chain's store, and the traceTransfers tracer.

The tracer turns each ether transfer into the ERC-20 Transfer event geth's simulate reports:
emitted by 0xeeee...eeee, topics (Transfer(address,address,uint256), from, to), data the amount.
A transfer is placed among the EVM's logs where it happened and leaves with the frame that
reverts (or fails), its own frame included, as the EVM's logs do.
"""
from typing import Iterable

from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import KVStore
from pydevnet.vm.opcodes.system import DELEGATECALL
from pydevnet.vm.tracing import Tracer

TRANSFER_ADDRESS = b"\xee" * 20
TRANSFER_TOPIC = int.from_bytes(keccak256(b"Transfer(address,address,uint256)"), "big")


class Overlay:
    """A KVStore whose writes stay in memory; reads fall through to `base` (never written)."""

    def __init__(self, base: KVStore) -> None:
        self.base = base
        self.puts: dict[bytes, bytes] = {}
        # a fork's lazy state (state/statedb.py): missing remote nodes are fetched into `base`,
        # verified by their hash, as for any read of the chain's state
        self.state_source = getattr(base, "state_source", None)

    def get(self, key: bytes) -> bytes | None:
        value = self.puts.get(key)
        return value if value is not None else self.base.get(key)

    def put(self, key: bytes, value: bytes) -> None:
        self.puts[key] = value

    def delete(self, key: bytes) -> None:
        raise NotImplementedError("a simulation's overlay never deletes")

    def write_batch(self, puts, deletes: Iterable[bytes] = (), sync: bool = True) -> None:
        if tuple(deletes):
            raise NotImplementedError("a simulation's overlay never deletes")
        self.puts.update(puts)

    def iterate(self, prefix: bytes = b""):
        raise NotImplementedError("a simulation's overlay is not iterated")

    def close(self) -> None:
        self.puts.clear()

    @property
    def closed(self) -> bool:
        return self.base.closed


class TransferTracer(Tracer):
    """Records ether transfers (not DELEGATECALL's, which moves nothing) with their position
    among the transaction's logs."""

    steps = False  # enter/exit only: frames keep the fast loop

    def __init__(self, state: StateDB) -> None:
        self.state = state
        self.transfers: list[tuple[int, tuple]] = []  # (logs before it, log)
        self._marks: list[int] = []  # len(transfers) when each open frame entered

    def enter(self, kind: int, sender: bytes, to: bytes, value: int | None, data: bytes,
              gas: int, depth: int) -> None:
        self._marks.append(len(self.transfers))
        if value and kind != DELEGATECALL:
            topics = [TRANSFER_TOPIC, int.from_bytes(sender, "big"), int.from_bytes(to, "big")]
            log = (TRANSFER_ADDRESS, topics, value.to_bytes(32, "big"))
            self.transfers.append((len(self.state.logs), log))

    def exit(self, depth: int, gas_used: int, output: bytes, error: object) -> None:
        mark = self._marks.pop()
        if error is not None:
            del self.transfers[mark:]

    def merged(self, logs: list) -> list:
        """The transaction's `logs` with the transfers in place."""
        out, i = [], 0
        for pos, log in self.transfers:
            out.extend(logs[i:pos])
            i = max(i, pos)
            out.append(log)
        out.extend(logs[i:])
        return out
