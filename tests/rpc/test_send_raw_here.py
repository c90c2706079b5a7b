"""eth_sendRawTransaction's short path (node/send_here.py): over HTTP, an automined
send with a gas limit up to QUICK_SEND_GAS and nothing else pooled is mined on the event loop
when the writer is idle and no other request is being answered; a larger gas limit, a pooled
transaction, a busy writer, another request in flight, a batch, a WebSocket send, a forked
chain or --fsync goes through the writer thread. Either way the answers, the pool's nonce-gap queue and the blocks are the same."""
import asyncio
import json
import threading
import time

import aiohttp
import pytest

from pydevnet.node.config import Genesis
from pydevnet.node.devnet import Devnet
from pydevnet.node.fork.point import open_fork
from pydevnet.node.send_here import QUICK_SEND_GAS
from pydevnet.rpc.server import DISPATCHER
from pydevnet.state.store import LevelDBStore, MemoryStore
from tests.raw_http import request, rpc_body
from tests.rpc.helpers import ServerThread, keys, make_devnet, signed


@pytest.fixture
def server():
    running = ServerThread(make_devnet())
    yield running
    running.stop()


def _watch_blocks(server: ServerThread) -> list[str]:
    """The name of the thread each new block's listeners ran on."""
    names: list[str] = []
    server.devnet.worker.run(server.devnet.block_listeners.append,
                             lambda *_: names.append(threading.current_thread().name))
    return names


def _send(server: ServerThread, raw: str) -> dict:
    status, _, body = request(server.port, body=rpc_body("eth_sendRawTransaction", raw))
    assert status == 200
    return json.loads(body)


def _recipient(server: ServerThread) -> bytes:
    return list(server.devnet.accounts)[1]


def _receipt_status(server: ServerThread, tx_hash: str) -> str:
    _, _, body = request(server.port, body=rpc_body("eth_getTransactionReceipt", tx_hash))
    return json.loads(body)["result"]["status"]


def test_a_short_send_is_mined_on_the_loop(server):
    blocks = _watch_blocks(server)
    key, to = keys(server.devnet)[0], _recipient(server)
    for nonce, gas in enumerate((21000, QUICK_SEND_GAS)):
        answer = _send(server, signed(key, nonce, to=to, value=1, gas=gas))
        assert _receipt_status(server, answer["result"]) == "0x1"
    assert blocks == ["rpc-test-server"] * 2


def test_a_larger_gas_limit_goes_through_the_writer(server):
    blocks = _watch_blocks(server)
    key, to = keys(server.devnet)[0], _recipient(server)
    answer = _send(server, signed(key, 0, to=to, value=1, gas=QUICK_SEND_GAS + 1))
    assert _receipt_status(server, answer["result"]) == "0x1"
    assert blocks == ["kvm-writer-0"]


def test_a_nonce_gap_still_queues_and_fills(server):
    blocks = _watch_blocks(server)
    key, to = keys(server.devnet)[0], _recipient(server)
    later = _send(server, signed(key, 1, to=to, value=1))["result"]  # queued: no block
    assert blocks == []
    first = _send(server, signed(key, 0, to=to, value=1))["result"]  # pooled one: the writer
    assert blocks == ["kvm-writer-0"] * 2
    assert _receipt_status(server, first) == _receipt_status(server, later) == "0x1"
    again = _send(server, signed(key, 1, to=to, value=1))
    assert again["error"]["message"].startswith("already known") or \
        again["error"]["message"].startswith("nonce too low")


def test_a_busy_writer_is_waited_for(server):
    blocks = _watch_blocks(server)
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        assert release.wait(30)
    server.devnet.worker.submit(hold)
    assert started.wait(30)
    key, to = keys(server.devnet)[0], _recipient(server)
    answers: list[dict] = []
    sender = threading.Thread(
        target=lambda: answers.append(_send(server, signed(key, 0, to=to, value=1))))
    sender.start()
    sender.join(0.3)
    assert answers == [] and blocks == []  # it waits behind the writer's job
    release.set()
    sender.join(30)
    assert _receipt_status(server, answers[0]["result"]) == "0x1"
    assert blocks == ["kvm-writer-0"]


