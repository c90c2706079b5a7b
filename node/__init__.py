"""node: the devnet behind the JSON-RPC methods. Imports vm/ and state/; no JSON, hex or aiohttp.

- devnet.py     Devnet, the facade rpc/ talks to: submission, mining, calls, dev methods
- miner.py      mining modes and the interval miner
- pool.py       the transaction pool (pending and queued, by sender and nonce)
- calls.py      eth_call, eth_estimateGas, eth_createAccessList on disposable state views
- queries.py    reads of the chain: blocks, receipts, logs, state at a block, fee history
- filters.py    log filters and polled filters
- dev_state.py  setBalance/setCode/setNonce/setStorageAt and impersonation
- workers.py    the writer and reader threads, and deadlines
- accounts.py, signing.py  the dev accounts (BIP-39/44) and EIP-191/712 signing
- config.py     genesis.json;  cli.py  the command line;  statetest.py  `devnet statetest`
- hosts.py      what counts as a loopback address
- chain/        blocks, the chain database, the state transition, fees, block production
- tx/           transactions: types, decoding, crypto, validation, signing, blobs, errors
- tracers/      debug_trace*: the opcode logger, callTracer, prestateTracer and replay
"""
