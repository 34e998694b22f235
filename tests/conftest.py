"""Shared test setup: single-threaded BLAS (as the build uses) and cached experiment results."""

from initdoc.pipeline import environment

environment.configure()


import pytest

from initdoc.pipeline import cache, registry


@pytest.fixture(scope="session")
def result():
    """result(name): the experiment's Result, from the same cache the site is built from."""
    registry.load_all()

    def get(name):
        return cache.run(registry.get_experiment(name))[0]

    return get
