"""eth_sendRawTransactionSync (EIP-7966): eth_sendRawTransaction, then wait for the receipt and
answer it (eth_getTransactionReceipt's shape).

The wait is at most the request's timeout in milliseconds (a positive integer, capped at 60 s;
absent or 0: 20 s, geth's defaults). Past it, geth's error: code 4, "The transaction was added to
the transaction pool but wasn't processed in <duration>", data the transaction hash; the
transaction stays pooled. Automine answers at once; with --block-time the receipt comes with the
next interval block; with --no-mining only evm_mine (or the like) within the timeout gives one.
A transaction the pool refuses fails at once, as with eth_sendRawTransaction.
"""
import asyncio
import time

from pydevnet.node.workers import go_duration
from pydevnet.rpc import codec
from pydevnet.rpc.codec import hexdata
from pydevnet.rpc.formatters import receipt_json
from pydevnet.rpc.errors import RPCError
from pydevnet.rpc.registry import Ctx, opt, rpc

DEFAULT_TIMEOUT_MS = 20_000  # geth's --rpc.txsync.defaulttimeout
MAX_TIMEOUT_MS = 60_000  # geth's --rpc.txsync.maxtimeout
TX_SYNC_TIMEOUT = 4  # EIP-7966


def _timeout_ms(requested: int | None) -> int:
    if not requested:
        return DEFAULT_TIMEOUT_MS
    return min(requested, MAX_TIMEOUT_MS)


@rpc("eth_sendRawTransactionSync", codec.data, opt(codec.int_or_quantity))
async def send_raw_transaction_sync(ctx: Ctx, raw: bytes, timeout_ms: int | None) -> dict:
    return await send_and_wait(ctx, ctx.devnet.send_raw_transaction, raw, timeout_ms)


async def send_and_wait(ctx: Ctx, send, arg, timeout_ms: int | None) -> dict:
    """send(arg) on the writer (it returns the transaction hash), then the receipt as above;
    also Anvil's eth_sendTransactionSync (rpc/methods/anvil_extra.py)."""
    devnet = ctx.devnet
    loop = asyncio.get_running_loop()
    mined = asyncio.Event()

    def on_block(block, receipts, entries) -> None:  # on the writer thread
        loop.call_soon_threadsafe(mined.set)

    limit = _timeout_ms(timeout_ms)
    deadline = time.monotonic() + limit / 1000
    await ctx.run(devnet.block_listeners.append, on_block)  # before the send: no block missed
    try:
        tx_hash = await ctx.run(send, arg)
        while True:
            mined.clear()  # before the look: a block landing after it sets it again
            view = await ctx.read(devnet.receipt, tx_hash)
            if view is not None:
                return receipt_json(view)
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await asyncio.wait_for(mined.wait(), left)
            except asyncio.TimeoutError:
                pass
    finally:
        devnet.block_listeners.remove(on_block)  # atomic; the writer may call it once more
    raise RPCError(f"The transaction was added to the transaction pool but wasn't processed in "
                   f"{go_duration(limit / 1000)}", hexdata(tx_hash), TX_SYNC_TIMEOUT)
