"""Compile a Vyper source with the toolchain venv's `vyper` package into the raw JSON that eth-ape's
built-in compiler reads as a contract type (contractName, abi, bytecode, bytecode_runtime).
Usage: python vyper_json.py SOURCE.vy OUT.json"""
import json
import sys
from pathlib import Path

import vyper


def main(source: Path, out: Path) -> None:
    compiled = vyper.compile_code(source.read_text(),
                                  output_formats=["abi", "bytecode", "bytecode_runtime"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"contractName": source.stem, **compiled}))
    print(json.dumps({"out": str(out), "vyper": vyper.__version__}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
