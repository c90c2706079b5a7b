"""Hypothesis strategies for parameters that are wrong beyond doubt, one per decoder the method
table uses (rpc/registry.py): wrong JSON types, odd and non-hex strings, missing or doubled
prefixes, wrong lengths, negative and huge numbers, bad tags and nested garbage. Every value
`invalid(decoder)` draws must be refused by that decoder (or, for the few checked in the node,
by the node) with -32602; `VALID` holds one value each decoder accepts, to fill the arguments
before the bad one.
"""
from typing import Any, Callable

from hypothesis import strategies as st

DEV = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
HASH = "0x" + "00" * 32
HEX = "0123456789abcdefABCDEF"
TAGS = ("latest", "earliest", "pending", "safe", "finalized")

# object keys some decoders give a meaning to (kept out of the garbage objects)
OBJECT_KEYS = {"blockHash", "blockNumber", "requireCanonical", "timestamp", "blocks", "tracer",
               "tracerConfig", "limit", "timeout"}

# -- building blocks ---------------------------------------------------------------------------
hex_digits = st.text(alphabet=HEX, min_size=1, max_size=12)
# what int(s, 16) and friends forgive (whitespace, "_", signs, non-ASCII digits) comes first
non_hex_char = st.one_of(st.sampled_from(list(" \t\n_+-.xXgG\x00") + ["１", "٣", "²", "é"]),
                         st.characters(blacklist_characters=HEX, blacklist_categories=("Cs",)))
# 0x followed by digits with at least one that is not hex: "0xg", "0x12 ", "0x１", "0x-1"
garbage_hex = st.builds(lambda p, a, c, b: p + a + c + b, st.sampled_from(["0x", "0X"]),
                        st.text(HEX, max_size=6), non_hex_char, st.text(HEX, max_size=6))
garbage_hex = st.one_of(garbage_hex, garbage_hex.filter(lambda s: s[2:3] in HEX[1:]),
                        garbage_hex.filter(lambda s: s[-1:] in HEX[1:]))
# strings that are not 0x-prefixed (and not empty)
unprefixed = st.one_of(hex_digits, st.text(min_size=1, max_size=12).filter(
    lambda s: not s.startswith(("0x", "0X"))), st.just("x0"), st.just("00x1"))
# scalars no hex or number decoder accepts inside a list or as a field
bad_scalar = st.one_of(st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
                       st.sampled_from(["zz", "0xzz", "", "🙂"]))
bad_lists = st.lists(bad_scalar, min_size=1, max_size=3)
bad_objects = st.dictionaries(st.text(max_size=6).filter(lambda k: k not in OBJECT_KEYS),
                              bad_scalar, min_size=1, max_size=3)
deep_garbage = st.recursive(bad_scalar, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=2), st.dictionaries(st.text(max_size=3), inner,
                                                            min_size=1, max_size=2)),
    max_leaves=6)
floats = st.floats(allow_nan=False, allow_infinity=False)
ints = st.integers(-2 ** 300, 2 ** 300)


def not_string(numbers: bool = True) -> st.SearchStrategy:
    """JSON values that are not strings (integers only if `numbers`)."""
    kinds = [st.booleans(), floats, bad_lists, bad_objects, deep_garbage.filter(
        lambda v: not isinstance(v, str))]
    if numbers:
        kinds.append(ints)
    return st.one_of(*kinds)


def quantity(bits: int = 256) -> st.SearchStrategy:
    """Not a hex quantity of at most `bits` bits (JSON integers are refused too)."""
    return st.one_of(
        not_string(), unprefixed, garbage_hex, st.sampled_from(["", "0x", "0X", "0x 1"]),
        hex_digits.map(lambda d: "0x0" + d),  # leading zero digits
        st.integers(2 ** bits, 2 ** (bits + 70)).map(hex))


def int_or_quantity(bits: int = 64) -> st.SearchStrategy:
    """Neither a JSON integer in [0, 2**bits) nor such a quantity."""
    return st.one_of(
        not_string(numbers=False), st.integers(max_value=-1), st.integers(min_value=2 ** bits),
        unprefixed, garbage_hex, st.sampled_from(["", "0x", "0x01"]),
        st.integers(2 ** bits, 2 ** (bits + 70)).map(hex))


