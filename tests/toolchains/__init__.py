"""Real toolchains as clients of the real `devnet` process (issue 10 §5): Hardhat 3's network
helpers (tests/js/hardhat), and titanoboa and eth-ape, which live in a venv of their own
(tests/toolchains/.venv, from requirements.txt, made by `make toolchains`) because their pins
clash with the project's. The pytest modules are tests/integration/test_toolchain_*.py."""
