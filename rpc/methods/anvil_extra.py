"""The rest of Anvil 1.7.1's method list (its `EthRequest` names and aliases) that means
something on this node: mostly aliases, a few small reads, and two sends.

- Aliases, answering as their target: eth_networkId (net_version), eth_requestAccounts
  (eth_accounts), anvil_setNextBlockTimestamp (evm_setNextBlockTimestamp), evm_setAccountNonce
  (anvil_setNonce), hardhat_autoImpersonateAccount, hardhat_dumpState, hardhat_loadState,
  tenderly_setBalance and tenderly_addBalance (their anvil_* methods). The remote-dev guard
  (rpc/access.py) follows the target's name, so the dev aliases stay dev-only.
- Node facts: eth_protocolVersion (1, a JSON number, as Anvil), eth_hashrate (0: no PoW),
  anvil_getGenesisTime (the genesis block's timestamp, a JSON number), anvil_getIntervalMining
  (the interval miner's seconds as a JSON number, null without one).
- State reads: eth_getAccountInfo (Anvil's {balance, nonce, code}), eth_getStorageValues
  ({address: [slot, ...]} -> {address: [word, ...]}, at most 1024 slots, as Anvil and reth),
  debug_codeByHash (code by keccak256, null if never stored) and debug_dbGet (the one key
  Anvil and reth answer: 0x63 ('c') ++ a code hash). The block parameters are optional.
- erigon_getHeaderByNumber (Otterscan asks for it): the block as eth_getBlockByNumber(n, false).
- eth_getTransactionBySenderAndNonce: the transaction object, pooled first, then mined.
- eth_sendTransactionSync: eth_sendTransaction, then the receipt (rpc/methods/send_sync.py's
  wait, default 20 s, code 4 past it). eth_sendUnsignedTransaction: Anvil's send from any
  address without a key (a placeholder signature, as for impersonated senders).
- anvil_setRpcUrl: another remote for a forked node, which must serve the fork block with the
  same hash (node/fork/reset.py); -32602 on a node that is not forked.
"""
from typing import Any

from pydevnet.node.fork import reset as fork_reset
from pydevnet.node.dev.extra import code_by_hash, mining_interval, pooled_by_sender_and_nonce
from pydevnet.node.queries import LATEST
from pydevnet.rpc import codec, params
from pydevnet.rpc.codec import hexdata, qty, word
from pydevnet.rpc.errors import InvalidParams, ParamError
from pydevnet.rpc.methods.blocks import get_block_by_number, get_transaction
from pydevnet.rpc.methods.debug import traced
from pydevnet.rpc.methods.dev import fork_url
from pydevnet.rpc.methods.execute import _check_chain_id
from pydevnet.rpc.methods.send_sync import send_and_wait
from pydevnet.rpc.params import CallArgs
from pydevnet.rpc.registry import Ctx, alias, opt, raw, rpc

BLOCK = opt(codec.block_ref, LATEST)
MAX_STORAGE_VALUES = 1024  # Anvil's and reth's cap on eth_getStorageValues' slots
DB_CODE_PREFIX = 0x63  # debug_dbGet: b"c" ++ code hash, reth's (and geth's) code key

for _name, _target in (
        ("eth_networkId", "net_version"), ("eth_requestAccounts", "eth_accounts"),
        ("anvil_setNextBlockTimestamp", "evm_setNextBlockTimestamp"),
        ("evm_setAccountNonce", "anvil_setNonce"),
        ("hardhat_autoImpersonateAccount", "anvil_autoImpersonateAccount"),
        ("hardhat_dumpState", "anvil_dumpState"), ("hardhat_loadState", "anvil_loadState"),
        ("tenderly_setBalance", "anvil_setBalance"), ("tenderly_addBalance", "anvil_addBalance")):
    alias(_name, _target)


@rpc("eth_protocolVersion")
async def protocol_version(ctx: Ctx) -> int:
    return 1


@rpc("eth_hashrate")
async def hashrate(ctx: Ctx) -> str:
    return qty(0)


@rpc("anvil_getGenesisTime")
async def genesis_time(ctx: Ctx) -> int:
    return ctx.devnet.genesis.timestamp


@rpc("anvil_getIntervalMining")
async def get_interval_mining(ctx: Ctx) -> int | float | None:
    seconds = await ctx.run(mining_interval, ctx.devnet)
    if seconds is None:
        return None
    return int(seconds) if float(seconds).is_integer() else seconds


