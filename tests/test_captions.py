"""Figure captions and alt texts quote the numbers experiments compute or take, as pages do, with
`{{ experiment.value }}` references: a typed number would stay wrong when a parameter changes."""

import html
import json
import re

import built_site
import pytest

from initdoc.pipeline import registry, written
from initdoc.site import references as pages

# What a caption or alt text may still spell in digits: numbers that no experiment computes or
# takes, each with the reason. Everything else is a reference.
ALLOWED = {
    r"N\(0, ?1\)": "the standard normal, a scheme's name",
    r"N\(0(?=,)": "a normal of mean zero, a scheme's name",
    r"1/n(_in|<sub>in</sub>)": "LeCun's variance, a formula",
    r"1/√n(_in|<sub>in</sub>)?": "the standard deviation of LeCun's rule, a formula",
    r"2/n(_in|<sub>in</sub>)": "He's variance, a formula",
    r"5/3": "the tanh gain of the literature (schemes.gain('tanh'))",
    r"ln 2": "the cost of guessing ½ for every point, a constant",
    r"\bclass [01]\b": "the two labels of a two-class task",
    r"1/\(2l\)": "the fall of tanh variance under LeCun, a derived law",
    r"log(10|₁₀)": "the name of a function",
    r"(?i)\blayers? 1\b|\blayer-1\b": "the first layer, which every network has",
    r"(?i)the paper's (figure|table) [0-9]+": "the number of a figure or table in the paper",
    r"6(·| )(ξ|xi)": "the paper's bound on trainable depth, 6·ξ_c, a formula of the source",
    r"(χ₁|chi-one)( crosses| =) 1\b": "the edge of chaos is where χ₁ = 1, a definition",
    r"2/λ<sub>max</sub>": "the curvature limit of gradient descent, a formula",
    r"√\(l·ψ′\(n/2\)\)/2": "the spread of a product of Gaussian matrices, a formula",
    r"μ₂/μ₁² − 1 − s₁": "the variance each layer adds to the Jacobian's spectrum (Pennington "
    "et al.), a formula",
    r"[A-Za-z]<sub>[0-9]</sub>|[A-Za-z][₀-₉]": "the index of a symbol in a formula",
    r"1/√L": "the branch scaling of residual starts with L blocks, a formula",
    r"ln C \+ \(1 − 1/C\) s²/2": "the small-s expansion of the initial loss, a formula",
    r"Σ 1/n\b": "the sum of the reciprocal widths in Hanin & Rolnick's variance, a formula",
}
NUMBER = re.compile(r"[0-9⁰-⁹₀-₉]+(?:[.,][0-9]+)*")


def words(fig: registry.Figure) -> dict[str, str]:
    """The figure's caption and alt text, references taken out."""
    return {
        part: pages.WORD_REFERENCE.sub("", text)
        for part, text in (("caption", fig.caption), ("alt text", fig.alt))
    }


def typed_numbers(text: str) -> list[str]:
    """Each number in `text` outside the allowed patterns, with the words around it."""
    for pattern in ALLOWED:
        text = re.sub(pattern, " ", text)
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in NUMBER.finditer(text)]


DRAWN = [fig for fig in registry.FIGURES.values() if fig.format != "json"]


@pytest.mark.parametrize("fig", DRAWN, ids=[fig.name for fig in DRAWN])
def test_captions_and_alt_texts_type_no_number(fig):
    typed = {part: typed_numbers(text) for part, text in words(fig).items()}
    assert not any(typed.values()), f"{fig.name}: typed numbers, quote them instead: {typed}"


def test_the_scan_finds_a_typed_number_and_lets_a_reference_and_a_formula_pass():
    assert typed_numbers("the 9-layer network") == ["the 9-layer network"]
    assert typed_numbers("N(0, 1/n_in) against N(0, 1), layer 1, ln 2") == []
    fig = registry.Figure("f", "e", None, "svg", "{{ e.depth }} layers deep", "{{ e.n:.0f }} units")
    assert not any(typed_numbers(text) for text in words(fig).values())


@pytest.mark.parametrize("fig", DRAWN, ids=[fig.name for fig in DRAWN])
def test_every_reference_in_the_words_names_a_registered_experiment(fig):
    for text in (fig.caption, fig.alt):
        for body in pages.WORD_REFERENCE.findall(text):
            match = pages.VALUE.match(body)
            assert match, f"{fig.name}: '{{{{ {body} }}}}' is not a value reference"
            assert match[1].split(".", 1)[0] in registry.EXPERIMENTS, body


FIG = {
    "file": "figures/f.svg",
    "caption": "The {{ e.depth }}-layer net, {{ e.tiny:sci }} and <sub>in</sub>: {{ e.text }}",
    "alt": "A {{ e.depth }}-layer plot [{{ e.tiny:sci }}] of {{ e.text }}",
}
VALUES = {"e.depth": 9, "e.tiny": 1.6e-17, "e.text": '<script>x()</script> "quoted" [link]'}


def test_references_in_words_are_expanded_and_escaped():
    caption, alt = pages.figure_words("f", FIG, VALUES)
    assert caption.startswith("The 9-layer net, 1.6 × 10<sup>−17</sup> and <sub>in</sub>: ")
    assert "<script>" not in caption and html.unescape(caption).endswith(VALUES["e.text"])
    assert alt == f"A 9-layer plot [1.6 × 10^−17] of {VALUES['e.text']}"
    page = pages.expand("{{ figure: f }}", "p.md", VALUES, {"f": FIG})
    shown = page.split("![", 1)[1].split("](", 1)[0]
    assert not set(shown) & set('"[]<>') and html.unescape(shown) == alt
    assert "<script>" not in page


@pytest.mark.parametrize(
    "part, text, message",
    [
        ("caption", "{{ e.nope }} layers", r"figure 'f' \(caption\): unknown value 'e\.nope'"),
        ("alt", "{{ e.depht }} layers", r"figure 'f' \(alt text\): .*Did you mean 'e\.depth'"),
        ("caption", "{{ figure: f }}", r"figure 'f' \(caption\): cannot read reference"),
        ("alt", "{{ e.depth:.2q }}", r"figure 'f' \(alt text\): bad format '\.2q'"),
    ],
)
def test_an_unknown_reference_in_the_words_names_the_figure(part, text, message):
    with pytest.raises(pages.PageReferenceError, match=message):
        pages.figure_words("f", {**FIG, part: text}, VALUES)
    with pytest.raises(pages.PageReferenceError, match=message):
        pages.expand("{{ thumbnail: f }}", "p.md", VALUES, {"f": {**FIG, part: text}})


def test_a_figure_on_no_page_with_an_unknown_reference_fails_the_build_naming_it(tmp_path):
    project = built_site.small_project(tmp_path, {"index.md": "# Home\n"}, {"e.depth": 9})
    figures = project / "figures"
    (figures / "f.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    written.record(figures / "f.svg")
    words = {"file": "figures/f.svg", "caption": "{{ e.depth }} layers", "alt": "{{ e.width }}"}
    (figures / "figures.json").write_text(json.dumps({"f": words}))
    proc = built_site.mkdocs_build(project)
    lines = [line for line in proc.stderr.splitlines() if "e.width" in line]
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(lines) == 1 and "figure 'f' (alt text): unknown value 'e.width'" in lines[0]
