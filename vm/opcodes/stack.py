"""Stack operations: POP, PUSH0 (EIP-3855), PUSH1-PUSH32, DUP1-DUP16, SWAP1-SWAP16.
The families come from small factories; the code is padded so PUSH never reads past its end."""
from pydevnet.vm.errors import InvalidJump, OutOfGas, StackOverflow
from pydevnet.vm.gas import STACK_LIMIT


def pop(f, pc):
    f.stack.pop()
    return pc + 1


def push0(f, pc):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(0)
    return pc + 1


def push1(f, pc):
    s = f.stack
    if len(s) >= STACK_LIMIT:
        raise StackOverflow
    s.append(f.code[pc + 1])
    return pc + 2


def make_push(n: int):
    def push(f, pc):
        s = f.stack
        if len(s) >= STACK_LIMIT:
            raise StackOverflow
        start = pc + 1
        s.append(int.from_bytes(f.code[start:start + n], "big"))
        return start + n
    push.__name__ = f"push{n}"
    return push


def make_dup(n: int):
    idx = -n

    def dup(f, pc):
        s = f.stack
        if len(s) >= STACK_LIMIT:
            raise StackOverflow
        s.append(s[idx])
        return pc + 1
    dup.__name__ = f"dup{n}"
    return dup


def make_swap(n: int):
    idx = -n - 1

    def swap(f, pc):
        s = f.stack
        s[-1], s[idx] = s[idx], s[-1]
        return pc + 1
    swap.__name__ = f"swap{n}"
    return swap


# -- the pre-decoded program (vm/analysis.py): PUSH with its immediate baked in, and PUSH
# followed by JUMP or JUMPI fused into one step whose target and run gas are known statically.
# A fused step never pushes, but keeps PUSH's overflow check so failures stay the same.

def push_value(value: int, nxt: int):
    def push(f, pc):
        s = f.stack
        if len(s) >= STACK_LIMIT:
            raise StackOverflow
        s.append(value)
        return nxt
    return push


def push_jump(dest: int, cost: int | None):
    """PUSHn dest; JUMP. `cost` is the run gas at dest, None when dest is no JUMPDEST."""
    def step(f, pc):
        if len(f.stack) >= STACK_LIMIT:
            raise StackOverflow
        if cost is None:
            raise InvalidJump
        g = f.gas - cost
        if g < 0:
            raise OutOfGas
        f.gas = g
        return dest
    return step


def push_jumpi(dest: int, cost: int | None, fall: int, fall_cost: int):
    """PUSHn dest; JUMPI: jump (charging dest's run) or fall through (charging that run)."""
    def step(f, pc):
        s = f.stack
        if len(s) >= STACK_LIMIT:
            raise StackOverflow
        if s.pop():
            if cost is None:
                raise InvalidJump
            g = f.gas - cost
            if g < 0:
                raise OutOfGas
            f.gas = g
            return dest
        g = f.gas - fall_cost
        if g < 0:
            raise OutOfGas
        f.gas = g
        return fall
    return step
