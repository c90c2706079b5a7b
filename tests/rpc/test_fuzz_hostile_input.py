"""Hostile input to every registered method (issue 7, part 5), through the dispatcher in-process:

- any request text, malformed or not (garbage bytes, truncated JSON, NaN and 1e400 literals,
  bad ids, bad envelopes, batches with garbage) gets strict JSON back in JSON-RPC 2.0 envelopes,
  with the code the spec gives for the mistake and never -32603;
- parameters that are wrong beyond doubt (tests/rpc/hostile_params.py, one strategy per
  decoder) are -32602 exactly, and so are params that are not an array, too many or too few;
- no refused request changes the node: head, state root, pool, balances, nonces, the dev clock
  and the snapshots are as before every error answer, and no block passes 2**64 - 1 seconds.

Example counts are small for `make test`; `make fuzz` sets FUZZ_EXAMPLES (tests/rpc/fuzzing.py).
"""
import json
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pydevnet.rpc.codec import parse_int
from pydevnet.rpc.dispatch import MAX_BATCH
from pydevnet.rpc.errors import (INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND,
                                 PARSE_ERROR)
from pydevnet.rpc.registry import METHODS, REQUIRED
from tests.node.helpers import make_devnet
from tests.rpc import hostile_params as bad
from pydevnet.rpc.methods.send_sync import TX_SYNC_TIMEOUT
from tests.rpc.fuzzing import (MAX_TIMESTAMP, InProcess, check_envelope, counted, fingerprint,
                               fuzz_settings, head_timestamp, short_sync_waits, strict_loads)
from tests.rpc.test_fuzz_params import calls as plausible_calls
from tests.rpc.test_fuzz_params import json_values

DEV_ADDRESSES = [bytes.fromhex(bad.DEV[2:]),
                 bytes.fromhex("70997970c51812dc3a010c7d01b50e0d17dc79c8"), bytes(20),
                 bytes(19) + b"\x04"]
# methods that start background work (a miner thread): state would change between requests
BACKGROUND = {"evm_setIntervalMining", "anvil_setIntervalMining"}
SYNC_SENDS = {"eth_sendRawTransactionSync", "eth_sendTransactionSync"}
CANONICAL = sorted({m.name for m in METHODS.values()})


def _no_constants(name: str):
    raise ValueError(name)


@pytest.fixture(scope="module")
def node():
    n = InProcess(make_devnet())
    with short_sync_waits():
        yield n
    n.close()


# -- 1. any text: strict JSON in the right envelope ----------------------------------------------
LITERALS = ["1e400", "-1e400", "1E999", "NaN", "Infinity", "-Infinity", "1" * 5000,
            "-" + "1" * 5000, "1e308", "-0", "0.1", "1" * 300, "[]", "{}", "null", "true"]
ids = st.one_of(st.none(), st.integers(-2 ** 200, 2 ** 200), st.floats(allow_nan=False,
                                                                        allow_infinity=False),
                st.text(max_size=8), st.booleans(), bad.bad_lists, bad.bad_objects)
methods = st.one_of(st.sampled_from(sorted(METHODS)), st.text(max_size=12), st.none(),
                    st.integers(), st.sampled_from(["", "eth_", "klay_chainId", "rpc.discover"]))
envelopes = st.fixed_dictionaries({}, optional={
    "jsonrpc": st.sampled_from(["2.0", "2.0", "2.0", "1.0", 2.0, 2, None, "", "2.0 "]),
    "id": ids, "method": methods,
    "params": st.one_of(json_values, st.just([]), st.lists(json_values, max_size=3))})
# a request, and at most one placeholder inside it replaced by a literal Python cannot dump
PLACEHOLDER = "\u2603literal\u2603"
with_literal = st.one_of(
    envelopes.map(json.dumps),
    st.tuples(envelopes, st.sampled_from(["id", "params"]), st.sampled_from(LITERALS)).map(
        lambda t: json.dumps({**t[0], t[1]: PLACEHOLDER if t[1] == "id" else [PLACEHOLDER]})
        .replace(json.dumps(PLACEHOLDER), t[2])))
