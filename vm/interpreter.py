"""The interpreter loops. The fast loop runs the code's pre-decoded program (vm/analysis.py): one
step function per pc, static gas charged a run at a time by the steps that end runs (vm/table.py),
so the loop body is just `pc = program[pc](frame, pc)`. The traced loop reads each opcode,
charges its static gas and calls its handler from the block's spec (vm/spec.py), emitting a
trace line per step. Both loops end by raising; `execute` resolves every halt in one place.
"""
from pydevnet.vm.errors import ExceptionalHalt, Halt, OutOfGas, Revert, StackUnderflow


def execute(f) -> None:
    """Run frame `f` to completion. Afterwards f.error is None on success, a Revert (gas and
    output kept) or an ExceptionalHalt (gas zero, no output)."""
    tracer = f.tx.tracer
    try:
        if tracer is None or not tracer.steps:
            _run(f)
        else:
            _run_traced(f, tracer)
    except Halt:
        pass
    except Revert as e:
        f.error = e
    except ExceptionalHalt as e:
        f.gas = 0
        f.output = b""
        f.error = e
    except IndexError:  # a pop or peek below the bottom of the stack
        f.gas = 0
        f.output = b""
        f.error = StackUnderflow()
    if tracer is not None and tracer.steps:
        tracer.frame_end(f)


def _run(f) -> None:
    program = f.program
    g = f.gas - f.run_gas[0]
    if g < 0:
        raise OutOfGas
    f.gas = g
    pc = 0
    while True:
        pc = program[pc](f, pc)


def _run_traced(f, tracer) -> None:
    code = f.code
    spec = f.block.spec
    handlers = spec.handlers
    static = spec.static_gas
    pc = 0
    while True:
        op = code[pc]
        tracer.step(f, pc, op)
        g = f.gas - static[op]
        if g < 0:
            raise OutOfGas
        f.gas = g
        pc = handlers[op](f, pc)
