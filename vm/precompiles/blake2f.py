"""0x09 blake2f: the BLAKE2b compression function F with a caller-chosen round count (EIP-152).

Input, exactly 213 bytes: rounds (4-byte big-endian), h (8 little-endian 64-bit words), m (16
words), t (2 words: offset counter low, high), f (1 byte, must be 0 or 1: the final-block flag).
Output: the new h, 64 bytes little-endian. Gas: one per round (EIP-152), so up to 2**32 - 1 rounds.

The compression itself is blake2b-py's (the Ethereum Foundation's Rust implementation, as py-evm
uses): a call may legitimately ask for 2**32 - 1 rounds (ethereum/tests CALLBlake2f_MaxRounds),
which takes about a minute there and hours in pure Python. Parsing, validation and gas are ours.
"""
import struct

from blake2b import compress

from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.pricing import BLAKE2F_GAS_PER_ROUND, charge

INPUT_SIZE = 213
ROUNDS_SIZE = 4

# RFC 7693 section 2.6: the initialisation vector (used by the tests to build full hashes)
IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)  # fmt: skip

_WORDS_AND_FLAG = struct.Struct("<8Q16Q2QB")


def blake2f(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x09 blake2f (EIP-152): run F on the encoded state; bad length or flag fails the call."""
    if len(data) != INPUT_SIZE:
        raise PrecompileError("blake2f: input must be exactly 213 bytes")
    rounds = int.from_bytes(data[:ROUNDS_SIZE], "big")
    used = charge(BLAKE2F_GAS_PER_ROUND * rounds, gas)
    words = _WORDS_AND_FLAG.unpack_from(data, ROUNDS_SIZE)
    h, m, t, final = words[:8], words[8:24], words[24:26], words[26]
    if final > 1:
        raise PrecompileError("blake2f: final block flag must be 0 or 1")
    return used, bytes(compress(rounds, list(h), list(m), list(t), final == 1))
