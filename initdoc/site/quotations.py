"""Every quotation and attributed paraphrase on the site: the page, the source, the words.

tests/test_quotations.py finds each entry's words in its source's text (the copies in
tests/sources/, described in tests/sources/README.md), after normalizing whitespace and typographic
quotes only; "..." or "…" in the words separates fragments that must appear in that order. It also
scans every page, so that a quoted span or an attribution missing from this list fails the test.

Kinds: a `quotation` is in quotation marks on the page and its words are found in the source; a
`paraphrase` is attributed to the source without quotation marks: `words` are the source's words
it rests on and `on_page` the page's words that make the attribution; an `unchecked` paraphrase
is of a paper whose text is not available here, and the page says "not checked here" or links to
the paper's page, which does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A text the site quotes; `file` is its copy in tests/sources/, None when there is none."""

    title: str
    file: str | None


SOURCES = {
    "ai-notes": Source(
        "K. Katanforoosh and D. Kunin, Initializing neural networks, deeplearning.ai AI Notes",
        "ai-notes-initialization.txt",
    ),
    "ai-notes-code": Source(
        "the source of that article's interactive figures", "ai-notes-visualizations.txt"
    ),
    "quiz": Source("Initializing neural networks, a quiz (September 4, 2022)", "quiz-initializing-neural-networks.txt"),
    "answer": Source(
        "an answer on weight initialization techniques", "answer-weight-initialization-techniques.txt"
    ),
    "all-the-ways": Source(
        "All the ways to initialize your neural network", "all-the-ways-to-initialize.txt"
    ),
    "science": Source(
        "The Science Behind Weight Initialization: How It Impacts Neural Network Training",
        "science-behind-weight-initialization.txt",
    ),
    "keras-docs": Source(
        "Keras 3 documentation of TruncatedNormal", "keras-truncated-normal-docstring.txt"
    ),
    "jax-docs": Source(
        "JAX documentation of jax.nn.initializers.truncated_normal",
        "jax-truncated-normal-docstring.txt",
    ),
    "torch-docs": Source(
        "PyTorch documentation of torch.nn.init.calculate_gain", "torch-calculate-gain-docstring.txt"
    ),
    "glorot2010": Source("X. Glorot and Y. Bengio (2010)", None),
    "he2015": Source("K. He, X. Zhang, S. Ren and J. Sun (2015)", None),
    "saxe2014": Source("A. M. Saxe, J. L. McClelland and S. Ganguli (2014)", None),
    "schoenholz2017": Source("S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein (2017)", None),
    "mishkin2016": Source("D. Mishkin and J. Matas (2016)", None),
}
PAPER_PAGES = {
    "glorot2010": "papers/glorot.md",
    "he2015": "papers/he.md",
    "saxe2014": "papers/saxe.md",
    "schoenholz2017": "papers/schoenholz.md",
    "mishkin2016": "papers/lsuv.md",
}


@dataclass(frozen=True)
class Quotation:
    """One quotation or attributed paraphrase: where it is, whose words, which words."""

    page: str  # relative to docs/
    source: str  # a key of SOURCES
    words: str  # quoted: as the page quotes them; paraphrase: the source's words it rests on
    kind: str = "quotation"  # quotation | paraphrase | unchecked
    on_page: str | None = None  # paraphrases: the page's words that attribute them


def quote(page: str, source: str, words: str) -> Quotation:
    return Quotation(page, source, words)


def paraphrase(page: str, source: str, on_page: str, words: str) -> Quotation:
    return Quotation(page, source, words, "paraphrase", on_page)


def unchecked(page: str, source: str, on_page: str) -> Quotation:
    return Quotation(page, source, "", "unchecked", on_page)


QUOTATIONS: list[Quotation] = []
