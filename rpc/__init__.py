"""rpc: the aiohttp JSON-RPC server. Imports node only; no chain logic, no StateDB.

server.py (create_app: HTTP, WebSocket, CORS, size limit; access.py's Host, Origin and
remote-dev rules) -> dispatch.py (envelopes, batches, errors) -> registry.py (method table,
klay_/kaia_/kai_ names) -> methods/ (thin adapters by namespace) -> codec.py, params.py
(decoding) and formatters.py (encoding); errors.py maps the node's exceptions to JSON-RPC codes;
subscriptions.py feeds eth_subscribe; main.py runs it all. front.py takes each connection
first and answers JSON-RPC POSTs itself (heads.py parses request heads and caches their plans),
handing GET, OPTIONS, WebSocket and anything unusual to aiohttp's server.
"""
