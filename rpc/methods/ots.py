"""ots_*: Otterscan's API at level 8, in the shapes Anvil answers (Erigon defines it; where the
two differ, Anvil's choice is taken, as below).

- ots_getApiLevel: 8.
- ots_getBlockDetails(number), ots_getBlockDetailsByHash(hash): {block, issuance, totalFees}; the
  block without transactions, with transactionCount (its logsBloom kept, as Anvil does); issuance
  all zero (no block rewards); an unknown block is -32001 "Resource not found" (Anvil's).
- ots_getBlockTransactions(number, page, pageSize): {fullblock, receipts} for one page, counted
  from the block's start as Anvil does (page 0: the first pageSize); inputs cut to their 4-byte
  selector, receipts with the block's timestamp.
- ots_searchTransactionsBefore/After(address, block, pageSize): {txs, receipts, firstPage,
  lastPage}, most recent first, whole blocks at a time (block 0: from the head / from genesis);
  pageSize at most 100 (-32602 "max allowed page size", Erigon's words): each block scanned is
  replayed.
- ots_getInternalOperations(hash): [{type, from, to, value}] (0 transfer, 1 self-destruct,
  2 create, 3 create2), the transaction's own call or creation included; ots_traceTransaction
  (hash): [{type, depth, from, to, value, input, output}] for the CALL family only, calls to
  precompiles included (Anvil's: built from its Parity trace).
- ots_getTransactionError(hash): a failed transaction's revert data, else "0x".
- ots_getContractCreator(address): {hash, creator} or null; ots_getTransactionBySenderAndNonce
  (address, nonce): the hash or null; ots_hasCode(address, block).

An unknown transaction: [] from ots_traceTransaction, -32000 "transaction not found" from
ots_getInternalOperations. Everything that replays runs on a reader thread under --rpc-timeout.
"""
from typing import Any

from pydevnet.node.chain.blocks import Block
from pydevnet.node.queries import LATEST, BlockRef
from pydevnet.node.tracers.otterscan import PageTooLarge
from pydevnet.rpc import codec
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import InvalidParams, RPCError
from pydevnet.rpc.formatters import block_json, receipt_json, tx_json
from pydevnet.rpc.methods.debug import traced
from pydevnet.rpc.registry import Ctx, opt, rpc
from pydevnet.vm.table import CANCUN

API_LEVEL = 8
ZERO_ISSUANCE = {"blockReward": "0x0", "uncleReward": "0x0", "issuance": "0x0"}


async def _paged(ctx: Ctx, fn, *args) -> Any:
    try:
        return await traced(ctx, fn, *args)
    except PageTooLarge as e:
        raise InvalidParams(str(e)) from None


RESOURCE_NOT_FOUND = -32001  # Anvil's code for an unknown block


def _slim_block(block: Block) -> dict:
    out = block_json(block, False)
    del out["transactions"]
    out["transactionCount"] = len(block.transactions)
    return out


def _ots_receipt(view) -> dict:
    out = receipt_json(view)
    out["timestamp"] = qty(view.header.timestamp)
    return out


def _not_found() -> RPCError:
    return RPCError("Resource not found", code=RESOURCE_NOT_FOUND)


def _cropped_tx(view) -> dict:
    out = tx_json(view.tx, view.header, view.index)
    out["input"] = hexdata(view.tx.data[:4])
    return out


@rpc("ots_getApiLevel")
async def api_level(ctx: Ctx) -> int:
    return API_LEVEL


async def _details(ctx: Ctx, ref) -> dict:
    block = await ctx.read(ctx.devnet.block, ref)
    if block is None:
        raise _not_found()
    fees = await ctx.read(ctx.devnet.ots_block_fees, block.header)
    return {"block": _slim_block(block), "issuance": dict(ZERO_ISSUANCE), "totalFees": qty(fees)}


