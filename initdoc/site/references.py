"""Page references, `{{ experiment.value }}`, `{{ figure: name }}` and the verdicts
(`{{ verdicts }}`, `{{ verdict: name }}`) in Markdown, expanded.

Code (spans and fenced blocks) stays as written. In math ($…$, $$…$$, \\(…\\), \\[…\\],
\\begin…\\end) only a spaced `{{ experiment.value }}` is a reference, so `$x^{{2}}$` stays
LaTeX; the value is placed as LaTeX (the math renderer escapes it for HTML) and may not close
the math. A
block of values shown as code is `{{ code: a.b, c.d }}` (or `{{ code bash: ... }}`) on a line of
its own. Whatever a reference inserts is escaped for where it lands: text values cannot become
markup; `{{ a.b:links }}` makes in-page links of a value "label#anchor, label#anchor".
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re
import unicodedata
import urllib.parse
from pathlib import Path

from initdoc.errors import UserError, unknown
from initdoc.pipeline import written
from initdoc.site.tables import TABLES

FIGURE = re.compile(r"(figure|thumbnail):\s*([A-Za-z0-9_]+)$")
VALUE = re.compile(r"([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)\s*(?::(.*))?$")
TABLE = re.compile(r"^[ \t]*\{\{\s*table:\s*([A-Za-z0-9_]+)\s*\}\}[ \t]*$", re.MULTILINE)
NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
SPEC = re.compile(  # Python's format-spec mini-language, with the sizes kept small
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?"
)
MAX_WIDTH, MAX_PRECISION = 40, 20

_PARAGRAPH = r"(?:[^\n]|\n(?![ \t]*\n))"  # any character, but no blank line
PROSE_OR_NOT = re.compile(
    "|".join(
        [
            r"(?P<code_block>^(?P<cindent>[ \t]*)\{\{\s*code(?:[ \t]+(?P<lang>[\w+-]+))?:"
            r"(?P<names>[^{}\n]*)\}\}[ \t]*$)",
            r"(?P<fenced>^[ \t]*(?P<fence>`{3,}(?=[^`\n]*$)|~{3,}).*?"
            r"(?:^[ \t]*(?P=fence)[`~]*[ \t]*$|\Z))",
            r"(?P<span>(?<!`)(?P<ticks>`+)(?!`)" + _PARAGRAPH + r"+?(?<!`)(?P=ticks)(?!`))",
            r"(?P<display>(?<!\\)\$\$" + _PARAGRAPH + r"+?(?<!\\)\$\$)",
            r"(?P<env>\\begin\{(?P<envname>[A-Za-z*]+)\}"
            + _PARAGRAPH
            + r"+?\\end\{(?P=envname)\})",
            r"(?P<brackets>\\\[" + _PARAGRAPH + r"+?\\\])",
            r"(?P<parens>\\\(" + _PARAGRAPH + r"+?\\\))",
            r"(?P<dollars>(?<!\\)\$(?!\s)(?:\\.|[^\\$\n]|\n(?![ \t]*\n))+?(?<!\s)\$)",
            r"(?P<reference>\{\{\s*(?P<body>[^{}]*?)\s*\}\})",
        ]
    ),
    re.MULTILINE | re.DOTALL,
)
VERDICTS = re.compile(r"verdicts(?::\s*(\S+))?$")
VERDICT = re.compile(r"verdict:\s*([a-z][a-z0-9_]*\.[a-z0-9_]+)(?:\.(outcome|sentence|claim))?$")
MATH = re.compile(r"(\$[^$]+\$)")
SAFE_MATH = re.compile(r"\$[A-Za-z0-9\\_^{}(),.=+\- ]+\$")
FIGURE_FILE = re.compile(r"figures/[A-Za-z0-9_]+(\.card)?\.(svg|png|json)")
MATH_REFERENCE = re.compile(r"\{\{ +([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+) +\}\}")
MATH_CLOSERS = ("$", "\\]", "\\)", "\n\n")  # in a value, could end the math around it
IN_PAGE_LINK = re.compile(r"([^#,]+)#([A-Za-z0-9_-]+)")
WORD_REFERENCE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")  # in a caption or alt text: values only
SAFE_CAPTION_TAGS = re.compile(r"&lt;(/?)(sup|sub|em|strong)&gt;")


class PageReferenceError(UserError):
    """A page refers to a value or figure that the build did not produce."""


def load(figures_dir: Path) -> tuple[dict, dict]:
    """The values (results.json) and figures (figures.json) the build wrote, checked."""
    values = _read(figures_dir / "results.json")
    figures = _read(figures_dir / "figures.json")
    for name, value in values.items():
        if value is not None and not isinstance(value, (int, float, str)):
            raise PageReferenceError(
                f"{figures_dir / 'results.json'}: '{name}' is a {type(value).__name__}, "
                "not a number or text; run `python -m initdoc build` to rewrite it"
            )
    for name, fig in figures.items():
        keys = {"file", "caption", "alt"}
        if not (
            isinstance(fig, dict)
            and all(isinstance(fig.get(k), str) for k in keys)
            and FIGURE_FILE.fullmatch(fig["file"])
        ):
            raise PageReferenceError(
                f"{figures_dir / 'figures.json'}: figure '{name}' lacks a file in figures/, a "
                "caption or alt text; run `python -m initdoc build` to rewrite it"
            )
        files = [fig["file"], *([fig["card"]] if "card" in fig else [])]
        for file in files:
            if not (FIGURE_FILE.fullmatch(file) and written.intact(figures_dir.parent / file)):
                raise PageReferenceError(
                    f"{file} is missing or not what the build drew (changed since); "
                    "run `python -m initdoc build` to draw it again"
                )
        figure_words(name, fig, values)  # an unknown reference in its words stops the build here
    return values, figures


def _read(path: Path) -> dict:
    """A JSON object from a file the build wrote; a PageReferenceError saying what to run if not."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise PageReferenceError(
            f"{path} is missing: run `make figures` (python -m initdoc build) first"
        ) from err
    except (ValueError, UnicodeDecodeError) as err:
        raise PageReferenceError(
            f"{path} is damaged ({err}); run `python -m initdoc build` to rewrite it"
        ) from err
    if not isinstance(found, dict):
        raise PageReferenceError(
            f"{path} holds a {type(found).__name__}, not an object of names; "
            "run `python -m initdoc build` to rewrite it"
        )
    return found


