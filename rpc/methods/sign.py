"""Signing with the unlocked dev accounts, as Anvil and Hardhat offer it: eth_sign and
personal_sign (EIP-191; note personal_sign's reversed parameters), eth_signTypedData_v4 (EIP-712;
the typed data as an object or as its JSON text) and eth_signTransaction ({raw, tx}; a type-4
transaction for an EIP-7702 authorizationList, whose entries come signed: the node signs no
authorizations, as Anvil)."""
import json
from typing import Any

from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata
from pydevnet.rpc.errors import ParamError
from pydevnet.rpc.formatters import tx_json
from pydevnet.rpc.params import CallArgs
from pydevnet.rpc.registry import Ctx, opt, raw, rpc
from pydevnet.rpc.typed_data import TypedData


def _typed_data(v: Any) -> dict:
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except (ValueError, RecursionError) as e:
            raise ParamError(f"typed data is not valid JSON: {type(e).__name__}") from None
    if not isinstance(v, dict):
        raise ParamError("typed data must be an object or its JSON text")
    return v


@rpc("eth_sign", codec.address, codec.data)
async def eth_sign(ctx: Ctx, address: bytes, message: bytes) -> str:
    return hexdata(await ctx.run(ctx.devnet.sign_message, address, message))


@rpc("personal_sign", codec.data, codec.address, opt(raw))
async def personal_sign(ctx: Ctx, message: bytes, address: bytes, _password: Any) -> str:
    return hexdata(await ctx.run(ctx.devnet.sign_message, address, message))


@rpc("eth_signTypedData_v4", codec.address, _typed_data, aliases=("eth_signTypedData",))
async def sign_typed_data(ctx: Ctx, address: bytes, doc: dict) -> str:
    digest = TypedData(doc).digest()
    return hexdata(await ctx.run(ctx.devnet.sign_typed_data, address, digest))


@rpc("eth_signTransaction", params.call_args)
async def sign_transaction(ctx: Ctx, args: CallArgs) -> dict:
    tx = await ctx.run(ctx.devnet.sign_transaction, args.request)
    return {"raw": hexdata(tx.raw), "tx": tx_json(tx)}
