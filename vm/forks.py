"""The forks the KVM knows, by name: each a Spec (vm/spec.py), a later one derived from the one
before with its EIPs' changes. Names are matched without regard to case."""
from pydevnet.vm.spec import Spec
from pydevnet.vm.table import CANCUN

FORKS: dict[str, Spec] = {"cancun": CANCUN}
DEFAULT_FORK = "cancun"


class UnknownFork(ValueError):
    """A fork name this node does not implement."""


def spec_for(name: str) -> Spec:
    spec = FORKS.get(name.lower()) if isinstance(name, str) else None
    if spec is None:
        known = ", ".join(n.capitalize() for n in FORKS)
        raise UnknownFork(f"unknown fork {name!r} (known: {known})")
    return spec
