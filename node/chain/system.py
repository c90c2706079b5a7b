"""The system contracts and the system calls that drive them, as data and one mechanism.

The contracts (address and runtime code, each from its EIP's deployment transaction: the runtime
is the `input` of the EIP's deployment JSON less its constructor, a plain copy loop that for
EIP-7002 and EIP-7251 first stores the excess inhibitor 2**256 - 1 in slot 0):
- EIP-4788 beacon roots: stores the parent beacon block root under the block's timestamp;
- EIP-2935 history storage: stores the parent hash in a ring of 8191 block numbers;
- EIP-7002 withdrawal requests and EIP-7251 consolidation requests: queues that users pay into
  and that the end-of-block system call drains into EIP-7685 requests.

A system call (EIP-4788's convention, which the others follow) is a message call from
SYSTEM_ADDRESS with SYSTEM_CALL_GAS gas, no value and no fee, outside any transaction: no nonce
changes, no receipt, its logs dropped, nothing warm beforehand. The beacon roots and history calls
are unchecked (no code: nothing happens; a failure is ignored); the request calls are checked: a
contract without code or a call that fails makes the block invalid (SystemContractEmpty,
SystemCallFailed).

A call to a system contract that holds exactly its canonical code skips the VM: system_native.py
computes the same state changes and output directly (tests/node/test_system_native.py compares
the two on random and edge states); any other code runs in the VM as before.

Used alike by the block importer (node/chain/importer.py) and the node's own mining
(node/chain/chain.py).
"""
from typing import Callable, NamedTuple

from pydevnet.state.hashing import EMPTY_CODE_HASH
from pydevnet.state.statedb import StateDB
from pydevnet.node.chain import system_native
from pydevnet.node.chain.errors import InvalidBlock, SystemCallFailed, SystemContractEmpty
from pydevnet.vm import message
from pydevnet.vm.frame import BlockEnv, TxEnv
from pydevnet.vm.spec import Spec

SYSTEM_ADDRESS = bytes.fromhex("fffffffffffffffffffffffffffffffffffffffe")
SYSTEM_CALL_GAS = 30_000_000
WITHDRAWAL_REQUEST_TYPE = 0x01  # EIP-7002
CONSOLIDATION_REQUEST_TYPE = 0x02  # EIP-7251


class SystemContract(NamedTuple):
    eip: int
    name: str
    address: bytes
    code: bytes  # runtime code


def _runtime(deployment_input: str, constructor_size: int) -> bytes:
    return bytes.fromhex(deployment_input)[constructor_size:]


# EIP-4788, "Deployment": the input of the deployment transaction; a 9-byte constructor
BEACON_ROOTS = SystemContract(4788, "beacon roots", bytes.fromhex(
    "000F3df6D732807Ef1319fB7B8bB8522d0Beac02"), _runtime(
    "60618060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd"
    "5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001f"
    "ff42064281555f359062001fff015500", 9))

# EIP-2935, "Deployment": the input of the deployment transaction; a 9-byte constructor
HISTORY_STORAGE = SystemContract(2935, "history storage", bytes.fromhex(
    "0000F90827F1C53a10cb7A02335B175320002935"), _runtime(
    "60538060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f3560"
    "0143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff6001430306"
    "5500", 9))

# EIP-7002, "Deployment": the input of the deployment transaction; a 45-byte constructor
WITHDRAWAL_REQUESTS = SystemContract(7002, "withdrawal requests", bytes.fromhex(
    "00000961Ef480Eb55e80D19ad83579A64c007002"), _runtime(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5f556101f880602d5f395ff3"
    "3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffff146101f457600182026001905f5b5f8211156068578101908302"
    "8483029004916001019190604d565b909390049250505036603814608857366101f457346101f4575f5260205f"
    "f35b34106101f457600154600101600155600354806003026004013381556001015f3581556001016020359055"
    "3360601b5f5260385f601437604c5fa0600101600355005b6003546002548082038060101160df575060105b5f"
    "5b8181146101835782810160030260040181604c02815460601b81526014018160010154815260200190600201"
    "54807fffffffffffffffffffffffffffffffff0000000000000000000000000000000016825290601001906040"
    "1c908160381c81600701538160301c81600601538160281c81600501538160201c81600401538160181c816003"
    "01538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002556101a056"
    "5b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155"
    "604c025ff35b5f5ffd", 45))

# EIP-7251, "Deployment": the input of the deployment transaction; a 45-byte constructor
CONSOLIDATION_REQUESTS = SystemContract(7251, "consolidation requests", bytes.fromhex(
    "0000BBdDc7CE488642fb579F8B00f3a590007251"), _runtime(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5f5561019e80602d5f395ff3"
    "3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffff1461019a57600182026001905f5b5f8211156068578101908302"
    "8483029004916001019190604d565b9093900492505050366060146088573661019a573461019a575f5260205f"
    "f35b341061019a57600154600101600155600354806004026004013381556001015f3581556001016020358155"
    "60010160403590553360601b5f5260605f60143760745fa0600101600355005b60035460025480820380600211"
    "60e7575060025b5f5b8181146101295782810160040260040181607402815460601b8152601401816001015481"
    "52602001816002015481526020019060030154905260010160e9565b910180921461013b579060025561014656"
    "5b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f555f600155"
    "6074025ff35b5f5ffd", 45))

