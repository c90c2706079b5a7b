"""Fee settlement policies for the state transition.

EthereumFees is mainnet's EIP-1559 market (used by the ethereum/tests fixtures): the effective
price is min(maxFee, baseFee + tip), the base fee is burned and only the tip reaches the coinbase.
UnitPriceFees is the devnet's Klaytn-style fixed price: every block's base fee is the unit price,
every transaction pays exactly gasUsed x unitPrice whatever it offered, and all of it goes to the
coinbase.
Under both policies the blob fee of a type-3 transaction (EIP-4844: blob gas x the block's blob
base fee) is charged up front by node/chain/transition.py and burned: it is not execution gas, so no
policy prices it and the coinbase never receives it.
"""
from pydevnet.node.tx.errors import FeeTooLow


def _check_caps(tx, floor: int) -> None:
    if tx.type >= 2:  # tip <= fee cap is validate_stateless's (EIP-1559)
        if tx.max_fee_per_gas < floor:
            raise FeeTooLow(f"maxFeePerGas {tx.max_fee_per_gas} < {floor}")
    elif tx.gas_price < floor:
        raise FeeTooLow(f"gasPrice {tx.gas_price} < {floor}")


class EthereumFees:
    """EIP-1559: base fee burned, priority fee to the coinbase."""

    def effective_gas_price(self, tx, base_fee: int) -> int:
        _check_caps(tx, base_fee)
        if tx.type >= 2:
            return base_fee + min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee)
        return tx.gas_price

    def coinbase_reward(self, gas_used: int, price: int, base_fee: int) -> int:
        return gas_used * (price - base_fee)


class UnitPriceFees:
    """The devnet's fixed unit price: gasUsed x unitPrice, all of it to the coinbase."""

    def __init__(self, unit_price: int) -> None:
        self.unit_price = unit_price

    def effective_gas_price(self, tx, base_fee: int) -> int:
        _check_caps(tx, self.unit_price)
        return self.unit_price

    def coinbase_reward(self, gas_used: int, price: int, base_fee: int) -> int:
        return gas_used * price
