"""Where generated things live, relative to the project root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def project_root() -> Path:
    """$INITDOC_ROOT, else the nearest folder up from here holding mkdocs.yml, else the cwd."""
    if "INITDOC_ROOT" in os.environ:
        return Path(os.environ["INITDOC_ROOT"])
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "mkdocs.yml").exists():
            return folder
    return cwd


def cache_dir() -> Path:
    """Cached experiment results."""
    return project_root() / ".cache" / "initdoc"


def figures_dir() -> Path:
    """Generated figures, results.json and figures.json."""
    return project_root() / "figures"


def clean() -> int:
    """Remove figures/ and the experiment cache; exit status 0."""
    for folder in (figures_dir(), cache_dir()):
        shutil.rmtree(folder, ignore_errors=True)
        print(f"removed {folder}")
    return 0
