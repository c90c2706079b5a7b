"""The execution-spec-tests blockchain-test runner behind `devnet blocktest`.

One test is a chain: the `pre` state is built in a memory store and must have the genesis
header's stateRoot (the genesis decoded from `genesisRLP` must hash to genesisBlockHeader.hash);
then every block's `rlp` is imported by Ethereum's rules (node/chain/importer.py) under the
test's `network`, a fork name or a transition such as `PragueToOsakaAtTime15k` (the second fork
from that timestamp on), with the fork's blob parameters from `config.blobSchedule`. A block
with `expectException` must be rejected (it and anything built on it never join the chain, as
the format says: later blocks build on the last valid one); every other block must be imported.
At the end the head must be `lastblockhash` and the state the `postState` (or `postStateHash`).
"""
import json
import re
from pathlib import Path
from typing import Callable, Iterator

from pydevnet.state.statedb import StateDB
from pydevnet.node.chain.errors import InvalidBlock
from pydevnet.node.chain.importer import ImportedChain, decode_block
from pydevnet.node.statetest import build_pre_state, iter_files
from pydevnet.node.tx.errors import InvalidTransaction
from pydevnet.vm.forks import spec_for, with_blob_schedule
from pydevnet.vm.spec import BlobSchedule, Spec

# EEST's exception names -> what our rejection may be: an InvalidBlock subclass (with the header
# field at fault after a colon) or, for an invalid transaction, its InvalidTransaction subclass.
# A rejection for another reason fails the test; a name missing here accepts any rejection.
EXPECTED_REJECTIONS = {
    "BlockException.INCORRECT_EXCESS_BLOB_GAS": ("InvalidHeader:excess_blob_gas",),
    "BlockException.INCORRECT_BLOB_GAS_USED": ("BodyMismatch:blob_gas_used",),
    "BlockException.BLOB_GAS_USED_ABOVE_LIMIT": ("BlobGasLimitReached",
                                                 "BodyMismatch:blob_gas_used"),
    "BlockException.INCORRECT_BLOCK_FORMAT": ("InvalidHeader", "InvalidBlockEncoding"),
    "BlockException.INVALID_REQUESTS": ("BodyMismatch:requests_hash",
                                        "InvalidHeader:requests_hash"),
    "BlockException.INVALID_DEPOSIT_EVENT_LAYOUT": ("InvalidDepositLog",),
    "BlockException.SYSTEM_CONTRACT_CALL_FAILED": ("SystemCallFailed",),
    "BlockException.SYSTEM_CONTRACT_EMPTY": ("SystemContractEmpty",),
    "BlockException.RLP_STRUCTURES_ENCODING": ("InvalidBlockEncoding", "DecodeError"),
    "BlockException.RLP_BLOCK_LIMIT_EXCEEDED": ("BlockTooLarge",),
    "BlockException.INVALID_GASLIMIT": ("InvalidHeader:gas_limit",),
    "BlockException.INVALID_BASEFEE_PER_GAS": ("InvalidHeader:base_fee",),
    "BlockException.GAS_USED_OVERFLOW": ("InvalidHeader:gas_used", "GasLimitExceeded"),
    "BlockException.INVALID_STATE_ROOT": ("BodyMismatch:state_root",),
    "BlockException.INVALID_RECEIPTS_ROOT": ("BodyMismatch:receipts_root",),
    "BlockException.INVALID_LOG_BLOOM": ("BodyMismatch:logs_bloom",),
    "BlockException.INVALID_WITHDRAWALS_ROOT": ("BodyMismatch:withdrawals_root",),
    "BlockException.INVALID_GAS_USED": ("BodyMismatch:gas_used",),
    "TransactionException.SENDER_NOT_EOA": ("SenderNotEOA",),
    "TransactionException.NONCE_MISMATCH_TOO_LOW": ("NonceTooLow",),
    "TransactionException.NONCE_MISMATCH_TOO_HIGH": ("NonceTooHigh",),
    "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS": ("InsufficientFunds",),
    "TransactionException.INSUFFICIENT_MAX_FEE_PER_GAS": ("FeeTooLow",),
    "TransactionException.PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS": ("TipAboveFeeCap",),
    "TransactionException.INTRINSIC_GAS_TOO_LOW": ("IntrinsicGasTooLow",),
    "TransactionException.INTRINSIC_GAS_BELOW_FLOOR_GAS_COST": ("FloorDataGasTooLow",),
    "TransactionException.GAS_ALLOWANCE_EXCEEDED": ("GasLimitExceeded",),
    "TransactionException.GAS_LIMIT_EXCEEDS_MAXIMUM": ("TxGasLimitTooHigh",),
    "TransactionException.INITCODE_SIZE_EXCEEDED": ("InitcodeTooLarge",),
    "TransactionException.TYPE_3_TX_ZERO_BLOBS": ("MissingBlobHashes",),
    "TransactionException.TYPE_3_TX_BLOB_COUNT_EXCEEDED": ("TooManyBlobs",),
    "TransactionException.TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED": ("BlobGasLimitReached",
                                                                       "TooManyBlobs"),
    "TransactionException.TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH": ("BlobHashVersion",),
    "TransactionException.TYPE_3_TX_CONTRACT_CREATION": ("BlobTxCreate",),
    "TransactionException.TYPE_3_TX_WITH_FULL_BLOBS": ("InvalidBlockEncoding",),
    "TransactionException.TYPE_3_TX_PRE_FORK": ("UnsupportedType",),
    "TransactionException.INSUFFICIENT_MAX_FEE_PER_BLOB_GAS": ("BlobFeeCapTooLow",),
    "TransactionException.TYPE_4_TX_PRE_FORK": ("UnsupportedType",),
    "TransactionException.TYPE_4_EMPTY_AUTHORIZATION_LIST": ("EmptyAuthorizationList",),
    "TransactionException.TYPE_4_TX_CONTRACT_CREATION": ("SetCodeTxCreate",),
}
_TRANSITION = re.compile(r"^([A-Za-z0-9]+?)To([A-Za-z0-9]+)AtTime(\d+)(k?)$")
_specs: dict[tuple, Spec] = {}  # one Spec per fork and schedule, so analyses stay cached


