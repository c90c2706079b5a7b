"""Hand-written state tests for the Prague and Osaka rules that are easy to get wrong, built in
Python: pre-states, bytecode and transactions signed with fixed keys by eth_account (not by our
node/tx), each a `Case` that becomes one state test in the standard format (env, pre, transaction
with data/gasLimit/value lists, post per fork with indexes and txbytes). Their expected post
states come from the execution specs (tests/oracle/spec_oracle.py), never from the KVM.
"""
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from eth_account import Account
from eth_utils import keccak, to_checksum_address

CHAIN_ID = 1
BASE_FEE = 7
ENV = {
    "currentCoinbase": "0x" + "c0" * 20,
    "currentGasLimit": hex(2**26),
    "currentNumber": "0x1",
    "currentTimestamp": "0x3e8",
    "currentRandom": "0x" + "00" * 31 + "01",
    "currentDifficulty": "0x0",
    "currentBaseFee": hex(BASE_FEE),
    "currentExcessBlobGas": "0x0",
}

SENDER_KEY = keccak(b"pydevnet oracle sender")
SENDER = bytes.fromhex(Account.from_key(SENDER_KEY).address[2:])
AUTHORITY_KEY = keccak(b"pydevnet oracle authority")
AUTHORITY = bytes.fromhex(Account.from_key(AUTHORITY_KEY).address[2:])
OTHER_KEY = keccak(b"pydevnet oracle second authority")
OTHER = bytes.fromhex(Account.from_key(OTHER_KEY).address[2:])

PROBE = bytes.fromhex("00" * 19 + "a0")     # the contract a transaction calls
DELEGATE = bytes.fromhex("00" * 19 + "d0")  # the code authorities delegate to
ECRECOVER, MODEXP, IDENTITY = (bytes(19) + bytes((n,)) for n in (1, 5, 4))
BLS_G1ADD = bytes(19) + b"\x0b"
P256VERIFY = bytes(18) + b"\x01\x00"

CANCUN, PRAGUE, OSAKA = "Cancun", "Prague", "Osaka"
ALL_FORKS = (CANCUN, PRAGUE, OSAKA)

# --- bytecode ----------------------------------------------------------------------------------

OP = {"STOP": 0x00, "ADD": 0x01, "SUB": 0x03, "CLZ": 0x1E, "KECCAK256": 0x20, "ADDRESS": 0x30,
      "CALLER": 0x33, "CALLDATALOAD": 0x35, "CALLDATASIZE": 0x36, "CALLDATACOPY": 0x37,
      "CODESIZE": 0x38, "EXTCODESIZE": 0x3B, "EXTCODECOPY": 0x3C, "RETURNDATASIZE": 0x3D,
      "RETURNDATACOPY": 0x3E, "EXTCODEHASH": 0x3F, "POP": 0x50, "MLOAD": 0x51, "MSTORE": 0x52,
      "SSTORE": 0x55, "GAS": 0x5A, "PUSH0": 0x5F, "SWAP1": 0x90, "CALL": 0xF1, "RETURN": 0xF3}


