"""vm: the KVM, an EVM interpreter (Cancun): opcode table, gas, precompiles, tracing. Imports state only."""
