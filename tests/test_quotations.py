"""Every quotation on the site is found word for word in its source; none is missing from the list.

The list is initdoc.site.quotations; the sources' texts are copies in tests/sources/ (see its
README for where each came from). Only whitespace and typographic quotes are normalized.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from initdoc.experiments import mnist, playground
from initdoc.pipeline.registry import get_experiment, load_all
from initdoc.site import quotations as q
from initdoc.site.references import TABLE
from initdoc.site.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SOURCES = ROOT / "tests" / "sources"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')
# Reported speech of a source on a page: "the article says", "in its documentation's words", ...
SPEECH = re.compile(
    r"\b(?:article|source|answer|documentation|docs|quiz|demo|figure|guide)(?:'s)?\b[^.;:]{0,90}?"
    r"\b(?:says?|said|puts it|calls?|adds?|states?|describes?|sets out|recommends?|claims?|"
    r"reports?|words|names?|colours?|loads?|trains?)\b"
    r"|\b(?:He et al\.|Glorot and Bengio|Saxe et al\.|Schoenholz et al\.|Mishkin and Matas)"
    r"[^.;:]{0,60}?\b(?:report|asked|answered|settle|take|call|derive|show|find|found|propose)",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """Typographic quotes made straight, code backticks dropped, whitespace runs one space."""
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0xA0: " "})
    return re.sub(r"\s+", " ", text.replace("`", "")).strip()


def found(words: str, text: str) -> bool:
    """Whether each fragment of `words` (split at ellipses) occurs in `text`, in that order."""
    position = 0
    for fragment in (f for f in ELLIPSIS.split(normalize(words)) if f):
        position = text.find(fragment, position)
        if position < 0:
            return False
        position += len(fragment)
    return True


def source_text(key: str) -> str:
    return normalize((SOURCES / q.SOURCES[key].file).read_text(encoding="utf-8"))


def page_text(page: str) -> str:
    """A page's Markdown with its generated tables in place, as the build renders it."""
    markdown = (DOCS / page).read_text(encoding="utf-8")
    return TABLE.sub(lambda m: TABLES[m.group(1)](), markdown)


