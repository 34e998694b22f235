"""A private copy of the project's code and prose, so a long build cannot see edits made
meanwhile."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project root: initdoc/pipeline/ is two down
PARTS = ["initdoc", "hooks", "docs", "mkdocs.yml", "pyproject.toml"]  # pyproject: the site's wheel


def take(folder: Path) -> Path:
    """Copy the package, the hook, the docs, mkdocs.yml and pyproject.toml into `folder` (a
    project root without results, from which the whole site builds)."""
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / part)
    return folder


def env(code: Path, **extra: str) -> dict[str, str]:
    """The environment in which `python -m initdoc ...`, run in `code`, imports the copy."""
    return {**os.environ, "PYTHONPATH": str(code), "PYTHONUNBUFFERED": "1", **extra}
