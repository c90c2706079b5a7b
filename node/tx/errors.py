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


class FloorDataGasTooLow(InvalidTransaction):
    """A gas limit below the EIP-7623 calldata floor (Prague)."""

    message = "insufficient gas for floor data gas cost"


class GasLimitExceeded(InvalidTransaction):
    message = "exceeds block gas limit"


class GasLimitTooHigh(InvalidTransaction):
    """gasLimit above 2**64 - 1."""

    message = "gas limit too high"


class TxGasLimitTooHigh(InvalidTransaction):
    """gasLimit above EIP-7825's cap of 2**24 (Osaka)."""

    message = "transaction gas limit too high"


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


class OversizedData(InvalidTransaction):
    """Larger than the pool takes (geth's txpool limit, not a consensus rule: blocks and state
    tests may carry bigger transactions)."""

    message = "oversized data"


class AlreadyKnown(InvalidTransaction):
    message = "already known"


class BlobTxInvalid(InvalidTransaction):
    """Type-3 rules (EIP-4844); the subclasses below tell the failures apart."""

    message = "invalid blob transaction"


class MissingBlobHashes(BlobTxInvalid):
    message = "blob transaction missing blob hashes"


class TooManyBlobs(BlobTxInvalid):
    message = "too many blobs in transaction"


class BlobTxCreate(BlobTxInvalid):
    message = "blob transaction of type create"


class BlobHashVersion(BlobTxInvalid):
    message = "blob has invalid hash version"


class MissingSidecar(BlobTxInvalid):
    """A type-3 transaction submitted without its blobs, commitments and proofs."""

    message = "missing sidecar in blob transaction"


class BlobSidecarMismatch(BlobTxInvalid):
    """The sidecar's counts or commitments disagree with the versioned hashes."""

    message = "blob sidecar does not match the versioned hashes"


class InvalidBlobProof(BlobTxInvalid):
    """A KZG proof does not show that a blob matches its commitment."""

    message = "invalid blob proof"


class BlobFeeCapTooLow(BlobTxInvalid):
    message = "max fee per blob gas less than block blob gas fee"


class BlobGasLimitReached(BlobTxInvalid):
    """The block has no room left for the transaction's blobs (it may fit the next one)."""

    message = "blob gas limit reached"


class IntegerOverflow(DecodeError):
    """An integer field wider than its wire type (uint64 nonce, uint256 value, chain id or v)."""

    message = "rlp: integer field overflows its type"


class SetCodeTxInvalid(InvalidTransaction):
    """Type-4 rules (EIP-7702); the subclasses below tell the failures apart."""

    message = "invalid set code transaction"


class SetCodeTxCreate(SetCodeTxInvalid):
    message = "EIP-7702 transaction cannot be used to create contract"


class EmptyAuthorizationList(SetCodeTxInvalid):
    message = "EIP-7702 transaction with empty auth list"
