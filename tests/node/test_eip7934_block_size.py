"""EIP-7934 (Osaka): a block's RLP is at most MAX_RLP_BLOCK_SIZE (10 MiB less a 2 MiB margin).
An imported block over it is invalid before anything runs (not in Prague); the node's miner
leaves a transaction that would take its block past the cap in the pool for the next block."""
import pytest

from pydevnet.node.chain import chain as chain_module
from pydevnet.node.chain.errors import BlockTooLarge
from pydevnet.node.chain.headers import MAX_RLP_BLOCK_SIZE
from pydevnet.node.chain.importer import ImportedChain
from pydevnet.node.config import Genesis
from pydevnet.node.devnet import MiningMode
from pydevnet.state.rlp import encode
from pydevnet.state.store import MemoryStore
from pydevnet.vm.forks import OSAKA, PRAGUE
from tests.node.helpers import accounts, make_devnet, run, transfer


def test_the_cap_is_eight_mib():
    assert MAX_RLP_BLOCK_SIZE == 10 * 2 ** 20 - 2 * 2 ** 20


@pytest.mark.parametrize("spec,too_large", [(OSAKA, True), (PRAGUE, False)])
def test_an_imported_block_over_the_cap_is_invalid_in_osaka(spec, too_large):
    d = make_devnet(genesis=Genesis(fork="prague"))
    try:
        genesis = d.chain.head
    finally:
        d.shutdown()
    chain = ImportedChain(MemoryStore(), genesis, 31337, lambda ts: spec)
    header = genesis.fields()
    tx = [0, 1, 10 ** 6, b"\x01" * 20, 0, b"\x00" * MAX_RLP_BLOCK_SIZE, 27, 1, 1]  # legacy
    raw = encode([header, [tx], [], []])
    with pytest.raises(BlockTooLarge if too_large else Exception) as e:
        chain.import_block(raw)
    assert isinstance(e.value, BlockTooLarge) == too_large


def test_the_miner_leaves_what_does_not_fit_for_the_next_block(monkeypatch):
    d = make_devnet(genesis=Genesis(fork="osaka"), mining=MiningMode.MANUAL)
    try:
        a, b = accounts(d)[:2]
        txs = [transfer(k.private_key, 0, b.address, gas=200_000, data=b"\x01" * 1000)
               for k in (a, b)]
        for tx in txs:
            run(d, d.submit, tx)
        limit = chain_module.BLOCK_RLP_OVERHEAD + chain_module.TX_RLP_OVERHEAD + 1200
        monkeypatch.setattr(chain_module, "MAX_RLP_BLOCK_SIZE", limit)
        first = run(d, d.mine_pending)
        second = run(d, d.mine_pending)
        assert [len(first.block.transactions), len(second.block.transactions)] == [1, 1]
        assert len(first.block.encode()) <= limit
    finally:
        d.shutdown()
