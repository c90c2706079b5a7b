"""Transactions: everything about one transaction that needs neither the chain nor the pool.

- types.py          the signed transaction value type, every EIP-2718 type
- authorization.py  EIP-7702 authorization tuples: signing hash, signing, recovery, widths
- decode.py         strict decoding from wire bytes, a blob transaction's network form, pool size
- crypto.py         secp256k1: signing a hash, recovering a signer, key -> address
- validation.py     intrinsic gas and stateless validity (EIP-155, -2, -2930, -1559, -3860, -4844,
                    -7702, -7623, -7825), by fork
- signing.py        signing with a key, and the placeholder signature of an impersonated sender
- blobs.py          EIP-4844 at the node: verifying a sidecar's KZG proofs, blob gas
- errors.py         why a transaction cannot be included (geth's wording)

May import vm/ (gas constants, fork specs) and state/ (RLP, hashing); nothing else of node/.
"""
