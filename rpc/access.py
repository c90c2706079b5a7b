"""Who may call what: the Host header rule (DNS-rebinding protection), the CORS origin rule, and
the remote-dev guard on the methods that sign with the dev keys or edit state.

- Remote-dev guard. A node listening on a loopback address (node.hosts) serves every method.
  Listening on any other address (0.0.0.0 included) it refuses the DEV-ONLY methods with -32000
  unless started with --allow-remote-dev: signing with the unlocked dev keys (eth_sendTransaction,
  eth_sign, personal_sign, eth_signTypedData(_v4), eth_signTransaction, eth_sendTransactionSync;
  also Anvil's eth_sendUnsignedTransaction, from any address) and every evm_*, anvil_*
  and hardhat_* method except the read-only anvil_getAutomine, anvil_getIntervalMining,
  anvil_getGenesisTime and anvil_/hardhat_metadata (state setters and state loads, impersonation,
  mining and mining modes, snapshots and reverts, time travel, dropping pooled transactions,
  resets and reorgs, the chain id, coinbase, gas limit and fee settings, the fork's remote).
  Two readers stay guarded: anvil_nodeInfo names the fork's remote URL, which often carries an
  API key, and anvil_dumpState builds the whole state into one answer (memory in proportion).
  The dispatcher checks the method's registered name, so hardhat_* and klay_/kaia_/kai_* aliases
  follow their method, and a dev method added later is refused remotely until listed read-only.
- Host header (geth's --http.vhosts rule). A request whose Host names something else than a
  loopback name or address is refused with HTTP 403 ("invalid host specified"): a web page whose
  name was rebound to 127.0.0.1 sends its own name. --allowed-hosts adds names (`*`: any). A node
  listening beyond loopback also accepts any IP address literal, as geth does: clients on the
  network reach it by address, and a rebinding attack needs a name. No Host (HTTP/1.0) passes,
  as in geth: browsers always send one.
- Origin. With a restricted --cors list, a request carrying an Origin not on it is refused with
  HTTP 403 before dispatch, whatever its method and content type: a cross-site `text/plain` POST
  needs no preflight, so leaving out Access-Control-Allow-Origin would only hide the answer from
  the page, not stop the call. With `*` (the default) every origin is served.
"""
from dataclasses import dataclass
from typing import Iterable

from pydevnet.node.hosts import is_ip_address, is_loopback
from pydevnet.rpc.errors import RPCError

ALLOW_REMOTE_DEV_FLAG = "--allow-remote-dev"
ALLOWED_HOSTS_FLAG = "--allowed-hosts"
ANY = "*"

DEV_KEY_METHODS = frozenset({
    "eth_sendTransaction", "eth_sign", "personal_sign", "eth_signTypedData_v4",
    "eth_signTransaction", "eth_sendTransactionSync",
    "eth_sendUnsignedTransaction",  # Anvil's: sends from any address, no key asked
})
DEV_NAMESPACES = ("evm_", "anvil_", "hardhat_")
READ_ONLY_DEV_METHODS = frozenset({"anvil_getAutomine", "anvil_getIntervalMining",
                                   "anvil_getGenesisTime", "anvil_metadata"})


def is_dev_only(registered_name: str) -> bool:
    """Whether the method registered as `registered_name` (Method.name, which every alias of it
    shares) signs with a dev key or edits the chain: refused remotely without --allow-remote-dev."""
    if registered_name in DEV_KEY_METHODS:
        return True
    return registered_name.startswith(DEV_NAMESPACES) \
        and registered_name not in READ_ONLY_DEV_METHODS


class RemoteDevDisabled(RPCError):
    """A dev-only method called on a node listening beyond loopback without --allow-remote-dev."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is disabled: the node listens on a non-loopback address; start "
                         f"it with {ALLOW_REMOTE_DEV_FLAG} to allow signing with the dev keys, "
                         f"impersonation and state edits from the network")


def host_name(value: str) -> str:
    """The host part of a Host header or an --allowed-hosts entry: port stripped, IPv6 brackets
    removed, lower case, no trailing dot ("[::1]:8545" -> "::1", "Example.COM.:80" ->
    "example.com"). A bare IPv6 address (several colons, no brackets) is kept whole."""
    v = value.strip().lower()
    if v.startswith("["):
        end = v.find("]")
        return v[1:end] if end != -1 else v
    if v.count(":") == 1:
        v = v.partition(":")[0]
    return v.rstrip(".") if v != ANY else v


@dataclass(frozen=True)
class HostPolicy:
    """Which Host headers are served: loopback names and addresses always, `names` (normalised
    --allowed-hosts entries; `*` for any), and every IP literal when `any_ip`."""

    names: tuple[str, ...] = ()
    any_ip: bool = False

    @classmethod
    def for_listener(cls, bind_host: str, allowed_hosts: Iterable[str] = ()) -> "HostPolicy":
        names = tuple(n for n in (host_name(h) for h in allowed_hosts) if n)
        return cls(names, any_ip=not is_loopback(bind_host))

    def allows(self, header: str | None) -> bool:
        if not header:
            return True
        name = host_name(header)
        if ANY in self.names or name in self.names or is_loopback(name):
            return True
        return self.any_ip and is_ip_address(name)

    def refusal(self, header: str) -> str:
        return (f"invalid host specified: {host_name(header)} (this node answers loopback names"
                f"{' and IP addresses' if self.any_ip else ''}; add names with "
                f"{ALLOWED_HOSTS_FLAG})")


def origin_allowed(cors_origins: tuple[str, ...], origin: str | None) -> bool:
    """A request without Origin (not from a browser page), or one from a listed origin."""
    return origin is None or ANY in cors_origins or origin in cors_origins
