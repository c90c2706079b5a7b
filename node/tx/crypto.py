"""secp256k1 for transactions: signing a hash, recovering the signer, and key -> address.

The curve math comes from coincurve (libsecp256k1, C). What is Ethereum's own lives here:
the signature-value rules of EIP-2 (r and s in [1, n), s in the lower half of the order so a
signature is not malleable), recovery ids limited to 0 and 1, and an address as the last 20
bytes of keccak256 of the 64-byte uncompressed public key.
"""
from coincurve import PrivateKey, PublicKey

from pydevnet.node.tx.errors import InvalidSignature
from pydevnet.state.hashing import keccak256

# The order of the secp256k1 group.
SECP256K1N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
# EIP-2: a signature with s > n/2 is invalid (n is odd, so "s <= n // 2").
SECP256K1N_HALF = SECP256K1N // 2


def public_key_to_address(public_key: PublicKey) -> bytes:
    """The account address of a public key: keccak256(x ++ y)[12:]."""
    return keccak256(public_key.format(compressed=False)[1:])[12:]


def private_key_to_address(key: bytes) -> bytes:
    """The address controlled by a 32-byte private key (ValueError if the key is out of range)."""
    return public_key_to_address(PrivateKey(key).public_key)


def check_signature_values(y_parity: int, r: int, s: int) -> None:
    """Reject signature values no valid transaction can carry (EIP-2, EIP-155/EIP-2718 parity)."""
    if y_parity not in (0, 1):
        raise InvalidSignature(f"y_parity must be 0 or 1, got {y_parity}")
    if not 0 < r < SECP256K1N:
        raise InvalidSignature("r is not in [1, secp256k1n)")
    if not 0 < s <= SECP256K1N_HALF:
        # EIP-2: high-s signatures are malleable copies of low-s ones and are rejected.
        raise InvalidSignature("s is not in [1, secp256k1n / 2]")


def recover_address(msg_hash: bytes, y_parity: int, r: int, s: int) -> bytes:
    """The address that signed `msg_hash`; InvalidSignature if there is none."""
    check_signature_values(y_parity, r, s)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes((y_parity,))
    try:
        public_key = PublicKey.from_signature_and_message(signature, msg_hash, hasher=None)
    except ValueError as exc:  # no curve point for r, or the result is the point at infinity
        raise InvalidSignature("public key recovery failed") from exc
    return public_key_to_address(public_key)


def sign_hash(msg_hash: bytes, key: bytes) -> tuple[int, int, int]:
    """Sign a 32-byte hash (RFC 6979 nonce); return (y_parity, r, s) with low s (EIP-2)."""
    signature = PrivateKey(key).sign_recoverable(msg_hash, hasher=None)
    y_parity = signature[64]
    if y_parity > 1:
        # Recovery ids 2 and 3 mean r overflowed the group order: probability ~2**-127.
        raise ValueError("signature has an unrepresentable recovery id")
    return y_parity, int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big")
