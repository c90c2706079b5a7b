"""state: key-value stores, RLP, the Merkle Patricia trie, accounts, the journal and StateDB. Imports no project package."""
