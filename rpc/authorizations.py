"""EIP-7702 authorization lists in JSON, in and out, in execution-apis' shape: each entry
`{chainId, address, nonce, yParity, r, s}`, the numbers as quantities (geth's
SetCodeAuthorization). On input `v` is accepted for `yParity`, as Anvil's (alloy's) decoder
accepts it, numbers also as JSON numbers (as the transaction object's), and r and s also as
32-byte data (what some clients send for a signature word).

An entry must be signed: the node does not sign authorizations for its dev accounts, as Anvil
does not (an unsigned entry is refused there with "missing field `r`"). A wallet signs them with
the authority's key (web3.py Account.sign_authorization, viem signAuthorization, ethers
Wallet.authorize). An entry's validity (chain id, nonce, signature) is judged when it runs; an
invalid one is skipped, as EIP-7702 says, and only a malformed one is refused here.
"""
from typing import Any

from pydevnet.node.tx.authorization import Authorization
from pydevnet.rpc import codec
from pydevnet.rpc.codec import hexdata, qty
from pydevnet.rpc.errors import ParamError

_FIELDS = ("chainId", "address", "nonce", "yParity", "v", "r", "s")
_UINT8_BITS = 8
_WORD_HEX_DIGITS = 66  # "0x" + 64: a signature word given as 32-byte data


def _number(v: Any, bits: int = codec.UINT256_BITS) -> int:
    return codec.int_or_quantity(v, bits)


def _signature_word(v: Any) -> int:
    if isinstance(v, str) and len(v) == _WORD_HEX_DIGITS:
        return int.from_bytes(codec.hash32(v), "big")
    return _number(v)


def _required(entry: dict, key: str, decode) -> Any:
    v = entry.get(key)
    if v is None:
        raise ParamError(f"missing field {key!r}")
    try:
        return decode(v)
    except ParamError as e:
        raise ParamError(f"{key}: {e}") from None


def _uint8(v: Any) -> int:
    return _number(v, _UINT8_BITS)


def _y_parity(entry: dict) -> int:
    given = {k: _required(entry, k, _uint8) for k in ("yParity", "v") if entry.get(k) is not None}
    if not given:
        raise ParamError("missing field 'yParity' (the entry is not signed: sign it with the "
                         "authority's key; the node signs no authorizations)")
    if len(set(given.values())) > 1:
        raise ParamError("yParity and v are both set and differ")
    return next(iter(given.values()))


def authorization(v: Any) -> Authorization:
    """One signed entry; unknown fields are refused (nothing the node cannot honour passes)."""
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into authorization: want an "
                         "object")
    unknown = v.keys() - set(_FIELDS)
    if unknown:
        raise ParamError(f"unknown field {sorted(unknown)[0]!r}")
    return Authorization(
        chain_id=_required(v, "chainId", _number),
        address=_required(v, "address", codec.address),
        nonce=_required(v, "nonce", lambda x: _number(x, codec.UINT64_BITS)),
        y_parity=_y_parity(v),
        r=_required(v, "r", _signature_word),
        s=_required(v, "s", _signature_word))


def authorization_list(v: Any) -> tuple[Authorization, ...]:
    """`authorizationList`: an array of signed entries (errors name the entry's index)."""
    if not isinstance(v, list):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)}: want an array")
    out = []
    for i, entry in enumerate(v):
        try:
            out.append(authorization(entry))
        except ParamError as e:
            raise ParamError(f"entry {i}: {e}") from None
    return tuple(out)


def authorization_list_json(auths) -> list[dict]:
    return [{"chainId": qty(a.chain_id), "address": hexdata(a.address), "nonce": qty(a.nonce),
             "yParity": qty(a.y_parity), "r": qty(a.r), "s": qty(a.s)} for a in auths]
