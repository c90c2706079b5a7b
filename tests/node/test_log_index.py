"""The log index (node/chain/log_index.py, data dir schema 3): eth_getLogs with address and topic
filters answers exactly what a scan of every block's receipts answers, on a real LevelDB, after
evm_revert and anvil_rollback remove blocks and others are mined at their numbers, across
restarts, and on a schema-2 data dir whose index is built when it is opened. After each step
the stored index equals one built from scratch from the canonical blocks."""
import random

import pytest

from pydevnet import Devnet
from pydevnet.node.chain import log_index
from pydevnet.node.chain.db import K_SCHEMA, P_NUMBER, P_RECEIPTS
from pydevnet.node.chain.log_index import P_LOG_ADDRESS, P_LOG_TOPIC
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.state.store import MemoryStore
from pydevnet.vm.opcodes.system import create_address

UNIT = 25 * 10 ** 9
# runtime: LOG2(0, 0, topic0 = calldata word 0, topic1 = calldata word 1); STOP
RUNTIME = bytes.fromhex("602035" "600035" "6000" "6000" "a2" "00")
INITCODE = bytes.fromhex("600c" "600c" "6000" "39" "600c" "6000" "f3") + RUNTIME
EMITTERS = 4
TOPICS = [7, 8, 9, 2 ** 255]


class Chain:
    """A devnet with mining off, EMITTERS log emitters and signed calls to them."""

    def __init__(self, datadir) -> None:
        self.datadir = datadir
        self.d = Devnet(datadir=datadir, automine=False, hardfork="osaka")
        self.keys = [a.key for a in self.d.accounts[:3]]
        self.rng = random.Random(5)
        sender = bytes.fromhex(self.d.accounts[0].address[2:])
        self.emitters = ["0x" + create_address(sender, i).hex() for i in range(EMITTERS)]

    def nonce(self, key_index: int) -> int:
        return int(self.d.request("eth_getTransactionCount", self.d.accounts[key_index].address,
                                  "pending"), 16)

    def send(self, key_index: int, to: str | None, data: bytes) -> None:
        tx = sign_transaction(dict(type=2, chain_id=31337, nonce=self.nonce(key_index),
                                   gas_limit=100_000, to=None if to is None else
                                   bytes.fromhex(to[2:]), value=0, data=data,
                                   max_fee_per_gas=UNIT, max_priority_fee_per_gas=0),
                              self.keys[key_index])
        self.d.request("eth_sendRawTransaction", "0x" + tx.raw.hex())

    def deploy(self) -> None:
        for _ in range(EMITTERS):
            self.send(0, None, INITCODE)
        self.d.request("evm_mine")

    def mine_random(self, blocks: int, emitters: list[str] | None = None) -> None:
        """Blocks of 0 to 3 calls to random emitters (of `emitters`) with random topics."""
        for _ in range(blocks):
            for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
                topics = [self.rng.choice(TOPICS), self.rng.choice(TOPICS)]
                self.send(self.rng.randrange(1, 3), self.rng.choice(emitters or self.emitters),
                          b"".join(t.to_bytes(32, "big") for t in topics))
            self.d.request("evm_mine")

    def reopen(self) -> None:
        self.d.close()
        self.d = Devnet(datadir=self.datadir, automine=False)

    @property
    def store(self):
        return self.d.node.chain.store


def _key(log: dict) -> tuple:
    return (log["blockNumber"], log["logIndex"], log["transactionHash"], log["address"],
            tuple(log["topics"]), log["data"])


def _scan(chain: Chain, first: int, last: int, flt: dict) -> list[tuple]:
    """The reference: every block's receipts, filtered here."""
    addresses = flt.get("address")
    if isinstance(addresses, str):
        addresses = [addresses]
    out = []
    for n in range(first, last + 1):
        for r in chain.d.request("eth_getBlockReceipts", hex(n)):
            for log in r["logs"]:
                if addresses and log["address"] not in addresses:
                    continue
                want = flt.get("topics", [])
                if len(want) > len(log["topics"]):
                    continue
                if all(w is None or log["topics"][i] in ([w] if isinstance(w, str) else w)
                       for i, w in enumerate(want)):
                    out.append(_key(log))
    return out


def _topic(t: int) -> str:
    return "0x" + t.to_bytes(32, "big").hex()


def _random_filter(chain: Chain, rng: random.Random) -> dict:
    flt: dict = {}
    pick = rng.random()
    if pick < 0.4:
        flt["address"] = rng.choice(chain.emitters)
    elif pick < 0.6:
        flt["address"] = rng.sample(chain.emitters, 2)
    shapes = [[], [_topic(rng.choice(TOPICS))], [None, _topic(rng.choice(TOPICS))],
              [[_topic(t) for t in rng.sample(TOPICS, 2)]],
              [_topic(rng.choice(TOPICS)), _topic(rng.choice(TOPICS))],
              [None, None, _topic(7)]]
    topics = rng.choice(shapes)
    if topics:
        flt["topics"] = topics
    return flt


