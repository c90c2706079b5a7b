"""titanoboa in network mode against a running devnet (run with the toolchain venv's python by
tests/integration/test_toolchain_boa.py): `boa.set_network_env(url)`, a local key added as the
sender, the chain's capabilities as boa probes them, contracts/Counter.vy compiled by the `vyper`
package and deployed, a view call, a transaction whose return value boa reads back, a payable
call from an unlocked dev account through eth_sendTransaction (boa's ExternalAccount), a revert
caught by boa before it is sent. Usage: python boa_network.py URL; prints one JSON line."""
import json
import sys
from pathlib import Path

import boa
from boa.network import ExternalAccount
from eth_account import Account

KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEV1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
COUNTER = Path(__file__).parent / "contracts" / "Counter.vy"


def main(url: str) -> dict:
    boa.set_network_env(url)
    env = boa.env
    sender = Account.from_key(KEY0)
    env.add_account(sender)
    out = {"capabilities": env.capabilities.describe_capabilities()}
    nonce_before = env._rpc.fetch("eth_getTransactionCount", [sender.address, "latest"])
    counter = boa.load(str(COUNTER), 5)
    out["deploy"] = {"address": str(counter.address), "owner": str(counter.owner()),
                     "count": counter.count(), "nonceBefore": int(nonce_before, 16)}
    out["bump"] = {"returned": counter.bump(3), "count": counter.count()}
    receipt = env._rpc.fetch("eth_getTransactionReceipt", [env._rpc.fetch(
        "eth_getBlockByNumber", ["latest", False])["transactions"][0]])
    out["bumpReceipt"] = {"status": receipt["status"], "from": receipt["from"],
                          "to": receipt["to"], "logs": len(receipt["logs"]),
                          "topic0": receipt["logs"][0]["topics"][0]}
    try:
        counter.bump(0)
        out["revert"] = None
    except Exception as e:  # boa's BoaError carries the Vyper source frame
        out["revert"] = {"type": type(e).__name__, "zeroBump": "zero bump" in str(e)}
    out["countAfterRevert"] = counter.count()
    env.add_account(ExternalAccount(DEV1, env._rpc))
    counter.deposit(value=12345, sender=DEV1)
    out["deposit"] = {"dev1": counter.deposits(DEV1), "key0": counter.deposits(sender.address),
                      "balance": env.get_balance(counter.address)}
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
