"""eth_call through the real devnet process, where calls of a shape that ran cheap run inline on
the event loop (node/fast_calls.py): the same call sent again and again answers the state of the
head as it moves (a block, anvil_setStorageAt, evm_revert), and a JSON-RPC batch of many calls
is answered in full and in order. The answers are what matters; whether a given call ran inline
or on a reader depends on timing, and the answer must be the same either way."""
import json

from pydevnet.node.config import AllocAccount, Genesis, genesis_to_json
from tests.integration.devnet_process import DevnetProcess
from tests.integration.test_availability import keys_of_dev0
from tests.rpc.helpers import signed
from tests.vm.asm import asm

READER = bytes.fromhex("c0" * 20)  # returns slot 0 and the balance of WATCHED
WATCHED = bytes.fromhex("c1" * 20)
READER_CODE = asm(0, "SLOAD", 0, "MSTORE", "PUSH20", int.from_bytes(WATCHED, "big"), "BALANCE",
                  0x20, "MSTORE", 0x40, 0, "RETURN")
CALL = {"to": "0x" + READER.hex(), "data": "0x12345678"}


def _word(n: int) -> str:
    return f"{n:064x}"


def _expect(slot: int, balance: int) -> str:
    return "0x" + _word(slot) + _word(balance)


def test_repeated_calls_follow_the_head(tmp_path) -> None:
    g = Genesis()
    g.alloc[READER] = AllocAccount(code=READER_CODE, storage={0: 7})
    genesis = tmp_path / "genesis.json"
    genesis.write_text(json.dumps(genesis_to_json(g)))
    with DevnetProcess(tmp_path / "data", "--quiet", "--genesis", str(genesis)) as node:
        def calls(n: int) -> set:
            return {node.rpc("eth_call", CALL, "latest") for _ in range(n)}
        assert calls(30) == {_expect(7, 0)}
        node.rpc("eth_sendRawTransaction", signed(keys_of_dev0(), 0, to=WATCHED, value=5))
        assert calls(30) == {_expect(7, 5)}
        sid = node.rpc("evm_snapshot")
        node.rpc("anvil_setStorageAt", "0x" + READER.hex(), "0x0", "0x" + _word(9))
        assert calls(30) == {_expect(9, 5)}
        assert node.rpc("evm_revert", sid) is True
        assert calls(30) == {_expect(7, 5)}
        assert node.rpc("eth_call", CALL, "0x0") == _expect(7, 0)
        batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_call", "params": [CALL, "latest"]}
                 for i in range(300)]
        status, answers = node.post(json.dumps(batch))
        assert status == 200
        assert [a["id"] for a in answers] == list(range(300))
        assert {a["result"] for a in answers} == {_expect(7, 5)}