class BlockTestResult:
    __slots__ = ("file", "name", "network", "passed", "detail")

    def __init__(self, file: str, name: str, network: str, passed: bool,
                 detail: str = "") -> None:
        self.file = file
        self.name = name
        self.network = network
        self.passed = passed
        self.detail = detail

    def line(self) -> str:
        return f"{self.file} {self.name}: {self.detail}"


def _int(x: str) -> int:
    return int(x, 16) if x.startswith("0x") else int(x)


def _bytes(x: str) -> bytes:
    return bytes.fromhex(x[2:] if x.startswith("0x") else x)


def fork_spec(name: str, blob_schedules: dict) -> Spec:
    """The fork `name` under its blob parameters from config.blobSchedule, if given there."""
    spec = spec_for(name)
    raw = next((v for k, v in blob_schedules.items() if k.lower() == spec.name), None)
    if raw is None:
        return spec
    schedule = BlobSchedule(_int(raw["target"]), _int(raw["max"]),
                            _int(raw["baseFeeUpdateFraction"]), spec.blob.max_per_tx)
    key = (spec.name, schedule)
    if key not in _specs:
        _specs[key] = with_blob_schedule(spec, schedule)
    return _specs[key]


def fork_schedule(network: str, blob_schedules: dict) -> Callable[[int], Spec]:
    """A block's fork by its timestamp: one fork, or `AToBAtTimeN[k]` (B from N, or N x 1000)."""
    m = _TRANSITION.match(network)
    if m is None:
        spec = fork_spec(network, blob_schedules)
        return lambda timestamp: spec
    before, after = fork_spec(m[1], blob_schedules), fork_spec(m[2], blob_schedules)
    at = int(m[3]) * (1000 if m[4] else 1)
    return lambda timestamp: after if timestamp >= at else before