def load_verdicts(figures_dir: Path) -> dict:
    """The verdicts (verdicts.json) the build wrote; none if it wrote none (then a page that
    refers to one fails, naming it)."""
    path = figures_dir / "verdicts.json"
    return _read(path) if path.exists() else {}


def verdict_text(text: str) -> str:
    """A verdict's words, escaped like a text value (see `literal`) except for inline math made of
    letters, digits and TeX's own marks ($N_l$, $6\\,\\xi_c$), which the page typesets."""
    return "".join(
        part if SAFE_MATH.fullmatch(part) else literal(part) for part in MATH.split(str(text))
    )


def verdict_table(page_uri: str, verdicts: dict) -> str:
    """The Markdown table of every verdict whose page is `page_uri`: by experiment, each in the
    order it declared them."""
    ordered = sorted(verdicts.items(), key=lambda kv: (kv[1]["order"], kv[0]))
    rows = [v for _, v in ordered if v.get("page") == page_uri]
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
        row = " | ".join(verdict_text(c).replace("\n", " ") for c in cells)
        lines.append(f"| {row} | **{verdict_text(v['outcome'])}** |")
    return "\n".join(lines)


def verdict_words(name: str, part: str | None, verdicts: dict, page_uri: str) -> str:
    """A verdict's sentence (the default), its outcome or its claim, escaped (`verdict_text`)."""
    if name not in verdicts:
        raise PageReferenceError(
            f"{page_uri}: {unknown('verdict', name, verdicts, see='figures/verdicts.json')}"
        )
    return verdict_text(verdicts[name][part or "sentence"])


