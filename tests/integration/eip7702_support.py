"""What the EIP-7702 (set-code) tests share: the delegate's code, authorizations signed with
eth_account (independently of node/tx/authorization.py) in their JSON shape, and the checks of a
type-4 transaction's JSON and of a delegation's effect on a real `devnet` process."""
from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import CHAIN_ID

DELEGATE = "0x000000000000000000000000000000000000d00d"
# CALLER PUSH1 0 SSTORE  ADDRESS PUSH1 0 MSTORE  PUSH1 32 PUSH1 0 RETURN: stores its caller in
# slot 0 of the account it runs for and returns that account's address
DELEGATE_CODE = "0x336000553060005260206000f3"
DESIGNATOR_PREFIX = "0xef0100"
AUTHORIZATION_KEYS = {"chainId", "address", "nonce", "yParity", "r", "s"}


def install_delegate(dev: DevnetProcess) -> None:
    dev.rpc("anvil_setCode", DELEGATE, DELEGATE_CODE)


def signed_authorization(authority: LocalAccount, nonce: int, chain_id: int = CHAIN_ID,
                         address: str = DELEGATE) -> Any:
    return Account.sign_authorization({"chainId": chain_id, "address": address, "nonce": nonce},
                                      authority.key)


def authorization_json(auth: Any) -> dict:
    """An eth_account SignedSetCodeAuthorization as execution-apis' JSON entry."""
    return {"chainId": hex(auth.chain_id), "address": "0x" + bytes(auth.address).hex(),
            "nonce": hex(auth.nonce), "yParity": hex(auth.y_parity), "r": hex(auth.r),
            "s": hex(auth.s)}


def designator(address: str = DELEGATE) -> str:
    return DESIGNATOR_PREFIX + address.lower().removeprefix("0x")


def code_of(dev: DevnetProcess, address: str) -> str:
    return dev.rpc("eth_getCode", address, "latest")


def runs_delegate(dev: DevnetProcess, authority: str) -> bool:
    """A call to `authority` runs the delegate's code in the authority's own context."""
    out = dev.rpc("eth_call", {"to": authority}, "latest")
    return int(out, 16) == int(authority, 16)


def check_set_code_tx_json(tx: dict, auths: list[dict]) -> None:
    """A mined type-4 transaction as geth shows it: type 0x4, EIP-1559 fees, its access list and
    its authorizationList entries with every number a quantity."""
    assert tx["type"] == "0x4"
    assert {"maxFeePerGas", "maxPriorityFeePerGas", "accessList", "chainId", "yParity"} <= tx.keys()
    assert len(tx["authorizationList"]) == len(auths)
    for got, want in zip(tx["authorizationList"], auths):
        assert got.keys() == AUTHORIZATION_KEYS
        assert got["address"] == want["address"].lower()
        for key in ("chainId", "nonce", "yParity", "r", "s"):
            assert int(got[key], 16) == int(want[key], 16)
            assert got[key] == hex(int(got[key], 16)), f"{key} is not a quantity: {got[key]}"
