"""The `devnet` console command: `devnet [node options]` runs the node; `devnet statetest PATH...`
runs ethereum/tests GeneralStateTests."""
import argparse
import sys

from node.vmthread import run_in_vm_thread


def statetest_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="devnet statetest",
                                description="Run ethereum/tests GeneralStateTests files or directories.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="test files or directories")
    p.add_argument("--fork", default="Cancun", help="fork whose post states are checked")
    p.add_argument("--json", action="store_true", help="print one JSON object per case")
    p.add_argument("--trace", action="store_true",
                   help="write an EIP-3155 trace to stderr (use with one case: --case/--index)")
    p.add_argument("--case", help="only the test with this name")
    p.add_argument("--index", type=int, help="only this post entry of each test")
    args = p.parse_args(argv)
    return run_in_vm_thread(_run_statetests, args)


def _run_statetests(args: argparse.Namespace) -> int:
    import json
    from node.statetest import iter_files, run_file
    from vm.tracing import JsonTracer
    tracer = JsonTracer(sys.stderr) if args.trace else None
    passed = failed = 0
    for path in iter_files(args.paths):
        for r in run_file(path, args.fork, args.case, args.index, tracer):
            if args.json:
                print(json.dumps({"file": r.file, "name": r.name, "index": r.index,
                                  "indexes": r.indexes, "pass": r.passed,
                                  "expected": r.expected_root, "actual": r.actual_root,
                                  "detail": r.detail}))
            elif not r.passed:
                print(r.line())
            if r.passed:
                passed += 1
            else:
                failed += 1
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "statetest":
        return statetest_main(argv[1:])
    from node.server_cli import node_main
    return node_main(argv)


if __name__ == "__main__":
    sys.exit(main())
