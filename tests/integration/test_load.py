"""bench/load.py for a short window against the real `devnet` process: 50 concurrent clients for
5 s (transaction senders from ten dev accounts, eth_call, block and balance readers, eth_getLogs,
WebSocket newHeads and logs subscribers). No answer may be an error; every subscriber must have
received exactly the blocks mined in the window and every token Transfer log of them; the blocks
must hold exactly the acknowledged transactions; and every kind of request must have made
progress. Latencies are not asserted (they depend on the machine): `make load` prints them."""
from bench import load_report
from bench.load import run_load

SECONDS = 5.0
CLIENTS = 50


def test_fifty_clients_no_errors_no_missed_heads_or_logs(devnet):
    result = run_load(devnet.url, devnet.pid, seconds=SECONDS, clients=CLIENTS)
    report = load_report.table(result)
    assert result.ok, f"{report}\n{devnet.log()[-3000:]}"
    for kind in result.kinds:
        assert kind.latencies and kind.errors == 0, f"{kind.name} made no progress:\n{report}"
    assert result.head_after > result.head_before, report
    assert result.acked == result.in_blocks > 0, report
    assert len(result.heads) == result.mix.subscribers == 5
    assert all(want == got == result.head_after - result.head_before
               for want, got in result.heads), report
    assert all(want == got > 0 for want, got in result.logs), report
    assert devnet.proc.poll() is None, devnet.log()
