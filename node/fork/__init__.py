"""Forking a live chain (--fork-url): the remote's JSON-RPC client (remote.py), the lazy state
source that fills the trie from eth_getProof (state.py), and the fork point with the remote's
history before it (point.py)."""
