"""Page references: `{{ experiment.value }}`, `{{ figure: name }}` and the verdicts
(`{{ verdicts }}`, `{{ verdict: name }}`) in Markdown, expanded at build."""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

from initdoc.errors import UserError

REFERENCE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
FIGURE = re.compile(r"(figure|thumbnail):\s*([A-Za-z0-9_]+)$")
VALUE = re.compile(r"([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)\s*(?::(.*))?$")
VERDICTS = re.compile(r"verdicts(?::\s*(\S+))?$")
VERDICT = re.compile(r"verdict:\s*([a-z][a-z0-9_]*\.[a-z0-9_]+)(?:\.(outcome|sentence|claim))?$")


class PageReferenceError(UserError):
    """A page refers to a value or figure that the build did not produce."""


def load(figures_dir: Path) -> tuple[dict, dict]:
    """The values (results.json) and figures (figures.json) the build wrote."""
    try:
        values = json.loads((figures_dir / "results.json").read_text())
        figures = json.loads((figures_dir / "figures.json").read_text())
    except FileNotFoundError as err:
        raise PageReferenceError(
            f"{err.filename} is missing: run `make figures` (python -m initdoc build) first"
        )
    return values, figures


def load_verdicts(figures_dir: Path) -> dict:
    """The verdicts (verdicts.json) the build wrote; none if it wrote none (then a page that
    refers to one fails, naming it)."""
    path = figures_dir / "verdicts.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _cell(text: str) -> str:
    """Text escaped for HTML and for a Markdown table cell."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


def verdict_table(page_uri: str, verdicts: dict) -> str:
    """The Markdown table of every verdict whose page is `page_uri`, in the order declared."""
    ordered = sorted(verdicts.items(), key=lambda kv: (kv[1].get("order", 0), kv[0]))
    rows = [v for _, v in ordered if v["page"] == page_uri]
    if not rows:
        raise PageReferenceError(f"{page_uri}: no verdict in verdicts.json belongs to this page")
    lines = [
        "| claim | reported | measured here [95% interval] | draws | agrees if | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for v in rows:
        shown = v["shown"]
        if v["exact"]:
            measured, draws = shown["estimate"], f"1, exact: {v['exact']}"
        else:
            measured, draws = f"{shown['estimate']} [{shown['low']}, {shown['high']}]", v["draws"]
        cells = (v["claim"], v["reported"], measured, draws, f"{v['quantity']} {v['region']}")
        lines.append(f"| {' | '.join(_cell(c) for c in cells)} | **{_cell(v['outcome'])}** |")
    return "\n".join(lines)


def verdict_words(name: str, part: str | None, verdicts: dict, page_uri: str) -> str:
    """A verdict's sentence (the default), its outcome or its claim, escaped for HTML."""
    if name not in verdicts:
        raise PageReferenceError(
            f"{page_uri}: unknown verdict '{name}' (see figures/verdicts.json)"
        )
    return html.escape(verdicts[name][part or "sentence"], quote=False)


def scientific(value: float, digits: int = 2) -> str:
    """1.6e-17 as 1.6 × 10<sup>−17</sup>."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>".replace("-", "−")


def format_value(value, spec: str | None) -> str:
    """A value as prose shows it: a Python format spec or `sci`; floats default to 3 significant digits."""
    if spec == "sci":
        return scientific(value)
    if spec:
        return format(value, spec)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _link(fig: dict, page_uri: str) -> str:
    """The figure's file, relative to the page's source."""
    return posixpath.relpath(fig["file"], posixpath.dirname(page_uri) or ".")


def thumbnail_markdown(fig: dict, page_uri: str) -> str:
    """A small uncaptioned image with the figure's alt text, for cards and maps."""
    return (
        f"![{html.escape(fig['alt'], quote=True)}]({_link(fig, page_uri)}){{ .initdoc-thumbnail }}"
    )


def figure_markdown(name: str, fig: dict, page_uri: str) -> str:
    """A captioned figure with alt text, its link relative to the page."""
    src = _link(fig, page_uri)
    alt = html.escape(fig["alt"], quote=True)
    return (
        f'<figure class="initdoc-figure" id="fig-{name}" markdown="span">\n'
        f"  ![{alt}]({src})\n"
        f'  <figcaption markdown="span">{fig["caption"]}</figcaption>\n'
        f"</figure>"
    )


def expand(
    markdown: str, page_uri: str, values: dict, figures: dict, verdicts: dict | None = None
) -> str:
    """Replace every reference in `markdown`; an unknown one raises, naming the page and the reference."""

    def replace(match: re.Match) -> str:
        body = match.group(1)
        if m := VERDICTS.match(body):
            return verdict_table(m.group(1) or page_uri, verdicts or {})
        if m := VERDICT.match(body):
            return verdict_words(m.group(1), m.group(2), verdicts or {}, page_uri)
        if m := FIGURE.match(body):
            kind, name = m.groups()
            if name not in figures or figures[name]["file"].endswith(".json"):
                raise PageReferenceError(
                    f"{page_uri}: unknown figure '{name}' (see `python -m initdoc list`)"
                )
            if kind == "thumbnail":
                return thumbnail_markdown(figures[name], page_uri)
            return figure_markdown(name, figures[name], page_uri)
        if m := VALUE.match(body):
            name, spec = m.group(1), m.group(2)
            if name not in values:
                raise PageReferenceError(
                    f"{page_uri}: unknown value '{name}' (see figures/results.json)"
                )
            try:
                return format_value(values[name], spec)
            except (ValueError, TypeError) as err:
                raise PageReferenceError(f"{page_uri}: bad format '{spec}' for '{name}': {err}")
        raise PageReferenceError(
            f"{page_uri}: cannot read reference '{{{{ {body} }}}}'; "
            "write {{ experiment.value }}, {{ experiment.value:.2f }}, {{ figure: name }}, "
            "{{ thumbnail: name }}, {{ verdicts }} or {{ verdict: experiment.name }}"
        )

    return REFERENCE.sub(replace, markdown)
