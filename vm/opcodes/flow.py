"""Control flow and halting: STOP, JUMP, JUMPI, PC, GAS, JUMPDEST, RETURN, REVERT, INVALID."""
from pydevnet.vm.errors import Halt, InvalidJump, InvalidOpcode, OutOfGas, Revert, StackOverflow
from pydevnet.vm.gas import STACK_LIMIT, expand_memory


def stop(f, pc):
    raise Halt


def jump(f, pc):
    dest = f.stack.pop()
    if dest not in f.jumpdests:
        raise InvalidJump
    return dest


def jumpi(f, pc):
    s = f.stack
    dest = s.pop()
    if s.pop():
        if dest not in f.jumpdests:
            raise InvalidJump
        return dest
    return pc + 1


def pc_(f, pc):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(pc)
    return pc + 1


def gas(f, pc):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(f.gas)
    return pc + 1


def jumpdest(f, pc):
    return pc + 1


def _output(f) -> bytes:
    s = f.stack
    o = s.pop()
    n = s.pop()
    if n == 0:
        return b""
    expand_memory(f, o, n)
    return bytes(f.memory[o:o + n])


def return_(f, pc):
    f.output = _output(f)
    raise Halt


def revert(f, pc):
    f.output = _output(f)
    raise Revert


def invalid(f, pc):
    raise InvalidOpcode(f.code[pc], f.block.spec.name)


# -- run-charging forms for the fast loop (vm/table.py RUN_HANDLERS): a jump charges the static gas
# of the run it enters, from the suffix sums in f.run_gas.

def jump_run(f, pc):
    dest = f.stack.pop()
    if dest not in f.jumpdests:
        raise InvalidJump
    g = f.gas - f.run_gas[dest]
    if g < 0:
        raise OutOfGas
    f.gas = g
    return dest


def jumpi_run(f, pc):
    s = f.stack
    dest = s.pop()
    if s.pop():
        if dest not in f.jumpdests:
            raise InvalidJump
    else:
        dest = pc + 1
    g = f.gas - f.run_gas[dest]
    if g < 0:
        raise OutOfGas
    f.gas = g
    return dest


def then_charge_run(handler):
    """Wrap an op that needs exact gas (GAS, SSTORE, calls, creates): it ends its run, so after
    it the next run's static gas is charged."""
    def step(f, pc):
        pc = handler(f, pc)
        g = f.gas - f.run_gas[pc]
        if g < 0:
            raise OutOfGas
        f.gas = g
        return pc
    step.__name__ = handler.__name__ + "_run"
    return step