def hex_or_decimal(bits: int = 64) -> st.SearchStrategy:
    return st.one_of(
        not_string(numbers=False), st.integers(max_value=-1), st.integers(min_value=2 ** bits),
        st.integers(2 ** bits, 2 ** (bits + 300)).map(str), st.text(min_size=1).filter(
            lambda s: not s.startswith(("0x", "0X")) and not (s.isascii() and s.isdigit())),
        st.sampled_from(["1" * 5000, "²", "١", " 1", "1 ", "+1", "-1", "1e3", "1.0", ""]),
        garbage_hex, st.integers(2 ** bits, 2 ** (bits + 70)).map(hex))


def data() -> st.SearchStrategy:
    return st.one_of(not_string(), unprefixed, garbage_hex, st.just(""),
                     st.text(HEX, min_size=1, max_size=21).filter(lambda d: len(d) % 2).map(
                         lambda d: "0x" + d))


def fixed(size: int) -> st.SearchStrategy:
    """Not 0x and exactly 2 * size hex digits."""
    return st.one_of(
        not_string(), unprefixed, garbage_hex, st.just(""),
        st.text(HEX, min_size=2 * size, max_size=2 * size),  # no prefix
        st.text(HEX, max_size=2 * size + 6).filter(lambda d: len(d) != 2 * size).map(
            lambda d: "0x" + d))


def boolean() -> st.SearchStrategy:
    return st.one_of(ints, floats, st.text(max_size=6), bad_lists, bad_objects)


def block_number() -> st.SearchStrategy:
    return st.one_of(
        st.booleans(), floats, bad_lists, st.integers(max_value=-1),
        st.integers(min_value=2 ** 63), st.integers(2 ** 63, 2 ** 64 - 1).map(hex),
        st.sampled_from(["Latest", "LATEST", "newest", "head", " latest", "latest ", "0x",
                         "0x01", "", "1", "-0x1"]),
        unprefixed.filter(lambda s: s not in TAGS), garbage_hex, quantity(64).filter(
            lambda v: isinstance(v, str) and v not in TAGS))


def block_ref() -> st.SearchStrategy:
    return st.one_of(
        block_number().filter(lambda v: not (isinstance(v, str) and len(v) == 66)),
        st.text(alphabet=HEX + "xg", min_size=64, max_size=64).filter(
            lambda d: not all(c in HEX for c in d)).map(lambda d: "0x" + d),
        bad_objects, st.just({}), st.just({"blockHash": HASH, "blockNumber": "0x0"}),
        fixed(32).map(lambda h: {"blockHash": h}),
        block_number().map(lambda n: {"blockNumber": n}),
        boolean().map(lambda c: {"blockHash": HASH, "requireCanonical": c}),
        st.just({"blockHash": HASH, "extra": 1}))


def storage_key() -> st.SearchStrategy:
    return st.one_of(
        not_string(), garbage_hex, st.text(HEX, min_size=65, max_size=80),
        st.text(HEX, min_size=65, max_size=80).map(lambda d: "0x" + d),
        st.text(min_size=1, max_size=8).filter(lambda s: not all(c in HEX for c in s) and
                                                not s.startswith(("0x", "0X"))))


def access_list() -> st.SearchStrategy:
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, list)), st.text(max_size=5),
        st.just([1]), st.just([{}]), st.just([{"storageKeys": []}]),
        fixed(20).map(lambda a: [{"address": a}]),
        hash_list_bad().map(lambda ks: [{"address": DEV, "storageKeys": ks}]))


def hash_list_bad() -> st.SearchStrategy:
    """Not a list of 32-byte hashes."""
    return st.one_of(not_string().filter(lambda v: not isinstance(v, list)), st.text(max_size=5),
                     st.lists(fixed(32), min_size=1, max_size=2))


