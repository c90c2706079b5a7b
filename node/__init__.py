"""node: the devnet behind the JSON-RPC methods. Imports vm/ and state/; no JSON, hex or aiohttp.

- devnet.py     Devnet, the facade rpc/ talks to: submission, mining, calls, dev methods
- miner.py      mining modes and the interval miner
- pool.py       the transaction pool (pending and queued, by sender and nonce)
- calls.py      eth_call, eth_estimateGas, eth_createAccessList on disposable state views
- fast_calls.py eth_call inline on the event loop when its shape ran cheap (bounded)
- read_cache.py decoded accounts, slots and code the call and read views share
- send_here.py  a short automined send mined on the event loop when nothing else is in flight
- queries.py    reads of the chain: blocks, receipts, logs, state at a block, fee history
- filters.py    log filters and polled filters
- workers.py    the writer and reader threads, and deadlines
- accounts.py, signing.py  the dev accounts (BIP-39/44) and EIP-191/712 signing
- config.py     genesis.json;  cli.py  the command line;  statetest.py  `devnet statetest`
- hosts.py      what counts as a loopback address
- chain/        blocks, the chain database, the state transition, fees, block production
- tx/           transactions: types, decoding, crypto, validation, signing, blobs, errors
- tracers/      debug_trace*, trace_* and ots_*: the opcode logger, callTracer, prestateTracer,
                4byte/flatCall/mux, Parity traces, Otterscan, and the replay driver
- dev/          the Anvil/Hardhat dev methods (time, mining, snapshots, state setters, chain
                settings, tokens, Anvil-format state dumps)
- fork/         forking a live chain: the remote client, lazy state, the fork point, reset
- simulate.py, simulate_env.py  eth_simulateV1 on a store overlay
- console_log.py  Hardhat console.log and Kaia vmLog messages;  fork_config.py  eth_config
- anvil_options.py  Anvil's flags;  blocktest.py  `devnet blocktest`
"""
