"""Thin method adapters by namespace: decode (done by the dispatcher), call the devnet on its VM
worker, encode. Importing this package registers every method in rpc.registry.METHODS."""
from pydevnet.rpc.methods import (blocks, dev, execute, filters, info, sign, state, subscribe)  # noqa: F401
from pydevnet.rpc.methods import debug, dev_state, ots, trace, txpool  # noqa: F401
from pydevnet.rpc.methods import anvil_state  # noqa: F401
from pydevnet.rpc.methods import config  # noqa: F401 -- eth_config (EIP-7910)
from pydevnet.rpc.methods import send_sync, simulate  # noqa: F401
from pydevnet.rpc.methods import anvil_extra  # noqa: F401 -- Anvil's remaining names
from pydevnet.rpc.methods import kardia  # noqa: F401 -- last: it aliases methods registered above