def call_args() -> st.SearchStrategy:
    one_bad_field = st.one_of(
        st.tuples(st.sampled_from(["from", "to"]), fixed(20)),
        # quantities: hex or a JSON number, as Anvil takes them (rpc/params.py _number)
        st.tuples(st.sampled_from(["gas", "nonce"]), int_or_quantity(64)),
        st.tuples(st.sampled_from(["gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value",
                                   "chainId"]), int_or_quantity(256)),
        st.tuples(st.sampled_from(["data", "input"]), data()),
        st.tuples(st.just("type"), int_or_quantity(8)),
        st.tuples(st.just("accessList"), access_list()),
        st.tuples(st.just("blobVersionedHashes"), st.just([HASH])),
        st.tuples(st.just("maxFeePerBlobGas"), st.just("0x1")))
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), st.text(max_size=8),
        st.builds(lambda kv: {"from": DEV, "to": DEV, kv[0]: kv[1]}, one_bad_field),
        st.just({"gasPrice": "0x1", "maxFeePerGas": "0x1"}),
        st.just({"maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x2"}),
        st.just({"data": "0x01", "input": "0x02"}))


def _slots() -> st.SearchStrategy:
    return st.one_of(not_string().filter(lambda v: not isinstance(v, dict)), st.text(max_size=4),
                     st.builds(lambda k: {k: HASH}, storage_key().filter(
                         lambda k: isinstance(k, str))),
                     st.builds(lambda v: {"0x1": v}, storage_key()))


def state_overrides() -> st.SearchStrategy:
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), st.text(max_size=8),
        fixed(20).filter(lambda a: isinstance(a, str)).map(lambda a: {a: {}}),
        not_string().filter(lambda v: not isinstance(v, dict)).map(lambda o: {DEV: o}),
        st.just({DEV: {"storage": {}}}), st.just({DEV: {"state": {}, "stateDiff": {}}}),
        int_or_quantity(256).map(lambda b: {DEV: {"balance": b}}),
        int_or_quantity(64).map(lambda n: {DEV: {"nonce": n}}),
        data().map(lambda c: {DEV: {"code": c}}),
        st.tuples(st.sampled_from(["state", "stateDiff"]), _slots()).map(
            lambda kv: {DEV: {kv[0]: kv[1]}}))


def filter_spec() -> st.SearchStrategy:
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), st.text(max_size=8),
        st.just({"blockHash": HASH, "fromBlock": "0x0"}),
        st.just({"blockHash": HASH, "toBlock": "latest"}),
        st.tuples(st.sampled_from(["fromBlock", "toBlock"]), block_number().filter(
            lambda v: v is not None)).map(lambda kv: {kv[0]: kv[1]}),
        fixed(32).map(lambda h: {"blockHash": h}),
        fixed(20).map(lambda a: {"address": a}),
        st.lists(fixed(20), min_size=1, max_size=2).map(lambda a: {"address": a}),
        not_string().filter(lambda v: not isinstance(v, list)).map(lambda t: {"topics": t}),
        st.lists(st.none(), min_size=5, max_size=7).map(lambda t: {"topics": t}),
        fixed(32).filter(lambda h: not isinstance(h, list)).map(lambda h: {"topics": [h]}),
        st.lists(fixed(32), min_size=1, max_size=2).map(lambda hs: {"topics": [hs]}))


def filter_id() -> st.SearchStrategy:
    return not_string()


def percentiles() -> st.SearchStrategy:
    out_of_range = st.one_of(st.floats(max_value=-1e-9, allow_infinity=False, allow_nan=False),
                             st.floats(min_value=100.000001, allow_infinity=False,
                                       allow_nan=False), st.integers(max_value=-1),
                             st.integers(min_value=101))
    bad_entry = st.one_of(out_of_range, st.booleans(), st.text(max_size=4), bad_lists,
                          bad_objects)
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, list)), st.text(max_size=8),
        st.lists(bad_entry, min_size=1, max_size=3),
        st.tuples(st.floats(1, 100), st.floats(0, 1)).filter(lambda p: p[1] < p[0]).map(list))


