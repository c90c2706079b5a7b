"""Loopback: which listen addresses and host names stay on this machine (127.0.0.0/8, ::1 and the
name localhost). The node's access rules hang on it: one listening on any other address, 0.0.0.0
included, is reachable from the network (the CLI banner says so; rpc/access.py enforces it).

No name is resolved: a host name other than localhost counts as not loopback, even one that
/etc/hosts maps to 127.0.1.1, so the answer never depends on the resolver.
"""
import ipaddress

LOOPBACK_NAMES = frozenset({"localhost"})


def is_ip_address(name: str) -> bool:
    """Whether `name` (brackets already removed) is an IPv4 or IPv6 address literal."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also in brackets or IPv4-mapped, ::ffff:127.0.0.1) or localhost, in any
    letter case and with or without a trailing dot."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.rstrip(".") in LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # Python < 3.13 calls ::ffff:127.0.0.1 not loopback
    return (mapped or ip).is_loopback
