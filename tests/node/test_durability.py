"""The durability policy (state/store.py): block writes are unsynced by default, which survives a
crash of the node process, SIGKILL included; `devnet --fsync` syncs every batch to the disk."""
import signal
import subprocess
import sys
import textwrap

from pydevnet.node.cli import parse_node_args
from pydevnet.state.store import LevelDBStore
from tests.node.helpers import accounts, run, transfer


def test_devnet_writes_unsynced_by_default_and_syncs_with_fsync(tmp_path) -> None:
    for flags, fsync in (((), False), (("--fsync",), True)):
        datadir = tmp_path / f"data-{fsync}"
        _, d = parse_node_args(["--datadir", str(datadir), "--quiet", *flags])
        try:
            assert d.chain.db.store.fsync is fsync
            key = accounts(d)[0].private_key
            tx = transfer(key, 0, b"\x07" * 20, value=3)
            run(d, d.send_raw_transaction, tx.raw)
            head = d.chain.head.hash
        finally:
            d.shutdown()
        _, d = parse_node_args(["--datadir", str(datadir), "--quiet"])
        try:
            assert d.chain.head.hash == head and run(d, d.balance, b"\x07" * 20, "latest") == 3
        finally:
            d.shutdown()


def test_unsynced_batch_survives_sigkill(tmp_path) -> None:
    """A batch written without sync is in the kernel when write_batch returns: the writer is
    killed with SIGKILL right after it (no close, no flush) and the batch is all there."""
    path = tmp_path / "db"
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pydevnet.state.store import LevelDBStore
        s = LevelDBStore({str(path)!r})
        assert s.fsync is False
        s.write_batch({{b"k%d" % i: b"v%d" % i for i in range(1000)}}, ())
        s.put(b"single", b"1")
        sys.stdout.write("written\\n"); sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == -signal.SIGKILL and proc.stdout == "written\n"
    with LevelDBStore(str(path)) as s:
        assert [k for k, _ in s.iterate(b"k")] == sorted(b"k%d" % i for i in range(1000))
        assert s.get(b"k999") == b"v999" and s.get(b"single") == b"1"
