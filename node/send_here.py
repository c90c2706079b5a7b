"""An automined eth_sendRawTransaction mined on the calling thread (the event loop) instead of
the writer thread, when that is short and nothing else waits.

Handing a send to the writer thread and its answer back costs two thread wake-ups, the futures
between them and the GIL changing hands: about 15 % of a LevelDB transfer's CPU time
(bench/README.md). A send is run here, as the writer (`VMWorker.run_here`: one job at a time,
in order, as on the writer thread), only when the writer is idle, the node automines, no other
transaction is pooled (so the block holds this one alone), it is not a blob transaction (its
KZG proofs take milliseconds), its gas limit is at most QUICK_SEND_GAS, which bounds how long
the loop waits, the chain is not a fork (whose state may come over the network, in
node/fork/remote.py's blocking requests) and blocks are not written with --fsync (a disk flush
each, which the writer thread waits for while the loop runs on). Otherwise, or if the writer
is busy, the caller hands it to the writer as before (the transaction already decoded, when it
was). The checks and errors are `Devnet.submit`'s in both cases, so the answers, the pool's
queue and the blocks do not depend on where the send ran. One order does: a send mined here is
answered before the loop passes the block's newHeads/logs notifications to WebSocket
subscribers (on another connection; the writer's blocks posted them before its answer).
"""
from pydevnet.node.miner import MiningMode
from pydevnet.node.tx.decode import decode_pooled_transaction
from pydevnet.node.tx.types import BLOB_TX_TYPE, Transaction

# the loop waits while the block is mined: up to this gas limit (a transfer, a token transfer or
# approval) the interpreter's worst case is about 10-25 ms
QUICK_SEND_GAS = 100_000


def send_raw_here(devnet, raw: bytes) -> tuple[bytes | None, Transaction | None]:
    """(hash, None) if `raw` was submitted (and automined) on this thread. Otherwise it must go
    to the writer: (None, tx) when it was decoded here and is no blob transaction (the writer
    runs devnet.submit(tx), as devnet.send_raw_transaction would after decoding it again),
    (None, None) when it was not decoded (devnet.send_raw_transaction(raw)). Raises what
    decoding or submitting raises."""
    if devnet.mining is not MiningMode.AUTO or len(devnet.pool) or devnet.fork is not None \
            or getattr(devnet.store, "fsync", False):
        return None, None
    tx, _ = decode_pooled_transaction(raw)
    if tx.type == BLOB_TX_TYPE:
        return None, None  # its sidecar is checked by devnet.send_raw_transaction
    if tx.gas_limit > QUICK_SEND_GAS:
        return None, tx
    done, tx_hash = devnet.worker.run_here(_submit_alone, devnet, tx)
    return (tx_hash, None) if done and tx_hash is not None else (None, tx)


def _submit_alone(devnet, tx: Transaction) -> bytes | None:
    if len(devnet.pool):  # looked at again as the writer: only now is the answer sure
        return None
    return devnet.submit(tx)
