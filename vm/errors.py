"""Exceptions of the KVM, each declaring its effect on the frame (the py-evm habit).

ExceptionalHalt and its subclasses consume all of the frame's gas, revert its state changes and
return no data. Revert is not an exceptional halt: it reverts the frame's state changes but returns
the unused gas and the revert data to the caller. Halt signals a normal STOP/RETURN.
"""


class VMError(Exception):
    """Base of everything the interpreter raises on purpose."""


class ExceptionalHalt(VMError):
    """Ends the frame: all gas consumed, state changes reverted, no output."""


class OutOfGas(ExceptionalHalt):
    pass


class StackUnderflow(ExceptionalHalt):
    pass


class StackOverflow(ExceptionalHalt):
    pass


class InvalidJump(ExceptionalHalt):
    pass


class InvalidOpcode(ExceptionalHalt):
    """INVALID (0xfe) or an opcode the fork does not define: `opcode` and `fork` (the spec's
    name) say which, so the node can name it (node/chain/transition.py describe_error)."""

    def __init__(self, opcode: int | None = None, fork: str | None = None) -> None:
        super().__init__()
        self.opcode = opcode
        self.fork = fork


class WriteProtection(ExceptionalHalt):
    """A state-modifying opcode inside a STATICCALL context."""


class ReturnDataOutOfBounds(ExceptionalHalt):
    """RETURNDATACOPY beyond the last call's return data (EIP-211)."""


class InvalidContract(ExceptionalHalt):
    """A creation whose returned code cannot be deployed; the subclasses say why."""


class InvalidCodePrefix(InvalidContract):
    """Returned code starting with 0xEF (EIP-3541)."""


class CodeSizeExceeded(InvalidContract):
    """Returned code over the size limit (EIP-170)."""


class CodeStoreOutOfGas(InvalidContract):
    """Not enough gas left for the code deposit (200 per byte)."""


class PrecompileError(ExceptionalHalt):
    """A precompile rejected its input or lacked gas: like any exceptional halt, burns all gas."""


class Revert(VMError):
    """REVERT: state changes undone, unused gas returned, output kept."""


class Halt(VMError):
    """STOP or RETURN: the frame ends successfully."""
