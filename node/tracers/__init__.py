"""Tracers for debug_trace*, trace_* and ots_*, and the replay that re-executes a mined
transaction or a call with one attached.

- struct_logger.py  the opcode logger (EIP-3155-like steps, memory, stack, storage), and the
                    Budget every big trace is charged to (--trace-max-bytes)
- call.py           callTracer: the tree of messages
- prestate.py       prestateTracer: the touched accounts before (and after, diffMode)
- fourbyte.py       4byteTracer: selector and argument-size counts
- mux.py            muxTracer: several tracers over one execution
- flat.py           call trees as Parity's flat trace list (flatCallTracer, trace_*)
- state_diff.py     Parity's stateDiff;  vm_trace.py  Parity's vmTrace
- session.py        which tracer a config asks for, and its result
- replay.py         Tracing, mixed into Devnet: what to re-execute, with which tracer
- parity.py         ParityTracing, mixed into Devnet: the trace_* methods and trace_filter
- otterscan.py      Otterscan, mixed into Devnet: the ots_* methods

Tracers see the VM through vm/tracing.py's hooks; replay.py uses node/chain and node/calls.
"""
