"""web3_*, net_* and the eth_* methods about the node and its fees: client version, chain id,
sync status, head number, the fixed unit price, fee history, accounts.

Fees: every block's base fee is the unit price and every transaction pays exactly it, so
eth_gasPrice is the unit price and eth_maxPriorityFeePerGas is 0; the blob base fee follows the
EIP-4844 market (1 wei until blocks carry more than 3 blobs for a while).
"""
from importlib import metadata
from typing import Any

from pydevnet.rpc import codec
from pydevnet.rpc.codec import qty
from pydevnet.rpc.errors import ParamError
from pydevnet.rpc.formatters import fee_history_json
from pydevnet.rpc.registry import Ctx, opt, rpc
from pydevnet.state.hashing import keccak256

def _version() -> str:
    try:
        return metadata.version("pydevnet")
    except metadata.PackageNotFoundError:
        return "0.0.0"


# Anvil's version string, with ours in a comment: tools that check the client (hardhat-network-
# helpers accepts only "hardhatnetwork", "anvil" or "zksync" at the start, ape-foundry wants
# "anvil" in it) treat the node as the Anvil release whose methods it answers (1.7.1).
ANVIL_VERSION = "1.7.1"
CLIENT_VERSION = f"anvil/v{ANVIL_VERSION} (compatible; pydevnet/{_version()})"


@rpc("web3_clientVersion")
async def client_version(ctx: Ctx) -> str:
    """CLIENT_VERSION, or --client-version's string."""
    return getattr(ctx.devnet, "client_version", None) or CLIENT_VERSION


@rpc("web3_sha3", codec.data)
async def sha3(ctx: Ctx, data: bytes) -> str:
    return codec.hexdata(keccak256(data))


@rpc("net_version")
async def net_version(ctx: Ctx) -> str:
    return str(ctx.devnet.chain_id)


@rpc("net_listening")
async def net_listening(ctx: Ctx) -> bool:
    return True


@rpc("net_peerCount")
async def net_peer_count(ctx: Ctx) -> str:
    return qty(0)


@rpc("eth_chainId", aliases=("klay_chainID", "kaia_chainID"))
async def chain_id(ctx: Ctx) -> str:
    return qty(ctx.devnet.chain_id)


@rpc("eth_syncing")
async def syncing(ctx: Ctx) -> bool:
    return False


@rpc("eth_blockNumber")
async def block_number(ctx: Ctx) -> str:
    return qty(await ctx.read(ctx.devnet.head_number))


@rpc("eth_gasPrice")
async def gas_price(ctx: Ctx) -> str:
    return qty(ctx.devnet.unit_price)


@rpc("eth_baseFee")
async def base_fee(ctx: Ctx) -> str:
    """The next block's base fee: always the unit price."""
    return qty(ctx.devnet.unit_price)


@rpc("eth_maxPriorityFeePerGas")
async def max_priority_fee(ctx: Ctx) -> str:
    return qty(0)


@rpc("eth_blobBaseFee")
async def blob_base_fee(ctx: Ctx) -> str:
    """The next block's blob base fee (EIP-4844, from the head's excess and blob gas used)."""
    return qty(await ctx.read(ctx.devnet.next_blob_base_fee))


def _percentiles(v: Any) -> list[float]:
    if not isinstance(v, list):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into reward percentiles")
    out: list[float] = []
    for p in v:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 100:
            raise ParamError(f"invalid reward percentile: {p!r} (want a number in [0, 100])")
        if out and p < out[-1]:
            raise ParamError(f"invalid reward percentile: {p} after {out[-1]} (want an "
                             "increasing list)")
        out.append(float(p))
    return out


@rpc("eth_feeHistory", codec.hex_or_decimal, codec.block_number, opt(_percentiles, ()))
async def fee_history(ctx: Ctx, count: int, newest, percentiles) -> dict:
    history = await ctx.read(ctx.devnet.fee_history, count, newest, list(percentiles))
    return fee_history_json(history)


@rpc("eth_accounts")
async def accounts(ctx: Ctx) -> list[str]:
    return [codec.hexdata(a) for a in await ctx.run(ctx.devnet.listed_accounts)]


@rpc("eth_coinbase")
async def coinbase(ctx: Ctx) -> str:
    return codec.hexdata(ctx.devnet.coinbase)