def paragraphs(markdown: str) -> list[str]:
    """The prose of a page, one normalized paragraph each: no code blocks, code with quotation
    marks in it, HTML, references, link targets or admonition titles."""
    lines, code = [], False
    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            code = not code
        elif not code:
            lines.append(line)
    text = "\n".join(lines)
    for pattern in (
        r"^---\n.*?\n---\n",  # front matter
        r"`+[^`\n]*[\"“”][^`\n]*`+",  # inline code holding quotation marks
        r"\{\{.*?\}\}",  # references
        r"<[^>\n]*>",  # HTML tags
        r"\]\([^)\s]*\)",  # link targets
        r'^\s*(?:!!!|\?\?\?)\s*\w+\s*"[^"\n]*"',  # admonition titles
    ):
        text = re.sub(pattern, "]" if pattern.startswith(r"\]") else "", text, flags=re.S | re.M)
    return [normalize(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def quoted_spans(page: str) -> list[str]:
    return [
        m.group(1) or m.group(2)
        for paragraph in paragraphs(page_text(page))
        for m in QUOTED.finditer(paragraph)
    ]


def entries(page: str) -> list[q.Quotation]:
    return [entry for entry in q.QUOTATIONS if entry.page == page]


# --- the list against the sources ---


def test_every_source_text_is_here_and_described():
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for key, source in q.SOURCES.items():
        if source.file is not None:
            assert (SOURCES / source.file).is_file(), key
            assert source.file in readme, f"tests/sources/README.md says nothing of {source.file}"


@pytest.mark.parametrize(
    "entry",
    [e for e in q.QUOTATIONS if e.kind != "unchecked"],
    ids=lambda e: f"{e.page}:{e.words[:40]}",
)
def test_words_are_in_the_source(entry):
    assert entry.source in q.SOURCES and q.SOURCES[entry.source].file, entry
    assert found(entry.words, source_text(entry.source)), (
        f"{entry.page}: not found word for word in {q.SOURCES[entry.source].file}: {entry.words!r}"
    )


@pytest.mark.parametrize("entry", q.QUOTATIONS, ids=lambda e: f"{e.page}:{e.words[:40]}")
def test_the_page_carries_it(entry):
    page = normalize(page_text(entry.page))
    if entry.kind == "quotation":
        assert any(found(entry.words, span) for span in quoted_spans(entry.page)), (
            f"{entry.page} does not quote {entry.words!r}"
        )
    else:
        assert normalize(entry.on_page) in page, f"{entry.page} does not say {entry.on_page!r}"
    if entry.kind == "unchecked":  # a paper or page whose text is not here: the page says so
        link = q.PAPER_PAGES.get(entry.source, entry.words)
        assert "not checked here" in page or link.split("/")[-1] in page, entry


def test_the_check_finds_fragments_in_order_only():
    text = normalize("the cost to   oscillate around its “minimum” value")
    assert found('the cost to oscillate ... "minimum" value', text)
    assert not found("the cost oscillate around its minimum value", text)  # a word missing
    assert not found("value ... the cost", text)  # out of order


# --- the pages against the list ---


@pytest.mark.parametrize("page", PAGES)
def test_every_quoted_span_is_listed(page):
    """A span in quotation marks is a listed quotation of this page, or a listed term."""
    listed = [e.words for e in entries(page) if e.kind == "quotation"]
    missing = [
        span
        for span in quoted_spans(page)
        if normalize(span) not in q.TERMS and not any(found(words, span) for words in listed)
    ]
    assert not missing, f"{page}: quoted but not in initdoc/site/quotations.py: {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_every_attribution_is_listed(page):
    """A sentence that reports what a source says carries a listed quotation or paraphrase."""
    marks = [normalize(e.words) for e in entries(page) if e.kind == "quotation"]
    marks += [normalize(e.on_page) for e in entries(page) if e.on_page]
    unlisted = []
    for paragraph in paragraphs(page_text(page)):
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*\"(])", paragraph):
            if sentence in q.NOT_ATTRIBUTIONS:
                continue
            if SPEECH.search(sentence) and not any(
                found(mark, sentence) or mark in sentence for mark in marks
            ):
                unlisted.append(sentence)
    assert not unlisted, f"{page}: attributions not in initdoc/site/quotations.py: {unlisted}"


def test_the_page_scan_sees_quotes_and_attributions():
    sample = 'The article says *"too small ... slow"* and `code "x"`.\n\n!!! note "Title"\n    y'
    assert [m.group(1) for p in paragraphs(sample) for m in QUOTED.finditer(p)] == [
        "too small ... slow"
    ]
    assert SPEECH.search("The source article says that weights shrink")
    assert SPEECH.search("He et al. report that a 30-layer network stalls")
    assert not SPEECH.search("The network learns the circle.")


# --- what the pages say the article's figures use, against their code ---


def figure_code() -> str:
    return (SOURCES / q.SOURCES["ai-notes-code"].file).read_text(encoding="utf-8")


def test_the_playground_is_the_articles_network():
    """Too small, too large and the Playground: the figure's sizes, rate and four scales."""
    load_all()
    code = figure_code()
    sizes = re.search(r"var layers = \[([\d, ]+)\]", code).group(1)
    assert tuple(int(n) for n in sizes.split(",")) == playground.SIZES
    assert (
        float(re.search(r"alpha = ([\d.]+),", code).group(1))
        == get_experiment("playground").params["lr"]
    )
    radios = re.findall(r'value=([\d.]+) name="playground_init"', code)
    assert {float(v) for v in radios} == set(playground.SCHEMES.values()) - {2.0}  # He is added


def test_the_mnist_run_draws_the_demos_laws():
    """The MNIST page: the demo's hidden sizes and tanh, and its uniform and 'Xavier' laws."""
    load_all()
    code = figure_code()
    layers = re.search(r"var layers = \[784,([\d,]+),10\]", code).group(1)
    assert [int(n) for n in layers.split(",")] == get_experiment("mnist").params["hidden"]
    assert "tf.tanh(" in code
    assert "tf.randomNormal([layers[l-1],layers[l]],0,Math.sqrt(1/layers[l-1]))" in code
    assert "tf.randomUniform([layers[l-1],layers[l]],-Math.sqrt(1/layers[l-1])" in code
    n, rng = 300, np.random.default_rng(0)
    uniform = mnist.INITS["uniform"][1](rng, (n, 400))  # U(±√(1/n_in)), as the demo draws it
    assert 0.999 / np.sqrt(n) < np.abs(uniform).max() <= 1 / np.sqrt(n)
    lecun = mnist.INITS["lecun"][1](rng, (n, 400)).ravel()  # N(0, 1/n_in), the demo's "Xavier"
    assert abs(np.mean(lecun**2) - 1 / n) < 6 * np.std(lecun**2) / np.sqrt(lecun.size)
