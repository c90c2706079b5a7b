"""JSON shapes of blocks, headers, transactions, receipts, logs, proofs and fee history, as the
execution-apis schemas (src/schemas/*.yaml) define them and geth fills them in.

A mined transaction shows its block and, for EIP-1559 types, the price it paid as gasPrice (the
unit price, as its receipt's effectiveGasPrice); a pending one has null blockHash, blockNumber,
blockTimestamp and transactionIndex, and (as geth shows it) an EIP-1559 transaction's gasPrice is
its maxFeePerGas. Typed transactions carry both yParity and v; blob transactions (EIP-4844) their
maxFeePerBlobGas and blobVersionedHashes, and their receipts blobGasUsed and blobGasPrice;
set-code transactions (EIP-7702) their authorizationList (rpc/authorizations.py).
"""
from pydevnet.node.chain.blocks import Block, Header, Receipt
from pydevnet.node.filters import LogEntry
from pydevnet.node.queries import ReceiptView
from pydevnet.node.tx.types import SET_CODE_TX_TYPE, Transaction
from pydevnet.rpc.authorizations import authorization_list_json
from pydevnet.rpc.codec import hexdata, opt_hexdata, qty, word
from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT

ZERO = "0x0"


def header_json(h: Header) -> dict:
    """The header fields (eth_subscribe newHeads, and the base of every block object); a
    Prague or later header's requestsHash (EIP-7685) too."""
    out = {
        "number": qty(h.number), "hash": hexdata(h.hash), "parentHash": hexdata(h.parent_hash),
        "nonce": hexdata(h.nonce), "mixHash": hexdata(h.mix_hash),
        "sha3Uncles": hexdata(h.ommers_hash), "logsBloom": hexdata(h.logs_bloom),
        "transactionsRoot": hexdata(h.transactions_root), "stateRoot": hexdata(h.state_root),
        "receiptsRoot": hexdata(h.receipts_root), "miner": hexdata(h.coinbase),
        "difficulty": qty(h.difficulty), "extraData": hexdata(h.extra_data),
        "gasLimit": qty(h.gas_limit), "gasUsed": qty(h.gas_used),
        "timestamp": qty(h.timestamp), "baseFeePerGas": qty(h.base_fee),
        "withdrawalsRoot": hexdata(h.withdrawals_root), "blobGasUsed": qty(h.blob_gas_used),
        "excessBlobGas": qty(h.excess_blob_gas),
        "parentBeaconBlockRoot": hexdata(h.parent_beacon_block_root),
    }
    if h.requests_hash is not None:
        out["requestsHash"] = hexdata(h.requests_hash)
    return out


def block_json(block: Block, full: bool, pending: bool = False) -> dict:
    """A block with transaction hashes or (full) objects. The pending block shows as geth shows
    it: null hash, nonce and miner, and its transactions as pending ones."""
    header = block.header
    out = header_json(header)
    out.update(totalDifficulty=ZERO, size=qty(len(block.encode())), uncles=[], withdrawals=[])
    if pending:
        out.update(hash=None, nonce=None, miner=None)
        header = None
    out["transactions"] = [tx_json(tx, header, i) if full else hexdata(tx.hash)
                           for i, tx in enumerate(block.transactions)]
    return out


def access_list_json(entries) -> list:
    return [{"address": hexdata(addr), "storageKeys": [word(k) for k in keys]}
            for addr, keys in entries]


