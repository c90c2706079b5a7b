"""Code generation for vm/jit: one run of EVM code as the Python source of a function
`unit(f, pc) -> next_pc`, and which pcs can start one.

The virtual stack: values stay in Python locals (or int literals, folded at compile time) and only
the net effect is written back to f.stack, before any handler call and before leaving. Static gas
is charged by whoever enters a run, as in the fast loop; a failed entry bounds check runs the
original step instead, so the handlers decide which error comes first. Ops not inlined here go
through their run handler (RUN_HANDLERS), so dynamic gas is charged by the same vm.gas helpers in
the same order.
"""
from pydevnet.vm.errors import Halt, InvalidJump, OutOfGas
from pydevnet.vm.gas import STACK_LIMIT, expand_memory
from pydevnet.vm.table import JUMP, JUMPI, RUN_ENDERS, RUN_HANDLERS

M = (1 << 256) - 1
SIGN = 1 << 255
MAX_OPS = 256  # instructions per unit

_PUSH0, _PUSH1, _PUSH32 = 0x5F, 0x60, 0x7F
_DUP1, _DUP16, _SWAP1, _SWAP16 = 0x80, 0x8F, 0x90, 0x9F
_EXACT_GAS = (0x5A, 0x55, 0xF0, 0xF1, 0xF2, 0xF4, 0xF5, 0xFA)
_HALTS = frozenset(op for op in RUN_ENDERS if op not in _EXACT_GAS + (JUMP, JUMPI))

# (items read, items left) of every opcode; an unassigned opcode reads nothing.
STACK_IO = [(0, 0)] * 256
for _ops, _io in (
        ((0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0A, 0x0B, 0x10, 0x11, 0x12, 0x13, 0x14,
          0x16, 0x17, 0x18, 0x1A, 0x1B, 0x1C, 0x1D, 0x20), (2, 1)),
        ((0x08, 0x09), (3, 1)),
        ((0x15, 0x19, 0x31, 0x35, 0x3B, 0x3F, 0x40, 0x49, 0x51, 0x54, 0x5C), (1, 1)),
        ((0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3A, 0x3D, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
          0x47, 0x48, 0x4A, 0x58, 0x59, 0x5A, 0x5F) + tuple(range(_PUSH1, _PUSH32 + 1)), (0, 1)),
        ((0x37, 0x39, 0x3E, 0x5E), (3, 0)),
        ((0x3C,), (4, 0)),
        ((0x50, 0x56, 0xFF), (1, 0)),
        ((0x52, 0x53, 0x55, 0x57, 0x5D, 0xF3, 0xFD), (2, 0)),
        ((0xF0,), (3, 1)), ((0xF1, 0xF2), (7, 1)), ((0xF4, 0xFA), (6, 1)), ((0xF5,), (4, 1))):
    for _op in _ops:
        STACK_IO[_op] = _io
for _n in range(1, 17):
    STACK_IO[_DUP1 + _n - 1] = (_n, _n + 1)
    STACK_IO[_SWAP1 + _n - 1] = (_n + 1, _n + 1)
for _n in range(5):
    STACK_IO[0xA0 + _n] = (_n + 2, 0)

# Inlined pure ops: a is the top of the stack, b the one below (as the handlers pop them).
BINARY = {
    0x01: "({a} + {b}) & M", 0x02: "({a} * {b}) & M", 0x03: "({a} - {b}) & M",
    0x04: "{a} // {b} if {b} else 0", 0x06: "{a} % {b} if {b} else 0",
    0x10: "1 if {a} < {b} else 0", 0x11: "1 if {a} > {b} else 0",
    0x12: "1 if ({a} ^ SIGN) < ({b} ^ SIGN) else 0", 0x13: "1 if ({a} ^ SIGN) > ({b} ^ SIGN) else 0",
    0x14: "1 if {a} == {b} else 0",
    0x16: "{a} & {b}", 0x17: "{a} | {b}", 0x18: "{a} ^ {b}",
    0x1A: "({b} >> (248 - ({a} << 3))) & 255 if {a} < 32 else 0",
    0x1B: "({b} << {a}) & M if {a} < 256 else 0", 0x1C: "{b} >> {a} if {a} < 256 else 0",
}
UNARY = {0x15: "0 if {a} else 1", 0x19: "M ^ {a}"}
_FOLD_ENV = {"M": M, "SIGN": SIGN}


def _is_const(x: str) -> bool:
    return x.isdigit()


def _end(o: str) -> str:
    return str(int(o) + 32) if _is_const(o) else f"{o} + 32"


