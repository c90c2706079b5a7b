"""The load test's set-up, all before the timed window: the Token (tests/contracts) deployed from
dev account 0 and shared out to the senders (dev accounts 1..S), the figures the checks expect
(account 0's token and ether balances, which nothing changes during the window), and every
sender's transactions signed ahead in nonce order.

Signing goes through a small EIP-1559 signer of our own (RLP with `rlp`, keccak, coincurve's
recoverable signature, low s as libsecp256k1 makes it) because eth_account takes about 0.7 ms a
transaction and a 30 s window needs tens of thousands; each sender's first two transactions are
signed by eth_account as well and must come out byte for byte the same.
"""
import asyncio
import time
from dataclasses import dataclass

import rlp
from coincurve import PrivateKey
from eth_hash.auto import keccak

from bench.load_clients import HttpConn, LoadError
from tests.integration.support import calldata, dev_account, sign, token_deploy_data

GWEI = 10**9
MAX_FEE_WEI = 100 * GWEI  # above pydevnet's 25 gwei unit price and Anvil's starting base fee
TIP_WEI = GWEI
DEPLOY_GAS = 2_000_000
TOKEN_GAS = 100_000  # a transfer to a fresh holder costs about 52,000
TRANSFER_GAS = 21_000
SENDER_TOKENS = 10**21
RECIPIENTS = [(0x10000 + k).to_bytes(20, "big") for k in range(16)]  # nobody's keys
TOKEN_DATA = [bytes.fromhex(calldata("transfer(address,uint256)", to, 1)[2:]) for to in RECIPIENTS]
RECEIPT_TIMEOUT_S = 60.0
TRANSFER_TOPIC = "0x" + keccak(b"Transfer(address,address,uint256)").hex()


@dataclass
class Sender:
    index: int                # dev account
    address: str
    bodies: list[bytes]       # eth_sendRawTransaction bodies, id = position
    hashes: list[str]         # 0x..., lowercase


@dataclass
class Plan:
    chain_id: int
    token: str                # lowercase 0x address
    owner: str                # dev account 0
    owner_tokens_hex: str     # balanceOf(owner) as eth_call returns it
    owner_balance_hex: str    # eth_getBalance(owner) during the window
    balance_of_owner: str     # the calldata
    senders: list[Sender]
    signing_s: float


def sign_1559(key: PrivateKey, chain_id: int, nonce: int, max_fee: int, gas: int, to: bytes,
              value: int, data: bytes) -> tuple[bytes, bytes]:
    """An EIP-1559 transaction (no access list): its raw bytes and hash."""
    fields = [chain_id, nonce, TIP_WEI, max_fee, gas, to, value, data, []]
    signature = key.sign_recoverable(keccak(b"\x02" + rlp.encode(fields)), hasher=None)
    r, s, y = signature[:32], signature[32:64], signature[64]
    raw = b"\x02" + rlp.encode(fields + [y, int.from_bytes(r, "big"), int.from_bytes(s, "big")])
    return raw, keccak(raw)


