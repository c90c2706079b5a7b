"""Dev methods under Hardhat/Anvil names: evm_mine, anvil_mine / hardhat_mine, evm_snapshot,
evm_revert, evm_increaseTime, evm_setNextBlockTimestamp."""


async def _block(rpc, ref="latest") -> dict:
    return await rpc.call("eth_getBlockByNumber", ref, False)


async def test_evm_mine(manual_rpc):
    rpc = manual_rpc
    genesis = await _block(rpc)
    tx = await rpc.call("eth_sendTransaction", {"from": rpc.accounts[0], "to": rpc.accounts[1]})
    assert await rpc.call("evm_mine") == "0x0"
    block = await _block(rpc)
    assert block["number"] == "0x1" and block["transactions"] == [tx]
    assert int(block["timestamp"], 16) == int(genesis["timestamp"], 16) + 1
    await rpc.call("evm_mine", 1_800_000_000)
    assert (await _block(rpc))["timestamp"] == hex(1_800_000_000)
    await rpc.call("evm_mine", {"timestamp": hex(1_800_000_100), "blocks": 3})
    blocks = [await _block(rpc, hex(n)) for n in (3, 4, 5)]
    assert blocks[0]["timestamp"] == hex(1_800_000_100)
    assert await rpc.call("eth_blockNumber") == "0x5"
    assert (await rpc.error("evm_mine", "soon"))["code"] == -32602


async def test_anvil_and_hardhat_mine(rpc):
    assert await rpc.call("anvil_mine") is None
    assert await rpc.call("eth_blockNumber") == "0x1"
    await rpc.call("hardhat_mine", "0x3", "0x3c")
    stamps = [int((await _block(rpc, hex(n)))["timestamp"], 16) for n in (2, 3, 4)]
    assert stamps[1] - stamps[0] == 60 and stamps[2] - stamps[1] == 60
    await rpc.call("anvil_mine", 2)
    assert await rpc.call("eth_blockNumber") == "0x6"
    err = await rpc.error("anvil_mine", "0x0")
    assert err["code"] == -32602 and "block count" in err["message"]
    # viem's testClient.mine({blocks}) always sends an interval, 0 by default: the block period
    assert await rpc.call("anvil_mine", "0x3", "0x0") is None
    stamps = [int((await _block(rpc, hex(n)))["timestamp"], 16) for n in (6, 7, 8, 9)]
    assert [b - a for a, b in zip(stamps, stamps[1:])] == [1, 1, 1]


async def test_snapshot_and_revert(rpc):
    a = rpc.accounts
    snap = await rpc.call("evm_snapshot")
    assert snap == "0x1"
    before = await rpc.call("eth_getBalance", a[1])
    tx = await rpc.call("eth_sendTransaction", {"from": a[0], "to": a[1], "value": "0x10"})
    assert await rpc.call("eth_blockNumber") == "0x1"
    assert await rpc.call("evm_revert", snap) is True
    assert await rpc.call("eth_blockNumber") == "0x0"
    assert await rpc.call("eth_getBalance", a[1]) == before
    assert await rpc.call("eth_getTransactionReceipt", tx) is None
    assert await rpc.call("evm_revert", snap) is False
    assert await rpc.call("evm_revert", 99) is False


async def test_time_travel(rpc):
    genesis = int((await _block(rpc))["timestamp"], 16)
    assert await rpc.call("evm_increaseTime", 3600) == 3600
    await rpc.call("evm_mine")
    first = int((await _block(rpc))["timestamp"], 16)
    assert first == genesis + 1 + 3600
    assert await rpc.call("evm_setNextBlockTimestamp", hex(first + 1000)) is None
    await rpc.call("evm_mine")
    assert int((await _block(rpc))["timestamp"], 16) == first + 1000
    assert (await rpc.error("evm_increaseTime", "an hour"))["code"] == -32602


async def test_snapshot_ids_are_never_reused(rpc):
    """As Anvil's: ids only ever increase; reverting to one removes it and every later one."""
    assert [await rpc.call("evm_snapshot") for _ in range(3)] == ["0x1", "0x2", "0x3"]
    assert await rpc.call("evm_revert", "0x2") is True
    assert await rpc.call("evm_revert", "0x3") is False
    assert await rpc.call("evm_snapshot") == "0x4"
    assert await rpc.call("evm_revert", "0x2") is False
    assert await rpc.call("evm_revert", "0x1") is True
    assert await rpc.call("evm_revert", "0x4") is False
    assert await rpc.call("evm_snapshot") == "0x5"
