"""The inputs of the scale benchmark (bench/scale.py), built once and cached under build/scale/:
a genesis.json with N funded accounts, and a data dir holding a chain of N blocks with logs.

The chain is built in-process (pydevnet.Devnet on a LevelDB data dir, mining off): EMITTERS
copies of a tiny contract that emits LOG1(topic = its calldata word) are deployed, then every
LOG_EVERY-th block carries one transaction calling emitter (block // LOG_EVERY) % EMITTERS with the
block number as its topic, and hardhat_mine fills in the empty blocks between. A cached data dir
is used as it is when its manifest (the parameters above) matches; the benchmark only reads it.
"""
from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

from pydevnet.node.accounts import dev_accounts  # noqa: F401  (bench/scale.py uses it too)
from pydevnet.node.config import Genesis, genesis_to_json
from pydevnet.node.tx.signing import sign_transaction

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "scale"
EMITTERS = 16
LOG_EVERY = 10
UNIT_PRICE = 25 * 10 ** 9
CHAIN_ID = 31337
SEED = 13
# runtime: LOG1(offset 0, size 0, topic = calldata word 0); STOP
EMITTER_RUNTIME = bytes.fromhex("600035" "6000" "6000" "a1" "00")
# initcode: CODECOPY the runtime that follows it to memory 0 and RETURN it
EMITTER_INIT = bytes.fromhex("6009" "600c" "6000" "39" "6009" "6000" "f3") + EMITTER_RUNTIME


def genesis_file(accounts: int) -> Path:
    """A genesis.json with the 20 dev accounts and `accounts` more (seeded random addresses,
    1 ETH plus their index each), in Osaka; written once."""
    path = CACHE / f"genesis-{accounts}.json"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    data = genesis_to_json(Genesis(fork="osaka"))
    alloc = data["alloc"]
    rng = random.Random(SEED)
    for i in range(accounts):
        alloc["0x" + rng.randbytes(20).hex()] = {"balance": hex(10 ** 18 + i)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)
    return path


def funded_addresses(accounts: int, count: int) -> list[str]:
    """`count` of the addresses genesis_file(accounts) funds beyond the dev accounts."""
    rng = random.Random(SEED)
    return ["0x" + rng.randbytes(20).hex() for _ in range(min(count, accounts))]


def emitter_address(index: int) -> str:
    """The address of the index-th emitter: dev account 0's CREATE at nonce `index`."""
    from pydevnet.vm.opcodes.system import create_address
    return "0x" + create_address(dev_accounts(count=1)[0].address, index).hex()


def chain_datadir(blocks: int, log: callable = print) -> Path:
    """The cached data dir of a `blocks`-block chain (built if missing or stale)."""
    manifest = {"blocks": blocks, "emitters": EMITTERS, "log_every": LOG_EVERY, "seed": SEED,
                "runtime": EMITTER_RUNTIME.hex(), "version": 1}
    path = CACHE / f"chain-{blocks}"
    stamp = path / "manifest.json"
    if stamp.exists() and json.loads(stamp.read_text()) == manifest:
        return path
    shutil.rmtree(path, ignore_errors=True)
    building = path.with_name(path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    _build_chain(building, blocks, log)
    (building / "manifest.json").write_text(json.dumps(manifest))
    building.replace(path)
    log(f"built a {blocks:,}-block chain in {time.perf_counter() - started:.0f} s: {path}")
    return path


def _build_chain(datadir: Path, blocks: int, log: callable) -> None:
    from pydevnet import Devnet
    keys = [a.private_key for a in dev_accounts(count=EMITTERS + 1)]
    nonces = [0] * len(keys)

    def send(key_index: int, to: bytes | None, data: bytes) -> None:
        tx = sign_transaction(dict(type=2, chain_id=CHAIN_ID, nonce=nonces[key_index],
                                   gas_limit=200_000, to=to, value=0, data=data,
                                   max_fee_per_gas=UNIT_PRICE, max_priority_fee_per_gas=0),
                              keys[key_index])
        nonces[key_index] += 1
        d.request("eth_sendRawTransaction", "0x" + tx.raw.hex())

    with Devnet(hardfork="osaka", datadir=datadir, automine=False) as d:
        for _ in range(EMITTERS):
            send(0, None, EMITTER_INIT)
        d.request("evm_mine")
        emitters = [bytes.fromhex(emitter_address(i)[2:]) for i in range(EMITTERS)]
        assert d.request("eth_getCode", "0x" + emitters[-1].hex(), "latest") == \
            "0x" + EMITTER_RUNTIME.hex()
        number = 1
        while number < blocks:
            log_block = (number // LOG_EVERY + 1) * LOG_EVERY
            empty = min(log_block, blocks + 1) - 1 - number
            if empty:
                d.request("hardhat_mine", hex(empty))
                number += empty
            if log_block <= blocks:
                target = log_block // LOG_EVERY % EMITTERS
                send(1 + target, emitters[target], log_block.to_bytes(32, "big"))
                d.request("evm_mine")
                number += 1
            if number % 10_000 == 0:
                log(f"  {number:,} blocks")
        assert int(d.request("eth_blockNumber"), 16) == blocks


def expected_logs(blocks: int, first: int, last: int, emitter: int) -> int:
    """How many logs emitter `emitter` wrote in blocks first..last of chain_datadir(blocks)."""
    return sum(1 for n in range(max(first, 1), min(last, blocks) + 1)
               if n % LOG_EVERY == 0 and n // LOG_EVERY % EMITTERS == emitter)

