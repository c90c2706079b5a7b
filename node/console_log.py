"""console.log for contracts, as Hardhat and Anvil print it: a call to Hardhat's console address
(0x000000000000000000636F6e736F6c652e6c6f67, no code) carries the ABI encoding of one of
console.sol's functions; the node decodes it and prints the message in its log under a
"console.log:" line. Kaia's vmLog precompile address (0x3fd) is printed too: its input is the
message's bytes (Kaia quotes them when it logs them; so do we).

The selector table is generated from console.sol's signature list: log() and log(...) over
uint256, string, bool and address with one to four parameters, and logInt, logUint, logString,
logBool, logAddress, logBytes and logBytes1..logBytes32; each also under its legacy spelling with
`uint` and `int` (the selectors of console.sol's first releases, which Hardhat still accepts).

The VM reports calls to empty accounts through BlockEnv.console (set for mined transactions
only); ConsoleLog.report runs on the writer thread and only collects, the node prints each block's
messages with the block (node/devnet.py). --disable-console-log leaves the hook unset.
"""
import itertools
import json
import re

from pydevnet.node.accounts import to_checksum_address
from pydevnet.state.hashing import keccak256

CONSOLE_ADDRESS = bytes.fromhex("000000000000000000636f6e736f6c652e6c6f67")
VMLOG_ADDRESS = (0x3FD).to_bytes(20, "big")  # Kaia's vmLog precompile
LOG_TYPES = ("uint256", "string", "bool", "address")
MAX_LOG_PARAMS = 4
WORD = 32
_SPEC = re.compile(r"%[sdioxc%]")


def console_signatures() -> list[str]:
    """console.sol's functions, in its order."""
    sigs = ["log()"]
    for n in range(1, MAX_LOG_PARAMS + 1):
        sigs += [f"log({','.join(p)})" for p in itertools.product(LOG_TYPES, repeat=n)]
    sigs += ["logInt(int256)", "logUint(uint256)", "logString(string)", "logBool(bool)",
             "logAddress(address)", "logBytes(bytes)"]
    sigs += [f"logBytes{n}(bytes{n})" for n in range(1, 33)]
    return sigs


def _params(signature: str) -> tuple[str, ...]:
    inner = signature[signature.index("(") + 1:-1]
    return tuple(inner.split(",")) if inner else ()


def _legacy(signature: str) -> str:
    return re.sub(r"\bint256\b", "int", re.sub(r"\buint256\b", "uint", signature))


def selector_table() -> dict[bytes, tuple[str, ...]]:
    """4-byte selector -> parameter types, for every signature and its legacy spelling."""
    table = {}
    for sig in console_signatures():
        for spelled in (sig, _legacy(sig)):
            table[keccak256(spelled.encode())[:4]] = _params(sig)
    return table


SELECTORS = selector_table()


class Undecodable(ValueError):
    """Input that is no console.sol call."""


def _word(data: bytes, offset: int) -> int:
    if offset + WORD > len(data):
        raise Undecodable("input too short")
    return int.from_bytes(data[offset:offset + WORD], "big")


def _dynamic(data: bytes, head: int) -> bytes:
    start = _word(data, head)
    if start > len(data):
        raise Undecodable("offset past the input")
    size = _word(data, start)
    if start + WORD + size > len(data):
        raise Undecodable("size past the input")
    return data[start + WORD:start + WORD + size]


def _value(kind: str, data: bytes, head: int):
    if kind in ("string", "bytes"):
        raw = _dynamic(data, head)
        return raw.decode("utf-8", "replace") if kind == "string" else raw
    word = _word(data, head)
    if kind == "int256":
        return word - (1 << 256) if word >> 255 else word
    if kind == "bool":
        return bool(word)
    if kind == "address":
        return to_checksum_address(word.to_bytes(WORD, "big")[12:])
    if kind.startswith("bytes"):
        return word.to_bytes(WORD, "big")[:int(kind[5:])]
    return word


def decode(data: bytes) -> list:
    """The arguments of a console.sol call; Undecodable if it is none."""
    kinds = SELECTORS.get(bytes(data[:4]))
    if kinds is None:
        raise Undecodable("unknown selector")
    body = bytes(data[4:])
    return [_value(kind, body, i * WORD) for i, kind in enumerate(kinds)]


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, bytes):
        return "0x" + v.hex()
    return str(v)


def format_message(args: list) -> str:
    """Node's util.format, as Hardhat applies it: a first string argument is a format (%s, %d,
    %i, %o, %x, %c; %% is a percent sign), the arguments it does not use follow, space-separated."""
    if not args or not isinstance(args[0], str):
        return " ".join(_text(a) for a in args)
    rest = list(args[1:])

    def substitute(m: re.Match) -> str:
        spec = m.group(0)
        if spec == "%%":
            return "%"
        if not rest:
            return spec
        v = rest.pop(0)
        if spec in ("%d", "%i") and isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        if spec in ("%d", "%i"):
            return "NaN"
        if spec == "%c":
            return ""
        return _text(v)
    head = _SPEC.sub(substitute, args[0])
    return " ".join([head] + [_text(a) for a in rest])


def vmlog_message(data: bytes) -> str:
    """Kaia's vmLog input: the message's bytes, quoted with non-ASCII escaped."""
    return "vmLog: " + json.dumps(bytes(data).decode("utf-8", "replace"))


class ConsoleLog:
    """Collects the messages of console.log and vmLog calls until the node prints them."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def report(self, address: bytes, data: bytes) -> None:
        """BlockEnv.console: a message with `data` reached the empty account `address`."""
        if address == CONSOLE_ADDRESS:
            try:
                self.messages.append(format_message(decode(data)))
            except Undecodable:
                return
        elif address == VMLOG_ADDRESS:
            self.messages.append(vmlog_message(data))

    def take(self) -> list[str]:
        out, self.messages = self.messages, []
        return out
