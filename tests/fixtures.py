"""The one loader of ethereum/tests fixtures (../shared/fixtures/ethereum-tests from the repo
root). Missing fixtures are an error, never a skip: a conformance run that ran nothing passed
nothing."""
import json
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ETHEREUM_TESTS = REPO_ROOT.parent / "shared" / "fixtures" / "ethereum-tests"
EXECUTION_APIS = REPO_ROOT.parent / "shared" / "fixtures" / "execution-apis"


def fixture_dir(*parts: str) -> Path:
    path = ETHEREUM_TESTS.joinpath(*parts)
    if not path.is_dir():
        raise FileNotFoundError(f"ethereum/tests fixtures not found at {path}")
    return path


@lru_cache(maxsize=8)
def load_json(path: str) -> dict:
    with open(path) as fh:
        return json.load(fh)


def relative(path: Path) -> str:
    return str(path.relative_to(ETHEREUM_TESTS))
