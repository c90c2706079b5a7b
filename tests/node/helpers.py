"""Shared set-up for node tests: a Devnet on a memory or LevelDB store, and signed transfers."""
from pydevnet.node.config import Genesis
from pydevnet.node.devnet import Devnet, MiningMode
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.state.store import LevelDBStore, MemoryStore

UNIT = 25 * 10 ** 9
CHAIN_ID = 31337


def make_devnet(path=None, mining=MiningMode.AUTO, genesis=None) -> Devnet:
    store = MemoryStore() if path is None else LevelDBStore(str(path))
    return Devnet(store, genesis or Genesis(), mining=mining)


def accounts(d: Devnet):
    return list(d.accounts.values())


def transfer(key: bytes, nonce: int, to: bytes, value: int = 1, tx_type: int = 2,
             fee: int = UNIT, gas: int = 21000, data: bytes = b"", chain_id: int = CHAIN_ID):
    fields = dict(type=tx_type, chain_id=chain_id, nonce=nonce, gas_limit=gas, to=to,
                  value=value, data=data)
    if tx_type >= 2:
        fields.update(max_fee_per_gas=fee, max_priority_fee_per_gas=0)
    else:
        fields.update(gas_price=fee)
    return sign_transaction(fields, key)


def run(d: Devnet, fn, *args):
    return d.worker.run(fn, *args)
