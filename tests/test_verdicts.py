"""The verdict layer: intervals against published tables, the three outcomes, the JSON the build
writes, the tables pages print, and that every verdict on the site is declared and checked."""

import ast
import html
import json
import math
from pathlib import Path

import numpy as np
import pytest

from initdoc.pipeline import build, registry, verdicts
from initdoc.pipeline.result import Result
from initdoc.site import references as pages

TESTS = Path(__file__).resolve().parent
DOCS = TESTS.parent / "docs"
SAYS = {
    "agrees": "Inside: {estimate} [{low}, {high}] over {draws} draws, {region}.",
    "disagrees": "Outside: {estimate}.",
    "inconclusive": "Undecided: {estimate}.",
}


def claim(region, test="mean", draws=5, **extra):
    return verdicts.Claim(
        "demo",
        "claim",
        page="papers/demo.md",
        claim="x is near 0",
        reported="0",
        quantity="x",
        region=region,
        test=test,
        draws=draws,
        says=SAYS,
        checked_by="test_verdicts.py::test_outcomes",
        **extra,
    )


# The intervals, against published values.


@pytest.mark.parametrize(
    "df, q", [(1, 12.706205), (4, 2.776445), (9, 2.262157), (29, 2.045230), (1000, 1.962339)]
)
def test_t_quantile_matches_the_published_table(df, q):
    assert verdicts.t_quantile(0.975, df) == pytest.approx(q, abs=2e-6)


@pytest.mark.parametrize(
    "k, n, low, high",
    [(0, 10, 0.0, 0.277530), (5, 10, 0.236593, 0.763407), (81, 263, 0.2553, 0.3662)],
)
def test_wilson_interval_matches_published_values(k, n, low, high):
    _, lo, hi = verdicts.wilson_interval(k, n)
    assert (lo, hi) == pytest.approx((low, high), abs=1e-4)


def test_t_interval_covers_the_mean_at_its_level():
    # 4000 samples of 6 normal draws: the share of intervals that cover the true mean is 95%,
    # within 6 binomial standard errors.
    rng = np.random.default_rng(0)
    covered = [
        lo <= 1.0 <= hi
        for lo, hi in (verdicts.t_interval(rng.normal(1, 2, 6))[1:] for _ in range(4000))
    ]
    assert abs(np.mean(covered) - 0.95) < 6 * math.sqrt(0.95 * 0.05 / 4000)


# The three outcomes, and what they mean.


@pytest.mark.parametrize(
    "draws, outcome",
    [
        ([0.01, -0.02, 0.0, 0.02, -0.01], "agrees"),
        ([1.01, 0.98, 1.0, 1.02, 0.99], "disagrees"),
        ([0.1, -0.2, 0.3, 0.4, -0.1], "inconclusive"),
        ([0.0, 0.0, 0.0, 0.0], "inconclusive"),  # fewer than MIN_DRAWS decide nothing
    ],
)
def test_outcomes(draws, outcome):
    v = claim(verdicts.within(0, 0.1)).judge(draws)
    assert v["outcome"] == outcome
    assert v["sentence"].startswith(
        {"agrees": "Inside", "disagrees": "Outside"}.get(outcome, "Undecided")
    )


def test_more_draws_sharpen_agreement_they_never_undo_it():
    # A true mean of 0.05 inside ±0.1: as draws grow the interval shrinks onto it and the verdict
    # moves from inconclusive to agrees, never the other way (the flaw of a |t| < 2 rule).
    rng = np.random.default_rng(1)
    noise = rng.normal(0.05, 0.1, 400)
    outcomes = [claim(verdicts.within(0, 0.1)).judge(noise[:n])["outcome"] for n in (5, 20, 400)]
    assert outcomes[-1] == "agrees" and "disagrees" not in outcomes


@pytest.mark.parametrize(
    "region, low, high, outcome",
    [
        (verdicts.above(1), 1.5, 2, "agrees"),
        (verdicts.above(1), 0.2, 0.9, "disagrees"),
        (verdicts.above(1), 0.9, 1.1, "inconclusive"),
        (verdicts.below(1), 0.2, 0.9, "agrees"),
        (verdicts.below(1), 1.2, 3, "disagrees"),
        (verdicts.within(0, 1), -2, 2, "inconclusive"),
    ],
)
def test_regions(region, low, high, outcome):
    assert region.judge(low, high) == outcome


