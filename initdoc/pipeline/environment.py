"""The process settings every build, tool and test runs with; set before numpy is imported."""

from __future__ import annotations

import os

SETTINGS = {
    "OPENBLAS_NUM_THREADS": "1",  # parallelism is across experiments, one BLAS thread each
    "MPLBACKEND": "Agg",  # figures go to files, never to a window
}


def configure() -> None:
    """Apply SETTINGS where the environment does not already choose otherwise."""
    for name, value in SETTINGS.items():
        os.environ.setdefault(name, value)