def keys() -> st.SearchStrategy:
    return st.one_of(not_string().filter(lambda v: not isinstance(v, list)),
                     st.text(max_size=8), st.lists(storage_key(), min_size=1, max_size=3))


BAD_EIP712_TYPES = ["int0", "uint0", "int257", "uint7", "uint08", "uint²", "int٨", "bytes0",
                    "bytes33", "bytes01", "byte", "Missing", "uint8[x]", "uint8[" + "9" * 50 + "]"]


def typed_data() -> st.SearchStrategy:
    def doc(field_type: str, value: Any) -> dict:
        return {"types": {"EIP712Domain": [], "M": [{"name": "a", "type": field_type}]},
                "primaryType": "M", "domain": {}, "message": {"a": value}}
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)),
        st.text(max_size=10).filter(lambda s: not s.strip().startswith("{")),
        st.sampled_from(["[1]", "5", "null", "{", '{"types": 1}', "[" * 50]),
        st.just({}), st.just({"types": []}), st.just({"types": {"M": 1}}),
        st.just({"types": {"M": [{"name": 1}]}}),
        st.just({"types": {"M": []}, "primaryType": "N"}),
        st.just({"types": {"M": []}, "primaryType": "M", "domain": [1]}),
        st.builds(doc, st.sampled_from(BAD_EIP712_TYPES), st.integers(0, 3)),
        st.builds(doc, st.sampled_from(["uint8", "int8", "bytes1", "address", "bytes",
                                        "uint8[2]"]), deep_garbage),
        st.builds(doc, st.just("uint8"), st.one_of(st.integers(256), st.integers(
            max_value=-1), st.sampled_from(["256", "-1", "1" * 5000, "0x100", "١"]))))


def mine_options() -> st.SearchStrategy:
    # a dict is parsed as {timestamp, blocks}: anything else in it is ignored, so no garbage
    # objects; a timestamp at or before the head's is refused by the node, also with -32602
    return st.one_of(
        int_or_quantity().filter(lambda v: not isinstance(v, dict)),
        int_or_quantity().filter(lambda v: v is not None).map(lambda t: {"timestamp": t}),
        dev_block_count().map(lambda b: {"blocks": b}),
        st.integers(0, 10 ** 6).map(lambda t: {"timestamp": t}))  # before the genesis block


def dev_block_count() -> st.SearchStrategy:
    return st.one_of(int_or_quantity(), st.sampled_from([0, "0x0"]),
                     st.integers(100_001, 2 ** 64 - 1), st.integers(100_001, 2 ** 64 - 1).map(hex))


def slot() -> st.SearchStrategy:
    return st.one_of(
        st.integers(max_value=-1), st.integers(min_value=2 ** 256), st.booleans(), floats,
        bad_lists, bad_objects, unprefixed, garbage_hex, st.just("0x"),
        st.text(HEX, min_size=65, max_size=80).map(lambda d: "0x" + d))


def word() -> st.SearchStrategy:
    return st.one_of(data(), st.text(HEX, max_size=70).filter(
        lambda d: len(d) % 2 == 0 and len(d) != 64).map(lambda d: "0x" + d))


def interval_ms() -> st.SearchStrategy:
    return st.one_of(int_or_quantity(), st.integers(2 ** 32 + 1, 2 ** 64 - 1))


def trace_options() -> st.SearchStrategy:
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), st.text(max_size=8),
        st.text(min_size=1, max_size=12).filter(
            lambda t: t not in ("callTracer", "prestateTracer", "noopTracer")).map(
            lambda t: {"tracer": t}),
        st.sampled_from(["callTracer", "prestateTracer"]).flatmap(lambda t: st.one_of(
            st.just({"tracer": t, "tracerConfig": {"nope": True}}),
            not_string(numbers=True).filter(lambda c: not isinstance(c, dict)).map(
                lambda c: {"tracer": t, "tracerConfig": c}))),
        st.just({"tracer": "callTracer", "tracerConfig": {"onlyTopCall": "yes"}}),
        st.just({"unknownField": 1}), boolean().map(lambda b: {"disableStack": b}),
        int_or_quantity().map(lambda n: {"limit": n}),
        st.one_of(not_string(), st.sampled_from(["", "5", "5 s", "s", "-1s", "1y", "fast", "١s",
                                                 "2562048h", "9" * 400 + "h"])).map(
            lambda t: {"timeout": t}))


