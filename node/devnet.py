"""The devnet: the facade rpc/ talks to. It owns the chain, the pool, the dev accounts, the polled
filters and the mining mode (node/miner.py), and it validates, pools and mines transactions.

Threads (node/workers.py): every public method that changes the chain, the pool, filters or dev
settings runs on the writer (`devnet.worker.run(...)`), one at a time; a short automined
eth_sendRawTransaction over HTTP may run as the writer on the event loop instead, when nothing
else is in flight (node/send_here.py, `VMWorker.run_here`). The read-only executions
(call, estimate, access_list, the trace_* and log queries) may run on a reader instead
(`devnet.execute(...)`), on disposable views of committed state and under the --rpc-timeout
deadline, so a heavy eth_call holds neither the writer nor the event loop. Calls are capped at
--rpc-gas-cap gas (geth's 50,000,000 by default).

Blob transactions (EIP-4844) are accepted only in their network form, with the sidecar, as geth
and Anvil accept them: the KZG proofs are verified before the pool takes the transaction, the
pool keeps (and persists) the network form, and blocks carry the canonical form.
"""
import logging
from concurrent.futures import Future
from typing import Any, Callable

from pydevnet.state.store import KVStore
from pydevnet.node.accounts import dev_accounts
from pydevnet.node.chain.chain import Chain, MinedBlock
from pydevnet.node.chain.transition import may_send
from pydevnet.node.config import Genesis
from pydevnet.node.dev.chain import DevChain
from pydevnet.node.dev.settings import DevSettings
from pydevnet.node.dev.state import DevState
from pydevnet.node.dev.tokens import DevTokens
from pydevnet.node.chain.rewind import DevHistory
from pydevnet.node.tx.blobs import blob_gas, for_fork, verify_sidecar
from pydevnet.node.tx.errors import (AlreadyKnown, BlobFeeCapTooLow, FeeTooLow, GasLimitExceeded,
                                     InsufficientFunds, InvalidTransaction, MissingSidecar,
                                     NonceTooLow, SenderNotEOA)
from pydevnet.node.calls import (CallRequest, CallResult, apply_overrides, create_access_list,
                                    estimate_gas, execute_call, revert_reason, set_code_fields)
from pydevnet.node.filters import FilterRegistry, LogFilter, block_logs
from pydevnet.node.miner import IntervalMiner, MiningMode
from pydevnet.node.queries import PENDING, Queries
from pydevnet.node.tracers.otterscan import Otterscan
from pydevnet.node.tracers.parity import ParityTracing
from pydevnet.node.tracers.replay import Tracing
from pydevnet.node.tracers.struct_logger import DEFAULT_TRACE_MAX_BYTES
from pydevnet.node.signing import personal_message_hash, signature
from pydevnet.node.tx.signing import impersonated_transaction, sign_transaction
from pydevnet.node.tx.types import BLOB_TX_TYPE, Transaction
from pydevnet.node.tx.validation import validate_stateless
from pydevnet.node.tx.decode import decode_pooled_transaction, network_encoding
from pydevnet.node.pool import TxPool
from pydevnet.node.console_log import ConsoleLog
from pydevnet.node.fast_calls import CheapCalls
from pydevnet.node.read_cache import ReadCache
from pydevnet.node.workers import VMWorker, WorkerPool, guarded

log = logging.getLogger("devnet")
DEFAULT_RPC_GAS_CAP = 50_000_000  # geth's --rpc.gascap
DEFAULT_RPC_TIMEOUT = 5.0  # seconds, geth's --rpc.evmtimeout
READER_THREADS = 4  # concurrent read-only executions; more wait in order
WRITER_GRACE = 1.0  # seconds a shutdown lets the block in progress finish
UNCAPPED = 2 ** 63 - 1


class UnknownAccount(InvalidTransaction):
    message = "unknown account"


