"""Files the site publishes beside its pages: figures, MathJax, the initdoc wheel, notebooks."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import jupytext
import mathjax
import nbformat

from initdoc.errors import UserError
from initdoc.pipeline.atomic import atomic_write

MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]
PACKAGE = Path(__file__).resolve().parents[1]
WHEELS = "downloads"  # the site folder that holds the wheel
EPOCH = "315532800"  # 1980-01-01, the earliest date a zip file can hold: wheels without dates
INSTALL = """\
# Run in a Jupyter or Colab without initdoc, this cell installs it from the site.
try:
    import initdoc
except ImportError:
    import importlib
    import subprocess
    import sys

    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "{url}"])
    importlib.invalidate_caches()"""


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


def wheel(cache: Path) -> Path:
    """A wheel of the initdoc package, byte-reproducible, built once per version of its source.

    It is built from a copy of the package and pyproject.toml, so the build leaves nothing
    in the project.
    """
    folder = cache / package_digest()
    found = sorted(folder.glob("initdoc-*.whl"))
    if found:
        return found[0]
    with tempfile.TemporaryDirectory(prefix="initdoc-wheel-") as tmp:
        source = Path(tmp) / "source"
        shutil.copytree(PACKAGE, source / "initdoc", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(PACKAGE.parent / "pyproject.toml", source)
        dist = Path(tmp) / "dist"
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        proc = subprocess.run(
            [*command, "--quiet", "--wheel-dir", str(dist), str(source)],
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
            capture_output=True,
            text=True,
        )
        built = sorted(dist.glob("initdoc-*.whl"))
        if proc.returncode != 0 or not built:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise UserError(f"building the initdoc wheel failed: {last}")
        with atomic_write(folder / built[0].name) as out:
            shutil.copy2(built[0], out)
    return folder / built[0].name


def notebook_ipynb(source: Path, site_url: str, wheel_name: str) -> str:
    """A jupytext notebook as the .ipynb a reader downloads.

    It starts with a cell that installs initdoc from the site's wheel where it is missing,
    and its figure links point at the published site instead of relative paths.
    """
    notebook = jupytext.read(source, fmt="py:percent")
    base = site_url.rstrip("/") + "/"
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("](../../figures/", f"]({base}figures/")
    url = f"{base}{WHEELS}/{wheel_name}"
    notebook.cells.insert(0, nbformat.v4.new_code_cell(INSTALL.format(url=url)))
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{i}"  # jupytext draws random ids; fixed ones keep the file reproducible
    return jupytext.writes(notebook, fmt="ipynb")
