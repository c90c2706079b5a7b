"""The state-test runner behind `devnet statetest`: ethereum/tests GeneralStateTests and the
execution-spec-tests (EEST) state tests, which share the format.

Every post entry of the chosen fork (Cancun, Prague, Osaka: vm/forks.py) is one case: the
pre-state is built once per test in a memory store, the transaction is decoded from the entry's
`txbytes` (so our decoder is exercised too), checked, executed with Ethereum's fee rules, and the
committed state root and the hash of the logs are compared with the fixture's. An entry with
`expectException` passes when the transaction is rejected and the state is untouched. An EEST
fixture's `config` gives the chain id and the fork's blob schedule (`blobSchedule`), which then
replace the defaults (chain id 1, the spec's own schedule).
"""
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import encode
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import MemoryStore
from pydevnet.node.tx.errors import InvalidTransaction
from pydevnet.node.chain.fees import EthereumFees
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.chain.transition import apply_transaction
from pydevnet.vm.frame import BlockEnv
from pydevnet.vm.forks import spec_for, with_blob_schedule
from pydevnet.vm.spec import BlobSchedule, Spec

STATE_TEST_CHAIN_ID = 1
_FEES = EthereumFees()


class CaseResult:
    __slots__ = ("file", "name", "index", "indexes", "passed", "expected_root", "actual_root",
                 "detail")

    def __init__(self, file: str, name: str, index: int, indexes: dict, passed: bool,
                 expected_root: str, actual_root: str, detail: str = "") -> None:
        self.file = file
        self.name = name
        self.index = index
        self.indexes = indexes
        self.passed = passed
        self.expected_root = expected_root
        self.actual_root = actual_root
        self.detail = detail

    def line(self) -> str:
        ix = self.indexes
        where = f"d={ix.get('data')} g={ix.get('gas')} v={ix.get('value')}"
        return (f"{self.file} {self.name} [{self.index}] ({where}): expected {self.expected_root}"
                f" got {self.actual_root}{' ' + self.detail if self.detail else ''}")


def _int(x: str) -> int:
    return int(x, 16) if x.startswith("0x") else int(x)


def _bytes(x: str) -> bytes:
    return bytes.fromhex(x[2:] if x.startswith("0x") else x)


def _test_block_hash(n: int) -> bytes:
    """The block hashes state tests assume: keccak256 of the decimal block number."""
    return keccak256(str(n).encode())


def fixture_spec(test: dict, fork: str) -> Spec:
    """The fork's spec under the fixture's blob schedule for that fork, if it gives one. The most
    blobs a transaction may carry is not in the schedule: from Osaka it is EIP-7594's constant,
    before that the block's maximum."""
    spec = spec_for(fork)
    entry = test.get("config", {}).get("blobSchedule", {}).get(fork)
    if entry is None:
        return spec
    most = _int(entry["max"])
    schedule = BlobSchedule(target=_int(entry["target"]), max=most,
                            update_fraction=_int(entry["baseFeeUpdateFraction"]),
                            max_per_tx=spec.blob.max_per_tx if spec.has(7594) else most)
    return _scheduled(spec, schedule)


@lru_cache(maxsize=64)
def _scheduled(spec: Spec, schedule: BlobSchedule) -> Spec:
    """One spec per (fork, schedule), so the analyses cached by spec are shared across tests."""
    return with_blob_schedule(spec, schedule)


def fixture_chain_id(test: dict) -> int:
    return _int(test.get("config", {}).get("chainid", str(STATE_TEST_CHAIN_ID)))


def block_env(env: dict, spec: Spec, chain_id: int = STATE_TEST_CHAIN_ID) -> BlockEnv:
    random = env.get("currentRandom", env.get("currentDifficulty", "0x0"))
    return BlockEnv(
        spec=spec,
        coinbase=_bytes(env["currentCoinbase"]), number=_int(env["currentNumber"]),
        timestamp=_int(env["currentTimestamp"]), gas_limit=_int(env["currentGasLimit"]),
        prevrandao=_int(random), base_fee=_int(env.get("currentBaseFee", "0x0")),
        chain_id=chain_id, excess_blob_gas=_int(env.get("currentExcessBlobGas", "0x0")),
        block_hash=_test_block_hash)


def build_pre_state(pre: dict) -> tuple[MemoryStore, bytes]:
    store = MemoryStore()
    st = StateDB(store)
    for addr_hex, acct in pre.items():
        addr = _bytes(addr_hex)
        st.set_nonce(addr, _int(acct.get("nonce", "0x0")))
        st.set_balance(addr, _int(acct.get("balance", "0x0")))
        code = _bytes(acct.get("code", "0x"))
        if code:
            st.set_code(addr, code)
        for k, v in acct.get("storage", {}).items():
            if _int(v):
                st.set_storage(addr, _int(k), _int(v))
    st.begin_tx()
    return store, st.commit()


def logs_hash(logs: list) -> bytes:
    return keccak256(encode([[a, [t.to_bytes(32, "big") for t in topics], d]
                             for a, topics, d in logs]))


def run_entry(store: MemoryStore, pre_root: bytes, env: BlockEnv, post: dict,
              tracer: object = None) -> tuple[str, str, str]:
    """Run one post entry; returns (actual root hex, actual logs hash hex, note)."""
    st = StateDB(store, pre_root)
    note = ""
    logs: list = []
    try:
        tx = decode_transaction(_bytes(post["txbytes"]))
        result = apply_transaction(st, env, tx, tx.sender, _FEES, tracer=tracer)
        logs = result.logs
    except InvalidTransaction as e:
        note = f"rejected: {type(e).__name__}: {e}"
        st = StateDB(store, pre_root)
    root = st.commit()
    return "0x" + root.hex(), "0x" + logs_hash(logs).hex(), note


def run_test(file: str, name: str, test: dict, fork: str = "Cancun",
             only: int | None = None, tracer: object = None) -> Iterator[CaseResult]:
    spec = fixture_spec(test, fork)  # UnknownFork before anything runs
    entries = test["post"].get(fork, [])
    if not entries:
        return
    store, pre_root = build_pre_state(test["pre"])
    env = block_env(test["env"], spec, fixture_chain_id(test))
    for i, post in enumerate(entries):
        if only is not None and i != only:
            continue
        root, lhash, note = run_entry(store, pre_root, env, post, tracer)
        expect_exc = "expectException" in post
        ok = root == post["hash"] and lhash == post["logs"]
        detail = note
        if expect_exc and not note:
            ok = False
            detail = f"expected exception {post['expectException']} but the transaction ran"
        elif not expect_exc and note:
            ok = False
        elif lhash != post["logs"]:
            detail = (detail + f" logs expected {post['logs']} got {lhash}").strip()
        yield CaseResult(file, name, i, post.get("indexes", {}), ok, post["hash"], root, detail)


def iter_files(paths: list[str]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from sorted(path.rglob("*.json"))
        else:
            yield path


def run_file(path: Path, fork: str = "Cancun", case: str | None = None, only: int | None = None,
             tracer: object = None) -> Iterator[CaseResult]:
    with open(path) as fh:
        data = json.load(fh)
    for name, test in data.items():
        if case is not None and name != case:
            continue
        yield from run_test(str(path), name, test, fork, only, tracer)