batches = st.lists(st.one_of(with_literal, st.sampled_from(["1", '"x"', "null", "[]", "{}"])),
                   min_size=0, max_size=5).map(lambda parts: "[" + ",".join(parts) + "]")
bodies = st.one_of(
    with_literal, batches,
    st.tuples(with_literal, st.integers(0, 200)).map(lambda t: t[0][:t[1]]),  # truncated
    st.text(max_size=40), st.binary(max_size=40),
    st.sampled_from(LITERALS + ["", " ", "\ufeff{}", "[1,]", '{"a":1,}', "[" * 200,
                                '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' * 2]))


def _expected_parse(body: str | bytes):
    """What the dispatcher should see: the parsed payload, or None if it is no JSON."""
    try:
        return json.loads(body, parse_constant=_no_constants, parse_int=parse_int), True
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, False


def _valid_id(rid) -> bool:
    if isinstance(rid, float):
        return math.isfinite(rid)
    return rid is None or (isinstance(rid, (str, int)) and not isinstance(rid, bool))


def _check_one(request, answer: dict | None) -> None:
    """The answer to one request object (None: it was a valid notification)."""
    if not isinstance(request, dict) or not _valid_id(request.get("id")):
        assert answer["id"] is None and answer["error"]["code"] == INVALID_REQUEST, answer
        return
    rid = request.get("id")
    method = request.get("method")
    if request.get("jsonrpc") != "2.0" or not isinstance(method, str) or not method:
        assert answer["id"] == rid and answer["error"]["code"] == INVALID_REQUEST, answer
        return
    if "id" not in request:
        assert answer is None, answer
        return
    assert answer["id"] == rid or (answer["id"] is None and rid is None), (rid, answer)
    if "error" in answer:
        assert answer["error"]["code"] != INTERNAL_ERROR, (request, answer)
        if method not in METHODS and not method.startswith(("klay_", "kaia_", "kai_")):
            assert answer["error"]["code"] == METHOD_NOT_FOUND, answer


def _is_answered(request) -> bool:
    """Whether the dispatcher answers this batch entry (a valid notification it does not)."""
    return not (isinstance(request, dict) and "id" not in request
                and request.get("jsonrpc") == "2.0" and isinstance(request.get("method"), str)
                and request.get("method") != "")


@fuzz_settings(1500)
@given(body=bodies)
@counted
def test_every_answer_is_strict_json_in_an_envelope(node, body):
    text = node.text(body)
    payload, parsed = _expected_parse(body)
    if not parsed:
        answer = check_envelope(strict_loads(text))
        assert answer["id"] is None and answer["error"]["code"] == PARSE_ERROR, answer
        return
    if not isinstance(payload, list):
        _check_one(payload, None if text is None else check_envelope(strict_loads(text)))
        return
    if not payload or len(payload) > MAX_BATCH:
        answer = check_envelope(strict_loads(text))
        assert answer["error"]["code"] == INVALID_REQUEST, answer
        return
    answered = [r for r in payload if _is_answered(r)]
    if not answered:
        assert text is None, text
        return
    answers = strict_loads(text)
    assert isinstance(answers, list) and len(answers) == len(answered), (payload, answers)
    for request, answer in zip(answered, answers):
        _check_one(request, check_envelope(answer))


# -- 2. parameters wrong beyond doubt: -32602 exactly, and nothing changed -----------------------
def test_every_decoder_has_an_invalid_strategy():
    names = {bad.decoder_name(a.decode) for m in METHODS.values() for a in m.args}
    assert names - bad.INVALID.keys() - bad.ACCEPTS_ANYTHING == set()
    assert names - bad.VALID.keys() == set()


