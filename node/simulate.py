"""eth_simulateV1 (execution-apis): calls run as the transactions of simulated blocks that build
on a block of the chain and on each other, on a disposable view of its state; nothing reaches the
chain, the pool or the store.

Each simulated block takes its parent's number + 1 and timestamp + the block period unless its
block overrides say otherwise (numbers and timestamps must rise; a gap in numbers is filled with
empty blocks; at most 256 blocks past the base, as geth allows), the chain's coinbase, gas limit
and PREVRANDAO rule (keccak256 of the parent hash) unless overridden, and runs the fork's system
calls (EIP-4788/2935 before its calls, EIP-7002/7251 after them) as a mined block does. Its state
overrides apply before its calls, including geth's movePrecompileToAddress, which moves a
precompile for the rest of the simulation. Withdrawals in the overrides (EIP-4895) credit their
amounts after the calls.

Without validation a call runs as eth_call does: no nonce check, the base fee is 0 unless
overridden, the price is what the call offers (0 by default) and no fee floor applies. With
validation the transaction rules apply (nonce, intrinsic gas, balance) and the devnet's fixed unit
price: the base fee is the unit price (or the override) and a call must offer at least that, then
pays exactly gasUsed x base fee, all to the coinbase. Either way the EIP-3607 sender check is
skipped, as geth skips it. A call without gas gets what is left of its block's gas limit (at most
EIP-7825's cap from Osaka); the gas of the whole simulation is bounded by --rpc-gas-cap.

traceTransfers adds every ether transfer (a call's value, a creation's endowment, a
SELFDESTRUCT's balance) to the call's logs as an ERC-20 Transfer event from 0xeeee...eeee, in
execution order, dropped with the frame that reverts, as geth does; receipts keep only the EVM's
logs.
"""
import copy

from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import StateDB
from pydevnet.node.calls import ZERO_ADDRESS, CallRequest, StateOverride, apply_overrides
from pydevnet.node.chain import system
from pydevnet.node.chain.blocks import (Block, Header, Receipt, Withdrawal, logs_bloom,
                                        receipts_root, transactions_root, withdrawals_root)
from pydevnet.node.chain.chain import beacon_root
from pydevnet.node.chain.fees import UnitPriceFees
from pydevnet.node.chain.headers import next_excess_blob_gas
from pydevnet.node.chain.requests import requests_hash
from pydevnet.node.chain.transition import apply_transaction
from pydevnet.node.queries import PENDING
from pydevnet.node.simulate_env import Overlay, TransferTracer
from pydevnet.node.tx.errors import GasLimitExceeded, InvalidTransaction
from pydevnet.node.tx.signing import impersonated_transaction
from pydevnet.vm.frame import BlockEnv
from pydevnet.vm.gas import MAX_TX_GAS, MAX_TX_NONCE

MAX_BLOCKS = 256  # geth's limit on how far past the base a simulation may reach
GWEI = 10 ** 9


class SimulationError(Exception):
    """A simulation that cannot run; rpc/ gives each kind geth's code."""


class InvalidBlockNumber(SimulationError):
    pass


class InvalidBlockTimestamp(SimulationError):
    pass


class TooManyBlocks(SimulationError):
    pass


class BlockGasLimitReached(SimulationError):
    pass


class NotAPrecompile(SimulationError):
    pass


class PrecompileSelfReference(SimulationError):
    pass


class InvalidCall(SimulationError):
    """A call that is not a valid transaction: `cause` is the InvalidTransaction."""

    def __init__(self, cause: InvalidTransaction, gas: int) -> None:
        super().__init__(f"err: {cause} (supplied gas {gas})")
        self.cause = cause


