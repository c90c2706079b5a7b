"""What the RPC benchmark does on each node: N automined value transfers over
eth_sendRawTransaction, signed beforehand; a BenchToken deployment and M eth_call requests to its
balanceOf (a keccak-addressed SLOAD, a little arithmetic and ABI encoding); eth_blockNumber over
one connection, then over K connections at once (K client processes).

Every request gets its answer before the next is sent (automine: the transaction is mined when
eth_sendRawTransaction returns), and every answer is checked: the transaction hash, the call's
return value, a block number. Afterwards the sender's nonce must be N and every receipt must have
status 1, in block i + 1 for transaction i on the nodes that answer after mining; Anvil, which
answers before, is held to the order only (its miner may take two into one block).
"""
import hashlib
import json
import math
import multiprocessing
import queue
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.rpc_client import Client, RPCFailure, body, result_of, timed_posts

MNEMONIC = "test test test test test test test test test test test junk"
CHAIN_ID = 31337
DEV_BALANCE_WEI = 10_000 * 10**18
TRANSFER_WEI = 10**9
MAX_FEE_WEI = 100 * 10**9  # above pydevnet's 25 gwei unit price and the peers' base fee
TIP_WEI = 10**9
TRANSFER_GAS = 21_000
DEPLOY_GAS = 2_000_000
TOKEN_SUPPLY = 10**24
RECEIPT_BATCH = 100
ARTIFACT = Path(__file__).resolve().parent / "contracts" / "artifacts" / "BenchToken.json"


@dataclass
class Plan:
    """Everything signed and encoded once, before any node starts; every node gets the same."""
    sender: str
    recipient: str
    transfer_payloads: list[bytes]
    transfer_hashes: list[str]
    deploy_raw: str
    deploy_hash: str
    call_data: str
    call_expected: str
    confirmed_payloads: list[bytes]  # nonces N+1..2N: sent after the deployment, each confirmed
    confirmed_hashes: list[str]


def dev_key(index: int):
    from eth_account import Account
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def _signed(acct, fields: dict) -> tuple[str, str]:
    fields = dict(type=2, chainId=CHAIN_ID, maxFeePerGas=MAX_FEE_WEI,
                  maxPriorityFeePerGas=TIP_WEI, **fields)
    s = acct.sign_transaction(fields)
    return "0x" + s.raw_transaction.hex(), "0x" + s.hash.hex()


def token_artifact() -> dict:
    art = json.loads(ARTIFACT.read_text())
    source = (ARTIFACT.parent.parent / art["sourceName"]).read_bytes()
    if hashlib.sha256(source).hexdigest() != art["sourceSha256"]:
        raise SystemExit(f"{ARTIFACT.name} is stale: run `cd bench/contracts && node compile.js`")
    return art


def _transfers(sender, to: str, nonces: range) -> tuple[list[bytes], list[str]]:
    payloads, hashes = [], []
    for nonce in nonces:
        raw, h = _signed(sender, dict(nonce=nonce, to=to, value=TRANSFER_WEI, gas=TRANSFER_GAS))
        payloads.append(body("eth_sendRawTransaction", [raw], nonce))
        hashes.append(h)
    return payloads, hashes


def make_plan(n_transfers: int) -> Plan:
    sender, recipient = dev_key(0), dev_key(1)
    payloads, hashes = _transfers(sender, recipient.address, range(n_transfers))
    confirmed = _transfers(sender, recipient.address, range(n_transfers + 1, 2 * n_transfers + 1))
    art = token_artifact()
    initcode = art["bytecode"].removeprefix("0x") + TOKEN_SUPPLY.to_bytes(32, "big").hex()
    deploy_raw, deploy_hash = _signed(sender, dict(nonce=n_transfers, to=None, value=0,
                                                   gas=DEPLOY_GAS, data="0x" + initcode))
    selector = art["methodIdentifiers"]["balanceOf(address)"]
    call_data = "0x" + selector + bytes.fromhex(sender.address[2:]).rjust(32, b"\0").hex()
    return Plan(sender.address.lower(), recipient.address.lower(), payloads, hashes, deploy_raw,
                deploy_hash, call_data, "0x" + TOKEN_SUPPLY.to_bytes(32, "big").hex(), *confirmed)