def _bad_shape(method: str) -> st.SearchStrategy:
    """params that are no array, hold too many values, or leave out a required one."""
    args = METHODS[method].args
    required = sum(a.default is REQUIRED for a in args)
    full = [bad.VALID[bad.decoder_name(a.decode)] for a in args]
    shapes = [st.one_of(st.integers(), st.text(max_size=5), st.booleans(), bad.bad_objects,
                        st.just({})),
              st.lists(bad.deep_garbage, min_size=1, max_size=3).map(lambda extra: full + extra)]
    if required:
        shapes.append(st.integers(0, required - 1).map(lambda k: full[:k]))
    return st.one_of(*shapes)


def _bad_argument_of(decoder: str) -> st.SearchStrategy:
    """A method with a `decoder` argument, and [valid args before it] + [a bad one]."""
    def params(method: str) -> st.SearchStrategy:
        args = METHODS[method].args
        i = next(i for i, a in enumerate(args) if bad.decoder_name(a.decode) == decoder)
        head = [bad.VALID[bad.decoder_name(a.decode)] for a in args[:i]]
        return bad.INVALID[decoder]().map(lambda v: (method, head + [v]))
    return st.sampled_from(USING[decoder]).flatmap(params)


# decoder name -> the methods with an argument it decodes (each decoder is drawn as often as
# the next, so the rare ones get their share)
USING = {d: sorted(m for m in set(CANONICAL) - BACKGROUND
                   if d in {bad.decoder_name(a.decode) for a in METHODS[m].args})
         for d in bad.INVALID}
malformed = st.one_of(
    st.sampled_from(sorted(d for d in USING if USING[d])).flatmap(_bad_argument_of),
    st.sampled_from(sorted(set(CANONICAL) - BACKGROUND)).flatmap(
        lambda m: st.tuples(st.just(m), _bad_shape(m))))


@fuzz_settings(2500)
@given(call=malformed)
@counted
def test_malformed_params_are_invalid_params(node, call):
    method, params = call
    before = fingerprint(node.devnet, DEV_ADDRESSES)
    answer = node.request(method, params)
    assert "error" in answer and answer["error"]["code"] == INVALID_PARAMS, (method, params,
                                                                             answer)
    assert fingerprint(node.devnet, DEV_ADDRESSES) == before, (method, params)


# -- 3. whatever is sent, an error answer leaves the node as it was ------------------------------
anything = st.one_of(plausible_calls, malformed).filter(lambda c: c[0] not in BACKGROUND)


@pytest.fixture(scope="module")
def changing_node():
    n = InProcess(make_devnet())
    with short_sync_waits():
        yield n
    n.close()


def _gapped_transfer() -> str:
    """A transfer with nonce 1 from a dev account whose nonce is 0: pooled (queued), not mined."""
    from pydevnet.node.accounts import dev_accounts
    from tests.node.helpers import transfer
    return "0x" + transfer(dev_accounts(count=1)[0].private_key, 1, bytes(20), 312717026, 0,
                           gas=10 ** 6).raw.hex()


@fuzz_settings(800)
@given(calls=st.lists(anything, min_size=1, max_size=4))
@example(calls=[("eth_sendRawTransactionSync", [_gapped_transfer()])])  # CI, 2026-12-05
@counted
def test_refused_requests_change_nothing(changing_node, calls):
    node = changing_node
    for method, params in calls:
        before = fingerprint(node.devnet, DEV_ADDRESSES)
        answer = node.request(method, params)
        if "error" in answer and answer["error"]["code"] == TX_SYNC_TIMEOUT:
            # not a refusal: the transaction was pooled (behind a nonce gap) and not yet mined
            assert method in SYNC_SENDS, (method, params, answer)
            pending, queued = fingerprint(node.devnet, DEV_ADDRESSES)["pool"]
            assert bytes.fromhex(answer["error"]["data"][2:]) in pending + queued, answer
        elif "error" in answer:
            assert answer["error"]["code"] != INTERNAL_ERROR, (method, params, answer)
            assert fingerprint(node.devnet, DEV_ADDRESSES) == before, (method, params, answer)
        assert head_timestamp(node.devnet) <= MAX_TIMESTAMP
