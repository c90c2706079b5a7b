"""EIP-7685 execution-layer requests: the requests of a block and their commitment in the header
(requestsHash), and EIP-6110 deposit requests read from the deposit contract's logs.

A request is its type byte followed by its data: 0x00 deposits (EIP-6110, from the logs), 0x01
withdrawals (EIP-7002) and 0x02 consolidations (EIP-7251), both from system calls
(node/chain/system.py). Types appear in ascending order, each at most once, and a type with no
data is left out. requestsHash = sha256(sha256(request_0) ++ sha256(request_1) ++ ...), so a
block without requests commits to sha256(b"").
"""
import hashlib

from pydevnet.node.chain.errors import InvalidDepositLog

DEPOSIT_REQUEST_TYPE = 0x00
MAINNET_DEPOSIT_CONTRACT = bytes.fromhex("00000000219ab540356cbb839cbe05303d7705fa")
# keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)")
DEPOSIT_EVENT_TOPIC = 0x649BBC62D0E31342AFEA4E5CD82D4049E7E1EE912FC0889AA790803BE39038C5
DEPOSIT_EVENT_SIZE = 576  # five ABI offsets, then five length-prefixed 32-byte-padded fields
# The DepositEvent's fields in order: (name, ABI offset of its length word, size in bytes)
DEPOSIT_FIELDS = (("pubkey", 160, 48), ("withdrawal_credentials", 256, 32), ("amount", 320, 8),
                  ("signature", 384, 96), ("index", 512, 8))
EMPTY_REQUESTS_HASH = hashlib.sha256(b"").digest()


def requests_hash(requests: list[bytes]) -> bytes:
    """EIP-7685's commitment to a block's requests (each type byte ++ data)."""
    outer = hashlib.sha256()
    for request in requests:
        outer.update(hashlib.sha256(request).digest())
    return outer.digest()


def deposit_data(data: bytes) -> bytes:
    """The deposit request (pubkey ++ withdrawal credentials ++ amount ++ signature ++ index)
    of one DepositEvent's data; InvalidDepositLog unless its ABI layout is exactly the deposit
    contract's (EIP-6110: every offset and every length as that contract writes them)."""
    if len(data) != DEPOSIT_EVENT_SIZE:
        raise InvalidDepositLog(f"deposit event data is {len(data)} bytes, not "
                                f"{DEPOSIT_EVENT_SIZE}")
    out = []
    for i, (name, offset, size) in enumerate(DEPOSIT_FIELDS):
        if int.from_bytes(data[32 * i:32 * i + 32], "big") != offset:
            raise InvalidDepositLog(f"deposit event {name} offset is not {offset}")
        if int.from_bytes(data[offset:offset + 32], "big") != size:
            raise InvalidDepositLog(f"deposit event {name} size is not {size}")
        out.append(data[offset + 32:offset + 32 + size])
    return b"".join(out)


def deposit_requests(logs, deposit_contract: bytes | None) -> list[bytes]:
    """The block's deposit request from its logs in order (EIP-6110): every DepositEvent of
    `deposit_contract` (none when the chain names no deposit contract)."""
    if deposit_contract is None:
        return []
    data = b"".join(deposit_data(log_data) for address, topics, log_data in logs
                    if address == deposit_contract and topics and topics[0] == DEPOSIT_EVENT_TOPIC)
    return [bytes((DEPOSIT_REQUEST_TYPE,)) + data] if data else []
