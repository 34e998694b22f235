"""A scratch folder for the tools that build in subprocesses (reproducible, check-stable)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from initdoc.errors import UserError


@contextmanager
def scratch(prefix: str, keep: bool) -> Iterator[Path]:
    """A new temporary folder, removed afterwards unless `keep` (then its path is printed); a
    build that fails in it becomes a UserError that points at the build's output above."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    except subprocess.CalledProcessError as err:
        raise UserError(f"a build failed (exit {err.returncode}); see its output above") from err
    finally:
        if keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
