# pydevnet: `make run` starts the node, `make test` runs every test. Both install first if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8545
DATADIR ?= .devnet

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/devnet --port $(PORT) --datadir $(DATADIR) --genesis genesis.json

lint: install
	$(BIN)/lint-imports

test: install lint
	$(BIN)/python -m pytest -q -n 2 --dist worksteal tests

bench: install
	$(BIN)/python bench/vm.py

clean:
	rm -rf $(VENV) *.egg-info build
