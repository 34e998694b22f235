"""MkDocs hook: expand initdoc references, publish figures/, and serve MathJax from its package."""

from __future__ import annotations

from pathlib import Path

import mathjax
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from initdoc import pages
from initdoc.paths import figures_dir

MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]
_data: dict = {}


def on_config(config):
    """Read the values and figures the build wrote; fail clearly if it has not run."""
    try:
        _data["values"], _data["figures"] = pages.load(figures_dir())
    except pages.PageReferenceError as err:
        raise PluginError(str(err))
    return config


@event_priority(100)  # before plugins that index the files, such as htmlproofer
def on_files(files, config):
    """Add the generated figures and the MathJax files to the site."""
    root = figures_dir().parent
    for fig in _data["figures"].values():
        files.append(File(fig["file"], str(root), config["site_dir"], config["use_directory_urls"]))
    for part in MATHJAX_PARTS:
        path = MATHJAX / part
        for source in [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()):
            rel = source.relative_to(MATHJAX).as_posix()
            files.append(File.generated(config, f"assets/mathjax/{rel}", abs_src_path=str(source)))
    return files


def on_page_markdown(markdown, page, config, files):
    """Replace {{ ... }} references; an unknown one stops the build naming page and reference."""
    try:
        return pages.expand(markdown, page.file.src_uri, _data["values"], _data["figures"])
    except pages.PageReferenceError as err:
        raise PluginError(str(err))
