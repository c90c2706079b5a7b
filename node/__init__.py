"""node: chain, blocks, transactions, pool, miner, executor, genesis, CLI and the state-test runner."""
