"""Chain facts behind Anvil's smaller methods (rpc/methods/anvil_extra.py): code by its hash
(debug_codeByHash, debug_dbGet), the mining interval (anvil_getIntervalMining) and a pooled
transaction by sender and nonce (eth_getTransactionBySenderAndNonce; the mined ones come from
Otterscan's lookup, node/tracers/otterscan.py). Plain functions of the devnet, no JSON.
"""
from pydevnet.node.miner import MiningMode
from pydevnet.state.hashing import EMPTY_CODE_HASH
from pydevnet.state.statedb import CODE_PREFIX


def code_by_hash(devnet, code_hash: bytes) -> bytes | None:
    """The code whose keccak256 is `code_hash`, or None if the store never held it. Code is
    content-addressed and never deleted, so code of rewound blocks is still found (as in Anvil's
    database)."""
    if code_hash == EMPTY_CODE_HASH:
        return b""
    return devnet.store.get(CODE_PREFIX + code_hash)


def mining_interval(devnet) -> float | None:
    """Seconds between interval-mined blocks, or None when no interval miner runs (automine
    alone, or manual mining)."""
    if devnet.mining is MiningMode.INTERVAL or (devnet.mixed_mining and devnet.block_time):
        return devnet.block_time
    return None


def pooled_by_sender_and_nonce(devnet, sender: bytes, nonce: int) -> bytes | None:
    """The hash of `sender`'s pooled transaction with `nonce` (pending or queued), or None."""
    for tx in devnet.pooled_transactions():
        if tx.sender == sender and tx.nonce == nonce:
            return tx.hash
    return None
