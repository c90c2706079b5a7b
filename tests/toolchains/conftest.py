"""ape_project/ is eth-ape's project, run by `ape test` in the toolchain venv (from a temp copy),
never collected by the project's pytest: it imports ape."""
collect_ignore = ["ape_project"]
