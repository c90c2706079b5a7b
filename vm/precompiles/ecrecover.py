"""0x01 ecrecover: the address whose secp256k1 key signed a 32-byte hash (Frontier).

Input (right-padded with zeros to 128 bytes): hash, v, r, s as 32-byte words. v must be exactly 27
or 28 as a whole word (a non-zero high byte fails), r and s must lie in [1, secp256k1n); unlike
transaction signatures (EIP-2), a high s is accepted. Every failure returns empty output and still
charges the full price: ecrecover never halts exceptionally except by running out of gas.
"""
from coincurve import PublicKey

from pydevnet.state.hashing import keccak256
from pydevnet.vm.precompiles.pricing import ECRECOVER_GAS, WORD_SIZE, charge

SECP256K1N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
INPUT_SIZE = 4 * WORD_SIZE
V_OFFSET = 27  # v = 27 + recovery id (Yellow Paper appendix F)
ADDRESS_SIZE = 20


def ecrecover(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x01: the signer's address left-padded to 32 bytes, or b"" if the signature is bad."""
    used = charge(ECRECOVER_GAS, gas)
    data = bytes(data[:INPUT_SIZE]).ljust(INPUT_SIZE, b"\x00")
    msg_hash = data[:32]
    v = int.from_bytes(data[32:64], "big")
    r = int.from_bytes(data[64:96], "big")
    s = int.from_bytes(data[96:128], "big")
    if v not in (V_OFFSET, V_OFFSET + 1) or not (0 < r < SECP256K1N and 0 < s < SECP256K1N):
        return used, b""
    signature = data[64:128] + bytes((v - V_OFFSET,))
    try:
        public_key = PublicKey.from_signature_and_message(signature, msg_hash, hasher=None)
    except ValueError:  # r is no curve x-coordinate, or the recovered point is at infinity
        return used, b""
    address = keccak256(public_key.format(compressed=False)[1:])[-ADDRESS_SIZE:]
    return used, address.rjust(WORD_SIZE, b"\x00")
