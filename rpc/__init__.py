"""rpc: the aiohttp JSON-RPC server (transport, dispatch, codecs, errors). Imports node only."""
