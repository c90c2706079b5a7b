"""1024 nested calls through the served node: requests run on the event loop's own big-stack
thread (rpc/main.py), so the deepest legal call chain must execute there, and the node must keep
answering afterwards. The chain is a Cancun one: only without EIP-7825's cap can a transaction
carry the gas that 1024 levels need."""
import json

from pydevnet.node.config import AllocAccount, Genesis, genesis_to_json

RECURSER = "0x" + "dd" * 20
ACCOUNT0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
# counter = SLOAD(0) + 1; SSTORE(0, counter); CALL(gas=GAS, to=ADDRESS); STOP
RECURSE = bytes.fromhex("600054600101600055" "6000600060006000600030" "5a" "f1" "00")


def test_call_depth_1024_through_rpc(spawn, tmp_path):
    # enough gas for 1024 levels of the 63/64 rule: ~2**38, which only a Cancun chain lets a
    # transaction carry (from Osaka EIP-7825 caps it at 2**24: a few hundred levels deep)
    g = Genesis(gas_limit=2 ** 62, fork="cancun")
    g.alloc[bytes.fromhex(RECURSER[2:])] = AllocAccount(code=RECURSE)
    path = tmp_path / "genesis.json"
    path.write_text(json.dumps(genesis_to_json(g)))
    node = spawn("--genesis", str(path))
    tx = node.rpc("eth_sendTransaction", {"from": ACCOUNT0, "to": RECURSER, "gas": hex(2 ** 38)})
    assert node.rpc("eth_getTransactionReceipt", tx)["status"] == "0x1"
    # the transaction's frame plus 1024 nested ones; the 1025th nested call is refused
    assert int(node.rpc("eth_getStorageAt", RECURSER, "0x0", "latest"), 16) == 1025
    assert node.rpc("eth_chainId") == "0x7a69"
