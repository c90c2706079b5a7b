"""Code analysis: the valid JUMPDEST positions (a JUMPDEST byte that is not PUSH data), computed
once per distinct code and cached."""
from collections import OrderedDict

_CACHE: "OrderedDict[bytes, frozenset[int]]" = OrderedDict()
_CACHE_SIZE = 4096
_JUMPDEST = 0x5B
_PUSH1 = 0x60
_PUSH32 = 0x7F


def _analyse(code: bytes) -> frozenset[int]:
    dests = []
    i = 0
    n = len(code)
    while i < n:
        op = code[i]
        if op == _JUMPDEST:
            dests.append(i)
        elif _PUSH1 <= op <= _PUSH32:
            i += op - _PUSH1 + 1
        i += 1
    return frozenset(dests)


def jumpdests(code: bytes) -> frozenset[int]:
    """Valid jump destinations of `code` (cached by content)."""
    try:
        d = _CACHE[code]
        return d
    except KeyError:
        pass
    if _JUMPDEST not in code:
        return frozenset()
    d = _analyse(code)
    _CACHE[code] = d
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return d
