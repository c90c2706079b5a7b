"""The interpreter loop. The fast loop reads an opcode, subtracts its static gas, and calls its
handler from the 256-entry table; everything else (dynamic gas, stack checks, halting) happens in
handlers. Halts arrive as exceptions and are resolved here, in one place. Tracing is a second loop
over the same handlers so the fast loop carries no tracing cost.
"""
from vm.errors import ExceptionalHalt, Halt, OutOfGas, Revert, StackUnderflow
from vm.table import HANDLERS, STATIC_GAS


def execute(f) -> None:
    """Run frame `f` to completion. Afterwards f.error is None on success, a Revert (gas and
    output kept) or an ExceptionalHalt (gas zero, no output)."""
    if f.tx.tracer is not None:
        return _execute_traced(f, f.tx.tracer)
    code = f.code
    handlers = HANDLERS
    static = STATIC_GAS
    pc = 0
    try:
        while True:
            op = code[pc]
            g = f.gas - static[op]
            if g < 0:
                raise OutOfGas
            f.gas = g
            pc = handlers[op](f, pc)
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