def scientific(value: float, digits: int = 2) -> str:
    """1.6e-17 as 1.6 × 10<sup>−17</sup>."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>".replace("-", "−")


def check_spec(spec: str) -> None:
    """A ValueError unless `spec` is a format spec with a width and precision of sensible size."""
    match = SPEC.fullmatch(spec)
    if not match:
        raise ValueError("not a Python format spec such as .2f, .0%, , or sci")
    if int(match["width"] or 0) > MAX_WIDTH or int(match["precision"] or 0) > MAX_PRECISION:
        raise ValueError(f"width above {MAX_WIDTH} or precision above {MAX_PRECISION}")


def format_value(value, spec: str | None) -> str:
    """A value as prose shows it: a Python format spec, `sci`, or `url` (a link's query, for a
    Markdown link target); a float has 3 significant digits.

    The result is safe to place in Markdown or HTML: text is escaped (see `literal`), and a
    `url` value is percent-encoded but for the characters of a query (`?&=`, letters, digits,
    `-._~`).
    """
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if spec == "links":
        return in_page_links(str(value))
    if spec == "url":
        return urllib.parse.quote(str(value), safe="?&=-._~")
    if spec == "sci":
        if not number:
            raise ValueError(f"{type(value).__name__} value, not a number")
        return scientific(value) if math.isfinite(value) else html.escape(str(value))
    if spec:
        check_spec(spec)
        if isinstance(value, bool) and spec[-1:] in "bcdeEfFgGnosxX%":
            raise ValueError("a true/false value, not a number")
        text = format(value, spec)
    elif isinstance(value, float):
        text = f"{value:.3g}"
    else:
        text = str(value)
    return html.escape(text) if number else literal(text)


def literal(text: str) -> str:
    """`text` shown as it is, safe anywhere on a page: a control character as its escape (\\x1f),
    every ASCII punctuation mark as a character reference, so that neither HTML nor Markdown nor
    the math renderer can read markup in it."""
    shown = "".join(repr(c)[1:-1] if _control(c) else c for c in text)
    return "".join(
        f"&#{ord(c)};" if c.isascii() and not c.isalnum() and c != " " else c for c in shown
    )


def _control(c: str) -> bool:
    """A control character other than tab, line feed and carriage return."""
    return unicodedata.category(c) == "Cc" and c not in "\t\n\r"


def _link(fig: dict, page_uri: str) -> str:
    """The figure's file, relative to the page's source."""
    return posixpath.relpath(fig["file"], posixpath.dirname(page_uri) or ".")


def _alt(text: str) -> str:
    """Alt text, escaped for a Markdown image."""
    return html.escape(text, quote=True).replace("[", "&#91;").replace("]", "&#93;")


def caption(text: str) -> str:
    """A caption, escaped, keeping only the inline tags <sup>, <sub>, <em> and <strong>."""
    return SAFE_CAPTION_TAGS.sub(r"<\1\2>", html.escape(text, quote=False))


def plain(shown: str) -> str:
    """A value as `format_value` shows it, as plain text for alt text: 10<sup>−3</sup> as 10^−3."""
    return html.unescape(re.sub(r"<sup>(.*?)</sup>", r"^\1", shown))


def figure_words(name: str, fig: dict, values: dict) -> tuple[str, str]:
    """A figure's caption (HTML, see `caption`) and alt text (plain text), each with its
    `{{ experiment.value }}` references expanded; an unknown one raises, naming the figure."""

    def expand_words(text: str, part: str, escape, show) -> str:
        pieces, end = [], 0
        for match in WORD_REFERENCE.finditer(text):
            pieces.append(escape(text[end : match.start()]))
            pieces.append(show(value_text(match[1], values, f"figure '{name}' ({part})")))
            end = match.end()
        return "".join([*pieces, escape(text[end:])])

    return (
        expand_words(fig["caption"], "caption", caption, str),
        expand_words(fig["alt"], "alt text", str, plain),
    )


def thumbnail_markdown(name: str, fig: dict, page_uri: str, values: dict) -> str:
    """A small uncaptioned image with the figure's alt text, for cards and maps."""
    _, alt = figure_words(name, fig, values)
    return f"![{_alt(alt)}]({_link(fig, page_uri)}){{ .initdoc-thumbnail }}"


def figure_markdown(name: str, fig: dict, page_uri: str, values: dict) -> str:
    """A captioned figure with alt text, its link relative to the page; the references in its
    words quote `values`."""
    words, alt = figure_words(name, fig, values)
    return (
        f'<figure class="initdoc-figure" id="fig-{name}" markdown="span">\n'
        f"  ![{_alt(alt)}]({_link(fig, page_uri)})\n"
        f'  <figcaption markdown="span">{words}</figcaption>\n'
        f"</figure>"
    )


def table_markdown(name: str, page_uri: str) -> str:
    """A table generated from Python (initdoc.site.tables); it may quote values itself."""
    if name not in TABLES:
        raise PageReferenceError(f"{page_uri}: {unknown('table', name, sorted(TABLES))}")
    return TABLES[name]()


def code_block(match: re.Match, page_uri: str, values: dict) -> str:
    """`{{ code: a.b, c.d }}`: the values, one a line, as a fenced code block no value can close."""
    names = [n.strip() for n in match["names"].split(",")]
    for name in names:
        if not NAME.fullmatch(name):
            raise PageReferenceError(
                f"{page_uri}: cannot read '{name}' in a code reference; "
                "write {{ code: experiment.value, experiment.other }}"
            )
        if name not in values:
            raise PageReferenceError(f"{page_uri}: {unknown_value(name, values)}")
    lines = "\n".join(str(values[name]) for name in names).splitlines()
    longest = max((len(run) for run in re.findall(r"`+", "\n".join(lines))), default=0)
    fence, indent = "`" * max(3, longest + 1), match["cindent"]
    body = [f"{indent}{line}" if line else "" for line in lines]
    return "\n".join([f"{indent}{fence}{match['lang'] or 'text'}", *body, f"{indent}{fence}"])


