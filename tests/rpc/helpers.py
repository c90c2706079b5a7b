"""Shared set-up for rpc tests: a real server (AppRunner + rpc/front.py's site on a free port) over a
real Devnet, running on its own event loop in a background thread so that synchronous clients
(web3.py's HTTPProvider) and asynchronous ones (aiohttp, AsyncWeb3) can both drive it; the
execution-apis JSON schemas; and tiny hand-assembled contracts.
"""
import asyncio
from functools import lru_cache

import jsonschema
import yaml
from aiohttp import web

from pydevnet.node.config import Genesis
from pydevnet.node.workers import start_big_stack_thread
from pydevnet.node.devnet import Devnet, MiningMode
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.rpc.front import start_server
from pydevnet.rpc.server import RPCConfig, create_app
from pydevnet.state.store import LevelDBStore, MemoryStore
from tests.fixtures import EXECUTION_APIS

UNIT = 25 * 10 ** 9
CHAIN_ID = 31337


class ServerThread:
    """create_app(devnet) served through rpc/front.py on 127.0.0.1:<free port> from a background
    event loop."""

    def __init__(self, devnet: Devnet, config: RPCConfig | None = None) -> None:
        self.devnet = devnet
        self.loop = asyncio.new_event_loop()
        # the served node's loop thread has the VM's big stack; so must this one
        self._thread = start_big_stack_thread(self.loop.run_forever, "rpc-test-server",
                                              daemon=True)
        self.runner = web.AppRunner(create_app(devnet, config), shutdown_timeout=2)
        self._run(self._start())

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    async def _start(self) -> None:
        await self.runner.setup()
        await start_server(self.runner, "127.0.0.1", 0)
        self.port = self.runner.addresses[0][1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self._run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()
        self.devnet.shutdown()


def make_devnet(path=None, mining: MiningMode = MiningMode.AUTO,
                genesis: Genesis | None = None) -> Devnet:
    store = MemoryStore() if path is None else LevelDBStore(str(path))
    return Devnet(store, genesis or Genesis(), mining=mining)


def keys(devnet: Devnet) -> list[bytes]:
    return [a.private_key for a in devnet.accounts.values()]


def addresses(devnet: Devnet) -> list[str]:
    return ["0x" + a.hex() for a in devnet.accounts]


def signed(key: bytes, nonce: int, to: bytes | None = None, value: int = 0, gas: int = 21000,
           data: bytes = b"", tx_type: int = 2, fee: int = UNIT, tip: int = 0,
           chain_id: int = CHAIN_ID, **extra) -> str:
    """A signed raw transaction as 0x hex (the project's signer: it signs invalid ones too)."""
    fields = dict(type=tx_type, chain_id=chain_id, nonce=nonce, gas_limit=gas, to=to,
                  value=value, data=data, **extra)
    if tx_type >= 2:
        fields.update(max_fee_per_gas=fee, max_priority_fee_per_gas=tip)
    else:
        fields.update(gas_price=fee)
    return "0x" + sign_transaction(fields, key).raw.hex()


# -- hand-assembled contracts ----------------------------------------------------------------
def initcode(runtime: bytes, constructor: bytes = b"") -> bytes:
    """constructor ++ (CODECOPY the runtime to memory 0 and RETURN it) ++ runtime."""
    n = len(runtime)
    assert n < 256
    offset = len(constructor) + 12
    copier = bytes([0x60, n, 0x60, offset, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xF3])
    return constructor + copier + runtime


def _mstore_word(value: bytes, at: int) -> bytes:
    """PUSH the value (<= 32 bytes), shift it to the top of the word, MSTORE at `at`."""
    shift = 256 - 8 * len(value)
    return (bytes([0x60 + len(value) - 1]) + value + bytes([0x60, shift, 0x1B])
            + bytes([0x60, at, 0x52]))


# reverts with Error("boom"): selector, offset 0x20, length 4, "boom"
REVERT_BOOM = (_mstore_word(bytes.fromhex("08c379a0"), 0) + bytes.fromhex("602060045260046024")
               + bytes([0x52]) + _mstore_word(b"boom", 0x44) + bytes.fromhex("60646000fd"))
# reverts with Panic(0x11) (arithmetic overflow)
REVERT_PANIC = (_mstore_word(bytes.fromhex("4e487b71"), 0) + bytes.fromhex("6011600452")
                + bytes.fromhex("60246000fd"))
# reverts with no data
REVERT_EMPTY = bytes.fromhex("60006000fd")
# loops until out of gas
LOOP = bytes.fromhex("5b600056")
TOPIC_A = "0x" + "aa" * 32
# LOG2(data = calldata[32:64], topics = [TOPIC_A, calldata[0:32]])
EMIT_LOG2 = (bytes.fromhex("6020356000526000357f") + bytes.fromhex(TOPIC_A[2:])
             + bytes.fromhex("60206000a200"))
# LOG0(data = calldata[0:32])
EMIT_LOG0 = bytes.fromhex("6000356000526020" "6000a000")
# returns storage slot 0; the constructor stores 0x2a there
SLOT0 = 0x2A
READ_SLOT0 = bytes.fromhex("60005460005260206000f3")
STORE_CTOR = bytes.fromhex("602a600055")


# -- execution-apis schemas ------------------------------------------------------------------
SPEC = EXECUTION_APIS / "src"


@lru_cache(maxsize=1)
def _components() -> dict:
    schemas: dict = {}
    for path in sorted((SPEC / "schemas").glob("*.yaml")):
        schemas.update(yaml.safe_load(path.read_text()))
    return {"components": {"schemas": schemas}}


# txpool_* have result schemas (schemas/txpool.yaml) but no method definitions
RESULT_SCHEMAS = {"txpool_status": "TxpoolStatus", "txpool_content": "TxpoolContent",
                  "txpool_contentFrom": "TxpoolContentFromResult"}


@lru_cache(maxsize=1)
def _methods() -> dict:
    out = {}
    for path in sorted((SPEC / "eth").glob("*.yaml")) + sorted((SPEC / "debug").glob("*.yaml")):
        for m in yaml.safe_load(path.read_text()):
            out[m["name"]] = m
    return out


def validate_schema(instance, name: str) -> None:
    """Validate against components/schemas/<name> (e.g. Block, ReceiptInfo, Log)."""
    schema = dict(_components(), **{"$ref": f"#/components/schemas/{name}"})
    jsonschema.Draft202012Validator(schema).validate(instance)


def validate_result(method: str, result) -> None:
    """Validate a method's result against its execution-apis result schema."""
    if method in RESULT_SCHEMAS:
        return validate_schema(result, RESULT_SCHEMAS[method])
    schema = dict(_components(), **_methods()[method]["result"]["schema"])
    jsonschema.Draft202012Validator(schema).validate(result)
