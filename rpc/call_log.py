"""The node log's call lines, as Anvil prints them: one line per JSON-RPC call with the method's
name, the transaction hash after an eth_sendRawTransaction / eth_sendTransaction (under any of
their names), and for a transaction the node refused, a `Rejected:` line with its hash (when the
bytes decode), its sender and the reason (nonce too low, underpriced, unsupported type, ...).

Lines go to the `devnet.calls` logger at INFO: --quiet and --silent turn them off, and
anvil_setLoggingEnabled(false) (devnet.log_enabled) at runtime.
"""
import logging
from typing import Any

from pydevnet.node.tx.decode import decode_pooled_transaction
from pydevnet.rpc.registry import lookup

log = logging.getLogger("devnet.calls")
SEND_METHODS = frozenset({"eth_sendRawTransaction", "eth_sendTransaction"})


def enabled(devnet) -> bool:
    return getattr(devnet, "log_enabled", True) and log.isEnabledFor(logging.INFO)


def log_call(name: str, params: Any, result: Any, error: str | None) -> None:
    """Log one call: `name`, its `result` if it sent a transaction, or the rejection."""
    found = lookup(name)
    if found is None or found[0].name not in SEND_METHODS:
        log.info("%s", name)
        return
    if error is None:
        log.info("%s %s", name, result)
        return
    log.info("%s", name)
    tx_hash, sender = _identify(found[0].name, params)
    log.info("    Rejected: %s  from %s  %s", tx_hash, sender, error)


def _identify(method: str, params: Any) -> tuple[str, str]:
    """(hash, sender) of a refused transaction, as far as its parameters tell."""
    first = params[0] if isinstance(params, list) and params else None
    if method == "eth_sendTransaction":
        sender = first.get("from") if isinstance(first, dict) else None
        return "(not signed)", str(sender or "(none)")
    try:
        tx, _ = decode_pooled_transaction(bytes.fromhex(first[2:]))
    except Exception:  # undecodable bytes are what is being reported
        return "(undecodable)", "(unknown)"
    try:
        sender = "0x" + tx.sender.hex()
    except Exception:  # an invalid signature: no sender to name
        sender = "(invalid signature)"
    return "0x" + tx.hash.hex(), sender
