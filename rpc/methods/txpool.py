"""The pool as geth shows it: txpool_status (counts), txpool_content and txpool_contentFrom
(transactions by checksummed sender and decimal nonce), txpool_inspect (one-line summaries);
as Anvil shows it: eth_pendingTransactions (the executable ones), and eth_fillTransaction
(Anvil's {raw, tx}: the transaction eth_sendTransaction would send, unsigned: a placeholder
signature, `from` the given sender or the first dev account)."""
from pydevnet.node.accounts import to_checksum_address
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import RPCError
from pydevnet.rpc.formatters import tx_json
from pydevnet.rpc.registry import Ctx, rpc


def _by_sender(txs: list, fmt) -> dict:
    out: dict = {}
    for tx in txs:
        out.setdefault(to_checksum_address(tx.sender), {})[str(tx.nonce)] = fmt(tx)
    return out


def _summary(tx) -> str:
    to = "0x" + tx.to.hex() if tx.to is not None else "contract creation"
    return f"{to}: {tx.value} wei + {tx.gas_limit} gas × {tx.fee_cap()} wei"


@rpc("txpool_status")
async def status(ctx: Ctx) -> dict:
    pending, queued = await ctx.run(ctx.devnet.pool_content)
    return {"pending": qty(len(pending)), "queued": qty(len(queued))}


@rpc("txpool_content")
async def content(ctx: Ctx) -> dict:
    pending, queued = await ctx.run(ctx.devnet.pool_content)
    return {"pending": _by_sender(pending, tx_json), "queued": _by_sender(queued, tx_json)}


@rpc("txpool_contentFrom", codec.address)
async def content_from(ctx: Ctx, address: bytes) -> dict:
    pending, queued = await ctx.run(ctx.devnet.pool_content)
    mine = {str(t.nonce): tx_json(t) for t in pending if t.sender == address}
    later = {str(t.nonce): tx_json(t) for t in queued if t.sender == address}
    return {"pending": mine, "queued": later}


@rpc("txpool_inspect")
async def inspect(ctx: Ctx) -> dict:
    pending, queued = await ctx.run(ctx.devnet.pool_content)
    return {"pending": _by_sender(pending, _summary), "queued": _by_sender(queued, _summary)}


@rpc("eth_pendingTransactions")
async def pending_transactions(ctx: Ctx) -> list:
    pending, _ = await ctx.run(ctx.devnet.pool_content)
    return [tx_json(t) for t in pending]


@rpc("eth_fillTransaction", params.call_args)
async def fill_transaction(ctx: Ctx, args: params.CallArgs) -> dict:
    want = ctx.devnet.chain_id
    if args.chain_id is not None and args.chain_id != want:
        raise RPCError(f"chainId does not match node's (have={args.chain_id}, want={want})")
    tx = await ctx.run(ctx.devnet.fill_transaction, args.request)
    return {"raw": hexdata(tx.raw), "tx": tx_json(tx)}
