"""Hypothesis draws the same examples on every run and machine (derandomized, no example
database), so CI sees exactly what a local `make test` saw; `make fuzz` (FUZZ_EXAMPLES set) draws
new ones each run and keeps the failures it finds in .hypothesis/."""
import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, database=None)
if not os.environ.get("FUZZ_EXAMPLES"):
    settings.load_profile("repeatable")
