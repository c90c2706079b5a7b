"""The one loader of the shared fixtures (ethereum/tests and execution-apis). They live in
`../shared/fixtures` beside the repository; a clone made elsewhere (`git clone -q . /tmp/x`)
finds them beside the checkout it was cloned from (its `origin`, when that is a local path), or
where PYDEVNET_FIXTURES points. Missing fixtures are an error, never a skip: a conformance run
that ran nothing passed nothing."""
import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _origin_checkout() -> Path | None:
    """The local repository this one was cloned from, if any."""
    try:
        url = subprocess.run(["git", "-C", str(REPO_ROOT), "config", "--get",
                              "remote.origin.url"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    url = url.removeprefix("file://")
    if not url.startswith("/"):  # a remote (https://, ssh, host:path) or nothing
        return None
    path = Path(url)
    return path.resolve() if path.is_dir() else None


def _fixtures_root() -> Path:
    env = os.environ.get("PYDEVNET_FIXTURES")
    if env:
        return Path(env)
    candidates = [REPO_ROOT.parent / "shared" / "fixtures"]
    origin = _origin_checkout()
    if origin is not None:
        candidates.append(origin.parent / "shared" / "fixtures")
    return next((c for c in candidates if c.is_dir()), candidates[0])


FIXTURES = _fixtures_root()
ETHEREUM_TESTS = FIXTURES / "ethereum-tests"
EXECUTION_APIS = FIXTURES / "execution-apis"


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
