"""MkDocs hook: expand initdoc references, publish figures/, serve MathJax, offer notebooks as .ipynb."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jupytext
import mathjax
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from initdoc import pages
from initdoc.paths import figures_dir

MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]
_data: dict = {}


def package_digest() -> str:
    """A short hash of every source file of the initdoc package."""
    h = hashlib.sha256()
    for path in sorted(Path(pages.__file__).parent.rglob("*.py")):
        h.update(path.as_posix().encode() + path.read_bytes())
    return h.hexdigest()[:16]


def on_config(config):
    """Read the values and figures the build wrote; key executed notebooks to initdoc's code too."""
    try:
        _data["values"], _data["figures"] = pages.load(figures_dir())
    except pages.PageReferenceError as err:
        raise PluginError(str(err))
    jupyter = config.plugins.get("mkdocs-jupyter")
    if (
        jupyter is not None
    ):  # its cache key covers only the notebook's text; add the package's source
        jupyter.config["cache_dir"] = f".cache/mkdocs-jupyter/{package_digest()}"
    return config


@event_priority(100)  # before plugins that index the files, such as htmlproofer
def on_files(files, config):
    """Add the generated figures and the MathJax files to the site."""
    root = figures_dir().parent
    for fig in _data["figures"].values():
        files.append(File(fig["file"], str(root), config["site_dir"], config["use_directory_urls"]))
    for part in MATHJAX_PARTS:
        path = MATHJAX / part
        for source in (
            [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        ):
            rel = source.relative_to(MATHJAX).as_posix()
            files.append(File.generated(config, f"assets/mathjax/{rel}", abs_src_path=str(source)))
    for nb in [
        f for f in files if f.src_uri.startswith("notebooks/") and f.src_uri.endswith(".py")
    ]:
        stem = Path(nb.src_uri).stem
        notebook = jupytext.writes(jupytext.read(nb.abs_src_path, fmt="py:percent"), fmt="ipynb")
        files.append(File.generated(config, f"notebooks/{stem}/{stem}.ipynb", content=notebook))
    return files


def on_page_markdown(markdown, page, config, files):
    """Replace {{ ... }} references; an unknown one stops the build naming page and reference."""
    try:
        return pages.expand(markdown, page.file.src_uri, _data["values"], _data["figures"])
    except pages.PageReferenceError as err:
        raise PluginError(str(err))
