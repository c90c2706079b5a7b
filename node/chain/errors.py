"""Block-validity errors: why a block cannot join the chain (Ethereum's InvalidBlock).

The block importer raises them (node/chain/importer.py), the system calls and the EIP-7685
requests too; a transaction the block cannot include surfaces as InvalidBlockTransaction with the
transaction's own InvalidTransaction as its cause.
"""


class InvalidBlock(Exception):
    """Base: the block is invalid and changes nothing. `field` names the Header attribute at
    fault, where there is one (excess_blob_gas, requests_hash, ...)."""

    def __init__(self, detail: str = "", field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class InvalidHeader(InvalidBlock):
    """A header field disagrees with the parent or the rules of its fork."""


class BodyMismatch(InvalidBlock):
    """A header commitment (roots, bloom, gas used, blob gas used, requests hash) disagrees with
    what executing the body produced."""


class InvalidBlockEncoding(InvalidBlock):
    """The block's RLP is malformed or not canonical."""


class BlockTooLarge(InvalidBlockEncoding):
    """The block's RLP is larger than EIP-7934 allows (Osaka)."""


class InvalidBlockTransaction(InvalidBlock):
    """A transaction in the body is invalid (its InvalidTransaction is the __cause__)."""


class SystemContractEmpty(InvalidBlock):
    """A checked system call found no code (EIP-7002, EIP-7251)."""


class SystemCallFailed(InvalidBlock):
    """A checked system call reverted or halted (EIP-7002, EIP-7251)."""


class InvalidDepositLog(InvalidBlock):
    """A deposit contract log that is not a well-formed DepositEvent (EIP-6110)."""
