"""Decoding the composite parameters: transaction/call objects (execution-apis
GenericTransaction), state overrides (eth_call's third parameter), access lists and log filters.

Field errors name the field ("gas: hex number with leading zero digits"); the dispatcher adds the
argument position. Unknown call-object fields are ignored, as geth ignores them; an EIP-7702
`authorizationList` is decoded by rpc/authorizations.py (signed entries only).
"""
from typing import Any, Callable

from pydevnet.node.calls import CallRequest, StateOverride
from pydevnet.node.filters import LogFilter
from pydevnet.node.tx.types import SET_CODE_TX_TYPE
from pydevnet.rpc import codec
from pydevnet.rpc.authorizations import authorization_list
from pydevnet.rpc.errors import ParamError

MAX_TOPICS = 4  # LOG0..LOG4


def _object(v: Any, what: str) -> dict:
    if not isinstance(v, dict):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)} into {what}: want an object")
    return v


def _field(obj: dict, key: str, decode: Callable[[Any], Any], default: Any = None) -> Any:
    """obj[key] decoded; `default` when absent or null."""
    v = obj.get(key)
    if v is None:
        return default
    try:
        return decode(v)
    except ParamError as e:
        raise ParamError(f"{key}: {e}") from None


def _list_of(decode: Callable[[Any], Any]) -> Callable[[Any], list]:
    def parse(v: Any) -> list:
        if not isinstance(v, list):
            raise ParamError(f"cannot unmarshal {codec.json_type(v)}: want an array")
        return [decode(x) for x in v]
    return parse


def access_list(v: Any) -> tuple:
    """EIP-2930: [{address, storageKeys: [hash]}] -> ((address, (slot ints)), ...)."""
    out = []
    for entry in _list_of(lambda e: _object(e, "access list entry"))(v):
        addr = _field(entry, "address", codec.address)
        if addr is None:
            raise ParamError("access list entry without address")
        keys = _field(entry, "storageKeys", _list_of(codec.hash32), [])
        out.append((addr, tuple(int.from_bytes(k, "big") for k in keys)))
    return tuple(out)


class CallArgs:
    """A decoded transaction object: the node's CallRequest plus the fields only rpc checks."""

    __slots__ = ("request", "chain_id", "has_from")

    def __init__(self, request: CallRequest, chain_id: int | None, has_from: bool) -> None:
        self.request = request
        self.chain_id = chain_id
        self.has_from = has_from


def _number(bits: int = codec.UINT256_BITS) -> Callable[[Any], int]:
    """A quantity field of a transaction object: hex, or a JSON number as Anvil takes it
    (web3.py's modify_transaction sends gas, nonce and value as numbers)."""
    return lambda v: codec.int_or_quantity(v, bits)


_U256, _U64 = _number(), _number(codec.UINT64_BITS)


# the keys of the common call object (a web3 library's eth_call): call_args decodes only these
_COMMON_CALL_KEYS = frozenset(("to", "data", "input", "from", "gas", "value"))


def _call_data(obj: dict) -> bytes:
    """The call data: "input", or "data" (geth's older name); both only if equal."""
    data = _field(obj, "data", codec.data)
    inp = _field(obj, "input", codec.data)
    if data is not None and inp is not None and data != inp:
        raise ParamError('both "data" and "input" are set and not equal. Please use "input" '
                         "to pass transaction call data")
    return inp if inp is not None else (data or b"")


def _common_call_args(obj: dict) -> CallArgs:
    """call_args of an object with no key beyond _COMMON_CALL_KEYS: the same checks, in the
    same order, without looking up the fields it cannot hold."""
    data = _call_data(obj)
    sender = _field(obj, "from", codec.address)
    req = CallRequest(sender, _field(obj, "to", codec.address), _field(obj, "gas", _U64),
                      value=_field(obj, "value", _U256, 0), data=data)
    return CallArgs(req, None, sender is not None)


