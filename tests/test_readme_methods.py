"""README.md tells the truth about the methods: its "Every method name" list is exactly the
registry (rpc.registry.METHODS once rpc.methods is imported), every method README names
elsewhere is answered (directly or as a klay_/kaia_/kai_ name of an eth_ method), and the names
under "Anvil methods not served" are indeed not answered."""
import re
from pathlib import Path

import pydevnet.rpc.methods  # noqa: F401 -- registers every method
from pydevnet.rpc.registry import METHODS, lookup

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
NAMESPACES = ("web3", "net", "eth", "debug", "trace", "ots", "erigon", "txpool", "anvil",
              "hardhat", "evm", "tenderly", "personal", "klay", "kaia", "kai", "tx", "account",
              "admin", "miner", "engine", "wallet", "odyssey")
# a method name in backticks, possibly followed by its parameters: `anvil_rollback(depth)`
NAME = re.compile(r"`((?:%s)_[A-Za-z0-9_]+)[`(]" % "|".join(NAMESPACES))
LIST_LINE = re.compile(r"^- `([a-z0-9]+_)`: (.+)$")


def _section(heading: str) -> str:
    """The text under `heading` up to the next heading of any level."""
    start = README.index(heading + "\n") + len(heading) + 1
    nxt = re.search(r"^#{1,6} ", README[start:], re.M)
    return README[start:start + nxt.start()] if nxt else README[start:]


def _listed() -> set[str]:
    names = set()
    for line in _section("### Every method name").splitlines():
        m = LIST_LINE.match(line)
        if m:
            names.update(m.group(1) + rest.strip() for rest in m.group(2).split(","))
    return names


def test_every_method_name_list_is_the_registry():
    listed = _listed()
    assert sorted(set(METHODS) - listed) == [], "registered but missing from README's list"
    assert sorted(listed - set(METHODS)) == [], "in README's list but not registered"


def test_every_method_named_in_readme_is_answered():
    not_served = _section("### Anvil methods not served")
    gaps = _section("## Known gaps")
    text = README.replace(not_served, "").replace(gaps, "")
    text = re.sub(r"\bno `[^`]+`", "", text)  # "there is no `eth_getBlobSidecars`"
    named = set(NAME.findall(text))
    assert len(named) > 100  # the tables are read
    assert sorted(n for n in named if lookup(n) is None) == []


def test_anvil_methods_not_served_are_not_answered():
    bullets = [line.partition(":")[0] for line in _section("### Anvil methods not served")
               .splitlines() if line.startswith("- ")]  # the names, before the reason
    names = set(NAME.findall(" ".join(bullets)))
    assert len(names) == 10
    assert "anvil_impersonateSignature" in names
    assert sorted(n for n in names if lookup(n) is not None) == []
