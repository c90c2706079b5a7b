"""The fork point and the remote's history before it.

`open_fork` settles the remote block N the chain starts from: the one a data dir already forked
from (recorded under FORK_RECORD, so a restart needs no remote and cannot drift to another head),
else --fork-block-number, else the remote's latest block. Block N's header becomes the local
chain's first block: blocks N+1 onward are mined on it with parentHash = its hash. Its header must
re-encode to the remote's hash (Cancun or later: the node's header layout), or the fork is refused.

Blocks before N are the remote's: `header(n)` fetches a header once, checks that it hashes to the
remote's hash, and stores it as an ordinary canonical header of the data dir (with its stateRoot
mapped to n for the lazy state), so BLOCKHASH, eth_call and balances at those blocks read it
locally from then on. `cached_call` keeps the remote's JSON answers about its own finished
history (blocks, transactions, receipts, logs at or before N: fixed for good) under JSON_PREFIX.
"""
from __future__ import annotations

import json

from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import decode, decode_int, encode
from pydevnet.state.store import KVStore
from pydevnet.node.chain.blocks import Header
from pydevnet.node.chain.db import P_HEADER, P_NUMBER, P_REMOTE
from pydevnet.node.fork.remote import RemoteClient, RemoteError, block_param, hexes, qty
from pydevnet.node.fork.state import RemoteState

FORK_RECORD = P_REMOTE + b"f"  # rlp([url, block number, remote chain id])
JSON_PREFIX = P_REMOTE + b"j"  # + keccak256(method, params) -> the remote's JSON result

_JSON_HEADER = (("parent_hash", "parentHash"), ("ommers_hash", "sha3Uncles"),
                ("coinbase", "miner"), ("state_root", "stateRoot"),
                ("transactions_root", "transactionsRoot"), ("receipts_root", "receiptsRoot"),
                ("logs_bloom", "logsBloom"), ("difficulty", "difficulty"), ("number", "number"),
                ("gas_limit", "gasLimit"), ("gas_used", "gasUsed"), ("timestamp", "timestamp"),
                ("extra_data", "extraData"), ("mix_hash", "mixHash"), ("nonce", "nonce"),
                ("base_fee", "baseFeePerGas"), ("withdrawals_root", "withdrawalsRoot"),
                ("blob_gas_used", "blobGasUsed"), ("excess_blob_gas", "excessBlobGas"),
                ("parent_beacon_block_root", "parentBeaconBlockRoot"),
                ("requests_hash", "requestsHash"))
_INTS = {"difficulty", "number", "gas_limit", "gas_used", "timestamp", "base_fee",
         "blob_gas_used", "excess_blob_gas"}


class ForkError(RemoteError):
    """The remote's chain cannot be forked as asked."""


def header_from_json(block: dict) -> Header:
    """The header of a remote block, checked against the hash the remote gave."""
    if not isinstance(block, dict):
        raise ForkError("the remote has no such block")
    fields = {}
    for name, key in _JSON_HEADER:
        value = block.get(key)
        if value is None:
            if name == "requests_hash":
                fields[name] = None
                continue
            raise ForkError(f"remote block {block.get('number')} has no {key}: only Cancun and "
                            f"later blocks can be forked")
        fields[name] = qty(value) if name in _INTS else hexes(value)
    header = Header(**fields)
    if header.hash != hexes(block.get("hash")):
        raise ForkError(f"remote block {header.number}'s header does not hash to its hash "
                        f"{block.get('hash')} in this node's header layout")
    return header


class Fork:
    """A chain forked from `client`'s block `number` (`header`); the remote's chain id."""

    def __init__(self, client: RemoteClient, store: KVStore, header: Header,
                 remote_chain_id: int) -> None:
        self.client = client
        self.store = store
        self.header = header
        self.number = header.number
        self.remote_chain_id = remote_chain_id
        self.state = RemoteState(client, store, header.number)

    @property
    def url(self) -> str:
        return self.client.url

    def first_block_batch(self) -> dict[bytes, bytes]:
        """The records that make block N the data dir's first block's companions."""
        batch = {FORK_RECORD: encode([self.url.encode(), self.number, self.remote_chain_id])}
        self.state.remember_root(self.header.state_root, self.number, batch)
        return batch

    def remote_header(self, number: int) -> Header | None:
        """Remote block `number` (< N) as a canonical header of the data dir, fetched once."""
        if not 0 <= number < self.number:
            return None
        block = self.client.call("eth_getBlockByNumber", [block_param(number), False])
        if block is None:
            return None
        h = header_from_json(block)
        batch = {P_HEADER + h.hash: h.encode(), P_NUMBER + number.to_bytes(8, "big"): h.hash}
        self.state.remember_root(h.state_root, number, batch)
        self.store.write_batch(batch)
        return h

    def cached_call(self, method: str, params: list, keep=lambda result: True):
        """The remote's answer to a call about its history, from the data dir when seen before.
        An answer `keep` refuses (null: not there yet) is returned but not stored."""
        key = JSON_PREFIX + keccak256(json.dumps([method, params]).encode())
        raw = self.store.get(key)
        if raw is not None:
            return json.loads(raw)
        result = self.client.call(method, params)
        if result is not None and keep(result):
            self.store.write_batch({key: json.dumps(result).encode()}, sync=False)
        return result


def recorded_fork(store: KVStore) -> tuple[str, int, int] | None:
    """(url, block number, remote chain id) of the fork a data dir holds, if any."""
    raw = store.get(FORK_RECORD)
    if raw is None:
        return None
    url, number, chain_id = decode(raw)
    return url.decode(), decode_int(number), decode_int(chain_id)


def open_fork(store: KVStore, url: str, number: int | None, retries: int,
              timeout: float) -> Fork:
    """The fork at remote block `number` (None: the recorded one, else the remote's latest)."""
    client = RemoteClient(url, retries, timeout)
    recorded = recorded_fork(store)
    if recorded is not None:
        _, rec_number, chain_id = recorded
        if number is not None and number != rec_number:
            raise ForkError(f"the data dir holds a fork at block {rec_number}, not {number}: "
                            f"use another --datadir (or anvil_reset to move the fork)")
        header = _stored_header(store, rec_number)
        if header is not None:
            return Fork(client, store, header, chain_id)
        number = rec_number
    return fetch_fork(client, store, number)


def fetch_fork(client: RemoteClient, store: KVStore, number: int | None) -> Fork:
    """The fork at `number` (None: latest), asking the remote."""
    tag = "latest" if number is None else block_param(number)
    chain_id, block = client.batch([("eth_chainId", []), ("eth_getBlockByNumber", [tag, False])])
    if block is None:
        raise ForkError(f"fork remote {client.url} has no block {number}")
    return Fork(client, store, header_from_json(block), qty(chain_id))


def _stored_header(store: KVStore, number: int) -> Header | None:
    h = store.get(P_NUMBER + number.to_bytes(8, "big"))
    raw = store.get(P_HEADER + h) if h is not None else None
    return Header.decode(raw) if raw is not None else None
