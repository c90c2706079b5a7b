"""CREATE (0xf0) and CREATE2 (0xf5): addresses (rlp([sender, nonce]) and EIP-1014), the EIP-3860
initcode limit (49152 bytes) and word cost (2 gas, plus 6 for CREATE2's hashing), collisions with
an existing nonce, code or (EIP-7610) storage, EIP-3541's rejection of code starting with 0xEF,
EIP-170's 24576-byte code limit and the 200 gas per deployed byte."""
import pytest

from tests.vm.asm import (CONTRACT, SENDER, as_int, asm, initcode, new_state, ret_top, run,
                          transact)
from pydevnet.vm.errors import OutOfGas
from pydevnet.vm.gas import all_but_one_64th
from pydevnet.vm.opcodes.system import create2_address, create_address

H = bytes.fromhex
FACTORY_NONCE = 1
CREATE_FROM_CALLDATA = asm("CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY",
                           "CALLDATASIZE PUSH0 CALLVALUE CREATE") + ret_top()


def create2_from_calldata(salt: int) -> bytes:
    return asm("CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY", "PUSH32", salt,
               "CALLDATASIZE PUSH0 CALLVALUE CREATE2") + ret_top()


def words(n: int) -> int:
    return (n + 31) // 32


def c_mem(w: int) -> int:
    return 3 * w + w * w // 512


def factory_gas(init_size: int) -> int:
    """Gas the CREATE factory spends on its own before the child runs: the CALLDATACOPY with
    its memory, and CREATE's 32000 plus 2 per initcode word (EIP-3860)."""
    w = words(init_size)
    return (2 + 2 + 2 + 3 + 3 * w + c_mem(w)) + (2 + 2 + 2 + 32000 + 2 * w)


RET_TOP = 2 + 3 + 3 + 2  # PUSH0 MSTORE PUSH1 PUSH0 RETURN, memory already expanded


def created(f) -> bytes | None:
    """The address CREATE left on the stack (returned by the factory), or None for 0."""
    assert f.error is None, f.error
    value = int.from_bytes(f.output, "big")
    return value.to_bytes(20, "big") if value else None


RUNTIME = b"\xfe"
INIT = initcode(RUNTIME)
INIT_COST = 3 + 3 + 3 + 2 + (3 + 3 + 3) + 2  # PUSH2 DUP1 PUSH1 PUSH0 CODECOPY(+word, memory) PUSH0


def test_create_address_is_the_hash_of_rlp_sender_nonce() -> None:
    sender = H("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0")
    assert create_address(sender, 0) == H("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")
    assert create_address(sender, 1) == H("343c43a37d37dff08ae8c4a11544c718abb4fcf8")
    assert create_address(sender, 2) == H("f778b86fa74e846c4f0a1fbd1335fe81c00a0c91")


@pytest.mark.parametrize(("sender", "salt", "code", "address"), ids=range(7), argvalues=[
    ("00" * 20, 0, "00", "4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38"),
    ("deadbeef" + "00" * 16, 0, "00", "b928f69bb1d91cd65274e3c79d8986362984fda3"),
    ("deadbeef" + "00" * 16, 0xFEED << 144, "00", "d04116cdd17bebe565eb2422f2497e06cc1c9833"),
    ("00" * 20, 0, "deadbeef", "70f2b2914a2a4b783faefb75f459a580616fcb5e"),
    ("00" * 16 + "deadbeef", 0xCAFEBABE, "deadbeef", "60f3f640a8508fc6a86d45df051962668e1e8ac7"),
    ("00" * 16 + "deadbeef", 0xCAFEBABE, "deadbeef" * 11,
     "1d8bfdc5d46dc4f61d6b6115972536ebe6a8854c"),
    ("00" * 20, 0, "", "e33c0c7f7df4809055c3eba6c09cfe4baf1bd9e0"),
])
def test_create2_address_eip1014_examples(sender: str, salt: int, code: str, address: str) -> None:
    assert create2_address(H(sender), salt, H(code)) == H(address)