def test_shares_use_the_wilson_interval():
    v = claim(verdicts.below(0.5), test="share").judge([True] + [False] * 19)
    assert v["outcome"] == "agrees" and v["interval"][0] == pytest.approx(0.0089, abs=1e-4)
    assert (
        claim(verdicts.below(0.5), test="share").judge([True] * 19 + [False])["outcome"]
        == "disagrees"
    )


def test_monte_carlo_estimates_use_their_standard_error():
    c = claim(verdicts.within(0.5, 0.005), test="normal")
    assert c.judge((0.5001, 0.0002, 10**6))["outcome"] == "agrees"
    assert c.judge((0.51, 0.0002, 10**6))["outcome"] == "disagrees"
    assert c.judge((0.5045, 0.001, 10**6))["outcome"] == "inconclusive"


def test_an_exact_claim_says_why_and_has_no_interval():
    c = claim(verdicts.within(1.76, 0.005), test="exact", exact="quadrature, no randomness")
    assert c.judge(1.7598) | {"outcome": "agrees"} == c.judge(1.7598)
    assert c.judge(1.7598)["interval"] == [1.7598, 1.7598] and c.judge(1.7598)["draws"] == 1
    assert c.judge(1.80)["outcome"] == "disagrees"
    with pytest.raises(ValueError, match="says why"):
        claim(verdicts.within(0, 1), test="exact")


def test_a_claim_states_its_draws_sentences_and_test_before_the_data():
    with pytest.raises(ValueError, match="at least 5"):
        claim(verdicts.within(0, 1), draws=3)
    with pytest.raises(ValueError, match="no sentence for inconclusive"):
        verdicts.Claim(
            **{**vars(claim(verdicts.within(0, 1))), "says": {"agrees": "a", "disagrees": "d"}}
        )
    with pytest.raises(ValueError, match="test must be"):
        claim(verdicts.within(0, 1), test="t-test")


def test_an_unbounded_interval_is_null_in_json():
    v = claim(verdicts.above(0)).judge([1.0, 2.0, np.inf, 1.0, 1.0])
    assert v["outcome"] == "inconclusive"
    assert json.loads(json.dumps(verdicts.for_json(v), allow_nan=False))["interval"][1] is None


# The page side: tables and sentences from verdicts.json.


def test_a_page_table_lists_its_verdicts_with_interval_draws_and_margin():
    found = {
        "demo.claim": verdicts.for_json(
            claim(verdicts.within(0, 0.1), fmt=".2f").judge([0.01, -0.02, 0.0, 0.02, -0.01])
        )
    }
    table = pages.expand("{{ verdicts }}", "papers/demo.md", {}, {}, found)
    row = table.splitlines()[2]
    shown = html.unescape(row)
    assert "0.00 [−0.02, 0.02]" in shown and "| 5 |" in row and "within 0 ± 0.1" in shown
    assert row.endswith("**agrees** |")
    sentence = pages.expand("{{ verdict: demo.claim }}", "papers/demo.md", {}, {}, found)
    assert html.unescape(sentence) == found["demo.claim"]["sentence"]
    assert pages.expand("{{ verdict: demo.claim.outcome }}", "x.md", {}, {}, found) == "agrees"


def test_unknown_verdicts_and_empty_tables_fail_naming_the_page():
    with pytest.raises(
        pages.PageReferenceError, match=r"papers/saxe\.md: unknown verdict .saxe\.nope."
    ):
        pages.expand("{{ verdict: saxe.nope }}", "papers/saxe.md", {}, {}, {})
    with pytest.raises(pages.PageReferenceError, match=r"index\.md: no verdict"):
        pages.expand("{{ verdicts }}", "index.md", {}, {}, {})


def test_what_a_verdict_table_prints_is_escaped():
    bad = verdicts.Claim(
        **{**vars(claim(verdicts.within(0, 1))), "claim": "<script>x</script> | y"}
    )
    table = pages.verdict_table("papers/demo.md", {"demo.claim": bad.judge([0.0] * 5)})
    assert "<script>" not in table and "&#60;script&#62;" in table
    assert table.splitlines()[2].count("|") == 7  # the claim's | cannot split the row