class BlockOverrides:
    __slots__ = ("number", "time", "gas_limit", "fee_recipient", "prev_randao", "base_fee",
                 "blob_base_fee", "withdrawals")

    def __init__(self, number: int | None = None, time: int | None = None,
                 gas_limit: int | None = None, fee_recipient: bytes | None = None,
                 prev_randao: int | None = None, base_fee: int | None = None,
                 blob_base_fee: int | None = None,
                 withdrawals: list[Withdrawal] | None = None) -> None:
        self.number = number
        self.time = time
        self.gas_limit = gas_limit
        self.fee_recipient = fee_recipient
        self.prev_randao = prev_randao
        self.base_fee = base_fee
        self.blob_base_fee = blob_base_fee
        self.withdrawals = withdrawals


class SimBlock:
    """One entry of blockStateCalls. `moves` maps a precompile's address to its new one."""

    __slots__ = ("overrides", "state", "moves", "calls", "blob_fee_caps")

    def __init__(self, overrides: BlockOverrides | None = None,
                 state: dict[bytes, StateOverride] | None = None,
                 moves: dict[bytes, bytes] | None = None,
                 calls: list[CallRequest] | None = None,
                 blob_fee_caps: list[int | None] | None = None) -> None:
        self.overrides = overrides or BlockOverrides()
        self.state = state or {}
        self.moves = moves or {}
        self.calls = calls or []
        self.blob_fee_caps = blob_fee_caps or [None] * len(self.calls)  # maxFeePerBlobGas


class SimCall:
    """A call's outcome: `logs` as (address, topics, data), transfers included when traced;
    `error` None, a vm Revert or another VMError, or a string."""

    __slots__ = ("success", "output", "gas_used", "logs", "error", "tx")

    def __init__(self, success: bool, output: bytes, gas_used: int, logs: list, error,
                 tx) -> None:
        self.success = success
        self.output = output
        self.gas_used = gas_used
        self.logs = logs
        self.error = error
        self.tx = tx


class SimResult:
    __slots__ = ("block", "calls")

    def __init__(self, block: Block, calls: list[SimCall]) -> None:
        self.block = block
        self.calls = calls


class _CallFees:
    """The fees of a call without validation (geth's NoBaseFee): the price it offers, no floor;
    the coinbase gets what is above the base fee."""

    def effective_gas_price(self, tx, base_fee: int) -> int:
        if tx.gas_price is not None:
            return tx.gas_price
        return min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas)

    def coinbase_reward(self, gas_used: int, price: int, base_fee: int) -> int:
        return gas_used * max(price - base_fee, 0)


def simulate(devnet, blocks: list[SimBlock], ref, trace_transfers: bool = False,
             validation: bool = False) -> list[SimResult]:
    """Run `blocks` on the state after block `ref` of `devnet`'s chain."""
    chain = devnet.chain
    base = chain.head if ref == PENDING else devnet.require_header(ref)
    blocks = _sanitize(blocks, base, max(devnet.genesis.block_period, 1))
    sim = _Simulation(devnet, base, trace_transfers, validation)
    return [sim.run_block(b) for b in blocks]


def _sanitize(blocks: list[SimBlock], base: Header, period: int) -> list[SimBlock]:
    """Number and time every block, fill gaps in numbers with empty blocks (geth's rules)."""
    out: list[SimBlock] = []
    number, time = base.number, base.timestamp
    for b in blocks:
        o = b.overrides
        n = number + 1 if o.number is None else o.number
        if n <= number:
            raise InvalidBlockNumber(f"block numbers must be in order: {n} <= {number}")
        if n - base.number > MAX_BLOCKS:
            raise TooManyBlocks("too many blocks")
        for gap in range(number + 1, n):
            time += period
            out.append(SimBlock(BlockOverrides(number=gap, time=time)))
        if o.time is not None and o.time <= time:
            raise InvalidBlockTimestamp(f"block timestamps must be in order: {o.time} <= {time}")
        number, time = n, time + period if o.time is None else o.time
        o.number, o.time = number, time
        out.append(b)
    return out


