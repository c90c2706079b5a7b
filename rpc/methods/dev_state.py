"""State-manipulation and mining-mode dev methods under their Anvil and Hardhat names:
anvil_/hardhat_setBalance, setCode, setNonce, setStorageAt, impersonateAccount,
stopImpersonatingAccount, dropTransaction; anvil_autoImpersonateAccount; evm_setAutomine
(anvil_setAutomine), evm_setIntervalMining (anvil_setIntervalMining), anvil_/hardhat_getAutomine.

Answers follow each tool's documentation, told apart by the namespace the method was called in:
Hardhat's setters, impersonation and evm_* mode switches answer true, Anvil's null;
hardhat_stopImpersonatingAccount answers whether the address was impersonated;
hardhat_dropTransaction answers whether a pooled transaction was removed (an error if it is
already mined), anvil_dropTransaction the removed transaction's hash or null.
Numbers are JSON integers or hex quantities; balances up to 2**256 - 1, nonces up to 2**64 - 1
(EIP-2681); a storage slot is a quantity or up to 32 bytes of hex, a value exactly 32 bytes.

Also the chain settings (node/dev/settings.py): anvil_setChainId, anvil_/hardhat_setCoinbase,
anvil_/hardhat_setMinGasPrice and anvil_/hardhat_setNextBlockBaseFeePerGas (both move the one
unit price), evm_/anvil_setBlockGasLimit, anvil_setNextBlockPrevRandao / hardhat_setPrevRandao,
anvil_nodeInfo and anvil_/hardhat_metadata in Anvil's shapes; and anvil_/hardhat_addBalance,
anvil_dealERC20 (hardhat_dealERC20, anvil_setERC20Balance), anvil_setERC20Allowance,
anvil_/hardhat_dropAllTransactions and anvil_removePoolTransactions.
"""
from typing import Any

from pydevnet.node.chain.rewind import HistoryError
from pydevnet.node.config import fork_title
from pydevnet.node.dev.tokens import TokenSlotNotFound
from pydevnet.rpc import codec
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import RPCError
from pydevnet.rpc.methods.info import CLIENT_VERSION
from pydevnet.rpc.errors import InvalidParams, ParamError
from pydevnet.rpc.registry import Ctx, rpc

WORD_BYTES = 32
MAX_INTERVAL_MS = 2**32  # about 50 days: anything longer is a mistake, not a cadence


def _answer(ctx: Ctx) -> bool | None:
    """Hardhat's (and evm_*) state and mode methods answer true; Anvil's (and the tenderly_*
    names Anvil answers) answer null."""
    return None if ctx.namespace in ("anvil", "tenderly") else True


def _balance(v: Any) -> int:
    try:
        return codec.int_or_quantity(v, codec.UINT256_BITS)
    except ParamError as e:
        raise ParamError(f"balance must be a quantity below 2**256: {e}") from None


def _nonce(v: Any) -> int:
    try:
        return codec.int_or_quantity(v, codec.UINT64_BITS)
    except ParamError as e:
        raise ParamError(f"nonce must be a quantity below 2**64 (EIP-2681): {e}") from None


def _slot(v: Any) -> int:
    """A storage slot: a JSON integer, or 0x hex of at most 32 bytes (leading zeros allowed,
    so both quantities and 32-byte words pass)."""
    if isinstance(v, int) and not isinstance(v, bool):
        if not 0 <= v < 2**256:
            raise ParamError(f"storage slot {v} does not fit 32 bytes")
        return v
    if not isinstance(v, str) or not v.startswith(("0x", "0X")):
        raise ParamError("storage slot must be a quantity or 0x-prefixed hex of up to 32 bytes")
    digits = v[2:]
    if not digits or len(digits) > 2 * WORD_BYTES:
        raise ParamError(f"storage slot must be 1 to 32 bytes of hex, got {len(digits)} digits")
    if not codec.is_hex(digits):
        raise ParamError("storage slot is not valid hex")
    return int(digits, 16)


def _word(v: Any) -> int:
    b = codec.data(v)
    if len(b) != WORD_BYTES:
        raise ParamError(f"storage value must be exactly 32 bytes, got {len(b)}")
    return int.from_bytes(b, "big")


def _interval_ms(v: Any) -> int:
    n = codec.int_or_quantity(v)
    if n > MAX_INTERVAL_MS:
        raise ParamError(f"interval {n} ms is longer than {MAX_INTERVAL_MS} ms")
    return n


# -- setters -----------------------------------------------------------------------------------
@rpc("anvil_setBalance", codec.address, _balance, aliases=("hardhat_setBalance",))
async def set_balance(ctx: Ctx, addr: bytes, value: int) -> bool | None:
    await ctx.run(ctx.devnet.set_balance, addr, value)
    return _answer(ctx)


