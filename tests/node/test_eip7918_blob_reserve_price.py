"""EIP-7918 (Osaka): the excess blob gas when a blob's execution cost at the parent's base fee
(BLOB_BASE_COST gas) is above its blob gas cost: it only grows, by the parent's blob gas x
(max - target) / max, instead of moving towards the target; at or below it, EIP-4844's rule.
Prague never applies it; the BPO forks do with their own schedules."""
from types import SimpleNamespace

import pytest

from pydevnet.node.chain.headers import next_excess_blob_gas
from pydevnet.vm.forks import BPO1, OSAKA, PRAGUE
from pydevnet.vm.gas import GAS_PER_BLOB
from pydevnet.vm.spec import BLOB_BASE_COST

TARGET, MAX = 6 * GAS_PER_BLOB, 9 * GAS_PER_BLOB


def parent(excess: int, used: int, base_fee: int) -> SimpleNamespace:
    return SimpleNamespace(excess_blob_gas=excess, blob_gas_used=used, base_fee=base_fee)


def test_below_the_target_the_excess_is_zero_whatever_the_base_fee():
    assert next_excess_blob_gas(OSAKA, parent(TARGET - 1, 0, 10 ** 12)) == 0
    assert next_excess_blob_gas(OSAKA, parent(0, TARGET - 1, 10 ** 12)) == 0


@pytest.mark.parametrize("excess,used", [(TARGET, 0), (TARGET, MAX), (3 * TARGET, 2)])
def test_a_binding_reserve_price_only_lets_the_excess_grow(excess, used):
    p = parent(excess, used, 10 ** 9)  # 8192 gwei a blob against a blob price of a few wei
    assert BLOB_BASE_COST * p.base_fee > GAS_PER_BLOB * OSAKA.blob.base_fee(excess)
    assert next_excess_blob_gas(OSAKA, p) == excess + used * 3 // 9
    assert next_excess_blob_gas(PRAGUE, p) == excess + used - TARGET


def test_at_or_below_the_reserve_eip_4844s_rule_holds():
    # blob base fee 1 at no excess: the reserve binds only above 16 wei (8192 x 16 = 131072)
    for base_fee in (0, 1, GAS_PER_BLOB // BLOB_BASE_COST):
        assert next_excess_blob_gas(OSAKA, parent(TARGET, MAX, base_fee)) == MAX
    assert next_excess_blob_gas(OSAKA, parent(TARGET, MAX, 17)) == TARGET + MAX * 3 // 9


def test_bpo_forks_use_their_own_target_and_max():
    used = 15 * GAS_PER_BLOB
    p = parent(10 * GAS_PER_BLOB, used, 10 ** 9)
    assert next_excess_blob_gas(BPO1, p) == 10 * GAS_PER_BLOB + used * 5 // 15
