"""MkDocs hook: expand initdoc references; publish figures, MathJax, the wheel and notebooks;
give each page its description, picture and date."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from initdoc.errors import UserError
from initdoc.pipeline.paths import figures_dir, project_root
from initdoc.site import assets, metadata
from initdoc.site import references as pages

_data: dict = {}


def on_config(config):
    """Read the values and figures the build wrote; key executed notebooks to initdoc's code."""
    try:
        _data["values"], _data["figures"] = pages.load(figures_dir())
        _data["verdicts"] = pages.load_verdicts(figures_dir())
        _data["wheel"] = assets.wheel(project_root() / ".cache" / "wheel")
    except UserError as err:  # missing, damaged or stale page data; outside a project
        raise PluginError(str(err)) from err
    except OSError as err:  # unreadable
        raise PluginError(f"{err.filename}: {err.strerror}") from err
    if not config["repo_url"]:  # no repository to edit in: no "edit this page" links
        config["edit_uri"] = ""
    # Executed notebooks show their figures inline, whatever backend the calling process chose
    # (the tests and the build choose Agg, which would show none).
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:  # its cache key covers only the notebook's text; add the package's.
        # In the project, not the working folder: the plugin deletes what a build did not use.
        cache = project_root() / ".cache" / "mkdocs-jupyter" / assets.package_digest()
        jupyter.config["cache_dir"] = str(cache)
    return config


@event_priority(100)  # before plugins that index the files, such as htmlproofer
def on_files(files, config):
    """Add the figures and their cards, MathJax, the wheel and each notebook's .ipynb."""
    root, site_dir, urls = (
        str(figures_dir().parent),
        config["site_dir"],
        config["use_directory_urls"],
    )
    for fig in _data["figures"].values():
        for key in ("file", "card"):
            if key in fig:
                files.append(File(fig[key], root, site_dir, urls))
    for uri, source in assets.mathjax_files():
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    wheel = _data["wheel"]
    files.append(File.generated(config, f"{assets.WHEELS}/{wheel.name}", abs_src_path=str(wheel)))
    for nb in [
        f for f in files if f.src_uri.startswith("notebooks/") and f.src_uri.endswith(".py")
    ]:
        stem = Path(nb.src_uri).stem
        content = assets.notebook_ipynb(Path(nb.abs_src_path), config["site_url"], wheel.name)
        files.append(File.generated(config, f"notebooks/{stem}/{stem}.ipynb", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    """Replace {{ ... }} references (an unknown one stops the build naming page and
    reference); note the page's picture and the date of its last change."""
    card = _data["figures"].get(metadata.first_figure(markdown) or "", {}).get("card")
    if card and config["site_url"]:
        page.meta["og_image"] = config["site_url"].rstrip("/") + "/" + card
    if page.file.abs_src_path:
        page.meta["last_updated"] = metadata.last_updated(Path(page.file.abs_src_path))
    try:
        return pages.expand(
            markdown, page.file.src_uri, _data["values"], _data["figures"], _data["verdicts"]
        )
    except pages.PageReferenceError as err:
        raise PluginError(str(err)) from err


def on_page_content(html, page, config, files):
    """The page's description for search engines and link previews: its first paragraph."""
    page.meta.setdefault("og_description", metadata.description(html) or config["site_description"])
    return html
