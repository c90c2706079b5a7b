"""The pool as geth shows it: txpool_status (counts), txpool_content and txpool_contentFrom
(transactions by checksummed sender and decimal nonce), txpool_inspect (one-line summaries)."""
from pydevnet.node.accounts import to_checksum_address
from pydevnet.rpc import codec
from pydevnet.rpc.codec import qty
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
