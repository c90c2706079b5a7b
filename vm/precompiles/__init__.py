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

The tables hold loaders, not the functions: a contract's module, and the C library behind it
(mcl and its BN254 set-up, pycryptodome through cffi, OpenSSL through `cryptography`, GMP, ckzg,
arkworks, blake2b, libsecp256k1), is imported on the contract's first call, so importing the VM
(and starting a node) pays for none of them. After that a call costs one Python call more.
"""
from collections.abc import Callable
from importlib import import_module

ADDRESS_SIZE = 20

Precompile = Callable[[bytes, int], tuple[int, bytes]]


def address(index: int) -> bytes:
    """The 20-byte address of precompile number `index`."""
    return index.to_bytes(ADDRESS_SIZE, "big")


def on_first_call(module: str, name: str) -> Precompile:
    """The precompile `name` of vm/precompiles/`module`.py, imported when it is first called
    (or when `load()`, an attribute of the result, is)."""
    loaded: Precompile | None = None

    def load() -> Precompile:
        nonlocal loaded
        if loaded is None:  # two threads may both import: the import system makes that safe
            loaded = getattr(import_module(f"{__name__}.{module}"), name)
        return loaded

    def precompile(data: bytes, gas: int) -> tuple[int, bytes]:
        return (loaded or load())(data, gas)

    precompile.__name__ = precompile.__qualname__ = name
    precompile.load = load  # type: ignore[attr-defined]
    return precompile


def loaded(entry: Precompile) -> Precompile:
    """The function a table entry runs, its module imported if it was not yet."""
    load = getattr(entry, "load", None)
    return entry if load is None else load()


PRECOMPILES: dict[bytes, Precompile] = {
    address(0x01): on_first_call("ecrecover", "ecrecover"),
    address(0x02): on_first_call("hashes", "sha256"),
    address(0x03): on_first_call("hashes", "ripemd160"),
    address(0x04): on_first_call("hashes", "identity"),
    address(0x05): on_first_call("modexp", "modexp"),
    address(0x06): on_first_call("bn254", "bn254_add"),
    address(0x07): on_first_call("bn254", "bn254_mul"),
    address(0x08): on_first_call("bn254_pairing", "bn254_pairing"),
    address(0x09): on_first_call("blake2f", "blake2f"),
    address(0x0A): on_first_call("kzg", "point_evaluation"),
}

# EIP-2537 (Prague)
PRAGUE_PRECOMPILES: dict[bytes, Precompile] = {
    address(0x0B): on_first_call("bls12_381", "g1_add"),
    address(0x0C): on_first_call("bls12_381", "g1_msm"),
    address(0x0D): on_first_call("bls12_381", "g2_add"),
    address(0x0E): on_first_call("bls12_381", "g2_msm"),
    address(0x0F): on_first_call("bls12_381", "pairing_check"),
    address(0x10): on_first_call("bls12_381", "map_fp_to_g1"),
    address(0x11): on_first_call("bls12_381", "map_fp2_to_g2"),
}

OSAKA_PRECOMPILES: dict[bytes, Precompile] = {
    address(0x05): on_first_call("modexp", "modexp_osaka"),  # EIP-7823, EIP-7883
    address(0x100): on_first_call("p256verify", "p256verify"),  # EIP-7951
}

__all__ = ["OSAKA_PRECOMPILES", "PRAGUE_PRECOMPILES", "PRECOMPILES", "Precompile", "address",
           "loaded", "on_first_call"]