def call_trace_config() -> st.SearchStrategy:
    return st.one_of(trace_options(), state_overrides().map(lambda o: {"stateOverrides": o}))


def subscription_kind() -> st.SearchStrategy:
    return not_string()


def storage_requests() -> st.SearchStrategy:  # eth_getStorageValues
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), st.just({}),
        fixed(20).filter(lambda a: isinstance(a, str)).map(lambda a: {a: []}),
        not_string().filter(lambda v: not isinstance(v, list)).map(lambda v: {DEV: v}),
        storage_key().map(lambda k: {DEV: [k]}), st.just({DEV: ["0x1"] * 1025}))


def db_key() -> st.SearchStrategy:  # debug_dbGet: 0x63 ++ a code hash
    return st.one_of(
        not_string(), st.text(HEX, min_size=64, max_size=64).map(lambda h: "0x64" + h),
        st.text(HEX, max_size=80).filter(lambda h: len(h) % 2 == 0 and len(h) != 64).map(
            lambda h: "0x63" + h))


def simulate_payload() -> st.SearchStrategy:  # eth_simulateV1
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), bad_objects,
        not_string().filter(lambda v: not isinstance(v, list)).map(
            lambda v: {"blockStateCalls": v}),
        st.just({"blockStateCalls": []}), st.just({"blockStateCalls": [5]}),
        boolean().map(lambda b: {"blockStateCalls": [{}], "validation": b}),
        # the block overrides' and a call's quantities: hex or a JSON number, as in eth_call
        st.tuples(st.sampled_from(["number", "time", "gasLimit"]), int_or_quantity(64)).map(
            lambda kv: {"blockStateCalls": [{"blockOverrides": {kv[0]: kv[1]}}]}),
        st.tuples(st.sampled_from(["baseFeePerGas", "blobBaseFee"]), int_or_quantity(256)).map(
            lambda kv: {"blockStateCalls": [{"blockOverrides": {kv[0]: kv[1]}}]}),
        st.tuples(st.sampled_from(["index", "validatorIndex", "amount"]),
                  int_or_quantity(64)).map(lambda kv: {"blockStateCalls": [
                      {"blockOverrides": {"withdrawals": [{kv[0]: kv[1]}]}}]}),
        int_or_quantity(256).map(lambda f: {"blockStateCalls": [
            {"calls": [{"from": DEV, "to": DEV, "maxFeePerBlobGas": f}]}]}))


def trace_type_list() -> st.SearchStrategy:  # trace_call, trace_replay*
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, list)), st.text(max_size=8),
        st.lists(st.one_of(st.text(max_size=10).filter(
            lambda t: t not in ("trace", "stateDiff", "vmTrace")), ints), min_size=1,
            max_size=3))


def trace_filter() -> st.SearchStrategy:  # trace_filter
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), bad_objects,
        st.text(max_size=8).filter(lambda m: m not in ("union", "intersection")).map(
            lambda m: {"mode": m}),
        block_number().map(lambda b: {"fromBlock": b}),
        not_string().filter(lambda v: v is not None and not isinstance(v, list)).map(
            lambda a: {"fromAddress": a}),
        fixed(20).map(lambda a: {"toAddress": [a]}),
        int_or_quantity().map(lambda n: {"count": n}))


def no_history() -> st.SearchStrategy:  # anvil_dumpState's preserve_historical_states
    return st.one_of(boolean(), st.just(True))