@rpc("ots_getBlockDetails", codec.block_number)
async def block_details(ctx: Ctx, ref) -> dict:
    return await _details(ctx, ref)


@rpc("ots_getBlockDetailsByHash", codec.hash32)
async def block_details_by_hash(ctx: Ctx, block_hash: bytes) -> dict:
    return await _details(ctx, BlockRef(block_hash))


@rpc("ots_getBlockTransactions", codec.block_number, codec.int_or_quantity,
     codec.int_or_quantity)
async def block_transactions(ctx: Ctx, ref, page: int, size: int) -> dict:
    found = await ctx.read(ctx.devnet.ots_block_page, ref, page, size)
    if found is None:
        raise _not_found()
    block, views = found
    full = block_json(block, False)
    full.update(transactions=[_cropped_tx(v) for v in views],
                transactionCount=len(block.transactions))
    return {"fullblock": full, "receipts": [_ots_receipt(v) for v in views]}


async def _search(ctx: Ctx, address: bytes, block: int, size: int, before: bool) -> dict:
    page = await _paged(ctx, ctx.devnet.ots_search, address, block, size, before)
    return {"txs": [tx_json(v.tx, v.header, v.index) for v in page.views],
            "receipts": [_ots_receipt(v) for v in page.views],
            "firstPage": page.first_page, "lastPage": page.last_page}


@rpc("ots_searchTransactionsBefore", codec.address, codec.int_or_quantity,
     codec.int_or_quantity)
async def search_before(ctx: Ctx, address: bytes, block: int, size: int) -> dict:
    return await _search(ctx, address, block, size, True)


@rpc("ots_searchTransactionsAfter", codec.address, codec.int_or_quantity,
     codec.int_or_quantity)
async def search_after(ctx: Ctx, address: bytes, block: int, size: int) -> dict:
    return await _search(ctx, address, block, size, False)


@rpc("ots_getInternalOperations", codec.hash32)
async def internal_operations(ctx: Ctx, tx_hash: bytes) -> list:
    ops = await traced(ctx, ctx.devnet.ots_internal_operations, tx_hash)
    if ops is None:
        raise RPCError("transaction not found")
    return [{"type": kind, "from": hexdata(sender), "to": hexdata(to), "value": qty(value)}
            for kind, sender, to, value in ops]


@rpc("ots_traceTransaction", codec.hash32)
async def trace_transaction(ctx: Ctx, tx_hash: bytes) -> list:
    entries = await traced(ctx, ctx.devnet.ots_trace, tx_hash)
    return [{"type": CANCUN.names[kind], "depth": depth, "from": hexdata(sender),
             "to": hexdata(to), "value": qty(value),
             "input": hexdata(data), "output": hexdata(output)}
            for kind, depth, sender, to, value, data, output in entries or ()]


@rpc("ots_getTransactionError", codec.hash32)
async def transaction_error(ctx: Ctx, tx_hash: bytes) -> str:
    return hexdata(await traced(ctx, ctx.devnet.ots_transaction_error, tx_hash))


@rpc("ots_getContractCreator", codec.address)
async def contract_creator(ctx: Ctx, address: bytes) -> dict | None:
    found = await traced(ctx, ctx.devnet.ots_contract_creator, address)
    return None if found is None else {"hash": hexdata(found[0]), "creator": hexdata(found[1])}


@rpc("ots_getTransactionBySenderAndNonce", codec.address, codec.int_or_quantity)
async def transaction_by_sender_and_nonce(ctx: Ctx, sender: bytes, nonce: int) -> str | None:
    found = await traced(ctx, ctx.devnet.ots_transaction_by_nonce, sender, nonce)
    return None if found is None else hexdata(found)


@rpc("ots_hasCode", codec.address, opt(codec.block_ref, LATEST))
async def has_code(ctx: Ctx, address: bytes, ref) -> bool:
    return bool(await ctx.read(ctx.devnet.code, address, ref))
