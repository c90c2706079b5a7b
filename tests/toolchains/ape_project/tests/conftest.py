import pytest


@pytest.fixture(scope="session")
def owner(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def other(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def counter(project, owner, other):
    return owner.deploy(project.Counter, 5)
