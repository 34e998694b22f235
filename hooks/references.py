"""MkDocs hook: expand initdoc references, publish figures/, MathJax and notebooks as .ipynb."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from initdoc.pipeline.paths import figures_dir
from initdoc.site import assets
from initdoc.site import references as pages

_data: dict = {}


def on_config(config):
    """Read the values and figures the build wrote; key executed notebooks to initdoc's code."""
    try:
        _data["values"], _data["figures"] = pages.load(figures_dir())
        _data["verdicts"] = pages.load_verdicts(figures_dir())
    except pages.PageReferenceError as err:
        raise PluginError(str(err)) from err
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:  # its cache key covers only the notebook's text; add the package's
        jupyter.config["cache_dir"] = f".cache/mkdocs-jupyter/{assets.package_digest()}"
    return config


@event_priority(100)  # before plugins that index the files, such as htmlproofer
def on_files(files, config):
    """Add the generated figures, the MathJax files and each notebook's .ipynb to the site."""
    root = figures_dir().parent
    for fig in _data["figures"].values():
        files.append(File(fig["file"], str(root), config["site_dir"], config["use_directory_urls"]))
    for uri, source in assets.mathjax_files():
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    for nb in [
        f for f in files if f.src_uri.startswith("notebooks/") and f.src_uri.endswith(".py")
    ]:
        stem = Path(nb.src_uri).stem
        content = assets.notebook_ipynb(Path(nb.abs_src_path))
        files.append(File.generated(config, f"notebooks/{stem}/{stem}.ipynb", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    """Replace {{ ... }} references; an unknown one stops the build naming page and reference."""
    try:
        return pages.expand(
            markdown, page.file.src_uri, _data["values"], _data["figures"], _data["verdicts"]
        )
    except pages.PageReferenceError as err:
        raise PluginError(str(err)) from err