# -- checks --------------------------------------------------------------------------------------
def check_fresh(client: Client, plan: Plan) -> None:
    """Same chain and accounts everywhere: chain id 31337, 10,000 ETH on the dev accounts."""
    for who in (plan.sender, plan.recipient):
        bal = int(client.call("eth_getBalance", who, "latest"), 16)
        if bal != DEV_BALANCE_WEI:
            raise RPCFailure(f"{who} holds {bal} wei, not 10,000 ETH: not the dev accounts")


def verify_transfers(client: Client, plan: Plan, one_per_block: bool = True) -> int:
    """Nonce N, every transfer with status 1, in block order from block 1; transfer i in block
    i + 1 when `one_per_block` (nodes that answer after mining). Returns the blocks they fill."""
    return _verify(client, plan.sender, plan.transfer_hashes, 1, len(plan.transfer_hashes),
                   one_per_block)


def verify_confirmed(client: Client, plan: Plan, after_block: int,
                     one_per_block: bool = True) -> int:
    """Nonce 2N + 1 (the deployment in between), every transfer with status 1 after the
    deployment's block `after_block`, one a block when `one_per_block`."""
    return _verify(client, plan.sender, plan.confirmed_hashes, after_block + 1,
                   2 * len(plan.transfer_hashes) + 1, one_per_block)


def _verify(client: Client, sender: str, hashes: list[str], first_block: int, want_nonce: int,
            one_per_block: bool) -> int:
    """Anvil answers when a transaction is pooled and mines it a moment later, so on a busy
    machine its miner may take two transfers into one block: it is held to the order only."""
    nonce = int(client.call("eth_getTransactionCount", sender, "latest"), 16)
    if nonce != want_nonce:
        raise RPCFailure(f"eth_getTransactionCount is {nonce}, expected {want_nonce}")
    blocks: list[int] = []
    for start in range(0, len(hashes), RECEIPT_BATCH):
        chunk = hashes[start:start + RECEIPT_BATCH]
        receipts = client.batch([("eth_getTransactionReceipt", [h]) for h in chunk])
        for i, r in enumerate(receipts, start):
            n = None if r is None else int(r["blockNumber"], 16)
            high = first_block + i  # no block holds anything but these transfers
            low = high if one_per_block else max([first_block, *blocks[-1:]])
            if r is None or r["status"] != "0x1" or not low <= n <= high:
                raise RPCFailure(f"transfer {i}: receipt {r!r}"[:400])
            blocks.append(n)
    return len(set(blocks))


# -- measurements --------------------------------------------------------------------------------
def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    k = math.ceil(q * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, k))]


def wait_receipt(client: Client, tx_hash: str, timeout: float = 60.0) -> dict:
    """Poll eth_getTransactionReceipt until it answers: Anvil answers eth_sendRawTransaction when
    the transaction is pooled and mines it an instant later, so a receipt may lag the hash."""
    deadline = time.perf_counter() + timeout
    while True:
        receipt = client.call("eth_getTransactionReceipt", tx_hash)
        if receipt is not None:
            return receipt
        if time.perf_counter() > deadline:
            raise RPCFailure(f"no receipt for {tx_hash} after {timeout} s")


def transfers(client: Client, plan: Plan) -> dict:
    """Send every transfer, each after the previous answer; the time runs until the last one's
    receipt exists (at once on pydevnet and Hardhat, whose answer comes after mining)."""
    hashes = plan.transfer_hashes

    def check(i: int, answer: dict) -> None:
        if result_of(answer, "eth_sendRawTransaction").lower() != hashes[i]:
            raise RPCFailure(f"transfer {i}: {answer!r}"[:300])
    t0 = time.perf_counter()
    r = timed_posts(client, plan.transfer_payloads, check)
    t_sent = time.perf_counter()
    wait_receipt(client, hashes[-1])
    wall = time.perf_counter() - t0
    return {"tx_per_s": len(hashes) / wall, "wall_s": wall,
            "send_loop_tx_per_s": len(hashes) / r["wall_s"],
            "last_receipt_wait_s": wall - (t_sent - t0), "client_cpu_s": r["client_cpu_s"]}


