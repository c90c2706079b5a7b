"""Opcode handlers, one module per group. Each handler is a plain function named after its
mnemonic, taking (frame, pc) and returning the next pc; static gas is charged by the loop."""
