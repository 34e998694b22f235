"""Files the site publishes beside its pages: figures, MathJax, notebooks as .ipynb."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import jupytext
import mathjax

MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]
PACKAGE = Path(__file__).resolve().parents[1]


def package_digest() -> str:
    """A short hash of every source file of the initdoc package (keys executed notebooks)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + path.read_bytes())
    return h.hexdigest()[:16]


def mathjax_files() -> Iterator[tuple[str, Path]]:
    """(site path, source file) for every MathJax file the site uses."""
    for part in MATHJAX_PARTS:
        path = MATHJAX / part
        for source in [path] if path.is_file() else sorted(path.rglob("*")):
            if source.is_file():
                yield f"assets/mathjax/{source.relative_to(MATHJAX).as_posix()}", source


def notebook_ipynb(source: Path) -> str:
    """A jupytext percent-format notebook as .ipynb text."""
    return jupytext.writes(jupytext.read(source, fmt="py:percent"), fmt="ipynb")
