"""CONFORMANCE_SAMPLE=F (0 < F <= 1) keeps a fixed share F of the conformance cases: each case is
kept or left out by a hash of its test id, so the sample is the same on every run and machine
(no randomness, no seed to pass around) and spreads over every suite, fork and file. `make test`
runs every case once as configured, then this sample again with every unit compiled
(KVM_JIT=always), which keeps the whole run under its time budget. The fixture-count checks are
always kept."""
import hashlib
import os

SAMPLE_SALT = b"pydevnet-conformance-sample-1"  # changing it picks another fixed sample


def _share() -> float | None:
    raw = os.environ.get("CONFORMANCE_SAMPLE")
    if not raw:
        return None
    share = float(raw)
    if not 0 < share <= 1:
        raise ValueError(f"CONFORMANCE_SAMPLE={raw}: want a share in (0, 1]")
    return share


def kept(nodeid: str, share: float) -> bool:
    digest = hashlib.sha256(SAMPLE_SALT + nodeid.encode()).digest()
    return int.from_bytes(digest[:8], "big") < share * 2 ** 64


def pytest_collection_modifyitems(config, items) -> None:
    share = _share()
    if share is None or share == 1:
        return
    keep, drop = [], []
    for item in items:
        always = item.originalname == "test_fixture_count"
        (keep if always or kept(item.nodeid, share) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