REQUEST_CONTRACTS = ((WITHDRAWAL_REQUEST_TYPE, WITHDRAWAL_REQUESTS),
                     (CONSOLIDATION_REQUEST_TYPE, CONSOLIDATION_REQUESTS))


def contracts_of(spec: Spec) -> list[SystemContract]:
    """The system contracts a fork calls: EIP-4788's from Cancun, the others where in force."""
    return [c for c in (BEACON_ROOTS, HISTORY_STORAGE, WITHDRAWAL_REQUESTS,
                        CONSOLIDATION_REQUESTS) if c.eip == 4788 or spec.has(c.eip)]


def predeploys(spec: Spec) -> list[SystemContract]:
    """The system contracts a new chain of `spec` starts with, as geth's dev mode predeploys
    them: every one the fork calls, from Prague (a Cancun chain keeps the genesis it always
    had, so its data dirs still open)."""
    return contracts_of(spec) if spec.has(2935) else []


# The calls node/chain/system_native.py makes without the VM, for an account holding exactly the
# canonical runtime code (address -> (code hash, call))
NATIVE = system_native.natives([
    (BEACON_ROOTS.address, BEACON_ROOTS.code, system_native.beacon_roots),
    (HISTORY_STORAGE.address, HISTORY_STORAGE.code, system_native.history_storage),
    (WITHDRAWAL_REQUESTS.address, WITHDRAWAL_REQUESTS.code, system_native.withdrawal_requests),
    (CONSOLIDATION_REQUESTS.address, CONSOLIDATION_REQUESTS.code,
     system_native.consolidation_requests)])


def system_call(state: StateDB, block: BlockEnv, address: bytes,
                data: bytes) -> tuple[bool, bytes]:
    """Call `address` as SYSTEM_ADDRESS (see the module docstring); returns (success, output).
    Its state changes stay in `state` (finalized as a transaction's, not committed). A system
    contract with its canonical code runs natively (same effect, see system_native.py) unless a
    precompile was moved onto its address (eth_simulateV1): the VM would run the precompile."""
    native = NATIVE.get(address)
    if (native is not None and data is not None and state.get_code_hash(address) == native[0]
            and address not in block.spec.precompiles):
        state.begin_tx()
        state.touch(address)  # as message.call: journaled, and left alone by finalize_tx
        out = native[1](state, block, address, data)
        state.finalize_tx()
        return True, out
    return evm_system_call(state, block, address, data)


def evm_system_call(state: StateDB, block: BlockEnv, address: bytes,
                    data: bytes) -> tuple[bool, bytes]:
    """system_call through the VM, whatever the code."""
    state.begin_tx()
    env = TxEnv(SYSTEM_ADDRESS, block.base_fee)
    ok, _, out, _ = message.call(state, block, env, SYSTEM_ADDRESS, address, address, 0, data,
                                 SYSTEM_CALL_GAS, 0, False, transfer=False)
    state.finalize_tx()
    return ok, out


def checked_system_call(state: StateDB, block: BlockEnv, contract: SystemContract) -> bytes:
    """A request contract's end-of-block call (EIP-7002, EIP-7251): its output, or the block is
    invalid when the contract has no code or the call fails."""
    if state.get_code_hash(contract.address) == EMPTY_CODE_HASH:  # no code (without loading it)
        raise SystemContractEmpty(f"the {contract.name} contract (EIP-{contract.eip}) at "
                                  f"0x{contract.address.hex()} has no code")
    ok, out = system_call(state, block, contract.address, b"")
    if not ok:
        raise SystemCallFailed(f"the {contract.name} contract (EIP-{contract.eip}) call failed")
    return out


def begin_block(state: StateDB, block: BlockEnv, parent_hash: bytes,
                beacon_root: bytes) -> None:
    """The system calls before a block's transactions: EIP-4788 stores the parent beacon block
    root, EIP-2935 (where in force) the parent hash. Unchecked, as both EIPs say."""
    system_call(state, block, BEACON_ROOTS.address, beacon_root)
    if block.spec.has(2935):
        system_call(state, block, HISTORY_STORAGE.address, parent_hash)


def dequeue_requests(state: StateDB, block: BlockEnv,
                     on_error: Callable[[InvalidBlock], None] | None = None) -> list[bytes]:
    """The end-of-block calls of EIP-7002 and EIP-7251 (where in force): each non-empty output
    is a request of its type (type byte ++ data), in type order. A contract without code or a
    failing call raises, unless `on_error` takes the error and that contract is skipped."""
    requests = []
    for request_type, contract in REQUEST_CONTRACTS:
        if not block.spec.has(contract.eip):
            continue
        try:
            out = checked_system_call(state, block, contract)
        except InvalidBlock as e:
            if on_error is None:
                raise
            on_error(e)
            continue
        if out:
            requests.append(bytes((request_type,)) + out)
    return requests
