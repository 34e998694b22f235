"""Atomic file writes: a reader sees the old file or the whole new one, never half.

The temporary file is named `.NAME.XXXXXXXX.initdoc.tmp` beside NAME, so that `clean` can tell
the leftovers of a killed build from a file of the user's.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

TEMPORARY = ".initdoc.tmp"  # the suffix of a temporary file under way


@contextmanager
def atomic_write(path: Path):
    """Yield a temporary path beside `path`; rename it over `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; published files must be readable
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    """Write text atomically."""
    with atomic_write(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