def tx_json(tx: Transaction, header: Header | None = None, index: int | None = None) -> dict:
    mined = header is not None
    if tx.gas_price is not None:
        price = tx.gas_price
    else:
        # every transaction pays the unit price, which is every block's base fee: the tip is
        # never paid, so base fee + tip would disagree with the receipt's effectiveGasPrice
        price = header.base_fee if mined else tx.max_fee_per_gas
    out = {
        "blockHash": hexdata(header.hash) if mined else None,
        "blockNumber": qty(header.number) if mined else None,
        "blockTimestamp": qty(header.timestamp) if mined else None,
        "transactionIndex": qty(index) if mined else None,
        "hash": hexdata(tx.hash), "type": qty(tx.type), "from": hexdata(tx.sender),
        "to": opt_hexdata(tx.to), "nonce": qty(tx.nonce), "gas": qty(tx.gas_limit),
        "gasPrice": qty(price), "value": qty(tx.value), "input": hexdata(tx.data),
    }
    if tx.max_fee_per_gas is not None:
        out["maxFeePerGas"] = qty(tx.max_fee_per_gas)
        out["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
    if tx.type != 0:
        out["accessList"] = access_list_json(tx.access_list)
    if tx.type == SET_CODE_TX_TYPE:
        out["authorizationList"] = authorization_list_json(tx.authorization_list)
    if tx.max_fee_per_blob_gas is not None:
        out["maxFeePerBlobGas"] = qty(tx.max_fee_per_blob_gas)
        out["blobVersionedHashes"] = [hexdata(h) for h in tx.blob_versioned_hashes]
    if tx.chain_id is not None:
        out["chainId"] = qty(tx.chain_id)
    out.update(v=qty(tx.v), r=qty(tx.r), s=qty(tx.s))
    if tx.type != 0:
        out["yParity"] = qty(tx.y_parity)
    return out


def log_json(log: tuple, number: int, block_hash: bytes, timestamp: int, tx_hash: bytes,
             tx_index: int, log_index: int, removed: bool = False) -> dict:
    address, topics, data = log
    return {
        "address": hexdata(address), "topics": [word(t) for t in topics], "data": hexdata(data),
        "blockNumber": qty(number), "blockHash": hexdata(block_hash),
        "blockTimestamp": qty(timestamp), "transactionHash": hexdata(tx_hash),
        "transactionIndex": qty(tx_index), "logIndex": qty(log_index), "removed": removed,
    }


def entry_json(e: LogEntry) -> dict:
    """A log found by eth_getLogs, a filter or a subscription."""
    return log_json(e.log, e.block_number, e.block_hash, e.block_timestamp, e.tx_hash,
                    e.tx_index, e.log_index, e.removed)


def receipt_json(view: ReceiptView) -> dict:
    """A receipt; a blob transaction's also has blobGasUsed and blobGasPrice (EIP-4844)."""
    r: Receipt = view.receipt
    tx, h = view.tx, view.header
    out = {
        "type": qty(r.type), "transactionHash": hexdata(tx.hash),
        "transactionIndex": qty(view.index), "blockHash": hexdata(h.hash),
        "blockNumber": qty(h.number), "from": hexdata(tx.sender), "to": opt_hexdata(tx.to),
        "cumulativeGasUsed": qty(r.cumulative_gas_used), "gasUsed": qty(r.gas_used),
        "contractAddress": opt_hexdata(r.contract_address),
        "logs": [log_json(log, h.number, h.hash, h.timestamp, tx.hash, view.index,
                          view.first_log_index + i) for i, log in enumerate(r.logs)],
        "logsBloom": hexdata(r.bloom), "status": qty(r.status),
        "effectiveGasPrice": qty(r.effective_gas_price),
    }
    if tx.max_fee_per_blob_gas is not None:
        out.update(blobGasUsed=qty(r.blob_gas_used), blobGasPrice=qty(view.blob_gas_price))
    return out


def proof_json(addr: bytes, keys: list[str], slots: list[int], proof: tuple) -> dict:
    """EIP-1186. A key given as 32 bytes is echoed as given, a shorter one as a quantity (geth)."""
    acct, account_proof, storage = proof
    out = {
        "address": hexdata(addr), "accountProof": [hexdata(n) for n in account_proof],
        "balance": qty(acct.balance if acct else 0), "nonce": qty(acct.nonce if acct else 0),
        "codeHash": hexdata(acct.code_hash if acct else EMPTY_CODE_HASH),
        "storageHash": hexdata(acct.storage_root if acct else EMPTY_TRIE_ROOT),
    }
    out["storageProof"] = [
        {"key": key.lower() if len(key) == 66 else qty(slot), "value": qty(value),
         "proof": [hexdata(n) for n in nodes]}
        for key, slot, (_, value, nodes) in zip(keys, slots, storage)]
    return out


def fee_history_json(history: tuple) -> dict:
    oldest, base, ratios, rewards, blob_base, blob_ratios = history
    out = {"oldestBlock": qty(oldest), "baseFeePerGas": [qty(b) for b in base],
           "gasUsedRatio": ratios, "baseFeePerBlobGas": [qty(b) for b in blob_base],
           "blobGasUsedRatio": blob_ratios}
    if rewards is not None:
        out["reward"] = [[qty(x) for x in row] for row in rewards]
    return out
