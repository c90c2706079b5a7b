"""eth_config (EIP-7910): the configuration of the chain's fork, for checking that a node runs
the fork, blob schedule, precompiles and system contracts a tool expects.

The answer is {current, next, last}; a pydevnet chain runs one fork from genesis, so `next` and
`last` are null (node/fork_config.py). Each configuration object has EIP-7910's members in its
order: activationTime and the blob schedule's numbers as JSON numbers, chainId a quantity, forkId
four bytes of hex, precompiles and systemContracts as {name: address} with lower-case addresses
(keys sorted, as the EIP presents them).
"""
from typing import Any

from pydevnet.node.fork_config import ForkConfig, chain_config
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.registry import Ctx, rpc


def _addresses(named: dict[str, bytes]) -> dict[str, str]:
    return {name: hexdata(named[name]) for name in sorted(named)}


def config_json(c: ForkConfig) -> dict[str, Any]:
    return {
        "activationTime": c.activation_time,
        "blobSchedule": {"baseFeeUpdateFraction": c.blob_schedule.update_fraction,
                         "max": c.blob_schedule.max, "target": c.blob_schedule.target},
        "chainId": qty(c.chain_id),
        "forkId": hexdata(c.fork_id),
        "precompiles": _addresses(c.precompiles),
        "systemContracts": _addresses(c.system_contracts),
    }


@rpc("eth_config")
async def eth_config(ctx: Ctx) -> dict[str, Any]:
    current = chain_config(ctx.devnet.chain, ctx.devnet.chain_id)
    return {"current": config_json(current), "next": None, "last": None}
