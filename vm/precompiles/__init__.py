"""The precompiled contracts, as pure functions of (input, available gas): 0x01-0x0a of Cancun
(PRECOMPILES), the BLS12-381 contracts Prague adds (PRAGUE_PRECOMPILES) and Osaka's changes
(OSAKA_PRECOMPILES); vm/forks.py derives each fork's table from the one before.

Each one returns (gas_used, output), raises vm.errors.OutOfGas when its price exceeds the gas
available (checked before any costly work) and vm.errors.PrecompileError when the spec says the
input fails the call; both burn all the call's gas, which the caller handles. Prices live in
pricing.py. Contracts: ecrecover (Frontier), sha256, ripemd160, identity (Frontier), modexp
(EIP-198, EIP-2565), BN254 add/mul/pairing (EIP-196, EIP-197, EIP-1108), blake2f (EIP-152) and KZG
point evaluation (EIP-4844); from Prague the BLS12-381 contracts 0x0b-0x11 (EIP-2537); from Osaka
P256VERIFY at 0x100 (EIP-7951) and modexp bounded and repriced (EIP-7823, EIP-7883).
"""
from collections.abc import Callable

from pydevnet.vm.precompiles import bls12_381
from pydevnet.vm.precompiles.blake2f import blake2f
from pydevnet.vm.precompiles.bn254 import bn254_add, bn254_mul
from pydevnet.vm.precompiles.bn254_pairing import bn254_pairing
from pydevnet.vm.precompiles.ecrecover import ecrecover
from pydevnet.vm.precompiles.hashes import identity, ripemd160, sha256
from pydevnet.vm.precompiles.kzg import point_evaluation
from pydevnet.vm.precompiles.modexp import modexp, modexp_osaka
from pydevnet.vm.precompiles.p256verify import p256verify

ADDRESS_SIZE = 20

Precompile = Callable[[bytes, int], tuple[int, bytes]]


def address(index: int) -> bytes:
    """The 20-byte address of precompile number `index`."""
    return index.to_bytes(ADDRESS_SIZE, "big")


PRECOMPILES: dict[bytes, Precompile] = {
    address(0x01): ecrecover,
    address(0x02): sha256,
    address(0x03): ripemd160,
    address(0x04): identity,
    address(0x05): modexp,
    address(0x06): bn254_add,
    address(0x07): bn254_mul,
    address(0x08): bn254_pairing,
    address(0x09): blake2f,
    address(0x0A): point_evaluation,
}

# EIP-2537 (Prague)
PRAGUE_PRECOMPILES: dict[bytes, Precompile] = {
    address(0x0B): bls12_381.g1_add,
    address(0x0C): bls12_381.g1_msm,
    address(0x0D): bls12_381.g2_add,
    address(0x0E): bls12_381.g2_msm,
    address(0x0F): bls12_381.pairing_check,
    address(0x10): bls12_381.map_fp_to_g1,
    address(0x11): bls12_381.map_fp2_to_g2,
}

OSAKA_PRECOMPILES: dict[bytes, Precompile] = {
    address(0x05): modexp_osaka,  # EIP-7823, EIP-7883
    address(0x100): p256verify,  # EIP-7951
}

__all__ = ["OSAKA_PRECOMPILES", "PRAGUE_PRECOMPILES", "PRECOMPILES", "Precompile", "address"]
