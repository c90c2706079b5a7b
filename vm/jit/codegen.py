"""Code generation for vm/jit: one run of EVM code as the Python source of a function
`unit(f, pc) -> next_pc`, and which pcs can start one.

The virtual stack: values stay in Python locals (or int literals, folded at compile time) and only
the net effect is written back to f.stack, before any handler call and before leaving. Static gas
is charged by whoever enters a run, as in the fast loop; a failed entry bounds check runs the
original step instead, so the handlers decide which error comes first. Ops not inlined here go
through their fork's run handler (Spec.run_handlers), so dynamic gas is charged by the same
vm.gas helpers in the same order. In the generated source `g` is the gas left after a charge.

_Unit walks the instructions of one unit; each family of opcodes has its emitter (stack, pure
arithmetic, memory and calldata, jumps, everything else through its handler), writing through
_Source, which holds the virtual stack and the lines.
"""
from typing import NamedTuple

from pydevnet.vm.errors import Halt, InvalidJump, OutOfGas
from pydevnet.vm.jit.ops import (BINARY, DUP1, DUP16, PUSH0, PUSH32, STACK_IO, SWAP1, SWAP16,
                                 UNARY, FOLD_ENV, M, SIGN, end, is_const, specialise)
from pydevnet.vm.gas import STACK_LIMIT, expand_memory
from pydevnet.vm.spec import EXACT_GAS, JUMP, JUMPDEST, JUMPI, Spec

MAX_OPS = 256  # instructions per unit

_POP, _PC, _GAS, _MLOAD, _MSTORE, _CALLDATALOAD = 0x50, 0x58, 0x5A, 0x51, 0x52, 0x35


class CodeView(NamedTuple):
    """What a unit is compiled from: the fork, the padded code and its analysis."""
    spec: Spec
    code: bytes  # padded
    size: int
    dests: frozenset
    run_gas: list


class _Source:
    """Source of one unit. The virtual stack is f.stack without its top `taken` items, plus `vs`
    (atoms: local names, int literals, or `s[-k]` reads of the frame's unchanged list)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.lines: list[str] = []
        self.vs: list[str] = []
        self.taken = 0
        self.nv = 0
        self.names: dict[str, object] = {}

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def value(self, expr: str) -> str:
        name = f"v{self.nv}"
        self.nv += 1
        self.emit(f"{name} = {expr}")
        return name

    def local(self, atom: str) -> str:
        """`atom` as something cheap to repeat: a read of the frame's stack becomes a local."""
        return self.value(atom) if atom.startswith("s") else atom

    def pop(self) -> str:
        if self.vs:
            return self.vs.pop()
        self.taken += 1
        return f"s[-{self.taken}]"

    def peek(self, d: int) -> str:
        if d <= len(self.vs):
            return self.vs[-d]
        return f"s[-{self.taken + d - len(self.vs)}]"

    def pull(self, d: int) -> None:
        while len(self.vs) < d:
            self.taken += 1
            self.vs.insert(0, f"s[-{self.taken}]")

    def flush(self) -> None:
        for line in self.flush_lines():
            self.emit(line)
        self.vs = []
        self.taken = 0

    def flush_lines(self) -> list[str]:
        """Statements writing the virtual stack back to f.stack (the state is kept)."""
        out = []
        vs, taken = self.vs, self.taken
        p = 0
        while p < len(vs) and p < taken and vs[p] == f"s[-{taken - p}]":
            p += 1
        k = taken - p
        rest = vs[p:]
        if k:
            if not rest:
                out.append(f"del s[-{k}:]")
            elif k == 1 and len(rest) == 1:
                out.append(f"s[-1] = {rest[0]}")
            else:
                out.append(f"s[-{k}:] = [{', '.join(rest)}]")
        elif len(rest) == 1:
            out.append(f"s.append({rest[0]})")
        elif rest:
            out.append(f"s += ({', '.join(rest)},)")
        return out

    def handler(self, op: int) -> str:
        name = f"H{op:02x}"
        self.names[name] = self.spec.run_handlers[op]
        return name

    def charge(self, cost: int | str) -> None:
        if cost == 0:
            return
        self.emit(f"g = f.gas - {cost}")
        self.emit("if g < 0: raise OutOfGas")
        self.emit("f.gas = g")


