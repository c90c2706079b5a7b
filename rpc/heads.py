"""The HTTP heads rpc/front.py answers itself: the parser, and the verdict of each distinct head
(remembered: clients repeat their heads byte for byte).

A head is accepted when its request line is `POST /... HTTP/1.1` or `HTTP/1.0`, its header
names are tokens, it is printable ASCII with CRLF line ends, the fields the front reads (Host,
Origin, Content-Length, Connection) are not repeated, it has a Content-Length within the
configured body limit (and a Host, in HTTP/1.1), and no Transfer-Encoding, Expect or Upgrade.
Any other head (an oversize body's too: aiohttp answers its 413 while the client writes it) is
aiohttp's. The verdict is rpc/server.py's middlewares, to the letter: the Host check (403), the
Origin check with a restricted --cors list (403), keep-alive as HTTP/1.1 and 1.0 define it, and
the CORS headers of the answers.
"""
from __future__ import annotations

import re

from pydevnet.rpc.access import origin_allowed
from pydevnet.rpc.server import RPCConfig, allowed_origin, refusal_text

PLAN_CACHE = 256         # heads remembered with their verdicts (clients send the same few)

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# anything but printable ASCII, tab and CRLF line ends: aiohttp decides those heads
_ODD = re.compile(r"[^\t\r\n\x20-\x7e]|\r(?!\n)|(?<!\r)\n")
_READ = frozenset({"host", "origin", "content-length", "transfer-encoding", "expect", "upgrade",
                   "connection"})
_HAND_OFF_FIELDS = ("transfer-encoding", "expect", "upgrade")
VERSIONS = {"HTTP/1.1": b"HTTP/1.1", "HTTP/1.0": b"HTTP/1.0"}
_UNSEEN = object()
# (body size, status, the refusal body if not 200, (HTTP version, keep-alive, CORS headers))
Plan = tuple[int, int, bytes, tuple[bytes, bool, bytes]]


def parse_head(head: bytes) -> tuple[str, dict[str, str]] | None:
    """(HTTP version, the fields the fast path reads, lower-cased names) of a POST head without
    its blank line; None when aiohttp must have it."""
    text = head.decode("latin-1")
    if _ODD.search(text):
        return None
    lines = text.split("\r\n")
    request = lines[0].split(" ")
    if len(request) != 3 or request[0] != "POST" or request[2] not in VERSIONS \
            or not request[1].startswith("/"):
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.fullmatch(name):
            return None
        name = name.lower()
        if name in _READ:
            if name in fields:
                return None
            fields[name] = value.strip(" \t")
    return request[2], fields


class HeadPlans:
    """The plans of the heads seen so far, for one server's config."""

    def __init__(self, config: RPCConfig) -> None:
        self.config = config
        self._plans: dict[bytes, Plan | None] = {}

    def plan(self, head: bytes) -> Plan | None:
        """How to answer a request with this head (its blank line left out); None: hand off."""
        found = self._plans.get(head, _UNSEEN)
        if found is _UNSEEN:
            found = self._plan(head)
            if len(self._plans) >= PLAN_CACHE:
                self._plans.clear()
            self._plans[head] = found
        return found

    def _plan(self, head: bytes) -> Plan | None:
        parsed = parse_head(head)
        if parsed is None:
            return None
        version, fields = parsed
        length = fields.get("content-length")
        if length is None or not (length.isascii() and length.isdigit()) \
                or (version == "HTTP/1.1" and "host" not in fields) \
                or any(f in fields for f in _HAND_OFF_FIELDS) \
                or int(length) > self.config.max_request_bytes:
            # an oversize body too: aiohttp answers 413 as the client writes it (closing here
            # at once broke urllib's write with EPIPE before it read the answer)
            return None
        status, refusal = self._check(fields.get("host"), fields.get("origin"))
        tokens = {t.strip().lower() for t in fields.get("connection", "").split(",")}
        keep = "close" not in tokens and (version == "HTTP/1.1" or "keep-alive" in tokens)
        cors = self._cors(fields.get("origin")) if status == 200 else b""
        return int(length), status, refusal, (VERSIONS[version], keep, cors)

    def _check(self, host: str | None, origin: str | None) -> tuple[int, bytes]:
        """server.py's middlewares: the Host check, then the Origin check."""
        config = self.config
        if not config.hosts.allows(host):
            return 403, refusal_text(config.hosts.refusal(host)).encode()
        if not origin_allowed(config.cors_origins, origin):
            return 403, refusal_text(f"origin {origin} is not allowed (see --cors)").encode()
        return 200, b""

    def _cors(self, origin: str | None) -> bytes:
        allowed = allowed_origin(self.config, origin)
        if allowed is None:
            return b""
        cors = f"Access-Control-Allow-Origin: {allowed}\r\n"
        if allowed != "*":
            cors += "Vary: Origin\r\n"
        return cors.encode("latin-1")
