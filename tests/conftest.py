"""Shared test setup: single-threaded BLAS (as the build uses) and cached experiment results."""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

from initdoc import cache, registry


@pytest.fixture(scope="session")
def result():
    """result(name): the experiment's Result, from the same cache the site is built from."""
    registry.load_all()

    def get(name):
        return cache.run(registry.get_experiment(name))[0]

    return get