def asm(*parts) -> bytes:
    """Opcodes by name, ints as the shortest PUSH (PUSH0 for 0), bytes as PUSH of that width."""
    out = bytearray()
    for p in parts:
        if isinstance(p, str):
            out.append(OP[p])
        elif isinstance(p, bytes):
            out += bytes((0x5F + len(p),)) + p
        elif p == 0:
            out.append(OP["PUSH0"])
        else:
            raw = p.to_bytes((p.bit_length() + 7) // 8, "big")
            out += bytes((0x5F + len(raw),)) + raw
    return bytes(out)


def designator(target: bytes) -> bytes:
    """EIP-7702's delegation designator."""
    return b"\xef\x01\x00" + target


CALL_GAS = 300_000


def call_probe(target: bytes) -> bytes:
    """CALLs `target` with the transaction's calldata and CALL_GAS, then stores: slot 0 the
    success flag, slot 1 the gas the CALL took, slot 2 RETURNDATASIZE, slot 3 keccak256 of the
    return data, slot 4 the first word of memory after copying it back."""
    return asm(
        "CALLDATASIZE", 0, 0, "CALLDATACOPY",
        "GAS",
        0, 0, "CALLDATASIZE", 0, 0, target, CALL_GAS, "CALL",
        "GAS", "SWAP1", 0, "SSTORE",
        "SWAP1", "SUB", 1, "SSTORE",
        "RETURNDATASIZE", 2, "SSTORE",
        "RETURNDATASIZE", 0, 0, "RETURNDATACOPY",
        "RETURNDATASIZE", 0, "KECCAK256", 3, "SSTORE",
        0, "MLOAD", 4, "SSTORE", "STOP")


CLZ_PROBE = asm(0, "CALLDATALOAD", "GAS", "SWAP1", "CLZ", "GAS", "SWAP1", 0, "SSTORE",
                "SWAP1", "SUB", 1, "SSTORE", "STOP")


def extcode_probe(target: bytes) -> bytes:
    """Slot 0 EXTCODESIZE, 1 EXTCODEHASH, 2 the first word EXTCODECOPY gives, 3 a CALL's success,
    4 its RETURNDATASIZE, of `target`."""
    return asm(target, "EXTCODESIZE", 0, "SSTORE",
               target, "EXTCODEHASH", 1, "SSTORE",
               32, 0, 0, target, "EXTCODECOPY", 0, "MLOAD", 2, "SSTORE",
               0, 0, 0, 0, 0, target, CALL_GAS, "CALL", 3, "SSTORE",
               "RETURNDATASIZE", 4, "SSTORE", "STOP")


# The delegate: slot 0 ADDRESS, slot 1 CALLER, slot 2 0x42, and returns its CODESIZE.
DELEGATE_CODE = asm("ADDRESS", 0, "SSTORE", "CALLER", 1, "SSTORE", 0x42, 2, "SSTORE",
                    "CODESIZE", 0, "MSTORE", 32, 0, "RETURN")

# --- cases -------------------------------------------------------------------------------------


def account(balance: int = 0, nonce: int = 0, code: bytes = b"", storage: dict | None = None) -> dict:
    return {"balance": hex(balance), "nonce": hex(nonce), "code": "0x" + code.hex(),
            "storage": {hex(k): hex(v) for k, v in (storage or {}).items()}}


def authorization(key: bytes, address: bytes, nonce: int, chain_id: int = CHAIN_ID):
    return Account.sign_authorization(
        {"chainId": chain_id, "address": to_checksum_address(address), "nonce": nonce}, key)


@dataclass
class Case:
    """One state test: the transaction `tx` (type 2, or 4 with `authorizations`) once for each
    entry of `data` x `gas` (the standard format's indexes; value is always 0)."""
    name: str
    forks: tuple
    pre: dict
    to: bytes
    data: list = field(default_factory=lambda: [b""])
    gas: list = field(default_factory=lambda: [1_000_000])
    authorizations: list | None = None
    sender_key: bytes = SENDER_KEY
    nonce: int = 0

    def variants(self):
        for d, data in enumerate(self.data):
            for g, gas in enumerate(self.gas):
                yield {"data": d, "gas": g, "value": 0}, self.sign(data, gas)

    def sign(self, data: bytes, gas: int) -> bytes:
        fields = {"type": 2, "chainId": CHAIN_ID, "nonce": self.nonce, "maxFeePerGas": 10,
                  "maxPriorityFeePerGas": 1, "gas": gas, "to": to_checksum_address(self.to),
                  "value": 0, "data": data, "accessList": []}
        if self.authorizations is not None:
            fields["type"] = 4
            fields["authorizationList"] = self.authorizations
        return bytes(Account.sign_transaction(fields, self.sender_key).raw_transaction)

    def transaction(self) -> dict:
        tx = {"data": ["0x" + d.hex() for d in self.data], "gasLimit": [hex(g) for g in self.gas],
              "value": ["0x0"], "nonce": hex(self.nonce), "to": "0x" + self.to.hex(),
              "maxFeePerGas": "0xa", "maxPriorityFeePerGas": "0x1",
              "secretKey": "0x" + self.sender_key.hex(),
              "sender": Account.from_key(self.sender_key).address.lower()}
        if self.authorizations is not None:
            tx["authorizationList"] = [
                {"chainId": hex(a.chain_id), "address": "0x" + bytes(a.address).hex(),
                 "nonce": hex(a.nonce), "v": hex(a.y_parity), "r": hex(a.r), "s": hex(a.s)}
                for a in self.authorizations]
        return tx


def _pre(**accounts) -> dict:
    """The pre-state: the sender with 1 ETH, and `accounts` by address."""
    pre = {"0x" + SENDER.hex(): account(balance=10**18)}
    pre.update({"0x" + a.hex(): acct for a, acct in accounts.values()})
    return pre


def word(n: int) -> bytes:
    return n.to_bytes(32, "big")


def clz_cases() -> list[Case]:
    values = [0, 1, 2**255, 2**256 - 1, 2**255 - 1, 0xFF]
    return [Case("clz_edge_values_and_gas", ALL_FORKS, _pre(p=(PROBE, account(code=CLZ_PROBE))),
                 PROBE, data=[word(v) for v in values])]


def eip7702_cases() -> list[Case]:
    delegate = (DELEGATE, account(code=DELEGATE_CODE))
    forks = ALL_FORKS  # Cancun: no type 4, the transaction is rejected there
    return [
        # an existing authority (it has a balance): delegation set, the call runs the
        # delegate's code in the authority's storage, and 25000 - 12500 refunded
        Case("eip7702_call_runs_delegate_existing_authority", forks,
             _pre(d=delegate, a=(AUTHORITY, account(balance=1))), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 0)]),
        # an authority that does not exist yet: no refund
        Case("eip7702_call_runs_delegate_new_authority", forks, _pre(d=delegate), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 0)]),
        # the sender delegates itself: the authorization's nonce is the transaction's + 1
        Case("eip7702_self_sponsored", forks, _pre(d=delegate), SENDER,
             authorizations=[authorization(SENDER_KEY, DELEGATE, 1)]),
        Case("eip7702_wrong_nonce_skipped", forks,
             _pre(d=delegate, a=(AUTHORITY, account(balance=1, nonce=2))), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 5)]),
        Case("eip7702_wrong_chain_id_skipped", forks, _pre(d=delegate), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 0, chain_id=2)]),
        Case("eip7702_chain_id_zero_applies", forks, _pre(d=delegate), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 0, chain_id=0)]),
        # two authorizations of one authority: both apply in order, the last one wins
        Case("eip7702_same_authority_twice", forks, _pre(d=delegate), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, IDENTITY, 0),
                             authorization(AUTHORITY_KEY, DELEGATE, 1)]),
        # re-delegating an already delegated authority to the zero address clears its code
        Case("eip7702_reset_to_zero_address", forks,
             _pre(d=delegate, a=(AUTHORITY, account(nonce=1, code=designator(DELEGATE)))),
             AUTHORITY, authorizations=[authorization(AUTHORITY_KEY, bytes(20), 1)]),
        # an authority whose code is not a designator (a contract) is skipped
        Case("eip7702_authority_with_code_skipped", forks,
             _pre(d=delegate, a=(AUTHORITY, account(code=asm("STOP")))), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 0)]),
        # an authorization nonce of 2**64 - 1 is invalid (EIP-2681's bound), skipped
        Case("eip7702_max_nonce_skipped", forks,
             _pre(d=delegate, a=(AUTHORITY, account(nonce=2**64 - 1))), AUTHORITY,
             authorizations=[authorization(AUTHORITY_KEY, DELEGATE, 2**64 - 1)]),
        # a delegation to a precompile: calling the authority runs no code (the precompile is
        # not executed) and succeeds with no return data
        Case("eip7702_delegation_to_precompile", forks, _pre(), AUTHORITY,
             data=[b"", b"\x01" * 40],
             authorizations=[authorization(AUTHORITY_KEY, IDENTITY, 0)]),
        # EXTCODESIZE/EXTCODEHASH/EXTCODECOPY of a delegated account see the 23-byte designator,
        # a CALL to it runs the delegate's code
        Case("eip7702_extcode_of_delegated_account", forks,
             _pre(d=delegate, a=(AUTHORITY, account(nonce=1, code=designator(DELEGATE))),
                  p=(PROBE, account(code=extcode_probe(AUTHORITY)))), PROBE),
        # a CALL to an account delegated to a precompile, from a contract
        Case("eip7702_call_account_delegated_to_precompile", forks,
             _pre(a=(AUTHORITY, account(nonce=1, code=designator(ECRECOVER))),
                  p=(PROBE, account(code=call_probe(AUTHORITY)))), PROBE,
             data=[b"", word(1) * 4]),
        # delegations are not followed twice: A -> B, B -> delegate; calling A runs B's
        # designator as code, and 0xef is invalid
        Case("eip7702_delegation_chain_not_followed", forks,
             _pre(d=delegate, a=(AUTHORITY, account(nonce=1, code=designator(OTHER))),
                  b=(OTHER, account(nonce=1, code=designator(DELEGATE))),
                  p=(PROBE, account(code=call_probe(AUTHORITY)))), PROBE),
    ]