class Devnet(Queries, Tracing, ParityTracing, Otterscan, DevState, DevChain, DevHistory,
             DevSettings, DevTokens):
    def __init__(self, store: KVStore, genesis: Genesis, mining: MiningMode = MiningMode.AUTO,
                 wallclock: bool = False, block_time: float | None = None,
                 rpc_gas_cap: int = DEFAULT_RPC_GAS_CAP,
                 rpc_timeout: float = DEFAULT_RPC_TIMEOUT,
                 reader_threads: int = READER_THREADS,
                 trace_max_bytes: int = DEFAULT_TRACE_MAX_BYTES,
                 mixed_mining: bool = False, console_log: bool = True, fork=None) -> None:
        self.worker = VMWorker()
        self.readers = WorkerPool(reader_threads, "kvm-reader")
        self.cheap_calls = CheapCalls(self)  # eth_call inline when known cheap
        self.read_cache = ReadCache()  # accounts, slots, code the call views share
        self.rpc_gas_cap = rpc_gas_cap  # 0: no cap beyond the block gas limit's for estimates
        self.rpc_timeout = rpc_timeout  # 0: no limit
        self.trace_max_bytes = trace_max_bytes  # a trace's answer; 0: no limit
        self.block_time = block_time
        self.mixed_mining = mixed_mining  # Anvil's --mixed-mining: automine plus the interval
        self._miner = IntervalMiner(self.worker, self.mine_pending)
        self.genesis = genesis
        self.store = store
        self.mining = mining
        self.fork = fork  # node.fork.point.Fork (--fork-url), else None
        if fork is not None:  # the lazy state: statedb.StateDB reads the source off its store
            store.state_source = fork.state
        try:
            self.chain = self.worker.run(Chain, store, genesis, wallclock, fork)
        except BaseException:  # a data dir that cannot be opened: let go of it and the threads
            self.readers.shutdown(0.0)
            self.worker.shutdown(0.0)
            store.close()
            raise
        self.console = ConsoleLog()
        if console_log:  # --disable-console-log leaves the VM's hook unset
            self.chain.console = self.console.report
        self.pool = TxPool()
        self.accounts = {a.address: a for a in dev_accounts(
            genesis.mnemonic, genesis.accounts, genesis.derivation_path)}
        self.filters = FilterRegistry()
        self.block_listeners: list = []  # callables(block, receipts, log entries)
        self.pending_listeners: list = []  # callables(tx)
        self.removed_listeners: list = []  # callables(log entries of rewound blocks, removed)
        self._snapshots: dict[int, tuple[bytes, bytes]] = {}  # id -> (head hash, state root)
        self.impersonated: set[bytes] = set()
        self.auto_impersonate = False
        self.log_enabled = True  # the node log (anvil_setLoggingEnabled)
        self.client_version: str | None = None  # web3_clientVersion; None: the default
        self._remember_settings()
        self.worker.run(self._restore_pool)

    @property
    def chain_id(self) -> int:
        return self.genesis.chain_id

    @property
    def unit_price(self) -> int:
        return self.genesis.unit_price

    @property
    def coinbase(self) -> bytes:
        return self.genesis.coinbase

    def _restore_pool(self) -> None:
        """Reload transactions acknowledged before a restart; drop those no longer valid."""
        for tx in list(self.chain.db.pool_transactions()):
            try:
                self._admit(tx)
            except InvalidTransaction:
                self.chain.db.remove_pool_transactions([tx.hash])
        if self.mining is MiningMode.AUTO:
            self._automine()

    # -- submission ----------------------------------------------------------------------------
    def send_raw_transaction(self, raw: bytes) -> bytes:
        """A signed transaction's bytes; a blob transaction in its network form (see above)."""
        tx, sidecar = decode_pooled_transaction(raw)
        if tx.type != BLOB_TX_TYPE:
            return self.submit(tx)
        if sidecar is None:
            raise MissingSidecar()
        validate_stateless(tx, self.chain_id, self.chain.spec)  # before KZG
        pooled = for_fork(tx, sidecar, self.chain.spec)  # Osaka: version 0 -> cell proofs
        verify_sidecar(tx, pooled, self.chain.spec)
        return self.submit(tx, bytes(raw) if pooled is sidecar else network_encoding(tx, pooled))

    def send_transaction(self, req: CallRequest) -> bytes:
        """eth_sendTransaction from an unlocked dev account (fill nonce, gas and fees, sign), or
        from an impersonated address (the same, with a placeholder signature)."""
        if req.sender not in self.accounts and req.sender is not None \
                and self.is_impersonated(req.sender):
            return self.submit(impersonated_transaction(self._tx_fields(req), req.sender))
        return self.submit(self.sign_transaction(req))

    def send_unsigned_transaction(self, req: CallRequest) -> bytes:
        """Anvil's eth_sendUnsignedTransaction: from any address, no key asked, as an
        impersonated send (placeholder signature), impersonated or not."""
        return self.submit(impersonated_transaction(self._tx_fields(req), req.sender))

    def _account(self, address: bytes | None):
        acct = self.accounts.get(address)
        if acct is None:
            raise UnknownAccount(f"0x{(address or bytes(20)).hex()} is not a dev account")
        return acct

    def sign_message(self, address: bytes, data: bytes) -> bytes:
        """eth_sign / personal_sign: the EIP-191 signature of `data`."""
        return signature(personal_message_hash(data), self._account(address).private_key)

    def sign_typed_data(self, address: bytes, digest: bytes) -> bytes:
        """eth_signTypedData_v4: the signature of an EIP-712 digest (rpc/typed_data.py)."""
        return signature(digest, self._account(address).private_key)

    def sign_transaction(self, req: CallRequest) -> Transaction:
        """eth_signTransaction: the signed transaction eth_sendTransaction would send."""
        acct = self._account(req.sender)
        return sign_transaction(self._tx_fields(req), acct.private_key)

    def _tx_fields(self, req: CallRequest) -> dict:
        """The transaction `req` describes, nonce, gas and fees filled in as for a send."""
        state = self.chain.head_state()
        nonce = req.nonce if req.nonce is not None else \
            self.pool.pending_nonce(req.sender, state.get_nonce(req.sender))
        gas = req.gas if req.gas is not None else \
            guarded(self.estimate, (req, PENDING), self.rpc_timeout or None)
        fields = dict(chain_id=self.chain_id, nonce=nonce, gas_limit=gas, to=req.to,
                      value=req.value, data=req.data, access_list=tuple(req.access_list))
        if req.gas_price is not None:
            fields.update(type=1 if req.access_list else 0, gas_price=req.gas_price)
        else:
            max_fee = req.max_fee_per_gas if req.max_fee_per_gas is not None else self.unit_price
            tip = req.max_priority_fee_per_gas or 0
            fields.update(type=2, max_fee_per_gas=max_fee, max_priority_fee_per_gas=min(tip, max_fee))
        fields.update(set_code_fields(req, self.chain.spec))  # EIP-7702: type 4, or an error
        return fields

    def submit(self, tx: Transaction, pooled_raw: bytes | None = None) -> bytes:
        """Validate `tx` against the head, pool it, and mine it at once in automine mode.
        `pooled_raw` is what the pool persists if not tx.raw (a blob tx's network form)."""
        queued = self._admit(tx)
        try:
            if self.mining is MiningMode.AUTO and not queued:
                mined = self._automine()
                for m in mined:
                    for rtx, err in m.rejected:
                        if rtx.hash == tx.hash:
                            raise err
            else:
                self.chain.db.add_pool_transaction(tx, pooled_raw)
        except InvalidTransaction:
            raise
        except BaseException:
            # Its block (or its pool record) never reached the store: the sender is told so,
            # and the transaction must not turn up in a later block unannounced.
            if tx.hash in self.pool:
                self.pool.remove([tx.hash])
                raise
            log.exception("mining after 0x%s failed", tx.hash.hex())
        self.filters.on_pending(tx.hash)
        for cb in self.pending_listeners:
            cb(tx)
        return tx.hash

    def _admit(self, tx: Transaction) -> bool:
        """The pool's checks, each with its own error; returns True if the tx waits in the queue
        behind a nonce gap."""
        validate_stateless(tx, self.chain_id, self.chain.spec)  # EIP-7825's cap among them
        if tx.hash in self.pool or self.chain.db.lookup(tx.hash) is not None:
            raise AlreadyKnown(f"0x{tx.hash.hex()}")
        state = self.chain.head_state()
        sender = tx.sender
        nonce = state.get_nonce(sender)
        if tx.nonce < nonce:
            raise NonceTooLow(f"address 0x{sender.hex()}, tx: {tx.nonce} state: {nonce}")
        if tx.gas_limit > self.genesis.gas_limit:
            raise GasLimitExceeded(f"gas {tx.gas_limit} > block gas limit {self.genesis.gas_limit}")
        if tx.fee_cap() < self.unit_price:
            raise FeeTooLow(f"fee cap {tx.fee_cap()} < unit price {self.unit_price}")
        cost = tx.gas_limit * tx.fee_cap() + tx.value
        if tx.type == BLOB_TX_TYPE:
            blob_fee = self.chain.next_blob_base_fee()
            if tx.max_fee_per_blob_gas < blob_fee:
                raise BlobFeeCapTooLow(f"max fee per blob gas {tx.max_fee_per_blob_gas}, blob "
                                       f"base fee {blob_fee}")
            cost += blob_gas(tx) * tx.max_fee_per_blob_gas
        balance = state.get_balance(sender)
        if balance < cost:
            raise InsufficientFunds(f"address 0x{sender.hex()} have {balance} want {cost}")
        if not tx.impersonated and not may_send(state, self.chain.spec, sender):  # EIP-3607/7702
            raise SenderNotEOA(f"address 0x{sender.hex()}")
        self.pool.add(tx)
        return tx.nonce >= self.pool.pending_nonce(sender, nonce)

    # -- mining --------------------------------------------------------------------------------
    def _nonce_of(self, addr: bytes) -> int:
        return self.chain.head_state().get_nonce(addr)

    def _automine(self) -> list[MinedBlock]:
        """One block per executable transaction, in nonce order, until none is left (or the
        next one was left out of its block, which only a full block's blob gas does)."""
        mined = []
        while True:
            ready = self.pool.executable(self._nonce_of)
            if not ready:
                return mined
            mined.append(self._mine([ready[0]]))
            if ready[0].hash in self.pool:
                return mined

    def mine_pending(self, timestamp: int | None = None) -> MinedBlock:
        """Mine one block with every executable pooled transaction (interval mining, evm_mine)."""
        return self._mine(self.pool.executable(self._nonce_of), timestamp)

    def _mine(self, txs: list[Transaction], timestamp: int | None = None) -> MinedBlock:
        m = self.chain.mine(txs, timestamp)
        self.pool.remove([t.hash for t in m.block.transactions] + [t.hash for t, _ in m.rejected])
        stale = self.pool.prune(self._nonce_of)
        self.chain.db.remove_pool_transactions([t.hash for t in stale])
        self._log_block(m)
        entries = block_logs(m.block.header, [t.hash for t in m.block.transactions], m.receipts)
        self.filters.on_block(m.block.header, entries)
        for cb in self.block_listeners:
            cb(m.block, m.receipts, entries)
        return m

    def _log_block(self, m: MinedBlock) -> None:
        messages = self.console.take()
        if messages:
            log.info("    console.log:")
            for line in (ln for msg in messages for ln in msg.split("\n")):
                log.info("      %s", line)
        if not self.log_enabled:
            return
        for tx, r in zip(m.block.transactions, m.results):
            line = f"    Transaction: 0x{tx.hash.hex()}  Gas used: {r.gas_used}"
            if r.contract_address:
                line += f"  Contract created: 0x{r.contract_address.hex()}"
            if not r.success:
                reason = revert_reason(r.output) if r.error == "execution reverted" else None
                line += f"  Error: {r.error}" + (f": {reason}" if reason else "")
            log.info(line)
        for tx, err in m.rejected:
            log.info("    Dropped: 0x%s  %s", tx.hash.hex(), err)
        h = m.block.header
        log.info("Block #%d 0x%s  %d tx  gas used %d  time %d", h.number, h.hash.hex(),
                 len(m.block.transactions), h.gas_used, h.timestamp)

    # -- calls ---------------------------------------------------------------------------------
    def _call_context(self, ref):
        if ref == PENDING:
            head = self.chain.head
            return head, self.chain.env_for(head)
        header = self.require_header(ref)
        return header, self.read_cache.env_of(self.chain, header)

    @property
    def call_gas_cap(self) -> int:
        """The most gas an eth_call (or traced call) may use, and its default."""
        return self.rpc_gas_cap or UNCAPPED

    @property
    def estimate_gas_cap(self) -> int:
        """The highest gas limit eth_estimateGas tries: the block's, or the cap if lower."""
        return min(self.genesis.gas_limit, self.call_gas_cap)

    def execute(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None,
                timeout_message: str | None = None) -> Future:
        """Run the read-only `fn(*args)` (call, estimate, a trace, a log query) on a reader,
        stopped after `timeout` seconds (default --rpc-timeout, where 0 means none; an explicit
        0 stops at once, as geth's trace timeout does)."""
        limit = (self.rpc_timeout or None) if timeout is None else timeout
        return self.readers.submit(fn, *args, timeout=limit, timeout_message=timeout_message)

    def call(self, req: CallRequest, ref, overrides=None) -> CallResult:
        header, env = self._call_context(ref)
        st = self.state_view(header)
        apply_overrides(st, overrides)
        return execute_call(st, env, req, self.call_gas_cap)

    def estimate(self, req: CallRequest, ref, overrides=None) -> int:
        header, env = self._call_context(ref)

        def fresh():
            st = self.state_view(header)
            apply_overrides(st, overrides)
            return st
        return estimate_gas(fresh, env, req, self.estimate_gas_cap)

    def access_list(self, req: CallRequest, ref, overrides=None) -> tuple[list, CallResult]:
        header, env = self._call_context(ref)
        return create_access_list(self.store, self.chain.state_root_of(header), env, req,
                                  self.call_gas_cap, overrides, self.chain.node_cache)

    def pool_content(self) -> tuple[list, list]:
        """txpool_content: (pending, queued) transactions, by sender then nonce."""
        return self.pool.split(self._nonce_of)

    def pooled_transactions(self) -> list[Transaction]:
        return self.pool.all()

    # -- filters -------------------------------------------------------------------------------
    def new_log_filter(self, flt: LogFilter) -> int:
        return self.filters.install("logs", flt, self.chain.head.number)

    def new_block_filter(self) -> int:
        return self.filters.install("blocks")

    def new_pending_filter(self) -> int:
        return self.filters.install("pending")

    def filter_changes(self, fid: int) -> tuple[str, list] | None:
        """eth_getFilterChanges: (kind, what came since the last poll), or None if unknown."""
        f = self.filters.get(fid)
        return None if f is None else (f.kind, self.filters.poll(fid))

    def uninstall_filter(self, fid: int) -> bool:
        return self.filters.uninstall(fid)

    def expire_filters(self) -> int:
        """Drop polled filters nobody polled for their timeout; returns how many went."""
        return self.filters.expire()

    @property
    def filter_timeout(self) -> float:
        return self.filters.timeout

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start background work: the interval miner in INTERVAL mode."""
        if self.mining is MiningMode.INTERVAL or (self.mixed_mining and self.block_time
                                                  and self.mining is MiningMode.AUTO):
            self._miner.start(self.block_time)

    def stop(self) -> None:
        """Stop background work (the interval miner)."""
        self._miner.stop()

    def abort_reads(self) -> int:
        """Stop every read-only execution in progress (a shutdown); returns how many ran."""
        return self.readers.abort()

    def shutdown(self, grace: float = WRITER_GRACE) -> None:
        """Stop the miner, abort reads, give the block in progress `grace` seconds to land (then
        abort it: its batch is written whole or not at all) and close the store, unless a thread
        would not stop (then the process's exit closes it)."""
        if self.store.closed:
            return
        self.stop()
        readers_done = self.readers.shutdown(0.0)
        writer_done = self.worker.shutdown(grace)
        if readers_done and writer_done:
            self.store.close()
        else:
            log.warning("a VM thread did not stop; leaving the store to the process exit")