def rejection_names(error: InvalidBlock) -> set[str]:
    """What `error` answers to in EXPECTED_REJECTIONS: its classes (the invalid transaction's,
    when a transaction was at fault) and, with the field at fault, `Class:field`."""
    names = {c.__name__ for c in type(error).__mro__}
    if error.field is not None:
        names |= {f"{n}:{error.field}" for n in names}
    if isinstance(error.__cause__, InvalidTransaction):
        names |= {c.__name__ for c in type(error.__cause__).__mro__}
    return names


def rejected_as_expected(error: InvalidBlock, expected: str) -> bool:
    """Whether `error` is one of the `|`-separated EEST exceptions in `expected`."""
    names = rejection_names(error)
    for alternative in expected.split("|"):
        accepted = EXPECTED_REJECTIONS.get(alternative.strip())
        if accepted is None or names.intersection(accepted):
            return True
    return False


def run_test(file: str, name: str, test: dict) -> BlockTestResult:
    network = test["network"]

    def result(passed: bool, detail: str = "") -> BlockTestResult:
        return BlockTestResult(file, name, network, passed, detail)

    config = test.get("config", {})
    spec_at = fork_schedule(network, config.get("blobSchedule", {}))
    store, pre_root = build_pre_state(test["pre"])
    genesis = decode_block(_bytes(test["genesisRLP"])).header
    if genesis.state_root != pre_root:
        return result(False, f"pre state root 0x{pre_root.hex()} is not the genesis stateRoot "
                             f"0x{genesis.state_root.hex()}")
    if "0x" + genesis.hash.hex() != test["genesisBlockHeader"]["hash"]:
        return result(False, f"genesis hashes to 0x{genesis.hash.hex()}")
    chain = ImportedChain(store, genesis, _int(config.get("chainid", "0x1")), spec_at)
    for i, block in enumerate(test["blocks"], 1):
        expected = block.get("expectException")
        try:
            chain.import_block(_bytes(block["rlp"]))
        except InvalidBlock as e:
            if expected is None:
                return result(False, f"block {i} rejected: {type(e).__name__}: {e}")
            if not rejected_as_expected(e, expected):
                return result(False, f"block {i} rejected for another reason than {expected}: "
                                     f"{type(e).__name__}: {e}")
            continue
        if expected is not None:
            return result(False, f"block {i} imported, but {expected} was expected")
    head = "0x" + chain.head.hash.hex()
    if head != test["lastblockhash"]:
        return result(False, f"head {head}, expected {test['lastblockhash']}")
    mismatch = _post_state_mismatch(test, store, chain.roots[chain.head.hash])
    return result(not mismatch, mismatch)


def _post_state_mismatch(test: dict, store, root: bytes) -> str:
    """'' when the state at `root` is the test's post state, else what differs."""
    if "postStateHash" in test:
        expected = test["postStateHash"]
        return "" if "0x" + root.hex() == expected else \
            f"post state root 0x{root.hex()}, expected {expected}"
    post = test["postState"]
    _, expected_root = build_pre_state(post)
    if expected_root == root:
        return ""
    state = StateDB(store, root)
    for addr_hex, acct in post.items():
        addr = _bytes(addr_hex)
        got = (state.get_nonce(addr), state.get_balance(addr), state.get_code(addr))
        want = (_int(acct.get("nonce", "0x0")), _int(acct.get("balance", "0x0")),
                _bytes(acct.get("code", "0x")))
        if got != want:
            return f"post state: account {addr_hex} (nonce, balance, code) differ"
        for k, v in acct.get("storage", {}).items():
            if state.get_storage(addr, _int(k)) != _int(v):
                return (f"post state: {addr_hex} storage {k} is "
                        f"{hex(state.get_storage(addr, _int(k)))}, expected {v}")
    return f"post state root 0x{root.hex()}, expected 0x{expected_root.hex()} (an extra account?)"


def run_file(path: Path, case: str | None = None) -> Iterator[BlockTestResult]:
    with open(path) as fh:
        data = json.load(fh)
    for name, test in data.items():
        if case is None or name == case:
            yield run_test(str(path), name, test)


__all__ = ["BlockTestResult", "fork_schedule", "iter_files", "run_file", "run_test"]