class _Unit:
    """One unit being compiled: the walk over its instructions and an emitter per family."""

    def __init__(self, code: CodeView, entry: int) -> None:
        self.c = code
        self.entry = entry
        self.src = _Source(code.spec)
        self.pc = entry
        self.height = self.need = self.rise = 0  # relative to entry; deepest read; highest rise
        self.count = 0
        self.seen: set[int] = set()
        self.loops = False  # a static jump back to the entry

    # -- the walk ------------------------------------------------------------------------------
    def walk(self) -> bool:
        """Emit the unit's body; False when it is not worth compiling (under two ops)."""
        self.follow(self.entry)
        ended = False
        code = self.c.code
        while self.count < MAX_OPS:
            op = code[self.pc] if self.pc < self.c.size else 0
            self.count += 1
            n_in, n_out = STACK_IO[op]
            self.need = max(self.need, n_in - self.height)
            self.height += n_out - n_in
            self.rise = max(self.rise, self.height)
            nxt = self.step(op)
            if nxt is None:
                ended = True
                break
            self.pc = nxt
        if self.count < 2:
            return False
        if not ended:
            self.src.flush()
            self.src.emit(f"return {self.pc}")
        return True

    def step(self, op: int) -> int | None:
        """Emit `op`; the pc to go on at, or None when the unit has ended."""
        if PUSH0 <= op <= PUSH32 or DUP1 <= op <= SWAP16 or op in (_POP, JUMPDEST, _PC):
            return self.stack_op(op)
        defined = op in self.c.spec.opcodes  # an op the fork lacks is `invalid`, never inlined
        if defined and op in BINARY:
            self.binary(op)
        elif defined and op in UNARY:
            self.unary(op)
        elif op in (_MLOAD, _MSTORE, _CALLDATALOAD):
            self.memory_op(op)
        elif op == _GAS:  # pushes the exact gas left, then charges the next run
            self.src.vs.append(self.src.value("f.gas"))
            self.src.charge(self.c.run_gas[self.pc + 1])
        elif op == JUMP:
            return self.jump()
        elif op == JUMPI:
            return self.jumpi()
        else:
            return self.through_handler(op)
        return self.pc + 1

    def follow(self, target: int) -> bool:
        """Whether to go on compiling at `target` (a run start reached in this unit)."""
        if target in self.seen or self.count >= MAX_OPS or target >= self.c.size:
            return False
        self.seen.add(target)
        return True

    def goto(self, target: int) -> str:
        """Leave for a static target: back to the top when it is this unit's entry."""
        if target == self.entry:
            self.loops = True
            return "continue"
        return f"return {target}"

    def leave_for(self, target: int) -> int | None:
        """Go on compiling at `target` if it may, else emit the exit to it."""
        if self.follow(target):
            return target
        self.src.flush()
        self.src.emit(self.goto(target))
        return None

    # -- emitters by family --------------------------------------------------------------------
    def stack_op(self, op: int) -> int:
        src, pc = self.src, self.pc
        if PUSH0 <= op <= PUSH32:
            nxt = pc + 1 + op - PUSH0
            src.vs.append(str(int.from_bytes(self.c.code[pc + 1:nxt], "big")))
            return nxt
        if DUP1 <= op <= DUP16:
            src.vs.append(src.peek(op - DUP1 + 1))
        elif SWAP1 <= op <= SWAP16:
            d = op - SWAP1 + 2
            src.pull(d)
            vs = src.vs
            vs[-1], vs[-d] = vs[-d], vs[-1]
        elif op == _POP:
            src.pop()
        elif op == _PC:
            src.vs.append(str(pc))
        return pc + 1  # JUMPDEST: nothing

    def binary(self, op: int) -> None:
        src = self.src
        a, b = src.pop(), src.pop()
        expr = BINARY[op].format(a=a, b=b)
        if is_const(a) and is_const(b):
            src.vs.append(str(eval(expr, FOLD_ENV)))
            return
        expr = specialise(op, a, b) or expr
        src.vs.append(expr if is_const(expr) else src.value(expr))

    def unary(self, op: int) -> None:
        src = self.src
        a = src.pop()
        expr = UNARY[op].format(a=a)
        src.vs.append(str(eval(expr, FOLD_ENV)) if is_const(a) else src.value(expr))

    def memory_op(self, op: int) -> None:
        src = self.src
        o = src.local(src.pop())
        if op == _CALLDATALOAD:
            c = src.value(f"f.data[{o}:{o} + 32]")
            word = f'int.from_bytes({c}.ljust(32, b"\\x00"), "big") if {c} else 0'
            src.vs.append(src.value(word))
            return
        v = src.local(src.pop()) if op == _MSTORE else None
        src.emit("mem = f.memory")
        src.emit(f"if {end(o)} > len(mem): expand_memory(f, {o}, 32)")
        if op == _MLOAD:
            src.vs.append(src.value(f'int.from_bytes(mem[{o}:{end(o)}], "big")'))
            return
        word = (repr(int(v).to_bytes(32, "big")) if is_const(v) else f'{v}.to_bytes(32, "big")')
        src.emit(f"mem[{o}:{end(o)}] = {word}")

    def jump_to(self, dest: int) -> int | None:
        """A jump to the literal `dest`: where to go on compiling, or None once the unit's exit
        (an InvalidJump, or leaving for dest with its run charged) has been emitted."""
        src = self.src
        if dest not in self.c.dests:
            src.flush()
            src.emit("raise InvalidJump")
            return None
        src.charge(self.c.run_gas[dest])
        return self.leave_for(dest)

    def jump(self) -> int | None:
        src = self.src
        d = src.pop()
        if is_const(d):
            return self.jump_to(int(d))
        d = src.local(d)
        src.flush()
        src.emit(f"if {d} not in dests: raise InvalidJump")
        src.charge(f"run_gas[{d}]")
        src.emit(f"return {d}")
        return None

    def jumpi(self) -> int | None:
        src, nxt = self.src, self.pc + 1
        d, c = src.pop(), src.pop()
        if is_const(c):
            if not int(c):  # never taken
                src.charge(self.c.run_gas[nxt])
                return self.leave_for(nxt)
            if is_const(d):  # always taken
                return self.jump_to(int(d))
        d, c = src.local(d), src.local(c)
        src.emit(f"if {c}:")
        for line in src.flush_lines():
            src.emit("    " + line)
        for line in self.taken_branch(d):
            src.emit("    " + line)
        src.charge(self.c.run_gas[nxt])
        return self.leave_for(nxt)

    def taken_branch(self, d: str) -> list[str]:
        """The lines of a JUMPI's taken branch to `d` (the stack already written back)."""
        if not is_const(d):
            return [f"if {d} not in dests: raise InvalidJump", f"g = f.gas - run_gas[{d}]",
                    "if g < 0: raise OutOfGas", "f.gas = g", f"return {d}"]
        dest = int(d)
        if dest not in self.c.dests:
            return ["raise InvalidJump"]
        return [f"g = f.gas - {self.c.run_gas[dest]}", "if g < 0: raise OutOfGas", "f.gas = g",
                self.goto(dest)]

    def through_handler(self, op: int) -> int | None:
        """Any other op: its run handler on the real stack (exact-gas ops charge the next run
        themselves)."""
        src, pc = self.src, self.pc
        src.flush()
        fn = src.handler(op)
        if op in self.c.spec.halts:
            src.emit(f"return {fn}(f, {pc})")
            return None
        src.emit(f"{fn}(f, {pc})")
        if op in self.c.spec.run_enders:
            return self.leave_for(pc + 1)
        return pc + 1

    # -- the function ----------------------------------------------------------------------------
    def source(self) -> str:
        check = []
        need, rise = self.need, self.rise
        if need and rise:
            check.append(f"    if not {need} <= len(s) <= {STACK_LIMIT - rise}: "
                         "return orig(f, pc)")
        elif need:
            check.append(f"    if len(s) < {need}: return orig(f, pc)")
        elif rise:
            check.append(f"    if len(s) > {STACK_LIMIT - rise}: return orig(f, pc)")
        body = check + self.src.lines
        if self.loops:  # a static jump back to the entry loops here, not through the dispatcher
            body = ["    while True:"] + ["    " + line for line in body]
        return "\n".join(["def unit(f, pc):", "    s = f.stack"] + body) + "\n"


def compile_unit(code: CodeView, entry: int, orig):
    """The unit starting at `entry` as (function, source), or None when not worth it (fewer
    than two instructions)."""
    unit = _Unit(code, entry)
    if not unit.walk():
        return None
    src = unit.source()
    ns = {"M": M, "SIGN": SIGN, "OutOfGas": OutOfGas, "InvalidJump": InvalidJump, "Halt": Halt,
          "expand_memory": expand_memory, "dests": code.dests, "run_gas": code.run_gas,
          "orig": orig, **unit.src.names}
    exec(compile(src, f"<kvm-jit {entry}>", "exec"), ns)
    # out of its own globals: no unit <-> globals cycle, so it is freed with its program
    return ns.pop("unit"), src


def entries(insts: list, code_size: int) -> list[int]:
    """Dispatchable pcs: 0, every JUMPDEST, the pc after a JUMPI or an exact-gas op."""
    out = {0} if code_size else set()
    for pc, op, nxt in insts:
        if op == JUMPDEST:
            out.add(pc)
        elif (op == JUMPI or op in EXACT_GAS) and nxt < code_size:
            out.add(nxt)
    return sorted(out)
