"""Blocks, transactions and receipts: eth_getBlockBy*, eth_getBlockTransactionCountBy*,
eth_getTransactionBy*, eth_getRawTransactionByHash, eth_getRawTransactionByBlockNumberAndIndex
and ...ByBlockHashAndIndex, eth_getTransactionReceipt,
eth_getBlockReceipts and the uncle methods (there are never uncles: counts 0, uncles null).

Unknown blocks and transactions are null, not errors (execution-apis). The pending block is
head + 1 holding the pool's executable transactions, executed but not persisted; geth shows it
with a null hash, nonce and miner.
"""
from pydevnet.node.chain.blocks import Block
from pydevnet.node.queries import PENDING, BlockRef
from pydevnet.rpc import codec
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.formatters import block_json, receipt_json, tx_json
from pydevnet.rpc.registry import Ctx, opt, rpc

HYDRATED = opt(codec.boolean, False)


def _pending_block(devnet) -> Block:
    return devnet.pending_block().block


async def _block(ctx: Ctx, ref) -> Block | None:
    if ref == PENDING:
        return await ctx.run(_pending_block, ctx.devnet)
    return await ctx.read(ctx.devnet.block, ref)


@rpc("eth_getBlockByNumber", codec.block_number, HYDRATED)
async def get_block_by_number(ctx: Ctx, ref, full: bool) -> dict | None:
    block = await _block(ctx, ref)
    if block is None:
        return None
    return block_json(block, full, pending=ref == PENDING)


@rpc("eth_getBlockByHash", codec.hash32, HYDRATED)
async def get_block_by_hash(ctx: Ctx, block_hash: bytes, full: bool) -> dict | None:
    block = await _block(ctx, BlockRef(block_hash))
    return None if block is None else block_json(block, full)


async def _tx_count(ctx: Ctx, ref) -> str | None:
    block = await _block(ctx, ref)
    return None if block is None else qty(len(block.transactions))


@rpc("eth_getBlockTransactionCountByNumber", codec.block_number)
async def tx_count_by_number(ctx: Ctx, ref) -> str | None:
    return await _tx_count(ctx, ref)


@rpc("eth_getBlockTransactionCountByHash", codec.hash32)
async def tx_count_by_hash(ctx: Ctx, block_hash: bytes) -> str | None:
    return await _tx_count(ctx, BlockRef(block_hash))


async def _tx_at(ctx: Ctx, ref, index: int) -> dict | None:
    block = await _block(ctx, ref)
    if block is None or index >= len(block.transactions):
        return None
    if ref == PENDING:
        return tx_json(block.transactions[index])
    return tx_json(block.transactions[index], block.header, index)


@rpc("eth_getTransactionByBlockNumberAndIndex", codec.block_number, codec.uint64)
async def tx_by_number_and_index(ctx: Ctx, ref, index: int) -> dict | None:
    return await _tx_at(ctx, ref, index)


@rpc("eth_getTransactionByBlockHashAndIndex", codec.hash32, codec.uint64)
async def tx_by_hash_and_index(ctx: Ctx, block_hash: bytes, index: int) -> dict | None:
    return await _tx_at(ctx, BlockRef(block_hash), index)


async def _raw_at(ctx: Ctx, ref, index: int) -> str | None:
    block = await _block(ctx, ref)
    if block is None or index >= len(block.transactions):
        return None
    return hexdata(block.transactions[index].raw)


INDEX = codec.int_or_quantity  # Anvil's Index: a JSON number or hex


@rpc("eth_getRawTransactionByBlockNumberAndIndex", codec.block_number, INDEX)
async def raw_tx_by_number_and_index(ctx: Ctx, ref, index: int) -> str | None:
    return await _raw_at(ctx, ref, index)


@rpc("eth_getRawTransactionByBlockHashAndIndex", codec.hash32, INDEX)
async def raw_tx_by_hash_and_index(ctx: Ctx, block_hash: bytes, index: int) -> str | None:
    return await _raw_at(ctx, BlockRef(block_hash), index)


@rpc("eth_getTransactionByHash", codec.hash32)
async def get_transaction(ctx: Ctx, tx_hash: bytes) -> dict | None:
    loc = await ctx.read(ctx.devnet.transaction, tx_hash)
    return None if loc is None else tx_json(loc.tx, loc.header, loc.index)


@rpc("eth_getRawTransactionByHash", codec.hash32)
async def get_raw_transaction(ctx: Ctx, tx_hash: bytes) -> str | None:
    loc = await ctx.read(ctx.devnet.transaction, tx_hash)
    return None if loc is None else hexdata(loc.tx.raw)


@rpc("eth_getTransactionReceipt", codec.hash32)
async def get_receipt(ctx: Ctx, tx_hash: bytes) -> dict | None:
    view = await ctx.read(ctx.devnet.receipt, tx_hash)
    return None if view is None else receipt_json(view)


def _block_receipts(devnet, ref) -> list | None:
    header = None if ref == PENDING else devnet.header_for(ref)
    return None if header is None else devnet.block_receipts(header)


@rpc("eth_getBlockReceipts", codec.block_ref)
async def get_block_receipts(ctx: Ctx, ref) -> list | None:
    views = await ctx.read(_block_receipts, ctx.devnet, ref)
    return None if views is None else [receipt_json(v) for v in views]


async def _uncle_count(ctx: Ctx, ref) -> str | None:
    header = await ctx.read(ctx.devnet.header_for, ref)
    return None if header is None else qty(0)


@rpc("eth_getUncleCountByBlockNumber", codec.block_number)
async def uncle_count_by_number(ctx: Ctx, ref) -> str | None:
    return await _uncle_count(ctx, ref)


@rpc("eth_getUncleCountByBlockHash", codec.hash32)
async def uncle_count_by_hash(ctx: Ctx, block_hash: bytes) -> str | None:
    return await _uncle_count(ctx, BlockRef(block_hash))


@rpc("eth_getUncleByBlockNumberAndIndex", codec.block_number, codec.uint64)
async def uncle_by_number(ctx: Ctx, ref, index: int) -> None:
    return None


@rpc("eth_getUncleByBlockHashAndIndex", codec.hash32, codec.uint64)
async def uncle_by_hash(ctx: Ctx, block_hash: bytes, index: int) -> None:
    return None


async def header_only(ctx: Ctx, ref) -> dict | None:
    """A block without its body (KardiaChain's kai_getBlockHeaderBy*)."""
    block = await _block(ctx, ref)
    if block is None or ref == PENDING:
        return None
    out = block_json(block, False)
    del out["transactions"]
    return out
