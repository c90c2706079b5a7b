"""Crash safety, shown by fault injection: client threads send transactions to the real `devnet`
process while it is SIGKILLed at seeded random points, cycle after cycle, in automine,
`--block-time` and `--no-mining` modes. After every restart the whole chain is checked:

- every block's hash is keccak256 of its raw header, its parent hash is the previous block's hash,
  and no block that was there before the kill has changed;
- every block's transactions root and receipts root recompute (py-trie, independently of the
  node's trie) from its raw transactions and raw receipts, and every transaction's lookup points
  back at its block and index;
- every account touched stays readable, with an EIP-1186 proof that verifies against the head's
  state root, and every storage slot the clients wrote reads back;
- every acknowledged transaction (one whose eth_sendRawTransaction answered with its hash) is
  mined, or, where the mode pools transactions, still pending.

A kill point is a count of acknowledged transactions drawn from the seeded generator, so the
outcome does not depend on timing: the invariants hold wherever the kill lands. Run it as a
script for long soaks: `python -m tests.integration.crash_harness --cycles 300` (`make soak`).
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie

from pydevnet.node.config import AllocAccount, Genesis, genesis_to_json
from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import dev_account, sign

MODES = {"auto": (), "interval": ("--block-time", "0.2"), "manual": ("--no-mining",)}
POOLED = {"interval", "manual"}
# slot (1 + calldata word 1) := calldata word 0
STORE = bytes.fromhex("5701" * 10)
STORE_CODE = bytes.fromhex("6000356020356001015500")
RECIPIENTS = [bytes([0xA0 + i]) * 20 for i in range(8)]
BATCH = 200  # requests per JSON-RPC batch while verifying


def b(hex_str: str) -> bytes:
    return bytes.fromhex(hex_str[2:])


def q(hex_str: str) -> int:
    return int(hex_str, 16)


class Client:
    """JSON-RPC over one persistent HTTP connection (single calls and batches)."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def post(self, payload: Any) -> Any:
        self.conn.request("POST", "/", json.dumps(payload),
                          {"Content-Type": "application/json"})
        return json.loads(self.conn.getresponse().read())

    def call(self, method: str, *params: Any) -> Any:
        answer = self.post({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def batch(self, calls: list[tuple]) -> list[Any]:
        out: list[Any] = []
        for start in range(0, len(calls), BATCH):
            chunk = calls[start:start + BATCH]
            answers = self.post([{"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
                                 for i, (m, *p) in enumerate(chunk)])
            by_id = {a["id"]: a for a in answers}
            for i, (m, *_) in enumerate(chunk):
                if "error" in by_id[i]:
                    raise RuntimeError(f"{m}: {by_id[i]['error']}")
                out.append(by_id[i]["result"])
        return out

    def close(self) -> None:
        self.conn.close()


@dataclass
class Report:
    mode: str
    cycles: int = 0
    acknowledged: int = 0
    mined: int = 0
    pending: int = 0
    lost: list[str] = field(default_factory=list)
    blocks: int = 0
    blocks_checked: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"{self.mode:8} cycles {self.cycles:4}  acknowledged {self.acknowledged:6}  "
                f"mined {self.mined:6}  pending {self.pending:4}  lost {len(self.lost)}  "
                f"blocks {self.blocks:6} (checked {self.blocks_checked})  {self.seconds:.0f} s")


def write_genesis(path: Path) -> Path:
    g = Genesis()
    g.alloc[STORE] = AllocAccount(code=STORE_CODE)
    path.write_text(json.dumps(genesis_to_json(g)))
    return path


class Sender(threading.Thread):
    """Signs and sends transactions from one dev account until told to stop or the node dies;
    records every acknowledged hash and the storage writes it implies."""

    def __init__(self, harness: "Harness", index: int, nonce: int, seed: int) -> None:
        super().__init__(daemon=True)
        self.h = harness
        self.acct = dev_account(index)
        self.index = index
        self.nonce = nonce
        self.rng = random.Random(seed)

    def _next(self) -> tuple[str, tuple | None]:
        fees = dict(maxFeePerGas=25 * 10 ** 9, maxPriorityFeePerGas=0)
        if self.rng.random() < 0.5:
            to = self.rng.choice(RECIPIENTS)
            return sign(self.acct, nonce=self.nonce, to="0x" + to.hex(), value=self.nonce + 1,
                        gas=21_000, **fees), None
        slot = 1 + self.index * 1000 + self.nonce % 997
        value = self.nonce + 1
        data = value.to_bytes(32, "big") + (slot - 1).to_bytes(32, "big")
        return sign(self.acct, nonce=self.nonce, to="0x" + STORE.hex(), gas=60_000,
                    data="0x" + data.hex(), **fees), (slot, value)

    def run(self) -> None:
        client = Client(self.h.node.port)
        try:
            while not self.h.stop_sending.is_set():
                raw, write = self._next()
                try:
                    tx_hash = client.call("eth_sendRawTransaction", raw)
                except (OSError, http.client.HTTPException, ValueError):
                    return  # the node is gone: this one is unacknowledged
                self.h.acknowledge(tx_hash, write)
                self.nonce += 1
        finally:
            client.close()


class Harness:
    def __init__(self, workdir: Path, mode: str, seed: int, senders: int = 3,
                 per_cycle: tuple[int, int] = (100, 400), fsync: bool = False) -> None:
        self.workdir = workdir
        self.mode = mode
        self.rng = random.Random(seed)
        self.senders = senders
        self.per_cycle = per_cycle
        genesis = write_genesis(workdir / "genesis.json")
        self.node = DevnetProcess(workdir / "data", "--quiet", "--genesis", str(genesis),
                                  *MODES[mode], *(("--fsync",) if fsync else ()))
        self.report = Report(mode)
        self.acked: dict[str, None] = {}
        self.storage: dict[int, int] = {}  # slot -> last acknowledged value
        self.verified: list[str] = []  # block hashes checked so far, by number
        self._lock = threading.Lock()
        self._cycle_acks = 0
        self._target = 0
        self.target_reached = threading.Event()
        self.stop_sending = threading.Event()

    def acknowledge(self, tx_hash: str, write: tuple | None) -> None:
        with self._lock:
            self.acked[tx_hash] = None
            if write is not None:
                self.storage[write[0]] = write[1]
            self._cycle_acks += 1
            if self._cycle_acks >= self._target:
                self.target_reached.set()

    # -- one cycle -----------------------------------------------------------------------------
    def cycle(self) -> None:
        self._target = self.rng.randint(*self.per_cycle)
        self._cycle_acks = 0
        self.target_reached.clear()
        self.stop_sending.clear()
        client = Client(self.node.port)
        nonces = [q(client.call("eth_getTransactionCount", dev_account(i).address, "pending"))
                  for i in range(1, self.senders + 1)]
        threads = [Sender(self, i, nonces[i - 1], self.rng.randrange(2 ** 32))
                   for i in range(1, self.senders + 1)]
        miner = None
        if self.mode == "manual":
            miner = threading.Thread(target=self._mine_loop, daemon=True)
            miner.start()
        for t in threads:
            t.start()
        self.target_reached.wait(120)
        self.node.stop(signal.SIGKILL)  # mid-stream: requests in flight stay unacknowledged
        self.stop_sending.set()
        for t in threads:
            t.join(30)
        if miner is not None:
            miner.join(30)
        client.close()
        self.report.cycles += 1

    def _mine_loop(self) -> None:
        client = Client(self.node.port)
        try:
            while not self.stop_sending.is_set():
                client.call("evm_mine")
                time.sleep(0.01)
        except (OSError, http.client.HTTPException, ValueError, RuntimeError):
            pass
        finally:
            client.close()

    # -- checks --------------------------------------------------------------------------------
    def verify(self, full: bool = False) -> None:
        """Every invariant in the module docstring; `full` re-checks every block."""
        client = Client(self.node.port)
        try:
            head = q(client.call("eth_blockNumber"))
            assert head + 1 >= len(self.verified), f"blocks lost: head {head}"
            start = 0 if full else max(0, len(self.verified) - 1)
            self._check_blocks(client, start, head)
            self._check_state(client, head)
            self._check_acknowledged(client)
        finally:
            client.close()

    def _check_blocks(self, client: Client, start: int, head: int) -> None:
        numbers = list(range(start, head + 1))
        raws = client.batch([("debug_getRawHeader", hex(n)) for n in numbers])
        blocks = client.batch([("eth_getBlockByNumber", hex(n), False) for n in numbers])
        receipts = client.batch([("debug_getRawReceipts", hex(n)) for n in numbers])
        tx_hashes = [h for blk in blocks for h in blk["transactions"]]
        raw_txs = client.batch([("eth_getRawTransactionByHash", h) for h in tx_hashes])
        lookups = client.batch([("eth_getTransactionByHash", h) for h in tx_hashes])
        by_hash = dict(zip(tx_hashes, zip(raw_txs, lookups)))
        parent = self.verified[start - 1] if start else "0x" + "00" * 32
        for n, raw, blk, rcpts in zip(numbers, raws, blocks, receipts):
            header = rlp.decode(b(raw))
            block_hash = "0x" + keccak(b(raw)).hex()
            assert block_hash == blk["hash"], f"block {n}: hash is not keccak(header)"
            assert "0x" + header[0].hex() == parent, f"block {n}: parent hash"
            assert int.from_bytes(header[8], "big") == n
            if n < len(self.verified):
                assert self.verified[n] == block_hash, f"block {n} changed after a crash"
            else:
                self.verified.append(block_hash)
            txs, rs = HexaryTrie({}), HexaryTrie({})
            for i, h in enumerate(blk["transactions"]):
                raw_tx, loc = by_hash[h]
                txs[rlp.encode(i)] = b(raw_tx)
                assert loc["blockHash"] == block_hash and q(loc["transactionIndex"]) == i
            for i, r in enumerate(rcpts):
                rs[rlp.encode(i)] = b(r)
            assert txs.root_hash == header[4], f"block {n}: transactions root"
            assert rs.root_hash == header[5], f"block {n}: receipts root"
            parent = block_hash
        self.report.blocks = head + 1
        self.report.blocks_checked += len(numbers)

    def _check_state(self, client: Client, head: int) -> None:
        state_root = rlp.decode(b(client.call("debug_getRawHeader", hex(head))))[3]
        accounts = [STORE, *RECIPIENTS] + [b(dev_account(i).address.lower())
                                           for i in range(1, self.senders + 1)]
        slots = sorted(self.storage)
        proofs = client.batch([("eth_getProof", "0x" + a.hex(),
                                [hex(s) for s in slots] if a == STORE else [], hex(head))
                               for a in accounts])
        for addr, proof in zip(accounts, proofs):
            nodes = [rlp.decode(b(p)) for p in proof["accountProof"]]
            encoded = HexaryTrie.get_from_proof(state_root, keccak(addr), nodes)
            nonce, balance, storage_root, _ = rlp.decode(encoded) if encoded else (b"", b"",
                                                                                     None, None)
            assert int.from_bytes(balance, "big") == q(proof["balance"])
            assert int.from_bytes(nonce, "big") == q(proof["nonce"])
            for entry in proof["storageProof"] if addr == STORE else []:
                key = int(entry["key"], 16).to_bytes(32, "big")
                value = HexaryTrie.get_from_proof(storage_root, keccak(key),
                                                  [rlp.decode(b(p)) for p in entry["proof"]])
                proven = int.from_bytes(rlp.decode(value), "big") if value else 0
                assert proven == q(entry["value"]), f"slot {entry['key']}: proof"
        # What the clients wrote reads back. Automine acknowledges after mining, so a slot holds
        # its last acknowledged value or a later one (a write mined whose answer the kill cut
        # off); pooled modes may still hold the write in the pool.
        stored = client.batch([("eth_getStorageAt", "0x" + STORE.hex(), hex(s), "latest")
                               for s in slots])
        if self.mode not in POOLED:
            for s, got in zip(slots, stored):
                assert q(got) >= self.storage[s], f"slot {s}: {q(got)} < {self.storage[s]}"

    def _check_acknowledged(self, client: Client) -> None:
        hashes = list(self.acked)
        found = client.batch([("eth_getTransactionByHash", h) for h in hashes])
        mined = pending = 0
        lost = []
        for h, tx in zip(hashes, found):
            if tx is None:
                lost.append(h)
            elif tx["blockNumber"] is None:
                assert self.mode in POOLED, f"{h} acknowledged by automine but not mined"
                pending += 1
            else:
                mined += 1
        self.report.acknowledged = len(hashes)
        self.report.mined, self.report.pending, self.report.lost = mined, pending, lost
        assert not lost, f"{len(lost)} acknowledged transactions lost: {lost[:3]}"

    # -- the whole run -------------------------------------------------------------------------
    def run(self, cycles: int) -> Report:
        t0 = time.monotonic()
        self.node.start()
        try:
            for _ in range(cycles):
                self.cycle()
                self.node.start()
                self.verify()
            self.node.restart()  # and a clean restart keeps everything, checked from block 0
            self.verify(full=True)
        finally:
            self.node.stop()
        self.report.seconds = time.monotonic() - t0
        return self.report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cycles", type=int, default=100, help="SIGKILL cycles per mode")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--modes", default="auto,interval,manual")
    p.add_argument("--workdir", default=None, help="default: a temporary directory")
    p.add_argument("--fsync", action="store_true", help="run the node with --fsync")
    args = p.parse_args(argv)
    import tempfile
    failed = False
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for mode in args.modes.split(","):
            work = Path(tmp) / mode
            work.mkdir()
            harness = Harness(work, mode, args.seed, fsync=args.fsync)
            try:
                report = harness.run(args.cycles)
            except AssertionError as e:
                failed = True
                print(f"{mode}: FAILED after {harness.report.cycles} cycles: {e}", flush=True)
                continue
            print(report.line(), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