# The build writes verdicts.json.


def test_the_build_merges_verdicts_into_verdicts_json(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    registry.load_all()
    first = claim(verdicts.within(0, 0.1)).judge([0.0] * 5)
    report = build.Report("symmetry", True, 0.0, [], {}, {}, {"claim": first})
    build._write_page_data([report])
    written = json.loads((tmp_path / "figures" / "verdicts.json").read_text())
    assert set(written) == {"symmetry.claim"}
    assert {"page", "claim", "outcome", "estimate", "interval", "draws", "margin", "test"} <= set(
        written["symmetry.claim"]
    )
    build._write_page_data([build.Report("symmetry", True, 0.0, [], {}, {}, {})])
    assert json.loads((tmp_path / "figures" / "verdicts.json").read_text()) == {}


def test_verdicts_survive_the_cache(tmp_path):
    from initdoc.pipeline import result as result_io

    v = claim(verdicts.within(0, 0.1)).judge([0.0] * 5)
    result_io.save(Result({}, {}, {"claim": v}), tmp_path / "r.npz", key="k")
    assert result_io.load(tmp_path / "r.npz", key="k").verdicts == {"claim": v}


# Every verdict on the site is declared, checked on both sides, and shown on its page.


def functions_in(path: Path) -> set[str]:
    return {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}


def declared():
    registry.load_all()
    return sorted(verdicts.CLAIMS.values(), key=lambda c: c.name)


@pytest.mark.parametrize("c", declared(), ids=lambda c: c.name)
def test_every_declared_verdict_names_a_test_that_exists_and_a_page_that_shows_it(c):
    file, function = c.checked_by.split("::")
    assert function in functions_in(TESTS / file), f"{c.name}: no {c.checked_by}"
    page = (DOCS / c.page).read_text()
    shown = "{{ verdicts }}" in page or f"{{{{ verdict: {c.name}" in page
    assert shown, f"{c.page} shows neither a verdict table nor {c.name}"


def test_the_site_shows_every_declared_verdict_with_the_draws_it_planned(built):
    from initdoc.pipeline.paths import figures_dir

    found = json.loads((figures_dir() / "verdicts.json").read_text())
    assert set(found) == {c.name for c in declared()}
    for name, v in found.items():
        assert v["draws"] == v["planned_draws"], name
        assert v["outcome"] in verdicts.OUTCOMES


def test_verdict_text_keeps_inline_math_and_escapes_the_rest():
    kept = pages.verdict_text("at $N_l$ = 6")
    assert "$N_l$" in kept and html.unescape(kept) == "at $N_l$ = 6"
    assert pages.verdict_text("$6\\,\\xi_c$") == "$6\\,\\xi_c$"
    link = pages.verdict_text("[x](javascript:alert(1)) $<b>$")
    assert "[" not in link and "<b>" not in link and "(" not in link


def test_without_verdicts_json_a_verdict_reference_still_fails_naming_it(tmp_path):
    found = pages.load_verdicts(tmp_path)
    assert found == {}
    with pytest.raises(pages.PageReferenceError, match=r"unknown verdict 'saxe\.gap_grows'"):
        pages.expand("{{ verdict: saxe.gap_grows }}", "papers/saxe.md", {}, {}, found)


def test_a_claims_order_is_its_place_in_its_own_experiment(monkeypatch):
    """A claim declared by another experiment (a new page) does not change what a cached result
    of this one says, so it cannot shift its order."""
    monkeypatch.setattr(verdicts, "CLAIMS", {})
    fields = dict(
        page="p.md",
        claim="c",
        reported="r",
        quantity="q",
        region=verdicts.below(1.0),
        test="mean",
        draws=5,
        says={o: o for o in ("agrees", "disagrees", "inconclusive")},
        checked_by="test_verdicts.py::test_a_claims_order_is_its_place_in_its_own_experiment",
    )
    first = verdicts.declare("beta", "one", **fields)
    verdicts.declare("alpha", "new", **fields)
    second = verdicts.declare("beta", "two", **fields)
    assert (first.order, second.order) == (0, 1)
    shown = first.judge([0.1] * 5)
    assert shown["order"] == ["beta", 0]
