"""vm: the KVM, an EVM interpreter (Cancun): opcode table, gas, precompiles, tracing. Imports state only."""
# Load order, whichever vm module is imported first: message -> interpreter -> table -> opcodes.
# opcodes.system imports message back but uses it only at run time, so it may see it half-loaded;
# entering the cycle at table or opcodes.system instead would need attributes not yet defined.
from pydevnet.vm import message as _message  # noqa: F401