def _specialise(op: int, a: str, b: str) -> str | None:
    """A simpler form of a binary op when its shift, index or divisor is a literal."""
    if op in (0x1B, 0x1C, 0x1A) and _is_const(a):
        k = int(a)
        if k >= (32 if op == 0x1A else 256):
            return "0"
        if op == 0x1B:
            return f"({b} << {k}) & M"
        if op == 0x1C:
            return f"{b} >> {k}"
        return f"({b} >> {248 - 8 * k}) & 255"
    if op in (0x04, 0x06) and _is_const(b):
        return f"{a} {'//' if op == 0x04 else '%'} {b}" if int(b) else "0"
    return None


class _Gen:
    """Source of one unit. The virtual stack is f.stack without its top `taken` items, plus `vs`
    (atoms: local names, int literals, or `s[-k]` reads of the frame's unchanged list)."""

    def __init__(self) -> None:
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
        self.names[name] = RUN_HANDLERS[op]
        return name

    def charge(self, cost: int | str) -> None:
        if cost == 0:
            return
        self.emit(f"g = f.gas - {cost}")
        self.emit("if g < 0: raise OutOfGas")
        self.emit("f.gas = g")


def compile_unit(code: bytes, code_size: int, entry: int, dests: frozenset, run_gas: list,
                 orig):
    """The unit starting at `entry` of padded `code` as (function, source), or None when not
    worth it (fewer than two instructions)."""
    g = _Gen()
    pc = entry
    h = need = rise = 0  # height relative to entry; deepest read below entry; highest rise
    count = 0
    ended = False
    seen = set()

    def follow(target: int) -> bool:
        """Whether to go on compiling at `target` (a run start reached in this unit)."""
        if target in seen or count >= MAX_OPS or target >= code_size:
            return False
        seen.add(target)
        return True

    loops = []

    def goto(target: int) -> str:
        """Leave for a static target: back to the top when it is this unit's entry."""
        if target == entry:
            loops.append(target)
            return "continue"
        return f"return {target}"

    def jump_to(dest: int) -> bool:
        """A jump to the literal `dest`: True to go on compiling there, else the unit's exit
        (an InvalidJump, or leaving for dest with its run charged) has been emitted."""
        if dest not in dests:
            g.flush()
            g.emit("raise InvalidJump")
            return False
        g.charge(run_gas[dest])
        if follow(dest):
            return True
        g.flush()
        g.emit(goto(dest))
        return False

    follow(entry)
    while count < MAX_OPS:
        op = code[pc] if pc < code_size else 0
        count += 1
        n_in, n_out = STACK_IO[op]
        need = max(need, n_in - h)
        h += n_out - n_in
        rise = max(rise, h)
        nxt = pc + 1
        if _PUSH0 <= op <= _PUSH32:
            size = op - _PUSH0
            nxt = pc + 1 + size
            g.vs.append(str(int.from_bytes(code[pc + 1:nxt], "big")))
        elif _DUP1 <= op <= _DUP16:
            g.vs.append(g.peek(op - _DUP1 + 1))
        elif _SWAP1 <= op <= _SWAP16:
            d = op - _SWAP1 + 2
            g.pull(d)
            vs = g.vs
            vs[-1], vs[-d] = vs[-d], vs[-1]
        elif op == 0x50:  # POP
            g.pop()
        elif op == 0x5B:  # JUMPDEST
            pass
        elif op == 0x58:  # PC
            g.vs.append(str(pc))
        elif op in BINARY:
            a = g.pop()
            b = g.pop()
            expr = BINARY[op].format(a=a, b=b)
            if _is_const(a) and _is_const(b):
                g.vs.append(str(eval(expr, _FOLD_ENV)))
            else:
                expr = _specialise(op, a, b) or expr
                g.vs.append(expr if _is_const(expr) else g.value(expr))
        elif op in UNARY:
            a = g.pop()
            expr = UNARY[op].format(a=a)
            g.vs.append(str(eval(expr, _FOLD_ENV)) if _is_const(a) else g.value(expr))
        elif op == 0x51:  # MLOAD
            o = g.pop()
            if o.startswith("s"):
                o = g.value(o)
            g.emit("mem = f.memory")
            g.emit(f"if {_end(o)} > len(mem): expand_memory(f, {o}, 32)")
            g.vs.append(g.value(f'int.from_bytes(mem[{o}:{_end(o)}], "big")'))
        elif op == 0x52:  # MSTORE
            o = g.pop()
            v = g.pop()
            if o.startswith("s"):
                o = g.value(o)
            if v.startswith("s"):
                v = g.value(v)
            g.emit("mem = f.memory")
            g.emit(f"if {_end(o)} > len(mem): expand_memory(f, {o}, 32)")
            word = (repr(int(v).to_bytes(32, "big")) if _is_const(v)
                    else f'{v}.to_bytes(32, "big")')
            g.emit(f"mem[{o}:{_end(o)}] = {word}")
        elif op == 0x35:  # CALLDATALOAD
            i = g.pop()
            if i.startswith("s"):
                i = g.value(i)
            c = g.value(f"f.data[{i}:{i} + 32]")
            g.vs.append(g.value(f'int.from_bytes({c}.ljust(32, b"\\x00"), "big") if {c} else 0'))
        elif op == 0x5A:  # GAS: pushes the exact gas left, then charges the next run
            g.vs.append(g.value("f.gas"))
            g.charge(run_gas[nxt])
        elif op == JUMP:
            d = g.pop()
            if _is_const(d):
                if jump_to(int(d)):
                    pc = int(d)
                    continue
            else:
                if d.startswith("s"):
                    d = g.value(d)
                g.flush()
                g.emit(f"if {d} not in dests: raise InvalidJump")
                g.charge(f"run_gas[{d}]")
                g.emit(f"return {d}")
            ended = True
            break
        elif op == JUMPI:
            d = g.pop()
            c = g.pop()
            if _is_const(c):
                if not int(c):  # never taken
                    g.charge(run_gas[nxt])
                    pc = nxt
                    if follow(nxt):
                        continue
                    g.flush()
                    g.emit(goto(nxt))
                    ended = True
                    break
                if _is_const(d):  # always taken
                    if jump_to(int(d)):
                        pc = int(d)
                        continue
                    ended = True
                    break
            if d.startswith("s"):
                d = g.value(d)
            if c.startswith("s"):
                c = g.value(c)
            g.emit(f"if {c}:")
            for line in g.flush_lines():
                g.emit("    " + line)
            if _is_const(d):
                dest = int(d)
                if dest in dests:
                    g.emit(f"    g = f.gas - {run_gas[dest]}")
                    g.emit("    if g < 0: raise OutOfGas")
                    g.emit("    f.gas = g")
                    g.emit("    " + goto(dest))
                else:
                    g.emit("    raise InvalidJump")
            else:
                g.emit(f"    if {d} not in dests: raise InvalidJump")
                g.emit(f"    g = f.gas - run_gas[{d}]")
                g.emit("    if g < 0: raise OutOfGas")
                g.emit("    f.gas = g")
                g.emit(f"    return {d}")
            g.charge(run_gas[nxt])
            if follow(nxt):
                pc = nxt
                continue
            g.flush()
            g.emit(goto(nxt))
            ended = True
            break
        else:  # through the run handler, on the real stack
            g.flush()
            fn = g.handler(op)
            if op in _HALTS:
                g.emit(f"return {fn}(f, {pc})")
                ended = True
                break
            g.emit(f"{fn}(f, {pc})")  # exact-gas ops also charge the next run here
            if op in RUN_ENDERS and not follow(nxt):
                g.emit(goto(nxt))
                ended = True
                break
        pc = nxt
    if count < 2:
        return None
    if not ended:
        g.flush()
        g.emit(f"return {pc}")
    check = []
    if need and rise:
        check.append(f"    if not {need} <= len(s) <= {STACK_LIMIT - rise}: return orig(f, pc)")
    elif need:
        check.append(f"    if len(s) < {need}: return orig(f, pc)")
    elif rise:
        check.append(f"    if len(s) > {STACK_LIMIT - rise}: return orig(f, pc)")
    body = check + g.lines
    if loops:  # a static jump back to the entry loops here instead of through the dispatcher
        body = ["    while True:"] + ["    " + line for line in body]
    src = "\n".join(["def unit(f, pc):", "    s = f.stack"] + body) + "\n"
    ns = {"M": M, "SIGN": SIGN, "OutOfGas": OutOfGas, "InvalidJump": InvalidJump, "Halt": Halt,
          "expand_memory": expand_memory, "dests": dests, "run_gas": run_gas, "orig": orig,
          **g.names}
    exec(compile(src, f"<kvm-jit {entry}>", "exec"), ns)
    # out of its own globals: no unit <-> globals cycle, so it is freed with its program
    return ns.pop("unit"), src


def entries(insts: list, code_size: int) -> list[int]:
    """Dispatchable pcs: 0, every JUMPDEST, the pc after a JUMPI or an exact-gas op."""
    out = {0} if code_size else set()
    for pc, op, nxt in insts:
        if op == 0x5B:
            out.add(pc)
        elif (op == JUMPI or op in _EXACT_GAS) and nxt < code_size:
            out.add(nxt)
    return sorted(out)
