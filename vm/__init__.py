"""vm: the KVM, an EVM interpreter. Imports state/ only.

- table.py, spec.py   the instruction set on one screen, and a fork's rules as data (Spec)
- opcodes/            the handlers by family; system.py's CALL/CREATE start child messages
- message.py          one call or creation as a child frame (execution-specs' process_message)
- interpreter.py      the fast and the traced loop;  analysis.py  per-code analysis, cached
- jit/                the run compiler;  frame.py  block, transaction and frame environments
- gas.py, errors.py   gas constants and helpers, exceptional halts;  tracing.py  tracer hooks
- precompiles/        the precompiled contracts, each module (and C library) loaded on first call

Imports run one way, table -> opcodes -> message -> interpreter/analysis/frame: the running
code reads its fork's tables from the block's spec, so nothing below table.py imports it.
"""
