# pydevnet node image: `docker compose up` serves JSON-RPC on port 8545 with the chain kept in
# the named volume `devnet-data`.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md genesis.json ./
COPY pydevnet ./pydevnet
COPY node ./node
COPY rpc ./rpc
COPY vm ./vm
COPY state ./state
RUN pip install --no-cache-dir .
EXPOSE 8545
VOLUME ["/data"]
ENTRYPOINT ["devnet"]
CMD ["--host", "0.0.0.0", "--port", "8545", "--datadir", "/data", "--genesis", "/app/genesis.json"]
