"""The chain: blocks and their encodings, the chain database on the key-value store, the state
transition and fee policies, and block production.

- blocks.py      headers, bodies, receipts and blooms, by Ethereum's encoding rules
- db.py          the key layout in LevelDB (schema 2) and the chain's records
- chain.py       Chain: genesis, the head, the state at any block, mining, rewinds
- transition.py  one transaction applied to the state (execution-specs' process_transaction)
- fees.py        the fixed unit price, and Ethereum's fee market for state tests

May import node/tx, vm/ and state/.
"""