@rpc("anvil_setCode", codec.address, codec.data, aliases=("hardhat_setCode",))
async def set_code(ctx: Ctx, addr: bytes, code: bytes) -> bool | None:
    await ctx.run(ctx.devnet.set_code, addr, code)
    return _answer(ctx)


@rpc("anvil_setNonce", codec.address, _nonce, aliases=("hardhat_setNonce",))
async def set_nonce(ctx: Ctx, addr: bytes, nonce: int) -> bool | None:
    await ctx.run(ctx.devnet.set_nonce, addr, nonce)
    return _answer(ctx)


@rpc("anvil_setStorageAt", codec.address, _slot, _word, aliases=("hardhat_setStorageAt",))
async def set_storage_at(ctx: Ctx, addr: bytes, slot: int, value: int) -> bool | None:
    await ctx.run(ctx.devnet.set_storage, addr, slot, value)
    return _answer(ctx)


# -- impersonation -----------------------------------------------------------------------------
@rpc("anvil_impersonateAccount", codec.address, aliases=("hardhat_impersonateAccount",))
async def impersonate_account(ctx: Ctx, addr: bytes) -> bool | None:
    await ctx.run(ctx.devnet.impersonate, addr)
    return _answer(ctx)


@rpc("anvil_stopImpersonatingAccount", codec.address,
     aliases=("hardhat_stopImpersonatingAccount",))
async def stop_impersonating_account(ctx: Ctx, addr: bytes) -> bool | None:
    was = await ctx.run(ctx.devnet.stop_impersonating, addr)
    return None if ctx.namespace == "anvil" else was


@rpc("anvil_autoImpersonateAccount", codec.boolean)
async def auto_impersonate_account(ctx: Ctx, enabled: bool) -> None:
    await ctx.run(ctx.devnet.set_auto_impersonate, enabled)


# -- the pool ----------------------------------------------------------------------------------
def _drop(devnet, tx_hash: bytes) -> tuple[bool, bool]:
    """(removed, already mined)."""
    removed = devnet.drop_transaction(tx_hash) is not None
    return removed, not removed and devnet.is_mined(tx_hash)


@rpc("anvil_dropTransaction", codec.hash32, aliases=("hardhat_dropTransaction",))
async def drop_transaction(ctx: Ctx, tx_hash: bytes) -> bool | str | None:
    removed, mined = await ctx.run(_drop, ctx.devnet, tx_hash)
    if ctx.namespace == "anvil":
        return hexdata(tx_hash) if removed else None
    if mined:
        raise InvalidParams(f"transaction {hexdata(tx_hash)} cannot be dropped because it is "
                            f"already mined")
    return removed


# -- mining mode -------------------------------------------------------------------------------
@rpc("evm_setAutomine", codec.boolean, aliases=("anvil_setAutomine",))
async def set_automine(ctx: Ctx, enabled: bool) -> bool | None:
    await ctx.run(ctx.devnet.set_automine, enabled)
    return _answer(ctx)


@rpc("anvil_getAutomine", aliases=("hardhat_getAutomine",))
async def get_automine(ctx: Ctx) -> bool:
    return ctx.devnet.automine


@rpc("evm_setIntervalMining", _interval_ms, aliases=("anvil_setIntervalMining",))
async def set_interval_mining(ctx: Ctx, ms: int) -> bool | None:
    await ctx.run(ctx.devnet.set_interval_mining, ms / 1000)
    return _answer(ctx)


@rpc("anvil_dropAllTransactions", aliases=("hardhat_dropAllTransactions",))
async def drop_all_transactions(ctx: Ctx) -> bool | None:
    await ctx.run(ctx.devnet.drop_all_transactions)
    return _answer(ctx)


@rpc("anvil_removePoolTransactions", codec.address)
async def remove_pool_transactions(ctx: Ctx, sender: bytes) -> None:
    await ctx.run(ctx.devnet.remove_pool_transactions, sender)


# -- balances and tokens -----------------------------------------------------------------------
@rpc("anvil_addBalance", codec.address, _balance, aliases=("hardhat_addBalance",))
async def add_balance(ctx: Ctx, addr: bytes, amount: int) -> bool | None:
    await ctx.run(ctx.devnet.add_balance, addr, amount)
    return _answer(ctx)


async def _token(ctx: Ctx, fn, *args) -> None:
    try:
        await ctx.run(fn, *args)
    except TokenSlotNotFound as e:
        raise RPCError(str(e)) from None