def in_page_links(value: str) -> str:
    """ "a#x, b#y" as the Markdown links [a](#x), [b](#y), labels escaped; other text as text."""
    items = [item.strip() for item in value.split(",")]
    if not all(IN_PAGE_LINK.fullmatch(item) for item in items):
        return literal(value)
    return ", ".join(
        f"[{literal(label.strip())}](#{anchor})"
        for label, anchor in (IN_PAGE_LINK.fullmatch(item).groups() for item in items)
    )


def math_text(math: str, values: dict, where: str, env: str | None = None) -> str:
    """`math` with each spaced `{{ experiment.value }}` replaced by the value as LaTeX; a value that
    could close the math around it raises."""

    def replace(match: re.Match) -> str:
        name = match[1]
        if name not in values:
            raise PageReferenceError(f"{where}: {unknown_value(name, values)}")
        text = str(values[name])
        if isinstance(values[name], float):
            text = f"{values[name]:.3g}"
        closers = (*MATH_CLOSERS, f"\\end{{{env}}}") if env else MATH_CLOSERS
        if any(closer in text for closer in closers):
            raise PageReferenceError(f"{where}: the value of '{name}' cannot be placed in math")
        return text

    return MATH_REFERENCE.sub(replace, math)


def unknown_value(name: str, values: dict) -> str:
    """ "unknown value 'NAME' (see figures/results.json)", with a near match if there is one."""
    return unknown("value", name, values, see="figures/results.json")


def value_text(body: str, values: dict, where: str) -> str:
    """The value a reference's body `experiment.value` or `experiment.value:spec` names, formatted
    (`format_value`); an unknown name or a bad spec raises, saying `where`."""
    match = VALUE.match(body)
    if not match:
        raise PageReferenceError(
            f"{where}: cannot read reference '{{{{ {body} }}}}'; write {{{{ experiment.value }}}} "
            "or {{ experiment.value:.2f }}"
        )
    name, spec = match.groups()
    if name not in values:
        raise PageReferenceError(f"{where}: {unknown_value(name, values)}")
    try:
        return format_value(values[name], spec)
    except (ValueError, TypeError, OverflowError) as err:
        raise PageReferenceError(f"{where}: bad format '{spec}' for '{name}': {err}") from err


def expand(
    markdown: str, page_uri: str, values: dict, figures: dict, verdicts: dict | None = None
) -> str:
    """Replace every reference in the prose of `markdown`; an unknown one raises, naming the page
    and the reference."""
    markdown = TABLE.sub(lambda m: table_markdown(m.group(1), page_uri), markdown)

    def replace(match: re.Match) -> str:
        if match["code_block"]:
            return code_block(match, page_uri, values)
        if match["span"] or match["fenced"]:
            return match[0]  # code: left as written
        if match["reference"] is None:
            return math_text(match[0], values, page_uri, match["envname"])
        body = match["body"]
        if m := VERDICTS.match(body):
            return verdict_table(m.group(1) or page_uri, verdicts or {})
        if m := VERDICT.match(body):
            return verdict_words(m.group(1), m.group(2), verdicts or {}, page_uri)
        if m := FIGURE.match(body):
            kind, name = m.groups()
            drawn = [k for k, fig in figures.items() if not fig["file"].endswith(".json")]
            if name not in drawn:
                message = unknown("figure", name, drawn, see="`python -m initdoc list`")
                raise PageReferenceError(f"{page_uri}: {message}")
            if kind == "thumbnail":
                return thumbnail_markdown(name, figures[name], page_uri, values)
            return figure_markdown(name, figures[name], page_uri, values)
        if VALUE.match(body):
            return value_text(body, values, page_uri)
        if re.match(r"code\b", body):
            raise PageReferenceError(
                f"{page_uri}: '{{{{ {body} }}}}' must stand alone on its line "
                "(it becomes a code block)"
            )
        raise PageReferenceError(
            f"{page_uri}: cannot read reference '{{{{ {body} }}}}'; "
            "write {{ experiment.value }}, {{ experiment.value:.2f }}, {{ figure: name }}, "
            "{{ thumbnail: name }}, {{ table: name }}, {{ verdicts }} "
            "or {{ verdict: experiment.name }}"
        )

    return PROSE_OR_NOT.sub(replace, markdown)