@rpc("eth_getAccountInfo", codec.address, BLOCK)
async def get_account_info(ctx: Ctx, addr: bytes, ref) -> dict:
    nonce, balance, _, _ = await ctx.read(ctx.devnet.account_info, addr, ref)
    code = await ctx.read(ctx.devnet.code, addr, ref)
    return {"balance": qty(balance), "nonce": qty(nonce), "code": hexdata(code)}


def _storage_requests(v: Any) -> list[tuple[bytes, list[int]]]:
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into storage requests: want "
                         f"an object of address to storage keys")
    out = []
    for key, slots in v.items():
        if not isinstance(slots, list):
            raise ParamError(f"{key}: cannot unmarshal {codec.json_type(slots)} into storage "
                             f"keys: want an array")
        out.append((codec.address(key), [codec.storage_key(s) for s in slots]))
    total = sum(len(slots) for _, slots in out)
    if total > MAX_STORAGE_VALUES:
        raise ParamError(f"total slot count {total} exceeds limit {MAX_STORAGE_VALUES}")
    return out


@rpc("eth_getStorageValues", _storage_requests, BLOCK)
async def get_storage_values(ctx: Ctx, requests: list, ref) -> dict:
    if not requests:
        raise InvalidParams("empty request")  # geth's answer to {}
    storage = ctx.devnet.storage
    return {hexdata(addr): [word(await ctx.read(storage, addr, slot, ref)) for slot in slots]
            for addr, slots in requests}


@rpc("debug_codeByHash", codec.hash32, opt(raw))
async def debug_code_by_hash(ctx: Ctx, code_hash: bytes, _block: Any) -> str | None:
    """The block is accepted and not needed: stored code never changes under its hash."""
    code = await ctx.read(code_by_hash, ctx.devnet, code_hash)
    return None if code is None else hexdata(code)


def _db_key(v: Any) -> bytes:
    if not isinstance(v, str):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into a key: want a string")
    key = codec.data(v) if v.startswith("0x") else v.encode()
    if len(key) != 33:
        raise ParamError(f"Invalid key length: expected 33 bytes, got {len(key)}")
    if key[0] != DB_CODE_PREFIX:
        raise ParamError("Key prefix must be 0x63 for code hash lookups")
    return key[1:]


@rpc("debug_dbGet", _db_key)
async def debug_db_get(ctx: Ctx, code_hash: bytes) -> str | None:
    code = await ctx.read(code_by_hash, ctx.devnet, code_hash)
    return None if code is None else hexdata(code)


@rpc("erigon_getHeaderByNumber", codec.block_number)
async def erigon_header_by_number(ctx: Ctx, ref) -> dict | None:
    return await get_block_by_number(ctx, ref, False)


@rpc("eth_getTransactionBySenderAndNonce", codec.address, codec.int_or_quantity)
async def transaction_by_sender_and_nonce(ctx: Ctx, sender: bytes, nonce: int) -> dict | None:
    tx_hash = await ctx.run(pooled_by_sender_and_nonce, ctx.devnet, sender, nonce)
    if tx_hash is None:
        tx_hash = await traced(ctx, ctx.devnet.ots_transaction_by_nonce, sender, nonce)
    return None if tx_hash is None else await get_transaction(ctx, tx_hash)


@rpc("eth_sendTransactionSync", params.call_args)
async def send_transaction_sync(ctx: Ctx, args: CallArgs) -> dict:
    _check_chain_id(ctx, args)
    return await send_and_wait(ctx, ctx.devnet.send_transaction, args.request, None)


@rpc("eth_sendUnsignedTransaction", params.call_args)
async def send_unsigned_transaction(ctx: Ctx, args: CallArgs) -> str:
    _check_chain_id(ctx, args)
    if not args.has_from:
        raise InvalidParams('invalid argument 0: "from" is required: the address to send from')
    return hexdata(await ctx.run(ctx.devnet.send_unsigned_transaction, args.request))


@rpc("anvil_setRpcUrl", fork_url)
async def set_rpc_url(ctx: Ctx, url: str) -> None:
    try:
        await ctx.run(fork_reset.set_rpc_url, ctx.devnet, url)
    except fork_reset.NotForked as e:
        raise InvalidParams(str(e)) from None