def test_create_deploys_the_returned_code_and_bumps_both_nonces() -> None:
    f = run(CREATE_FROM_CALLDATA, data=INIT)
    addr = created(f)
    assert addr == create_address(CONTRACT, FACTORY_NONCE)
    assert f.state.get_code(addr) == RUNTIME
    assert f.state.get_nonce(addr) == 1  # EIP-161
    assert f.state.get_nonce(CONTRACT) == FACTORY_NONCE + 1
    assert addr in f.state.warm_addresses
    assert f.return_data == b""


def test_create_gas() -> None:
    f = run(CREATE_FROM_CALLDATA, data=INIT)
    assert 1_000_000 - f.gas == factory_gas(len(INIT)) + INIT_COST + 200 * len(RUNTIME) + RET_TOP


def test_create2_uses_the_eip1014_address_and_charges_hashing() -> None:
    salt = 0x5A17
    f = run(create2_from_calldata(salt), data=INIT)
    assert created(f) == create2_address(CONTRACT, salt, INIT)
    g = run(CREATE_FROM_CALLDATA, data=INIT)
    assert g.gas - f.gas == 3 + 6 * words(len(INIT))  # PUSH32 salt, keccak256 of the initcode


def test_create_passes_value_and_keeps_a_balance_already_there() -> None:
    target = create_address(CONTRACT, FACTORY_NONCE)
    state = new_state({CONTRACT: {"balance": 100}, target: {"balance": 5}})
    f = run(CREATE_FROM_CALLDATA, data=INIT, value=30, state=state)
    assert created(f) == target
    assert state.get_balance(target) == 35
    assert state.get_balance(CONTRACT) == 70


def test_initcode_of_49152_bytes_is_allowed_eip3860() -> None:
    f = run(CREATE_FROM_CALLDATA, data=bytes(49152), gas=10_000_000)
    assert created(f) is not None  # all STOPs: deploys empty code for no further gas
    assert 10_000_000 - f.gas == factory_gas(49152) + RET_TOP


def test_create2_initcode_words_cost_8_each_eip3860_eip1014() -> None:
    f = run(create2_from_calldata(1), data=bytes(49152), gas=10_000_000)
    assert created(f) is not None
    assert 10_000_000 - f.gas == factory_gas(49152) + 3 + 6 * 1536 + RET_TOP


@pytest.mark.parametrize("code", [CREATE_FROM_CALLDATA, create2_from_calldata(1)],
                         ids=["CREATE", "CREATE2"])
def test_initcode_of_49153_bytes_is_out_of_gas_eip3860(code: bytes) -> None:
    f = run(code, data=bytes(49153), gas=10_000_000)
    assert isinstance(f.error, OutOfGas)
    assert f.gas == 0
    assert f.state.get_nonce(CONTRACT) == FACTORY_NONCE


@pytest.mark.parametrize("existing", [
    {"nonce": 1},
    {"code": b"\x00", "nonce": 0},
    {"storage": {0: 1}, "nonce": 0},  # EIP-7610
], ids=["nonce", "code", "storage"])
def test_collision_fails_consumes_the_forwarded_gas_and_bumps_the_nonce(existing: dict) -> None:
    target = create_address(CONTRACT, FACTORY_NONCE)
    state = new_state({target: existing})
    f = run(CREATE_FROM_CALLDATA, data=INIT, state=state)
    assert created(f) is None
    before = 1_000_000 - factory_gas(len(INIT))
    assert f.gas == before - all_but_one_64th(before) - RET_TOP
    assert state.get_nonce(CONTRACT) == FACTORY_NONCE + 1
    assert state.get_code(target) == existing.get("code", b"")


def test_storage_cleared_in_the_cache_is_no_longer_a_collision() -> None:
    target = create_address(CONTRACT, FACTORY_NONCE)
    state = new_state({target: {"storage": {0: 1}}})
    state.set_storage(target, 0, 0)
    assert created(run(CREATE_FROM_CALLDATA, data=INIT, state=state)) == target


def test_code_starting_with_0xef_is_rejected_eip3541() -> None:
    f = run(CREATE_FROM_CALLDATA, data=initcode(b"\xef\x00"))
    assert created(f) is None
    assert not f.state.exists(create_address(CONTRACT, FACTORY_NONCE))
    assert f.state.get_nonce(CONTRACT) == FACTORY_NONCE + 1