@rpc("anvil_dealERC20", codec.address, codec.address, _balance,
     aliases=("hardhat_dealERC20", "anvil_setERC20Balance"))
async def deal_erc20(ctx: Ctx, owner: bytes, token: bytes, amount: int) -> None:
    """Anvil's order: (owner, token, amount)."""
    await _token(ctx, ctx.devnet.deal_erc20, owner, token, amount)


@rpc("anvil_setERC20Allowance", codec.address, codec.address, codec.address, _balance)
async def set_erc20_allowance(ctx: Ctx, owner: bytes, spender: bytes, token: bytes,
                              amount: int) -> None:
    """Anvil's order: (owner, spender, token, amount)."""
    await _token(ctx, ctx.devnet.set_erc20_allowance, owner, spender, token, amount)


# -- chain settings ----------------------------------------------------------------------------
async def _setting(ctx: Ctx, fn, *args) -> bool | None:
    try:
        await ctx.run(fn, *args)
    except HistoryError as e:
        raise InvalidParams(str(e)) from None
    return _answer(ctx)


def _u256(v: Any) -> int:
    return codec.int_or_quantity(v, codec.UINT256_BITS)


@rpc("anvil_setChainId", codec.int_or_quantity)
async def set_chain_id(ctx: Ctx, chain_id: int) -> None:
    await _setting(ctx, ctx.devnet.set_chain_id, chain_id)


@rpc("anvil_setCoinbase", codec.address, aliases=("hardhat_setCoinbase",))
async def set_coinbase(ctx: Ctx, addr: bytes) -> bool | None:
    return await _setting(ctx, ctx.devnet.set_coinbase, addr)


@rpc("anvil_setMinGasPrice", _u256, aliases=("hardhat_setMinGasPrice",))
async def set_min_gas_price(ctx: Ctx, price: int) -> bool | None:
    return await _setting(ctx, ctx.devnet.set_unit_price, price)


@rpc("anvil_setNextBlockBaseFeePerGas", _u256, aliases=("hardhat_setNextBlockBaseFeePerGas",))
async def set_next_block_base_fee(ctx: Ctx, price: int) -> bool | None:
    return await _setting(ctx, ctx.devnet.set_unit_price, price)


@rpc("evm_setBlockGasLimit", codec.int_or_quantity, aliases=("anvil_setBlockGasLimit",))
async def set_block_gas_limit(ctx: Ctx, gas_limit: int) -> bool:
    await _setting(ctx, ctx.devnet.set_block_gas_limit, gas_limit)
    return True  # Anvil answers true under both names


@rpc("anvil_setNextBlockPrevRandao", codec.hash32, aliases=("hardhat_setPrevRandao",))
async def set_next_prevrandao(ctx: Ctx, value: bytes) -> bool | None:
    return await _setting(ctx, ctx.devnet.set_next_prevrandao, value)


# -- reports -----------------------------------------------------------------------------------
def _node_info(devnet) -> dict:
    head = devnet.chain.head
    return {
        "currentBlockNumber": qty(head.number), "currentBlockTimestamp": head.timestamp,
        "currentBlockHash": hexdata(head.hash), "hardFork": fork_title(devnet.genesis.fork),
        "transactionOrder": "fifo",
        "environment": {"baseFee": qty(devnet.unit_price), "chainId": devnet.chain_id,
                        "gasLimit": qty(devnet.genesis.gas_limit),
                        "gasPrice": qty(devnet.unit_price)},
        "forkConfig": _fork_config(devnet.fork),
    }


def _fork_config(fork) -> dict:
    """Anvil's forkConfig: the remote and the fork block of a forked node, else nulls."""
    if fork is None:
        return {"forkUrl": None, "forkBlockNumber": None, "forkRetryBackoff": None}
    return {"forkUrl": fork.url, "forkBlockNumber": fork.number, "forkRetryBackoff": None}


def _metadata(devnet) -> dict:
    head = devnet.chain.head
    return {
        "clientVersion": CLIENT_VERSION, "chainId": devnet.chain_id,
        "instanceId": hexdata(devnet.instance_id), "latestBlockNumber": head.number,
        "latestBlockHash": hexdata(head.hash), "forkedNetwork": None,
        "snapshots": {qty(sid): [n, hexdata(h)]
                      for sid, (n, h) in devnet.snapshot_heads().items()},
    }


@rpc("anvil_nodeInfo")
async def node_info(ctx: Ctx) -> dict:
    return await ctx.run(_node_info, ctx.devnet)


@rpc("anvil_metadata", aliases=("hardhat_metadata",))
async def metadata(ctx: Ctx) -> dict:
    return await ctx.run(_metadata, ctx.devnet)
