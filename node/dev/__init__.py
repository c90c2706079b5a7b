"""The dev methods Anvil and Hardhat users expect, as mixins of the Devnet facade and the state
they move (rpc/methods/dev*.py, anvil_*.py are their adapters):

- chain.py       mining on demand, snapshots and reverts, time, mining modes (evm_*, anvil_mine)
- state.py       setBalance/setCode/setNonce/setStorageAt, impersonation, pool drops
- settings.py    chain id, coinbase, unit price, gas limit, prevrandao, time interval, reset
- tokens.py      addBalance, dealERC20/setERC20Allowance, eth_getAccount, eth_fillTransaction
- extra.py       Anvil's smaller reads (code by hash, mining interval, tx by sender and nonce)
- state_dump.py  anvil_dumpState/anvil_loadState and --dump-state/--load-state in Anvil's format

May import the rest of node/, vm/ and state/; nothing in node/ but devnet.py, cli.py and
anvil_options.py imports it.
"""