class _Simulation:
    def __init__(self, devnet, base: Header, trace_transfers: bool, validation: bool) -> None:
        chain = devnet.chain
        self.chain = chain
        self.genesis = devnet.genesis
        self.state = StateDB(Overlay(chain.store), chain.state_root_of(base), chain.node_cache)
        self.spec = copy.copy(chain.spec)  # its precompiles may move
        self.spec.precompiles = dict(chain.spec.precompiles)
        self.parent = base
        self.hashes: dict[int, bytes] = {}  # simulated block number -> hash (BLOCKHASH)
        self.moved_to: dict[bytes, bytes] = {}  # a fork precompile's address -> where it is
        self.trace_transfers = trace_transfers
        self.validation = validation
        self.gas_budget = devnet.call_gas_cap

    def _block_hash(self, n: int) -> bytes | None:
        return self.hashes.get(n) or self.chain.block_hash(n)

    def _env(self, o: BlockOverrides) -> BlockEnv:
        parent, g = self.parent, self.genesis
        if o.base_fee is not None:
            base_fee = o.base_fee
        else:
            base_fee = g.unit_price if self.validation else 0
        # coinbase and gas limit carry over from the parent, overridden or not (as geth)
        env = BlockEnv(spec=self.spec, coinbase=o.fee_recipient or parent.coinbase,
                       number=o.number, timestamp=o.time,
                       gas_limit=parent.gas_limit if o.gas_limit is None else o.gas_limit,
                       prevrandao=(int.from_bytes(keccak256(parent.hash), "big")
                                   if o.prev_randao is None else o.prev_randao),
                       base_fee=base_fee, chain_id=g.chain_id,
                       excess_blob_gas=next_excess_blob_gas(self.spec, parent),
                       block_hash=self._block_hash)
        if o.blob_base_fee is not None:
            env.blob_base_fee = o.blob_base_fee
        elif not self.validation:
            env.blob_base_fee = 0  # as the base fee: what a call offers is enough
        return env

    def _move_precompiles(self, moves: dict[bytes, bytes]) -> None:
        """geth's movePrecompileToAddress: the fork's precompile at `src` leaves wherever an
        earlier move put it and serves at `dst` from this block on."""
        pre = self.spec.precompiles
        for src, dst in moves.items():
            if src not in self.chain.spec.precompiles:
                raise NotAPrecompile(f"account 0x{src.hex()} is not a precompile")
            if src == dst:
                raise PrecompileSelfReference(f"account 0x{src.hex()} is moved to itself")
        moved = {}
        for src, dst in moves.items():
            pre.pop(self.moved_to.get(src, src), None)
            moved[dst] = self.chain.spec.precompiles[src]
            self.moved_to[src] = dst
        pre.update(moved)

    def run_block(self, b: SimBlock) -> SimResult:
        self._move_precompiles(b.moves)
        apply_overrides(self.state, b.state)
        env = self._env(b.overrides)
        state, parent = self.state, self.parent
        root_of_beacon = beacon_root(self.spec, parent.hash)
        system.begin_block(state, env, parent.hash, root_of_beacon)
        txs, receipts, calls = [], [], []
        used = 0
        for req, blob_fee_cap in zip(b.calls, b.blob_fee_caps):
            tx, result, logs = self._run_call(env, req, blob_fee_cap, used)
            used += result.gas_used
            txs.append(tx)
            receipts.append(Receipt(tx.type, 1 if result.success else 0, used, result.logs,
                                    result.gas_used, result.gas_price, result.contract_address,
                                    result.blob_gas_used))
            calls.append(SimCall(result.success, result.output, result.gas_used, logs,
                                 result.error, tx))
        requests = None
        if self.spec.has(7685):
            requests = system.dequeue_requests(state, env, on_error=lambda e: None)
        withdrawals = b.overrides.withdrawals or []
        for w in withdrawals:
            state.add_balance(w.address, w.amount * GWEI)
        state.begin_tx()
        root = state.commit()  # into the overlay: the chain's store never sees it
        header = Header(
            parent_hash=parent.hash, coinbase=env.coinbase, state_root=root,
            transactions_root=transactions_root([t.raw for t in txs]),
            receipts_root=receipts_root(receipts),
            logs_bloom=logs_bloom([x for r in receipts for x in r.logs]), number=env.number,
            gas_limit=env.gas_limit, gas_used=used, timestamp=env.timestamp, extra_data=b"",
            mix_hash=env.prevrandao.to_bytes(32, "big"), base_fee=env.base_fee,
            withdrawals_root=withdrawals_root(withdrawals),
            blob_gas_used=sum(r.blob_gas_used for r in receipts),
            excess_blob_gas=env.excess_blob_gas, parent_beacon_block_root=root_of_beacon,
            requests_hash=None if requests is None else requests_hash(requests))
        self.hashes[header.number] = header.hash
        self.parent = header
        return SimResult(Block(header, txs, withdrawals), calls)

    def _transaction(self, env: BlockEnv, req: CallRequest, blob_fee_cap: int | None,
                     gas: int, nonce: int):
        sender = req.sender or ZERO_ADDRESS
        fields = dict(chain_id=env.chain_id, nonce=nonce, gas_limit=gas, to=req.to,
                      value=req.value, data=req.data, access_list=tuple(req.access_list))
        auths = getattr(req, "authorization_list", None)
        if req.gas_price is not None:
            fields.update(type=1 if req.access_list else 0, gas_price=req.gas_price)
        else:
            tip = req.max_priority_fee_per_gas or 0
            max_fee = req.max_fee_per_gas if req.max_fee_per_gas is not None else tip
            fields.update(type=4 if auths else 2, max_fee_per_gas=max_fee,
                          max_priority_fee_per_gas=tip)
            if auths:
                fields["authorization_list"] = tuple(auths)
            elif req.blob_versioned_hashes:
                fields.update(type=3, blob_versioned_hashes=tuple(req.blob_versioned_hashes),
                              max_fee_per_blob_gas=blob_fee_cap or 0)
        return impersonated_transaction(fields, sender)

    def _gas(self, env: BlockEnv, req: CallRequest, used: int) -> int:
        if req.gas is None:
            gas = env.gas_limit - used
            if self.spec.has(7825):
                gas = min(gas, MAX_TX_GAS)
        else:
            gas = req.gas
            if used + gas > env.gas_limit:
                raise BlockGasLimitReached(f"block gas limit reached: {used} >= {env.gas_limit}")
        return max(min(gas, self.gas_budget), 0)

    def _nonce(self, req: CallRequest) -> int:
        """The call's nonce: its own under validation, else the sender's (geth skips the nonce
        checks, EIP-2681's too: a sender at 2**64 - 1 still sends, its nonce staying there)."""
        sender = req.sender or ZERO_ADDRESS
        nonce = self.state.get_nonce(sender)
        if self.validation:
            return nonce if req.nonce is None else req.nonce
        if nonce >= MAX_TX_NONCE:
            self.state.set_nonce(sender, MAX_TX_NONCE - 1)  # raised to the max by the call
            return MAX_TX_NONCE - 1
        return nonce

    def _run_call(self, env: BlockEnv, req: CallRequest, blob_fee_cap: int | None, used: int):
        gas = self._gas(env, req, used)
        tx = self._transaction(env, req, blob_fee_cap, gas, self._nonce(req))
        tracer = TransferTracer(self.state) if self.trace_transfers else None
        policy = UnitPriceFees(env.base_fee) if self.validation else _CallFees()
        try:
            result = apply_transaction(self.state, env, tx, tx.sender, policy, used, 0, tracer)
        except GasLimitExceeded as e:
            raise BlockGasLimitReached(f"block gas limit reached: {used} >= "
                                       f"{env.gas_limit}") from e
        except InvalidTransaction as e:
            raise InvalidCall(e, gas) from e
        self.gas_budget -= result.gas_used
        logs = tracer.merged(result.logs) if tracer is not None else result.logs
        return tx, result, logs
