"""Transaction-validity errors: why a transaction cannot be included at all.

These are raised by decoding, stateless validation and the state transition's pre-checks; the pool
and the state-test runner catch them, and rpc/ maps them to JSON-RPC errors. Each has a distinct
class so callers can tell the failures apart; messages follow geth's wording where it has one.
"""


class InvalidTransaction(Exception):
    """Base: the transaction is invalid and changes nothing."""

    message = "invalid transaction"

    def __init__(self, detail: str = ""):
        super().__init__(f"{self.message}: {detail}" if detail else self.message)
        self.detail = detail


class DecodeError(InvalidTransaction):
    message = "rlp: invalid transaction encoding"


class UnsupportedType(InvalidTransaction):
    message = "transaction type not supported"


class InvalidSignature(InvalidTransaction):
    message = "invalid transaction v, r, s values"  # geth's ErrInvalidSig


class WrongChainId(InvalidTransaction):
    message = "invalid chain id for signer"


class NonceTooLow(InvalidTransaction):
    message = "nonce too low"


class NonceTooHigh(InvalidTransaction):
    message = "nonce too high"


class NonceMax(InvalidTransaction):
    message = "nonce has max value"


class InsufficientFunds(InvalidTransaction):
    message = "insufficient funds for gas * price + value"


class IntrinsicGasTooLow(InvalidTransaction):
    message = "intrinsic gas too low"


class GasLimitExceeded(InvalidTransaction):
    message = "exceeds block gas limit"


class GasLimitTooHigh(InvalidTransaction):
    """gasLimit above 2**64 - 1."""

    message = "gas limit too high"


class FeeTooLow(InvalidTransaction):
    """gasPrice or maxFeePerGas below the block's base fee (the devnet's unit price)."""

    message = "max fee per gas less than block base fee"


class TipAboveFeeCap(InvalidTransaction):
    message = "max priority fee per gas higher than max fee per gas"


class FeeOverflow(InvalidTransaction):
    """A fee field, or gasLimit x price, does not fit in 256 bits."""

    message = "fee value overflows 256 bits"


class InitcodeTooLarge(InvalidTransaction):
    message = "max initcode size exceeded"


class SenderNotEOA(InvalidTransaction):
    message = "sender not an eoa"


class AlreadyKnown(InvalidTransaction):
    message = "already known"


class BlobTxInvalid(InvalidTransaction):
    """Type-3 rules: no blobs, too many, bad versioned hash, contract creation, blob fee too low."""

    message = "invalid blob transaction"


class IntegerOverflow(DecodeError):
    """An integer field wider than its wire type (uint64 nonce, uint256 value, chain id or v)."""

    message = "rlp: integer field overflows its type"