def _ws_send(server: ServerThread, raw: str) -> dict:
    async def send() -> dict:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(server.ws_url) as ws:
                await ws.send_json(rpc_body("eth_sendRawTransaction", raw))
                return await ws.receive_json(timeout=30)
    return asyncio.run(send())


def test_a_websocket_send_goes_through_the_writer(server):
    blocks = _watch_blocks(server)
    answer = _ws_send(server, signed(keys(server.devnet)[0], 0, to=_recipient(server), value=1))
    assert _receipt_status(server, answer["result"]) == "0x1"
    assert blocks == ["kvm-writer-0"]


def test_another_request_in_flight_sends_it_through_the_writer(server):
    blocks = _watch_blocks(server)
    devnet = server.devnet
    started, release = threading.Semaphore(0), threading.Event()

    def hold() -> None:
        started.release()
        assert release.wait(30)
    for _ in devnet.readers._threads:  # every reader busy: an eth_call waits for one
        devnet.readers.submit(hold)
    for _ in devnet.readers._threads:
        assert started.acquire(timeout=30)
    to = "0x" + _recipient(server).hex()
    waiting = threading.Thread(target=request, args=(server.port,), kwargs={
        "body": rpc_body("eth_call", {"to": to, "data": "0x01"}, "latest")})
    waiting.start()
    dispatcher = server.runner.app[DISPATCHER]
    deadline = time.monotonic() + 30
    while dispatcher.in_flight == 0:  # the eth_call has reached a reader's queue
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        answer = _send(server, signed(keys(devnet)[0], 0, to=_recipient(server), value=1))
        assert blocks == ["kvm-writer-0"]
    finally:
        release.set()
        waiting.join(30)
    assert _receipt_status(server, answer["result"]) == "0x1"


def test_a_forked_chain_sends_through_the_writer(server):
    """A fork's state may come over the network (blocking requests): never on the loop."""
    store = MemoryStore()
    fork = open_fork(store, server.url, None, 1, 30.0)
    genesis = Genesis()
    genesis.chain_id = fork.remote_chain_id
    forked = ServerThread(Devnet(store, genesis, fork=fork))
    try:
        blocks = _watch_blocks(forked)
        answer = _send(forked, signed(keys(forked.devnet)[0], 0, to=_recipient(forked), value=1))
        assert _receipt_status(forked, answer["result"]) == "0x1"
        assert blocks == ["kvm-writer-0"]
    finally:
        forked.stop()


def test_fsync_sends_through_the_writer(tmp_path):
    """--fsync: every block waits for a disk flush, which must not hold the loop."""
    running = ServerThread(Devnet(LevelDBStore(str(tmp_path / "db"), fsync=True), Genesis()))
    try:
        blocks = _watch_blocks(running)
        answer = _send(running, signed(keys(running.devnet)[0], 0, to=_recipient(running),
                                       value=1))
        assert _receipt_status(running, answer["result"]) == "0x1"
        assert blocks == ["kvm-writer-0"]
    finally:
        running.stop()


def test_a_batch_sends_through_the_writer(server):
    """The loop gets a turn between a batch's sends, as between separate requests."""
    blocks = _watch_blocks(server)
    key, to = keys(server.devnet)[0], _recipient(server)
    batch = [rpc_body("eth_sendRawTransaction", signed(key, n, to=to, value=1), rid=n)
             for n in range(2)]
    status, _, body = request(server.port, body=batch)
    assert status == 200
    for answer in json.loads(body):
        assert _receipt_status(server, answer["result"]) == "0x1"
    assert blocks == ["kvm-writer-0"] * 2