def call_args(v: Any) -> CallArgs:
    obj = _object(v, "transaction object")
    if _COMMON_CALL_KEYS.issuperset(obj):
        return _common_call_args(obj)
    data = _call_data(obj)
    gas_price = _field(obj, "gasPrice", _U256)
    max_fee = _field(obj, "maxFeePerGas", _U256)
    tip = _field(obj, "maxPriorityFeePerGas", _U256)
    if gas_price is not None and (max_fee is not None or tip is not None):
        raise ParamError("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
    if max_fee is not None and tip is not None and tip > max_fee:
        raise ParamError(f"maxFeePerGas ({max_fee}) < maxPriorityFeePerGas ({tip})")
    if obj.get("blobVersionedHashes") or obj.get("maxFeePerBlobGas") is not None:
        raise ParamError("blob transactions (type 3) are not supported by this devnet")
    if any(obj.get(k) is not None for k in ("blobs", "commitments", "proofs")):
        raise ParamError('"blobs" is not supported for this RPC method')  # geth's wording
    tx_type = _field(obj, "type", _number(8))  # else inferred from fees
    auths = _field(obj, "authorizationList", authorization_list)
    if auths is not None and tx_type not in (None, SET_CODE_TX_TYPE):
        raise ParamError(f"authorizationList: a type {tx_type:#x} transaction has none (EIP-7702 "
                         "is type 0x4)")
    req = CallRequest(
        sender=_field(obj, "from", codec.address), to=_field(obj, "to", codec.address),
        gas=_field(obj, "gas", _U64), gas_price=gas_price, max_fee_per_gas=max_fee,
        max_priority_fee_per_gas=tip, value=_field(obj, "value", _U256, 0),
        data=data,
        access_list=_field(obj, "accessList", access_list, ()),
        nonce=_field(obj, "nonce", _U64), authorization_list=auths or (),
        tx_type=SET_CODE_TX_TYPE if auths is not None else tx_type)  # [] too: refused later
    return CallArgs(req, _field(obj, "chainId", _U256), obj.get("from") is not None)


_OVERRIDE_FIELDS = {"balance", "nonce", "code", "state", "stateDiff"}


def _slots(v: Any) -> dict[int, int]:
    obj = _object(v, "storage map")
    return {codec.storage_key(k): codec.storage_key(val) for k, val in obj.items()}


def state_overrides(v: Any) -> dict[bytes, StateOverride]:
    """{address: {balance, nonce, code, state, stateDiff}}; state replaces the whole storage,
    stateDiff changes single slots."""
    out = {}
    for key, o in _object(v, "state override set").items():
        addr = codec.address(key)
        o = _object(o, f"override of {key}")
        unknown = o.keys() - _OVERRIDE_FIELDS
        if unknown:
            raise ParamError(f"account {key}: unsupported override field {sorted(unknown)[0]!r}")
        if o.get("state") is not None and o.get("stateDiff") is not None:
            raise ParamError(f"account {key} has both 'state' and 'stateDiff'")
        out[addr] = StateOverride(
            balance=_field(o, "balance", _U256), nonce=_field(o, "nonce", _U64),
            code=_field(o, "code", codec.data), state=_field(o, "state", _slots),
            state_diff=_field(o, "stateDiff", _slots))
    return out


# -- log filters -------------------------------------------------------------------------------
class FilterSpec:
    """A decoded filter object; block tags stay symbolic (the node resolves them per query)."""

    __slots__ = ("from_block", "to_block", "addresses", "topics", "block_hash")

    def __init__(self, from_block, to_block, addresses, topics, block_hash) -> None:
        self.from_block = from_block
        self.to_block = to_block
        self.addresses = addresses
        self.topics = topics
        self.block_hash = block_hash

    def criteria(self) -> LogFilter:
        """The node's LogFilter; block tags stay tags, the node resolves them per query."""
        return LogFilter(self.from_block, self.to_block, self.addresses, self.topics,
                         self.block_hash)


def _addresses(v: Any) -> set[bytes] | None:
    if isinstance(v, list):
        return {codec.address(a) for a in v} or None
    return {codec.address(v)}


def _topic(v: Any) -> list[int] | None:
    """One topic position: null (anything), a hash, or a list of alternative hashes."""
    if v is None:
        return None
    if isinstance(v, list):
        return [int.from_bytes(codec.hash32(t), "big") for t in v]
    return [int.from_bytes(codec.hash32(v), "big")]


def _topics(v: Any) -> list:
    if not isinstance(v, list):
        raise ParamError(f"cannot unmarshal {codec.json_type(v)}: want an array of topics")
    if len(v) > MAX_TOPICS:
        raise ParamError(f"too many topic positions ({len(v)}, at most {MAX_TOPICS})")
    return [_topic(t) for t in v]


def filter_spec(v: Any) -> FilterSpec:
    obj = _object(v, "filter object")
    block_hash = _field(obj, "blockHash", codec.hash32)
    if block_hash is not None and (obj.get("fromBlock") is not None
                                   or obj.get("toBlock") is not None):
        raise ParamError("cannot specify both BlockHash and FromBlock/ToBlock, choose one or "
                         "the other")
    return FilterSpec(_field(obj, "fromBlock", codec.block_number),
                      _field(obj, "toBlock", codec.block_number),
                      _field(obj, "address", _addresses), _field(obj, "topics", _topics, []),
                      block_hash)
