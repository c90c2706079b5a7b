"""The chain: blocks and their encodings, the chain database on the key-value store, the state
transition and fee policies, and block production.

- blocks.py      headers, bodies, receipts and blooms, by Ethereum's encoding rules
- db.py          the key layout in LevelDB (schema 3) and the chain's records
- chain.py       Chain: opening a data dir, the head, the state at any block, mining
- genesis.py     the genesis accounts, state digest and header; genesis_state.py builds its trie
- transition.py  one transaction applied to the state (execution-specs' process_transaction)
- fees.py        the fixed unit price, and Ethereum's fee market for state tests
- system.py, requests.py  the system contracts and their calls; EIP-7685 requests
- headers.py, importer.py, errors.py  header validity and block import by Ethereum's rules
- log_index.py   the address/topic index behind eth_getLogs;  rewind.py  rollback, reorg, setHead

May import node/tx, vm/ and state/.
"""
