"""KardiaChain's own method names (go-kardia's kai, tx and account namespaces) for what has an
eth_* equivalent; they answer in the eth_* shapes. Every eth_* method also answers as kai_*
(rpc.registry), which covers kai_blockNumber, kai_getBlockByNumber, kai_getLogs, the kai_*
filters, kai_gasPrice, kai_estimateGas and kai_getProof.
"""
from pydevnet.node.queries import LATEST
from pydevnet.rpc import codec
from pydevnet.rpc.codec import qty
from pydevnet.rpc.formatters import tx_json
from pydevnet.rpc.methods.blocks import header_only
from pydevnet.rpc.registry import Ctx, alias, rpc

KARDIA_NAMES = {
    "kai_kardiaCall": "eth_call",
    "tx_sendRawTransaction": "eth_sendRawTransaction",
    "tx_getTransaction": "eth_getTransactionByHash",
    "tx_getTransactionReceipt": "eth_getTransactionReceipt",
    "tx_getRawTransactionByHash": "eth_getRawTransactionByHash",
    "account_balance": "eth_getBalance",
    "account_nonceAtHeight": "eth_getTransactionCount",
    "account_getCode": "eth_getCode",
    "account_getStorageAt": "eth_getStorageAt",
}
for _name, _target in KARDIA_NAMES.items():
    alias(_name, _target)


@rpc("account_nonce", codec.address)
async def account_nonce(ctx: Ctx, addr: bytes) -> str:
    return qty(await ctx.read(ctx.devnet.nonce, addr, LATEST))


@rpc("kai_getBlockHeaderByNumber", codec.block_number)
async def header_by_number(ctx: Ctx, ref) -> dict | None:
    return await header_only(ctx, ref)


@rpc("kai_getBlockHeaderByHash", codec.block_ref)
async def header_by_hash(ctx: Ctx, ref) -> dict | None:
    return await header_only(ctx, ref)


@rpc("tx_pendingTransactions")
async def pending_transactions(ctx: Ctx) -> list[dict]:
    return [tx_json(tx) for tx in await ctx.run(ctx.devnet.pooled_transactions)]

