"""The execution context: block and transaction environments, and the call frame.

A Frame holds everything one message call needs; its fields use __slots__ because handlers touch
them on every opcode. Words are Python ints in [0, 2**256); addresses are 20-byte `bytes`.
"""
from typing import Callable

from pydevnet.state.statedb import StateDB
from pydevnet.vm.analysis import CODE_PADDING, Analysis, analyse
from pydevnet.vm.spec import Spec


class BlockEnv:
    """What the block gives the VM: its fork's rules (`spec`), COINBASE, TIMESTAMP, NUMBER,
    PREVRANDAO, GASLIMIT, CHAINID, BASEFEE, BLOBBASEFEE (EIP-7516, from the excess blob gas) and
    BLOCKHASH's lookup. `console`, when set, is told of every message with input to an account
    without code (address, input): how console.log's calls reach the node."""

    __slots__ = ("spec", "coinbase", "number", "timestamp", "gas_limit", "prevrandao",
                 "base_fee", "chain_id", "excess_blob_gas", "blob_base_fee", "block_hash",
                 "console")

    def __init__(self, *, spec: Spec, coinbase: bytes, number: int, timestamp: int,
                 gas_limit: int, prevrandao: int, base_fee: int, chain_id: int,
                 excess_blob_gas: int = 0,
                 block_hash: Callable[[int], bytes | None] | None = None) -> None:
        self.spec = spec
        self.coinbase = coinbase
        self.number = number
        self.timestamp = timestamp
        self.gas_limit = gas_limit
        self.prevrandao = prevrandao
        self.base_fee = base_fee
        self.chain_id = chain_id
        self.excess_blob_gas = excess_blob_gas
        self.blob_base_fee = spec.blob.base_fee(excess_blob_gas)
        self.block_hash = block_hash or (lambda n: None)
        self.console: Callable[[bytes, bytes], None] | None = None


class TxEnv:
    """What the transaction gives the VM: ORIGIN, GASPRICE, BLOBHASH; and the optional tracer."""

    __slots__ = ("origin", "gas_price", "blob_hashes", "tracer")

    def __init__(self, origin: bytes, gas_price: int, blob_hashes: tuple = (),
                 tracer: object = None) -> None:
        self.origin = origin
        self.gas_price = gas_price
        self.blob_hashes = blob_hashes
        self.tracer = tracer


class Frame:
    """One message call (or contract creation) being executed."""

    __slots__ = ("stack", "memory", "gas", "code", "code_size", "jumpdests", "run_gas",
                 "program", "address", "caller", "value", "data", "depth", "is_static",
                 "return_data", "output", "error", "state", "block", "tx")

    def __init__(self, state: StateDB, block: BlockEnv, tx: TxEnv, caller: bytes,
                 address: bytes, value: int, data: bytes, code: bytes, gas: int, depth: int,
                 is_static: bool, analysis: Analysis | None = None) -> None:
        # positional from vm/message.py (one frame per message: half the cost of keywords)
        self.stack: list[int] = []
        self.memory = bytearray()
        self.gas = gas
        self.code = code + CODE_PADDING
        self.code_size = len(code)
        a = analysis or analyse(code, block.spec)  # initcode comes analysed, uncached
        self.jumpdests = a.jumpdests
        self.run_gas = a.run_gas
        self.program = a.program
        self.address = address
        self.caller = caller
        self.value = value
        self.data = data
        self.depth = depth
        self.is_static = is_static
        self.return_data = b""
        self.output = b""
        self.error: Exception | None = None
        self.state = state
        self.block = block
        self.tx = tx
