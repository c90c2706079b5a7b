"""Account state at a block: eth_getBalance, eth_getTransactionCount, eth_getCode,
eth_getStorageAt, eth_getProof (EIP-1186) and eth_getAccount (geth's {codeHash, storageRoot,
balance, nonce}). The block parameter is optional (latest) and may be
an EIP-1898 reference; "pending" counts pooled transactions in the nonce.
"""
from typing import Any

from pydevnet.node.queries import LATEST, PENDING
from pydevnet.rpc import codec
from pydevnet.rpc.codec import hexdata, qty, word
from pydevnet.rpc.errors import ParamError
from pydevnet.rpc.formatters import proof_json
from pydevnet.rpc.registry import Ctx, opt, rpc

BLOCK = opt(codec.block_ref, LATEST)


@rpc("eth_getBalance", codec.address, BLOCK)
async def get_balance(ctx: Ctx, addr: bytes, ref) -> str:
    return qty(await ctx.read(ctx.devnet.balance, addr, ref))


@rpc("eth_getTransactionCount", codec.address, BLOCK)
async def get_transaction_count(ctx: Ctx, addr: bytes, ref) -> str:
    read = ctx.run if ref == PENDING else ctx.read  # the pending nonce asks the pool
    return qty(await read(ctx.devnet.nonce, addr, ref))


@rpc("eth_getCode", codec.address, BLOCK)
async def get_code(ctx: Ctx, addr: bytes, ref) -> str:
    return hexdata(await ctx.read(ctx.devnet.code, addr, ref))


@rpc("eth_getStorageAt", codec.address, codec.storage_key, BLOCK)
async def get_storage_at(ctx: Ctx, addr: bytes, slot: int, ref) -> str:
    return word(await ctx.read(ctx.devnet.storage, addr, slot, ref))


def _keys(v: Any) -> list[tuple[str, int]]:
    """The storage keys as given (for the answer) and as slots."""
    if not isinstance(v, list):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into storage keys: want an array")
    return [(k, codec.storage_key(k)) for k in v]


@rpc("eth_getProof", codec.address, _keys, BLOCK)
async def get_proof(ctx: Ctx, addr: bytes, keys: list, ref) -> dict:
    slots = [slot for _, slot in keys]
    proof = await ctx.read(ctx.devnet.proof, addr, slots, ref)
    return proof_json(addr, [k for k, _ in keys], slots, proof)


@rpc("eth_getAccount", codec.address, BLOCK)
async def get_account(ctx: Ctx, addr: bytes, ref) -> dict:
    nonce, balance, code_hash, storage_root = await ctx.read(ctx.devnet.account_info, addr, ref)
    return {"codeHash": hexdata(code_hash), "storageRoot": hexdata(storage_root),
            "balance": qty(balance), "nonce": qty(nonce)}
