"""HTTP requests with exactly the headers a test names, Host included (or left out), over a plain
socket: what a browser page, a DNS-rebinding attack or an HTTP/1.0 client sends, which client
libraries would normalise."""
from __future__ import annotations

import json
import socket
from typing import Any

NO_HOST = None


def request(port: int, method: str = "POST", body: bytes | str | dict | list = b"",
            headers: dict[str, str] | None = None, host: str | None = "", *,
            address: str = "127.0.0.1", version: str = "HTTP/1.1",
            timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body). `host` "" sends `address:port`, NO_HOST
    sends no Host header at all; a dict or list body is sent as JSON."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} / {version}"]
    if host is not NO_HOST:
        lines.append(f"Host: {host or f'{address}:{port}'}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection((address, port), timeout=timeout) as s:
        s.sendall(head + body)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    head_bytes, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    got = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        got[name.strip().lower()] = value.strip()
    if got.get("transfer-encoding") == "chunked":
        payload = _unchunk(payload)
    return status, got, payload


def _unchunk(data: bytes) -> bytes:
    out, pos = [], 0
    while True:
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(data[end + 2:end + 2 + size])
        pos = end + 2 + size + 2


def rpc_body(method: str, *params: Any, rid: int = 1) -> dict:
    return {"jsonrpc": "2.0", "id": rid, "method": method, "params": list(params)}


def websocket_upgrade(port: int, host: str | None = "", headers: dict[str, str] | None = None,
                      address: str = "127.0.0.1") -> int:
    """The status a WebSocket handshake gets (101: upgraded)."""
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **(headers or {})}
    lines = ["GET / HTTP/1.1"]
    if host is not NO_HOST:
        lines.append(f"Host: {host or f'{address}:{port}'}")
    lines += [f"{k}: {v}" for k, v in upgrade.items()]
    with socket.create_connection((address, port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        first = b""
        while b"\r\n" not in first:
            chunk = s.recv(4096)
            if not chunk:
                break
            first += chunk
    return int(first.split(b"\r\n")[0].split()[1])
