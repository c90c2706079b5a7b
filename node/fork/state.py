"""The lazy state of a fork: the StateSource (state/statedb.py) that fills the trie from the
remote's EIP-1186 proofs.

The fork's state root is the remote block's stateRoot, with none of its nodes stored. A read that
meets a missing node asks for `eth_getProof(address, [slots], block)` of the key being read and
stores every node of the answer under its own keccak256 (the trie's key for it), so a wrong or
forged answer cannot stand in for the real node: it lands under another key and the read misses
again (then fails). Code comes from `eth_getCode`, stored under keccak256(code): again only the
code whose hash the account names can be found. The account's proof and its code travel in one
JSON-RPC batch. Everything stored is an ordinary trie node or code record of the data dir: a
restart needs no remote for what it has seen, and local writes hash into correct MPT roots on top
of the remote's.

The block asked for is the one whose stateRoot the StateDB was opened on (a remote block before
the fork point, for eth_call or eth_getBalance there), else the fork block (every local root: a
node missing under a local root hangs at the same path as in the fork block's trie, since updates
keep unloaded subtrees at their nibble path).

A deletion that collapses a branch needs its other child, which no read touched. The sibling has a
path but no known key: node_at looks for a key whose keccak256 starts with that nibble path (a
20-byte address or a 32-byte slot, at most MAX_SEARCH_NIBBLES nibbles deep: 16**5 hashes, about a
second) and fetches its proof, which passes through the sibling. A sibling deeper than that (an
account trie of mainnet's size, where branches 6+ nibbles deep hold 2 children) is refused with
ForkStateError naming the limit; such a delete there is a self-destruct of a contract created in
the same transaction next to a remote account, or an account emptied to nothing (EIP-161).
"""
from __future__ import annotations

import itertools

from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import CODE_PREFIX, PREIMAGE_PREFIX
from pydevnet.state.store import KVStore
from pydevnet.state.trie import NODE_PREFIX
from pydevnet.node.fork.remote import RemoteClient, RemoteError, block_param, hexes

MAX_SEARCH_NIBBLES = 5
ROOT_PREFIX = b"Rs"  # b"Rs" + a remote block's stateRoot -> its number (8 bytes)


class ForkStateError(RemoteError):
    """The remote's state cannot be read as asked (a limit of the lazy fork, named)."""


def _hex(b: bytes) -> str:
    return "0x" + b.hex()


class RemoteState:
    """The StateSource of a fork at remote block `number` over `store`."""

    def __init__(self, client: RemoteClient, store: KVStore, number: int) -> None:
        self.client = client
        self.store = store
        self.number = number
        self.fetches = 0  # remote calls made for state (the benchmark reports it)

    def remember_root(self, root: bytes, number: int, batch: dict[bytes, bytes]) -> None:
        batch[ROOT_PREFIX + root] = number.to_bytes(8, "big")

    def block_of(self, root: bytes) -> str:
        raw = self.store.get(ROOT_PREFIX + root)
        number = int.from_bytes(raw, "big") if raw is not None else self.number
        return block_param(min(number, self.number))

    # -- StateSource ---------------------------------------------------------------------------
    def account(self, root: bytes, addr: bytes) -> None:
        block = self.block_of(root)
        proof, code = self.client.batch([("eth_getProof", [_hex(addr), [], block]),
                                         ("eth_getCode", [_hex(addr), block])])
        self.fetches += 1
        self._keep(proof, {keccak256(addr): addr}, hexes(code))

    def storage(self, root: bytes, addr: bytes, key: int) -> None:
        slot = key.to_bytes(32, "big")
        proof = self.client.call("eth_getProof", [_hex(addr), [_hex(slot)], self.block_of(root)])
        self.fetches += 1
        self._keep(proof, {keccak256(addr): addr, keccak256(slot): slot}, b"")

    def code(self, root: bytes, addr: bytes) -> None:
        code = self.client.call("eth_getCode", [_hex(addr), self.block_of(root)])
        self.fetches += 1
        self._keep({}, {}, hexes(code))

    def node_at(self, root: bytes, addr: bytes | None, path: bytes) -> None:
        key = _key_under(path, 20 if addr is None else 32)
        if addr is None:
            self.account(root, key)
        else:
            self.storage(root, addr, int.from_bytes(key, "big"))

    # -- storing -------------------------------------------------------------------------------
    def _keep(self, proof: dict, preimages: dict[bytes, bytes], code: bytes) -> None:
        """Store the proof's nodes and the code, each under its own hash, in one batch."""
        if not isinstance(proof, dict):
            raise ForkStateError(f"fork remote {self.client.url}: eth_getProof answered "
                                 f"{str(proof)[:100]}")
        nodes = [hexes(n) for n in proof.get("accountProof") or []]
        for entry in proof.get("storageProof") or []:
            nodes += [hexes(n) for n in entry.get("proof") or []]
        batch = {NODE_PREFIX + keccak256(n): n for n in nodes}
        batch.update((PREIMAGE_PREFIX + h, k) for h, k in preimages.items())
        if code:
            batch[CODE_PREFIX + keccak256(code)] = code
        self.store.write_batch(batch, sync=False)


def _key_under(path: bytes, size: int) -> bytes:
    """A `size`-byte key whose keccak256 starts with the nibble `path`."""
    if len(path) > MAX_SEARCH_NIBBLES:
        raise ForkStateError(
            f"a deletion needs a remote trie node {len(path)} nibbles deep that no read fetched "
            f"(the lazy fork finds those at most {MAX_SEARCH_NIBBLES} deep)")
    want = bytes.fromhex("".join("%x" % n for n in path) + ("0" if len(path) % 2 else ""))
    whole, odd = len(path) // 2, len(path) % 2
    for i in itertools.count():
        key = i.to_bytes(size, "big")
        h = keccak256(key)
        if h[:whole] == want[:whole] and (not odd or h[whole] >> 4 == path[-1]):
            return key
    raise AssertionError("unreachable")
