"""pydevnet.Devnet(fork_url=...) (the pytest plugin's --devnet-fork-url) forking a real source
devnet: the remote's block, chain id and state, and a transaction on the fork only."""
from pydevnet import Devnet
from tests.integration.support import UNIT_PRICE, dev_account, send_raw, sign

OUTSIDER = "0x" + "9a" * 20


def test_devnet_fork_url_in_process(spawn):
    src = spawn()
    a0 = dev_account(0)
    send_raw(src, sign(a0, nonce=0, to=OUTSIDER, value=99, gas=21_000, gasPrice=UNIT_PRICE))
    with Devnet(fork_url=src.url, fork_block_number=1, chain_id=4242) as node:
        assert node.request("eth_blockNumber") == "0x1"
        assert node.request("eth_chainId") == hex(4242)
        assert node.request("eth_getBalance", OUTSIDER, "latest") == hex(99)
        node.request("eth_sendTransaction", {"from": a0.address, "to": OUTSIDER,
                                              "value": "0x1"})
        assert node.request("eth_getBalance", OUTSIDER, "latest") == hex(100)
    assert src.rpc("eth_getBalance", OUTSIDER, "latest") == hex(99)