def check_answers(chain: Chain, queries: int = 40) -> None:
    head = int(chain.d.request("eth_blockNumber"), 16)
    rng = random.Random(head)
    for _ in range(queries):
        first = rng.randrange(0, head + 1)
        last = rng.randrange(first, head + 1)
        flt = _random_filter(chain, rng)
        got = chain.d.request("eth_getLogs", {**flt, "fromBlock": hex(first), "toBlock": hex(last)})
        assert [_key(x) for x in got] == _scan(chain, first, last, flt), (first, last, flt)


def _index_records(store) -> dict:
    return {k: v for p in (P_LOG_ADDRESS, P_LOG_TOPIC) for k, v in store.iterate(p)}


def check_index_is_rebuilt_one(chain: Chain) -> None:
    """The stored index equals one built from scratch over the canonical blocks (so a rewound
    block leaves no bits behind)."""
    records = dict(chain.store.iterate())
    index = _index_records(chain.store)
    scratch = MemoryStore()
    scratch.write_batch({k: v for k, v in records.items() if k not in index})
    log_index.build(scratch, P_NUMBER, P_RECEIPTS)
    assert _index_records(scratch) == index


@pytest.fixture
def small_buckets(monkeypatch):
    """Buckets of 8 blocks, so a short chain crosses many bucket boundaries."""
    monkeypatch.setattr(log_index, "BUCKET", 8)


def test_answers_equal_a_full_scan_through_rewinds_and_restarts(tmp_path, small_buckets) -> None:
    chain = Chain(tmp_path / "data")
    chain.deploy()
    chain.mine_random(60)
    check_answers(chain)
    check_index_is_rebuilt_one(chain)

    snap = chain.d.request("evm_snapshot")
    chain.mine_random(20, emitters=chain.emitters[3:])
    check_answers(chain)
    assert chain.d.request("evm_revert", snap) is True
    check_index_is_rebuilt_one(chain)
    check_answers(chain)

    chain.mine_random(12, emitters=chain.emitters[:1])  # the reverted numbers, other logs
    chain.d.request("anvil_rollback", 9)
    check_index_is_rebuilt_one(chain)
    chain.mine_random(15)
    check_answers(chain)

    chain.reopen()
    check_answers(chain)
    check_index_is_rebuilt_one(chain)
    chain.d.close()


def test_rewound_address_has_no_candidates(tmp_path) -> None:
    """Logs of an emitter only in rewound blocks: the index holds no record of it after."""
    chain = Chain(tmp_path / "data")
    chain.deploy()
    chain.mine_random(5, emitters=chain.emitters[:1])
    chain.d.request("anvil_rollback", 0)
    snap = chain.d.request("evm_snapshot")
    chain.mine_random(6, emitters=chain.emitters[2:3])
    assert chain.d.request("eth_getLogs", {"fromBlock": "0x0", "address": chain.emitters[2]})
    chain.d.request("evm_revert", snap)
    address = bytes.fromhex(chain.emitters[2][2:])
    assert not [k for k in _index_records(chain.store) if k.startswith(P_LOG_ADDRESS + address)]
    assert chain.d.request("eth_getLogs", {"fromBlock": "0x0", "address": chain.emitters[2]}) == []
    chain.d.close()


def test_buckets_of_1024_blocks(tmp_path) -> None:
    """The real bucket size, with logs on both sides of block 1024 and a range across it."""
    chain = Chain(tmp_path / "data")
    chain.deploy()
    chain.mine_random(10)
    chain.d.request("hardhat_mine", hex(1010))
    chain.mine_random(10)
    head = int(chain.d.request("eth_blockNumber"), 16)
    assert head > 1024
    for flt in ({"address": chain.emitters[0]}, {"topics": [None, _topic(9)]},
                {"address": chain.emitters[1:3], "topics": [_topic(7)]}):
        got = chain.d.request("eth_getLogs", {**flt, "fromBlock": "0x2", "toBlock": hex(head)})
        assert [_key(x) for x in got] == _scan(chain, 2, 12, flt) + _scan(chain, 1020, head, flt)
    check_index_is_rebuilt_one(chain)
    chain.d.close()


def test_schema_2_data_dir_gets_its_index(tmp_path, small_buckets) -> None:
    chain = Chain(tmp_path / "data")
    chain.deploy()
    chain.mine_random(40)
    before = _index_records(chain.store)
    assert before
    chain.store.write_batch({K_SCHEMA: b"2"}, list(before))  # as schema 2 left it
    chain.reopen()
    assert chain.store.get(K_SCHEMA) == b"3"
    assert _index_records(chain.store) == before
    check_answers(chain)
    chain.d.close()
