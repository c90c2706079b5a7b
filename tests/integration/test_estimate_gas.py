"""eth_estimateGas against what the same transaction really uses once mined: exactly 21000 for a
plain transfer (with data, the more of EIP-2028 calldata gas and, from Prague, EIP-7623's floor),
and for contract work the minimum limit that succeeds: the transaction sent with exactly the
estimate succeeds, gasUsed <= estimate, and the estimate exceeds gasUsed only by what execution
needs but does not keep (the EIP-3529 refund, the EIP-2200 SSTORE sentry); one gas less fails."""
import pytest

from tests.integration.support import (artifact, calldata, dev_account, send_raw, sign,
                                       token_deploy_data)

SENDER = dev_account(6)
RECIPIENT = dev_account(7).address
SSTORE_SENTRY = 2300  # EIP-2200: SSTORE needs more than this left, though it may cost less
GWEI = 10**9


@pytest.fixture(scope="module")
def contracts(devnet):
    """Token and Reverter deployed from account 0."""
    deployer = dev_account(0)
    out = {}
    for n, (name, data) in enumerate([("Token", token_deploy_data()),
                                      ("Reverter", artifact("Reverter")["bytecode"])]):
        r = send_raw(devnet, sign(deployer, nonce=n, gas=3_000_000, gasPrice=25 * GWEI,
                                  data=data))
        assert r["status"] == "0x1"
        out[name] = r["contractAddress"]
    # the sender gets tokens and an allowance it can spend entirely (a refund on transferFrom)
    for n, data in enumerate([calldata("transfer(address,uint256)", SENDER.address, 1000),
                              calldata("approve(address,uint256)", SENDER.address, 250)], 2):
        r = send_raw(devnet, sign(deployer, nonce=n, gas=200_000, gasPrice=25 * GWEI,
                                  to=out["Token"], data=data))
        assert r["status"] == "0x1"
    return out


def _estimate_and_send(devnet, tx: dict) -> tuple[int, dict]:
    request = {"from": SENDER.address, **tx}
    estimate = int(devnet.rpc("eth_estimateGas", request), 16)
    nonce = int(devnet.rpc("eth_getTransactionCount", SENDER.address, "latest"), 16)
    fields = {"value": int(tx.get("value", "0x0"), 16), "data": tx.get("input", "0x")}
    if "to" in tx:
        fields["to"] = tx["to"]
    receipt = send_raw(devnet, sign(SENDER, nonce=nonce, gas=estimate, maxFeePerGas=30 * GWEI,
                                    maxPriorityFeePerGas=0, **fields))
    return estimate, receipt


def test_plain_transfer_is_exactly_21000(devnet):
    estimate, receipt = _estimate_and_send(devnet, {"to": RECIPIENT, "value": hex(12345)})
    assert estimate == 21_000
    assert (receipt["status"], int(receipt["gasUsed"], 16)) == ("0x1", 21_000)


def test_transfer_with_calldata_adds_eip2028_data_gas(devnet):
    data = "0x00ff00ff01"  # 2 zero bytes at 4 gas, 3 non-zero at 16
    estimate, receipt = _estimate_and_send(devnet, {"to": RECIPIENT, "value": "0x1",
                                                    "input": data})
    eip2028 = 21_000 + 2 * 4 + 3 * 16
    # from Prague (the node runs Osaka) EIP-7623's floor: 10 gas a token, a zero byte one token
    # and a non-zero byte four; a transfer executes nothing, so the floor is what it pays
    floor = 21_000 + 10 * (2 * 1 + 3 * 4)
    assert eip2028 < floor
    assert estimate == max(eip2028, floor) == 21_140 == int(receipt["gasUsed"], 16)


def _call_with_gas(devnet, tx: dict, gas: int) -> bool:
    answer = devnet.request("eth_call", {"from": SENDER.address, "gas": hex(gas), **tx}, "latest")
    return "error" not in answer


CONTRACT_CASES = {
    # name: (tx builder, how much the estimate may exceed gasUsed)
    "deploy Token": (lambda c: {"input": token_deploy_data("E", "E", 5)}, SSTORE_SENTRY),
    "Token.transfer to a new holder": (
        lambda c: {"to": c["Token"],
                   "input": calldata("transfer(address,uint256)", RECIPIENT, 10)},
        SSTORE_SENTRY),
    "Token.approve": (
        lambda c: {"to": c["Token"],
                   "input": calldata("approve(address,uint256)", RECIPIENT, 77)},
        SSTORE_SENTRY),
    "Token.transferFrom using the whole allowance (refund)": (
        lambda c: {"to": c["Token"], "input": calldata(
            "transferFrom(address,address,uint256)", dev_account(0).address, RECIPIENT, 250)},
        "refund"),
    "Reverter.increment": (
        lambda c: {"to": c["Reverter"], "input": calldata("increment()")}, SSTORE_SENTRY),
}


@pytest.mark.parametrize("case", list(CONTRACT_CASES))
def test_contract_estimate_is_the_least_gas_that_succeeds(devnet, contracts, case):
    build, margin = CONTRACT_CASES[case]
    tx = build(contracts)
    estimate = int(devnet.rpc("eth_estimateGas", {"from": SENDER.address, **tx}), 16)
    assert _call_with_gas(devnet, tx, estimate)
    assert not _call_with_gas(devnet, tx, estimate - 1), "the estimate is not the minimum"
    estimate2, receipt = _estimate_and_send(devnet, tx)
    assert estimate2 == estimate
    assert receipt["status"] == "0x1"
    gas_used = int(receipt["gasUsed"], 16)
    assert gas_used <= estimate
    if margin == "refund":
        # EIP-3529: the refund (at most gasUsed/4 after refund) is needed during execution
        assert estimate - gas_used <= gas_used // 4
        assert estimate > gas_used
    else:
        assert estimate - gas_used <= margin