@pytest.mark.parametrize("code", [b"\xfe", b"\x00\xef", b"\xee"])
def test_code_not_starting_with_0xef_is_deployed(code: bytes) -> None:
    f = run(CREATE_FROM_CALLDATA, data=initcode(code))
    assert f.state.get_code(created(f)) == code


def _returning_zeros(n: int) -> bytes:
    return asm("PUSH2", n, "PUSH0 RETURN")


def test_code_of_24576_bytes_is_deployed_eip170() -> None:
    f = run(CREATE_FROM_CALLDATA, data=_returning_zeros(24576), gas=10_000_000)
    assert len(f.state.get_code(created(f))) == 24576


def test_code_of_24577_bytes_is_rejected_eip170() -> None:
    f = run(CREATE_FROM_CALLDATA, data=_returning_zeros(24577), gas=10_000_000)
    assert created(f) is None


def test_code_deposit_without_enough_gas_fails_and_burns_the_child_gas() -> None:
    # 100 bytes need 20000 gas for the deposit; give the whole factory less than that
    f = run(CREATE_FROM_CALLDATA, data=_returning_zeros(100), gas=32000 + 15_000)
    assert created(f) is None
    assert not f.state.exists(create_address(CONTRACT, FACTORY_NONCE))


def test_create_with_more_value_than_balance_fails_without_bumping_the_nonce() -> None:
    f = run(CREATE_FROM_CALLDATA, data=INIT, value=1)  # the factory has no balance
    assert created(f) is None
    assert f.state.get_nonce(CONTRACT) == FACTORY_NONCE


def test_reverting_initcode_returns_its_data_and_the_unused_gas() -> None:
    revert = asm("PUSH2 0xBEEF PUSH0 MSTORE PUSH1 2 PUSH1 30 REVERT")
    f = run(CREATE_FROM_CALLDATA, data=revert)
    assert created(f) is None
    assert f.return_data == b"\xbe\xef"
    assert f.state.get_nonce(CONTRACT) == FACTORY_NONCE + 1
    revert_cost = 3 + 2 + 3 + 3 + 3 + 3  # PUSH2 PUSH0 MSTORE(+word) PUSH1 PUSH1
    assert 1_000_000 - f.gas == factory_gas(len(revert)) + revert_cost + RET_TOP


def test_creation_transaction() -> None:
    state = new_state({SENDER: {"balance": 10**18}})
    result = transact(state, to=None, data=INIT)
    assert result.success
    assert result.contract_address == create_address(SENDER, 0)
    assert state.get_code(result.contract_address) == RUNTIME
    calldata = 1 * 4 + (len(INIT) - 1) * 16  # one zero byte in the initcode
    assert result.gas_used == 53000 + calldata + 2 * words(len(INIT)) + INIT_COST + 200


def test_creation_transaction_address_depends_on_the_sender_nonce() -> None:
    state = new_state({SENDER: {"balance": 10**18, "nonce": 5}})
    result = transact(state, to=None, data=INIT, nonce=5)
    assert result.contract_address == create_address(SENDER, 5)
    assert as_int(result.contract_address) != 0


@pytest.mark.parametrize("init, gas, error", [
    (_returning_zeros(24577), 10_000_000, "max code size exceeded"),
    (initcode(b"\xef\x00"), 200_000, "invalid code: must not begin with 0xef"),
    (_returning_zeros(100), 53000 + 1000 + 15_000, "contract creation code storage out of gas"),
    # too big and 0xEF-led: geth checks the size first
    (asm("PUSH1 0xEF PUSH0 MSTORE8 PUSH2", 24577, "PUSH0 RETURN"), 10_000_000,
     "max code size exceeded"),
])
def test_failed_deployments_are_named_as_geth_names_them(init, gas, error) -> None:
    state = new_state({SENDER: {"balance": 10**18}})
    result = transact(state, to=None, data=init, gas_limit=gas)
    assert not result.success and result.error == error
    assert result.gas_used == gas  # every failure burns the creation's gas
    assert not state.exists(create_address(SENDER, 0))
