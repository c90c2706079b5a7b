"""Cold and warm reads on a fork (issue 12): a source devnet on loopback with TOKENS Token
contracts and HOLDERS holders each, forked at its head; then the same read path (balanceOf of
every holder on every token: TOKENS * HOLDERS SLOADs across contracts, as a router's quote walks
several pools) through eth_call, timed on the source (local), on the fresh fork (cold: every slot
a remote eth_getProof) and again (warm: from the data dir). Run: .venv/bin/python bench/fork.py
"""
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.integration.devnet_process import DevnetProcess  # noqa: E402
from tests.integration.support import (UNIT_PRICE, calldata, dev_account, send_raw,  # noqa: E402
                                       sign, token_deploy_data)

TOKENS, HOLDERS = 4, 50


def reads(node, tokens, holders) -> float:
    t0 = time.perf_counter()
    for token in tokens:
        for h in holders:
            node.rpc("eth_call", {"to": token, "data": calldata("balanceOf(address)", h)},
                     "latest")
    return time.perf_counter() - t0


def main() -> None:
    a0 = dev_account(0)
    holders = ["0x" + (i + 1).to_bytes(20, "big").hex() for i in range(HOLDERS)]
    with tempfile.TemporaryDirectory() as tmp:
        src = DevnetProcess(Path(tmp) / "src", "--quiet").start()
        nonce, tokens = 0, []
        for _ in range(TOKENS):
            tokens.append(send_raw(src, sign(a0, nonce=nonce, data=token_deploy_data(),
                                             gas=2_000_000, gasPrice=UNIT_PRICE))
                          ["contractAddress"])
            nonce += 1
            for h in holders:
                send_raw(src, sign(a0, nonce=nonce, to=tokens[-1], gas=100_000,
                                   gasPrice=UNIT_PRICE,
                                   data=calldata("transfer(address,uint256)", h, 5)))
                nonce += 1
        fork = DevnetProcess(Path(tmp) / "fork", "--quiet", "--fork-url", src.url).start()
        local = reads(src, tokens, holders)
        cold = reads(fork, tokens, holders)
        warm = reads(fork, tokens, holders)
        fork.restart()
        src.stop()
        restarted = reads(fork, tokens, holders)
        fork.stop()
    n = TOKENS * HOLDERS
    print(f"{n} eth_calls (balanceOf, {TOKENS} tokens x {HOLDERS} holders):")
    for name, t in (("source (local)", local), ("fork cold", cold), ("fork warm", warm),
                    ("fork after restart, remote stopped", restarted)):
        print(f"  {name:36s} {t:7.3f} s  {t / n * 1000:7.2f} ms/call")


if __name__ == "__main__":
    main()
