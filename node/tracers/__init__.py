"""Tracers for debug_trace*: geth's opcode ("struct") logger, callTracer and prestateTracer, and
the replay driver that re-executes a mined transaction or a call with one attached.

- struct_logger.py  the opcode logger (EIP-3155-like steps, memory, stack, storage)
- call.py           callTracer: the tree of messages
- prestate.py       prestateTracer: the touched accounts before (and after, diffMode)
- replay.py         Tracing, mixed into Devnet: what to re-execute, with which tracer

Tracers see the VM through vm/tracing.py's hooks; replay.py uses node/chain and node/calls.
"""
