"""Hostile bytes to eth_sendRawTransaction (issue 7, part 5): random RLP, random typed envelopes
(0x00..0x04 and beyond, each with lists of the right length of random fields) and real signed
transactions of every type (a blob one in its network form too) with flipped, cut, appended or
re-encoded bytes. Each is refused with -32602 or -32000, never -32603, and nothing is pooled or
changed. The node runs without automine, so a transaction it wrongly took would sit in the pool.
"""
import pytest
import rlp
from hypothesis import given
from hypothesis import strategies as st

from pydevnet.node.accounts import dev_accounts
from pydevnet.node.devnet import MiningMode
from pydevnet.rpc.errors import INVALID_PARAMS, SERVER_ERROR
from tests.node.blob_helpers import blob_raw, blob_tx
from tests.node.helpers import make_devnet, transfer
from tests.rpc.fuzzing import InProcess, counted, fingerprint, fuzz_settings

KEY = dev_accounts(count=1)[0].private_key
SENDER = dev_accounts(count=1)[0].address
REFUSED = {INVALID_PARAMS, SERVER_ERROR}
FIELD_COUNTS = {0: (6, 9), 1: (8, 11), 2: (9, 12), 3: (11, 14), 4: (10, 13)}  # unsigned, signed


def _seeds() -> list[bytes]:
    """Real signed transactions the node would take, one of each kind."""
    seeds = [transfer(KEY, 0, b"\x11" * 20, tx_type=t).raw for t in (0, 1, 2)]
    seeds.append(transfer(KEY, 0, b"\x11" * 20, tx_type=2, gas=30000,
                          data=b"\x60\x00" * 20).raw)
    seeds.append(blob_tx(KEY, 0)[0].raw)  # a blob transaction without its sidecar
    return seeds


SEEDS = _seeds()
BLOB_NETWORK = blob_raw(KEY, 0)  # 128 KiB of blob: mutated near the front, where the fields are

# -- random RLP --------------------------------------------------------------------------------
items = st.recursive(
    st.one_of(st.binary(max_size=40), st.integers(0, 2 ** 300).map(
        lambda n: n.to_bytes((n.bit_length() + 7) // 8, "big")),
        st.sampled_from([b"", b"\x00", b"\x00\x01", b"\x7a\x69", b"\xff" * 32, b"\x11" * 20,
                         b"\x00" * 20, b"\x1b", b"\x1c", b"\x01" * 33])),
    lambda inner: st.lists(inner, max_size=6), max_leaves=24)
type_bytes = st.one_of(st.none(), st.integers(0, 5).map(lambda t: bytes([t])),
                       st.sampled_from([b"\x7f", b"\x80", b"\xbf", b"\xff"]))


def _shaped(tx_type: int) -> st.SearchStrategy:
    """A typed envelope whose list has about the right number of random fields."""
    lo, hi = FIELD_COUNTS[tx_type]
    body = st.integers(lo - 1, hi + 1).flatmap(lambda n: st.lists(items, min_size=n,
                                                                   max_size=n))
    prefix = b"" if tx_type == 0 else bytes([tx_type])
    return body.map(lambda fields: prefix + rlp.encode(fields))


random_rlp = st.one_of(
    st.tuples(type_bytes, items).map(lambda t: (t[0] or b"") + rlp.encode(t[1])),
    st.sampled_from(sorted(FIELD_COUNTS)).flatmap(_shaped),
    st.binary(max_size=80), st.binary(max_size=8).map(lambda b: b"\x02" + b))


# -- mutated real transactions -----------------------------------------------------------------
def _flip(raw: bytes, at: int, byte: int) -> bytes:
    at %= len(raw)
    return raw[:at] + bytes([byte]) + raw[at + 1:]


def _reencode(raw: bytes, field: int, value) -> bytes:
    """The transaction with one field of its RLP list replaced (the signature no longer fits,
    or the field is malformed), encoded again."""
    prefix, body = (raw[:1], raw[1:]) if raw[0] < 0x80 else (b"", raw)
    fields = rlp.decode(body)
    fields[field % len(fields)] = value
    return prefix + rlp.encode(fields)


def _non_canonical(raw: bytes, at: int) -> bytes:
    """A single byte below 0x80 somewhere in the list re-encoded the long way (0x81 xx), which
    RLP forbids; the decoded values are unchanged."""
    prefix, body = (raw[:1], raw[1:]) if raw[0] < 0x80 else (b"", raw)
    fields = rlp.decode(body)
    i = at % len(fields)
    if not isinstance(fields[i], bytes) or len(fields[i]) != 1 or fields[i][0] >= 0x80:
        return raw + b"\x00"
    encoded = [rlp.encode(f) for f in fields]
    encoded[i] = b"\x81" + fields[i]
    payload = b"".join(encoded)
    return prefix + _list_header(len(payload)) + payload


def _list_header(n: int) -> bytes:
    if n < 56:
        return bytes([0xC0 + n])
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0xF7 + len(size)]) + size


seed = st.sampled_from(SEEDS)
mutated = st.one_of(
    st.builds(_flip, seed, st.integers(0, 400), st.integers(0, 255)),
    st.builds(lambda r, k: r[:k % len(r)], seed, st.integers(0, 400)),  # cut short
    st.builds(lambda r, extra: r + extra, seed, st.binary(min_size=1, max_size=8)),
    st.builds(lambda r, t: bytes([t]) + r[1:] if r[0] < 0x80 else bytes([t]) + r, seed,
              st.integers(0, 5)),  # another type byte, or one put before a legacy one
    st.builds(_reencode, seed, st.integers(0, 20), items),
    st.builds(_non_canonical, seed, st.integers(0, 20)),
    st.builds(_flip, st.just(BLOB_NETWORK), st.integers(0, 300), st.integers(0, 255)),
    st.builds(lambda k: BLOB_NETWORK[:k], st.integers(1, 2000)),
).filter(lambda raw: raw not in SEEDS and raw != BLOB_NETWORK)


@pytest.fixture(scope="module")
def node():
    n = InProcess(make_devnet(mining=MiningMode.MANUAL))
    yield n
    n.close()


def _send_refused(node, raw: bytes) -> None:
    before = fingerprint(node.devnet, [SENDER])
    answer = node.request("eth_sendRawTransaction", ["0x" + raw.hex()])
    assert "error" in answer, (raw.hex()[:400], answer)
    assert answer["error"]["code"] in REFUSED, (raw.hex()[:400], answer)
    assert fingerprint(node.devnet, [SENDER]) == before, raw.hex()[:400]


@fuzz_settings(600)
@given(raw=random_rlp)
@counted
def test_random_rlp_is_refused(node, raw):
    _send_refused(node, raw)


@fuzz_settings(600)
@given(raw=mutated)
@counted
def test_mutated_transactions_are_refused(node, raw):
    _send_refused(node, raw)


@pytest.mark.parametrize("raw", SEEDS[:4] + [BLOB_NETWORK], ids=lambda r: f"type{r[0]}")
def test_the_seeds_themselves_are_taken(raw):
    """The mutations start from transactions a node takes, so a refusal is the mutation's (the
    sidecar-less blob seed excepted: it is refused as such)."""
    fresh = InProcess(make_devnet(mining=MiningMode.MANUAL))
    try:
        assert "result" in fresh.request("eth_sendRawTransaction", ["0x" + raw.hex()])
    finally:
        fresh.close()
