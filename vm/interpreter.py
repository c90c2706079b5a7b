"""The interpreter loops. The fast loop runs the code's pre-decoded program (vm/analysis.py): one
step function per pc, static gas charged a run at a time by the steps that end runs (vm/table.py),
so the loop body is just `pc = program[pc](frame, pc)`. The traced loop reads each opcode,
charges its static gas and calls its handler from the 256-entry table, emitting a trace line per
step. Halts arrive as exceptions and are resolved here, in one place, for both loops.
"""
from vm.errors import ExceptionalHalt, Halt, OutOfGas, Revert, StackUnderflow
from vm.table import HANDLERS, STATIC_GAS


def execute(f) -> None:
    """Run frame `f` to completion. Afterwards f.error is None on success, a Revert (gas and
    output kept) or an ExceptionalHalt (gas zero, no output)."""
    if f.tx.tracer is not None:
        return _execute_traced(f, f.tx.tracer)
    program = f.program
    try:
        g = f.gas - f.run_gas[0]
        if g < 0:
            raise OutOfGas
        f.gas = g
        pc = 0
        while True:
            pc = program[pc](f, pc)
    except Halt:
        return
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


def _execute_traced(f, tracer) -> None:
    code = f.code
    handlers = HANDLERS
    static = STATIC_GAS
    pc = 0
    try:
        while True:
            op = code[pc]
            tracer.step(f, pc, op)
            g = f.gas - static[op]
            if g < 0:
                raise OutOfGas
            f.gas = g
            pc = handlers[op](f, pc)
    except Halt:
        pass
    except Revert as e:
        f.error = e
    except ExceptionalHalt as e:
        f.gas = 0
        f.output = b""
        f.error = e
    except IndexError:
        f.gas = 0
        f.output = b""
        f.error = StackUnderflow()
    tracer.frame_end(f)
