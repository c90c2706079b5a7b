"""LOG0-LOG4: 375 gas in the table, plus 375 a topic and 8 a byte of data; forbidden in a
static context (EIP-214)."""
from pydevnet.vm.errors import WriteProtection
from pydevnet.vm.gas import GAS_LOG_DATA, GAS_LOG_TOPIC, charge, expand_memory


def make_log(n: int):
    def log(f, pc):
        s = f.stack
        o = s.pop()
        size = s.pop()
        topics = [s.pop() for _ in range(n)]
        charge(f, GAS_LOG_TOPIC * n + GAS_LOG_DATA * size)
        expand_memory(f, o, size)
        if f.is_static:
            raise WriteProtection
        f.state.add_log(f.address, topics, bytes(f.memory[o:o + size]))
        return pc + 1
    log.__name__ = f"log{n}"
    return log