def reorg_options() -> st.SearchStrategy:  # anvil_reorg
    return st.one_of(
        not_string().filter(lambda v: not isinstance(v, dict)), bad_objects,
        int_or_quantity().map(lambda d: {"depth": d}),
        st.integers(10 ** 6, 2 ** 63).map(lambda d: {"depth": d}),  # deeper than the chain
        not_string().filter(lambda v: v and not isinstance(v, list)).map(
            lambda v: {"depth": 1, "tx_block_pairs": v}),
        st.one_of(bad_scalar, st.lists(bad_scalar, max_size=1), st.just([{}, 0, 1])).map(
            lambda p: {"depth": 1, "tx_block_pairs": [p]}))


def bad_fork_url() -> st.SearchStrategy:  # anvil_setRpcUrl, anvil_reset's jsonRpcUrl
    return st.one_of(not_string(), st.text(max_size=20).filter(
        lambda u: not u.startswith(("http://", "https://"))))


def reset_options() -> st.SearchStrategy:  # anvil_/hardhat_reset
    return st.one_of(
        not_string().filter(lambda v: v is not None and not isinstance(v, dict)),
        st.text(max_size=8),
        not_string().filter(lambda v: v is not None and not isinstance(v, dict)).map(
            lambda v: {"forking": v}),
        bad_fork_url().filter(lambda u: u is not None).map(
            lambda u: {"forking": {"jsonRpcUrl": u}}),
        bad_fork_url().filter(lambda u: u is not None).map(lambda u: {"jsonRpcUrl": u}))


INVALID: dict[str, Callable[[], st.SearchStrategy]] = {
    "address": lambda: fixed(20), "hash32": lambda: fixed(32), "data": data,
    "quantity": quantity, "uint64": lambda: quantity(64), "int_or_quantity": int_or_quantity,
    "hex_or_decimal": hex_or_decimal, "boolean": boolean, "block_number": block_number,
    "block_ref": block_ref, "storage_key": storage_key, "call_args": call_args,
    "state_overrides": state_overrides, "filter_spec": filter_spec, "filter_id": filter_id,
    "_percentiles": percentiles, "_keys": keys, "_typed_data": typed_data,
    "_mine_options": mine_options, "_block_count": dev_block_count,
    "_balance": lambda: int_or_quantity(256), "_nonce": int_or_quantity, "_slot": slot,
    "_word": word, "_interval_ms": interval_ms, "trace_options": trace_options,
    "call_trace_config": call_trace_config, "_kind": subscription_kind,
    "_storage_requests": storage_requests, "_db_key": db_key,
    "_u256": lambda: int_or_quantity(256), "payload": simulate_payload,
    "trace_types": trace_type_list, "trace_filter_params": trace_filter,
    "_no_history": no_history, "_reorg_options": reorg_options,
    "_reset_options": reset_options, "fork_url": bad_fork_url,
}
ACCEPTS_ANYTHING = {"raw"}  # personal_sign's password, eth_subscribe's options

VALID: dict[str, Any] = {
    "address": DEV, "hash32": HASH, "data": "0x", "quantity": "0x1", "uint64": "0x0",
    "int_or_quantity": "0x1", "hex_or_decimal": "0x1", "boolean": False,
    "block_number": "latest", "block_ref": "latest", "storage_key": "0x0",
    "call_args": {"from": DEV, "to": DEV}, "state_overrides": {}, "filter_spec": {},
    "filter_id": "0x0", "_percentiles": [], "_keys": [], "_mine_options": {},
    "_block_count": 1, "_balance": "0x0", "_nonce": "0x0", "_slot": "0x0", "_word": HASH,
    "_interval_ms": 0, "trace_options": {}, "call_trace_config": {}, "_kind": "newHeads",
    "raw": None, "_typed_data": {"types": {"M": []}, "primaryType": "M"},
    "_storage_requests": {DEV: ["0x0"]}, "_db_key": "0x63" + "00" * 32,
    "_u256": "0x1", "payload": {"blockStateCalls": [{"calls": []}]}, "trace_types": ["trace"],
    "trace_filter_params": {}, "_no_history": False,
    "_reorg_options": {"depth": 1, "tx_block_pairs": []},
    "_reset_options": {}, "fork_url": "http://127.0.0.1:1",
}


def decoder_name(decode: Callable) -> str:
    return getattr(decode, "__name__", repr(decode))