def _tx_fields(token: bytes, i: int) -> tuple[int, bytes, int, bytes]:
    """Transaction i of a sender: even ones a token transfer of 1 unit, odd ones 1 gwei."""
    k = (i // 2) % len(RECIPIENTS)
    if i % 2 == 0:
        return TOKEN_GAS, token, 0, TOKEN_DATA[k]
    return TRANSFER_GAS, RECIPIENTS[k], GWEI, b""


def presign(index: int, chain_id: int, first_nonce: int, count: int, token: str,
            max_fee: int) -> Sender:
    acct = dev_account(index)
    key, token_b = PrivateKey(bytes(acct.key)), bytes.fromhex(token[2:])
    bodies, hashes = [], []
    for i in range(count):
        gas, to, value, data = _tx_fields(token_b, i)
        raw, h = sign_1559(key, chain_id, first_nonce + i, max_fee, gas, to, value, data)
        bodies.append(b'{"jsonrpc":"2.0","id":%d,"method":"eth_sendRawTransaction",'
                      b'"params":["0x%s"]}' % (i, raw.hex().encode()))
        hashes.append("0x" + h.hex())
        if i < 2:  # a token transfer and a plain one
            reference = sign(acct, chainId=chain_id, nonce=first_nonce + i, gas=gas,
                             to="0x" + to.hex(), value=value, data="0x" + data.hex(),
                             maxFeePerGas=max_fee, maxPriorityFeePerGas=TIP_WEI)
            if reference != "0x" + raw.hex():
                raise LoadError(f"the load signer disagrees with eth_account: {reference}")
    return Sender(index, acct.address.lower(), bodies, hashes)


async def wait_receipt(conn: HttpConn, tx_hash: str,
                       timeout: float = RECEIPT_TIMEOUT_S) -> dict:
    """Poll until the receipt exists (Anvil answers a transaction before it mines it)."""
    deadline = time.perf_counter() + timeout
    while (receipt := await conn.call("eth_getTransactionReceipt", tx_hash)) is None:
        if time.perf_counter() > deadline:
            raise LoadError(f"no receipt for {tx_hash} after {timeout:g} s")
        await asyncio.sleep(0.005)
    return receipt


async def _send(conn: HttpConn, raw: str) -> str:
    tx_hash = await conn.call("eth_sendRawTransaction", raw)
    if tx_hash.lower() != "0x" + keccak(bytes.fromhex(raw[2:])).hex():
        raise LoadError(f"eth_sendRawTransaction answered {tx_hash}, not the hash")
    return tx_hash


async def prepare(conn: HttpConn, senders: int, per_sender: int) -> Plan:
    """Deploy the Token, give each sender tokens, sign `per_sender` transactions for each."""
    chain_id = int(await conn.call("eth_chainId"), 16)
    max_fee = max(MAX_FEE_WEI, 2 * int(await conn.call("eth_gasPrice"), 16))
    owner = dev_account(0)
    nonce = int(await conn.call("eth_getTransactionCount", owner.address, "pending"), 16)
    fees = dict(chainId=chain_id, maxFeePerGas=max_fee, maxPriorityFeePerGas=TIP_WEI)
    receipt = await wait_receipt(conn, await _send(conn, sign(
        owner, nonce=nonce, gas=DEPLOY_GAS, data=token_deploy_data(), **fees)))
    if receipt["status"] != "0x1" or not receipt.get("contractAddress"):
        raise LoadError(f"the Token deployment failed: {receipt}")
    token = receipt["contractAddress"].lower()
    funding = [await _send(conn, sign(owner, nonce=nonce + i, gas=TOKEN_GAS, to=token, **fees,
                                      data=calldata("transfer(address,uint256)",
                                                    dev_account(i).address, SENDER_TOKENS)))
               for i in range(1, senders + 1)]
    for tx_hash in funding:
        if (await wait_receipt(conn, tx_hash))["status"] != "0x1":
            raise LoadError(f"giving a sender tokens failed: {tx_hash}")
    need = per_sender * (TOKEN_GAS * max_fee + GWEI)
    for i in range(1, senders + 1):
        have = int(await conn.call("eth_getBalance", dev_account(i).address, "latest"), 16)
        if have < need:
            raise LoadError(f"dev account {i} holds {have} wei, less than its {per_sender} "
                            f"transactions may cost ({need} wei): does the node fund "
                            f"{senders + 1} dev accounts (Anvil: --accounts 20)?")
    balance_of_owner = calldata("balanceOf(address)", owner.address)
    t0 = time.perf_counter()
    plan_senders = []
    for i in range(1, senders + 1):
        first = int(await conn.call("eth_getTransactionCount", dev_account(i).address,
                                    "pending"), 16)
        plan_senders.append(presign(i, chain_id, first, per_sender, token, max_fee))
    return Plan(chain_id, token, owner.address.lower(),
                await conn.call("eth_call", {"to": token, "data": balance_of_owner}, "latest"),
                await conn.call("eth_getBalance", owner.address, "latest"),
                balance_of_owner, plan_senders, time.perf_counter() - t0)