def eip7623_cases() -> list[Case]:
    # 1000 non-zero bytes: EIP-2028 charges 21000 + 16000, EIP-7623's floor 21000 + 40000; a
    # 50000 gas limit is enough for Cancun and below Prague's floor (rejected)
    data = [b"\xff" * 1000, b"\x00" * 1000, b"\x00\x01" * 500]
    return [
        Case("eip7623_floor_to_eoa", ALL_FORKS, _pre(), bytes.fromhex("ee" * 20),
             data=data, gas=[100_000, 50_000, 61_000]),
        # the floor applies after the refund: clearing a slot refunds 4800, and the floor of
        # 200 (100) non-zero bytes, 29000 (25000), is above what is left; that of 1 byte is not
        Case("eip7623_floor_after_refund", ALL_FORKS,
             _pre(p=(PROBE, account(code=asm(0, 0, "SSTORE", "STOP"), storage={0: 1}))), PROBE,
             data=[b"\xff" * 200, b"\xff" * 100, b"\xff"], gas=[100_000]),
        Case("eip7623_floor_to_contract", ALL_FORKS,
             _pre(p=(PROBE, account(code=asm(0, "POP", "STOP")))), PROBE,
             data=data, gas=[100_000]),
    ]


P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF


def _p256_inputs() -> list[bytes]:
    key = ec.derive_private_key(0x1234567890ABCDEF, ec.SECP256R1())
    msg = b"pydevnet p256 oracle"
    der = key.sign(msg, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    pub = key.public_key().public_numbers()
    h = __import__("hashlib").sha256(msg).digest()
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    valid = h + word(r) + word(s) + word(pub.x) + word(pub.y)
    return [
        valid,
        h + word(r) + word(n - s) + word(pub.x) + word(pub.y),   # s replaced by n - s: also valid
        h + word(r) + word(s ^ 1) + word(pub.x) + word(pub.y),   # a wrong signature
        valid[:159],                                             # a short input
        valid + b"\x00",                                         # a long one
        h + word(0) + word(s) + word(pub.x) + word(pub.y),        # r = 0
        h + word(r) + word(n) + word(pub.x) + word(pub.y),        # s = n
        h + word(r) + word(s) + word(pub.x) + word(pub.y + 1),    # not on the curve
        h + word(r) + word(s) + word(0) + word(0),                # the point at infinity
        h + word(n + 1) + word(s) + word(pub.x) + word(pub.y),    # r not below n
        h + word(r) + word(s) + word(P256_P) + word(pub.y),       # x not below p
    ]


def p256_cases() -> list[Case]:
    return [Case("p256verify_valid_and_invalid", ALL_FORKS,
                 _pre(p=(PROBE, account(code=call_probe(P256VERIFY)))), PROBE,
                 data=_p256_inputs())]


def _modexp(base: bytes, exp: bytes, mod: bytes, lengths: tuple | None = None) -> bytes:
    b, e, m = lengths or (len(base), len(exp), len(mod))
    return word(b) + word(e) + word(m) + base + exp + mod


def modexp_cases() -> list[Case]:
    big = b"\xff" * 1024
    data = [
        _modexp(b"\x03", b"\x05", b"\x07"),                      # Osaka's minimum 500
        _modexp(b"\x03" * 32, b"\xff" * 32, b"\x07" * 32),       # a 32-byte exponent
        _modexp(b"\x03" * 40, b"\x01" + b"\x00" * 39, b"\x07" * 40),  # a long exponent
        _modexp(big, b"\x03", b"\x05" * 32),                     # base of 1024 bytes: allowed
        _modexp(big + b"\xff", b"\x03", b"\x05" * 32),           # 1025: over EIP-7823's bound
        _modexp(b"\x02", big + b"\x01", b"\x05"),                # exponent of 1025 bytes
        _modexp(b"\x02", b"\x03", big + b"\x01"),                # modulus of 1025 bytes
        _modexp(b"\x02", b"\x03", big),                          # modulus of 1024 bytes
        _modexp(b"", b"", b""),                                  # all empty
        word(0) + word(0) + word(2**255),                        # a huge declared modulus
    ]
    return [Case("modexp_osaka_pricing_and_bounds", ALL_FORKS,
                 _pre(p=(PROBE, account(code=call_probe(MODEXP)))), PROBE,
                 data=data)]


def eip7825_cases() -> list[Case]:
    return [Case("eip7825_transaction_gas_cap", ALL_FORKS, _pre(), bytes.fromhex("ee" * 20),
                 gas=[2**24, 2**24 + 1, 2**25])]


G1_X = 0x17F1D3A73197D7942695638C4FA9AC0FC3688C4F9774B905A14E3A3F171BAC586C55E83FF97A1AEFFB3AF00ADB22C6BB
G1_Y = 0x08B3F481E3AAA0F1A09E30ED741D8AE4FCF5E095D5D00AF600DB18CB2C04B3EDD03CC744A2888AE40CAA232946C5E7E1
BLS_P = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB


def _fp(n: int) -> bytes:
    return n.to_bytes(64, "big")


def g1add_cases() -> list[Case]:
    g = _fp(G1_X) + _fp(G1_Y)
    neg_g = _fp(G1_X) + _fp(BLS_P - G1_Y)
    inf = bytes(128)
    data = [
        g + g,                                   # 2G
        g + neg_g,                               # G - G = infinity
        g + inf,
        inf + inf,
        g + _fp(G1_X) + _fp(G1_Y + 1),           # not on the curve
        g + _fp(G1_X + BLS_P) + _fp(G1_Y),       # a coordinate not below p
        g + b"\x01" + g[1:],                     # top padding not zero
        (g + g)[:255],                           # a short input
    ]
    return [Case("bls12_g1add", ALL_FORKS, _pre(p=(PROBE, account(code=call_probe(BLS_G1ADD)))),
                 PROBE, data=data)]


def all_cases() -> list[Case]:
    return (clz_cases() + eip7702_cases() + eip7623_cases() + p256_cases() + modexp_cases()
            + eip7825_cases() + g1add_cases())