def confirmed_transfers(client: Client, plan: Plan) -> dict:
    """Each transfer sent, then its receipt polled until it exists, before the next is sent:
    the same work on every node whether it answers before or after mining."""
    hashes = plan.confirmed_hashes
    perf, loads, post = time.perf_counter, json.loads, client.post
    polls = 0
    t0 = perf()
    for i, payload in enumerate(plan.confirmed_payloads):
        if result_of(loads(post(payload)), "eth_sendRawTransaction").lower() != hashes[i]:
            raise RPCFailure(f"confirmed transfer {i}: wrong hash")
        while client.call("eth_getTransactionReceipt", hashes[i]) is None:
            polls += 1
    wall = perf() - t0
    return {"tx_per_s": len(hashes) / wall, "wall_s": wall, "extra_receipt_polls": polls}


def create_address(sender: str, nonce: int) -> str:
    """The address CREATE gives a contract deployed by `sender` with `nonce`."""
    import rlp
    from eth_utils import keccak
    return "0x" + keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:].hex()


def deploy_token(client: Client, plan: Plan) -> tuple[str, int]:
    """The token's address and the block the deployment went into."""
    h = client.call("eth_sendRawTransaction", plan.deploy_raw)
    if h.lower() != plan.deploy_hash:
        raise RPCFailure(f"deployment hash {h} != {plan.deploy_hash}")
    receipt = wait_receipt(client, h)
    expected = create_address(plan.sender, len(plan.transfer_hashes))
    if receipt is None or receipt["status"] != "0x1" or \
            (receipt.get("contractAddress") or "").lower() != expected:
        raise RPCFailure(f"BenchToken deployment failed: {receipt!r}"[:400])
    return expected, int(receipt["blockNumber"], 16)


def latency_summary(lat: list[float]) -> dict:
    s = sorted(lat)
    return {"median_ms": statistics.median(s) * 1e3, "p99_ms": _percentile(s, 0.99) * 1e3,
            "mean_ms": sum(s) / len(s) * 1e3, "max_ms": s[-1] * 1e3}


def call_latency(client: Client, plan: Plan, token: str, m: int, warmup: int) -> dict:
    payload = body("eth_call", [{"to": token, "data": plan.call_data}, "latest"])

    def check(i: int, answer: dict) -> None:
        if result_of(answer, "eth_call") != plan.call_expected:
            raise RPCFailure(f"eth_call {i}: {answer!r}"[:300])
    timed_posts(client, [payload] * warmup, check)
    r = timed_posts(client, [payload] * m, check)
    return {**latency_summary(r["latencies_s"]), "calls_per_s": m / r["wall_s"],
            "client_cpu_s": r["client_cpu_s"]}


def _block_number_check(expected: str):
    def check(i: int, answer: dict) -> None:
        if result_of(answer, "eth_blockNumber") != expected:
            raise RPCFailure(f"eth_blockNumber {i}: {answer!r}"[:300])
    return check


def block_number_rate(client: Client, b: int, warmup: int) -> dict:
    expected = client.call("eth_blockNumber")
    payload = body("eth_blockNumber", [])
    check = _block_number_check(expected)
    timed_posts(client, [payload] * warmup, check)
    r = timed_posts(client, [payload] * b, check)
    return {"req_per_s": b / r["wall_s"], **latency_summary(r["latencies_s"]),
            "client_cpu_s": r["client_cpu_s"]}


def _bn_worker(port: int, n: int, warmup: int, expected: str, barrier, out) -> None:
    client = Client(port)
    payload = body("eth_blockNumber", [])
    check = _block_number_check(expected)
    timed_posts(client, [payload] * warmup, check)
    barrier.wait(timeout=120)
    t0 = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
    timed_posts(client, [payload] * n, check)
    out.put((t0, time.perf_counter()))
    client.close()


def _collect(procs: list, out) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    while len(spans) < len(procs):
        try:
            spans.append(out.get(timeout=1.0))
        except queue.Empty:
            failed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if failed:
                raise RPCFailure(f"an eth_blockNumber client process exited with {failed[0]}")
    return spans


def block_number_concurrent(port: int, k: int, per_conn: int, warmup: int,
                            expected: str) -> dict:
    """K client processes, one keep-alive connection each, released together by a barrier;
    the rate is every request over the span from the first start to the last finish."""
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(k), ctx.Queue()
    procs = [ctx.Process(target=_bn_worker, args=(port, per_conn, warmup, expected, barrier, out))
             for _ in range(k)]
    for p in procs:
        p.start()
    try:
        spans = _collect(procs, out)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
    wall = max(e for _, e in spans) - min(s for s, _ in spans)
    return {"req_per_s": k * per_conn / wall, "connections": k, "wall_s": wall}
