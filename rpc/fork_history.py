"""A forked chain's history before the fork point is the remote's (issue 12): the block, transaction,
receipt and log methods answer from the remote for blocks at or before the fork block N (its JSON,
cached in the data dir by node/fork/point.py: that history is final) and locally after it.

`answer` is called by the dispatcher for these methods on a forked devnet only; it returns LOCAL
when the local handler should answer. Lookups by transaction hash try the local chain first, then
the remote, keeping only what the remote mined at or before N. eth_getLogs over a range that spans
N is split: the remote's logs up to N, then the local ones after it; eth_getFilterLogs of a filter
whose range spans N the same (`filter_logs`). Remote calls run off the event loop (the client
blocks while it retries).
"""
import asyncio
from typing import Any

from pydevnet.node.filters import LogFilter
from pydevnet.node.queries import EARLIEST, LATEST, PENDING, SAFE, FINALIZED

LOCAL = object()
BY_NUMBER = {"eth_getBlockByNumber", "eth_getBlockTransactionCountByNumber",
             "eth_getTransactionByBlockNumberAndIndex", "eth_getBlockReceipts",
             "eth_getRawTransactionByBlockNumberAndIndex", "eth_getUncleCountByBlockNumber",
             "eth_getUncleByBlockNumberAndIndex"}
BY_BLOCK_HASH = {"eth_getBlockByHash", "eth_getBlockTransactionCountByHash",
                 "eth_getTransactionByBlockHashAndIndex", "eth_getRawTransactionByBlockHashAndIndex",
                 "eth_getUncleCountByBlockHash", "eth_getUncleByBlockHashAndIndex"}
BY_TX_HASH = {"eth_getTransactionByHash", "eth_getTransactionReceipt"}
METHODS = BY_NUMBER | BY_BLOCK_HASH | BY_TX_HASH | {"eth_getLogs"}


async def _remote(fork, method: str, params: list, keep=lambda r: True) -> Any:
    return await asyncio.to_thread(fork.cached_call, method, params, keep)


def _at_or_before(fork):
    """Whether a remote answer belongs to the fork's history (mined at or before N)."""
    def keep(r: Any) -> bool:
        n = r.get("blockNumber", r.get("number")) if isinstance(r, dict) else None
        return n is None or int(n, 16) <= fork.number
    return keep


async def _remote_history(fork, name: str, params: list) -> Any:
    keep = _at_or_before(fork)
    result = await _remote(fork, name, params, keep)
    return result if result is None or keep(result) else None


def _number(ref: Any, head: int) -> int | None:
    if isinstance(ref, int):
        return ref
    if ref == EARLIEST:
        return 0
    if ref in (LATEST, SAFE, FINALIZED):
        return head
    return None  # pending, or a hash reference


async def answer(ctx, name: str, args: tuple, params: Any, call_local) -> Any:
    """The answer for `name` on a forked chain, or LOCAL."""
    devnet = ctx.devnet
    fork = devnet.fork
    if name in BY_NUMBER:
        n = _number(args[0], devnet.chain.head.number)
        if n is None or n > fork.number:
            return LOCAL
        return await _remote(fork, name, [hex(n), *params[1:]])
    if name in BY_BLOCK_HASH or (name == "eth_getBlockReceipts" and not isinstance(args[0], int)):
        header = devnet.chain.db.header(args[0]) if isinstance(args[0], bytes) else None
        if header is not None and header.number > fork.number:
            return LOCAL
        return await _remote_history(fork, name, list(params))
    if name in BY_TX_HASH:
        local = await call_local()
        if local is not None:
            return local
        return await _remote_history(fork, name, list(params))
    return await _logs(ctx, fork, params, call_local)


async def _logs(ctx, fork, params: list, call_local) -> Any:
    spec = dict(params[0]) if params and isinstance(params[0], dict) else {}
    if "blockHash" in spec:
        header = ctx.devnet.chain.db.header(bytes.fromhex(spec["blockHash"][2:]))
        if header is not None and header.number > fork.number:
            return await call_local()
        return await _remote(fork, "eth_getLogs", [spec])
    head = ctx.devnet.chain.head.number
    lo = _tag(spec.get("fromBlock", LATEST), head)
    hi = _tag(spec.get("toBlock", LATEST), head)
    if lo is None or hi is None or lo > fork.number:
        return await call_local()
    await call_local()  # the local checks (a reversed or too large range) come first
    remote = await _remote(fork, "eth_getLogs", [{**spec, "fromBlock": hex(lo),
                                                   "toBlock": hex(min(hi, fork.number))}])
    if hi <= fork.number:
        return remote
    local = await call_local({**spec, "fromBlock": hex(fork.number + 1)})
    return remote + local


def _tag(value: Any, head: int) -> int | None:
    if value == PENDING:
        return None
    if isinstance(value, str) and value.startswith("0x"):
        return int(value, 16)
    return _number(value, head)


async def filter_logs(ctx, criteria: LogFilter, local_logs) -> list:
    """eth_getFilterLogs on a fork: the filter's logs as eth_getLogs gives them (the remote's up
    to N joined); `local_logs(criteria)` answers the local part as JSON entries."""
    async def call_local(replaced: dict | None = None) -> list:
        if replaced is None:
            return await local_logs(criteria)
        part = LogFilter(int(replaced["fromBlock"], 16), criteria.to_block, criteria.addresses,
                         None, criteria.block_hash)
        part.topics = criteria.topics
        return await local_logs(part)
    return await _logs(ctx, ctx.devnet.fork, [_spec_json(criteria)], call_local)


def _spec_json(c: LogFilter) -> dict:
    """A LogFilter as the remote's eth_getLogs filter object."""
    def bound(b: Any) -> str:
        return hex(b) if isinstance(b, int) else (b or LATEST)
    spec: dict[str, Any] = {}
    if c.block_hash is not None:
        spec["blockHash"] = "0x" + c.block_hash.hex()
    else:
        spec.update(fromBlock=bound(c.from_block), toBlock=bound(c.to_block))
    if c.addresses:
        spec["address"] = ["0x" + a.hex() for a in sorted(c.addresses)]
    if c.topics:
        spec["topics"] = [None if t is None else ["0x%064x" % x for x in sorted(t)]
                          for t in c.topics]
    return spec
