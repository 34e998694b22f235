"""The claims of the derivation page, asserted on the result it shows."""

import math
import re
import zlib
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from initdoc import schemes, theory
from initdoc.experiments import derivation as exp
from initdoc.pipeline.registry import get_experiment

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "derivation.md").read_text()
KEYS = [derive.__name__ for derive in theory.DERIVATIONS]
MC_ROWS = [
    "product_general",
    "product_zero_mean",
    "forward_lecun",
    "forward_glorot",
    "backward_fan_out",
    "backward_glorot",
    "depth_vanish",
    "depth_hold",
    "depth_explode",
    "relu_normal",
    "relu_uniform",
    "he_layer",
    "leaky_normal",
    "uniform_variance",
    "truncated_std",
]
SCHEME_ROWS = list(exp.SCHEMES)


@pytest.fixture(scope="module")
def steps():
    return theory.derive_all()


def rows(derivation_result, prefix: str) -> dict[str, dict]:
    """The table rows stored under `prefix` (mc or scheme), as {row: {field: value}}."""
    out: dict[str, dict] = {}
    for name, value in derivation_result.values.items():
        if name.startswith(prefix + ".") and name.count(".") == 2:
            _, row, field = name.split(".")
            out.setdefault(row, {})[field] = value
    return out


# The proof, as the page shows it.


def test_every_step_is_placed_on_the_page_in_order():
    placed = re.findall(r"\{\{ derivation\.(\w+)\.latex \}\}", PAGE)
    assert placed == KEYS
    anchors = re.findall(r"^## \d+\. \{\{ derivation\.(\w+)\.title \}\} \{#(\w+)\}$", PAGE, re.M)
    assert [a for a, _ in anchors] == KEYS and [b for _, b in anchors] == KEYS
    for key in KEYS:
        assert (
            f"{{{{ derivation.{key}.result }}}}" in PAGE
            and f"{{{{ derivation.{key}.uses:links }}}}" in PAGE
        )


def test_rendered_values_are_the_checked_latex(derivation_result, steps):
    assert derivation_result.values["steps"] == len(KEYS)
    for step in steps:
        latex = derivation_result.values[f"{step.key}.latex"]
        assert latex.startswith(r"\begin{aligned} ") and latex.endswith(r" \end{aligned}")
        assert "$" not in latex and "\n" not in latex and latex.count("{") == latex.count("}")
        for line in step.lines:
            equation = exp.NOTE.match(line).group(1) if exp.NOTE.match(line) else line
            assert equation in latex, (step.key, equation)
        assert derivation_result.values[f"{step.key}.result"] == step.result
        assert "=" in step.result and "\\" in step.result  # LaTeX, not plain text


def test_aligned_moves_notes_and_never_splits_a_substack():
    lines = [r"a &= \sum_{\substack{1 \leq i\\1 \leq j}} x \quad \text{(a note)}", r"&= y"]
    block = exp.aligned(lines)
    assert r"\substack{1 \leq i\\1 \leq j}" in block
    assert block.count(r" \\ ") == 2  # two rows plus one note row
    assert r"\text{a note}" in block and r"\quad \text{(a note)}" not in block


def test_the_assumptions_are_named_on_the_page(derivation_result, steps):
    for name in theory.ASSUMPTIONS:
        assert f'<span id="assume-{name}"></span>`{name}`' in PAGE
        assert f"{{{{ derivation.assumption.{name} }}}}" in PAGE
        assert derivation_result.values[f"assumption.{name}"] == theory.ASSUMPTIONS[name]
    for step in steps:
        uses = derivation_result.values[f"{step.key}.uses"]
        assert re.findall(r"#assume-(\w+)", uses) == list(step.assumptions)
        for name in step.assumptions:
            assert f"#{step.key}" in derivation_result.values[f"assumption.{name}.used_by"]


def test_the_built_page_shows_every_step_as_math_and_links_the_assumptions(site, steps):
    page = BeautifulSoup((site / "derivation" / "index.html").read_text(), "html.parser")
    article = page.select_one("article")
    assert "{{" not in article.get_text()
    blocks = [div.get_text() for div in article.select("div.arithmatex")]
    for step in steps:
        assert any(step.result in block for block in blocks), step.key
    aligned = [block for block in blocks if r"\begin{aligned}" in block]
    assert len(aligned) == len(steps)
    links = {a["href"] for a in article.select("a[href^='#']")}
    assert {f"#assume-{name}" for step in steps for name in step.assumptions} <= links
    assert {f"#{step.key}" for step in steps} <= links


def test_a_failed_check_fails_the_experiment_naming_the_step(monkeypatch):
    wrong = lambda expected=None: theory.he_relu_second_moment(expected=1 / theory.N_IN)  # noqa: E731
    broken = tuple(wrong if d is theory.he_relu_second_moment else d for d in theory.DERIVATIONS)
    monkeypatch.setattr(theory, "DERIVATIONS", broken)
    with pytest.raises(theory.DerivationError, match="step 'he_relu_second_moment'"):
        get_experiment("derivation")()


# The Monte Carlo table.


def test_standard_errors_match_the_spread_of_repeated_estimates():
    rng = np.random.default_rng(1)
    repeats, size = 2000, 400
    draws = rng.standard_normal((repeats, size))
    for estimator in (exp.variance_of, exp.mean_of, exp.std_of):
        estimates, ses = np.array([estimator(x)[:2] for x in draws]).T
        spread = estimates.std(ddof=1)
        # the std of `repeats` estimates has relative SE about 1/sqrt(2 repeats); allow 6 of them
        assert abs(ses.mean() / spread - 1) < 6 / math.sqrt(2 * repeats), estimator.__name__


def test_every_estimate_agrees_with_the_proved_value_within_six_se(derivation_result):
    table = rows(derivation_result, "mc")
    assert sorted(table) == sorted(MC_ROWS)
    assert derivation_result.values["z_test"] == 6
    for name, row in table.items():
        assert row["se"] > 0 and row["n"] >= derivation_result.values["replicates"], name
        assert abs(row["estimate"] - row["symbolic"]) <= 6 * row["se"], name
        assert derivation_result.verdicts[f"mc_{name}"]["outcome"] == "agrees", name
        assert row["ci_low"] == pytest.approx(row["estimate"] - 1.959964 * row["se"])
        assert row["ci_high"] == pytest.approx(row["estimate"] + 1.959964 * row["se"])
        assert row["inside_ci"] == (row["ci_low"] <= row["symbolic"] <= row["ci_high"])
    assert (
        derivation_result.values["mc.agree"] == derivation_result.values["mc.rows"] == len(MC_ROWS)
    )
    assert derivation_result.values["mc.inside_ci"] == sum(
        row["inside_ci"] for row in table.values()
    )


def test_each_row_is_on_the_page(derivation_result):
    for name in MC_ROWS:
        for field in ("n", "symbolic", "estimate", "se", "ci_low", "ci_high", "z"):
            assert f"derivation.mc.{name}.{field}" in PAGE, (name, field)
        assert f"{{{{ verdict: derivation.mc_{name}.outcome }}}}" in PAGE, name
    for name in SCHEME_ROWS:
        assert f"derivation.scheme.{name}.estimate" in PAGE, name


def test_symbolic_values_are_the_theorys(derivation_result):
    v, n_in, n_out = (
        derivation_result.values,
        derivation_result.values["n_in"],
        derivation_result.values["n_out"],
    )
    assert v["mc.product_general.symbolic"] == pytest.approx(
        v["product.mean_w"] ** 2 * v["product.std_a"] ** 2
        + v["product.std_w"] ** 2 * v["product.mean_a"] ** 2
        + v["product.std_w"] ** 2 * v["product.std_a"] ** 2
    )
    assert v["mc.forward_glorot.symbolic"] == pytest.approx(2 * n_in / (n_in + n_out))
    assert v["mc.backward_glorot.symbolic"] == pytest.approx(2 * n_out / (n_in + n_out))
    assert v["mc.depth_explode.symbolic"] == pytest.approx(v["gain_explode"] ** v["depth"])
    assert v["mc.leaky_normal.symbolic"] == pytest.approx((1 + v["alpha"] ** 2) / 2)
    assert v["mc.truncated_std.symbolic"] == pytest.approx(schemes.TRUNCATED_NORMAL_STD, abs=1e-12)


def test_depth_vanishes_holds_and_explodes(derivation_result):
    v = derivation_result.values
    assert v["gain_vanish"] < 1 == v["gain_hold"] < v["gain_explode"]
    assert v["mc.depth_vanish.estimate"] + 6 * v["mc.depth_vanish.se"] < 1
    assert v["mc.depth_explode.estimate"] - 6 * v["mc.depth_explode.se"] > 1


def test_glorot_keeps_neither_variance_but_averages_one(derivation_result):
    v = derivation_result.values
    assert v["mc.forward_glorot.estimate"] - 6 * v["mc.forward_glorot.se"] > 1
    assert v["mc.backward_glorot.estimate"] + 6 * v["mc.backward_glorot.se"] < 1
    assert v["forward_mean_of_ratios"] == pytest.approx(1.0, abs=1e-12)


def test_tanh_linear_regime_is_an_approximation(derivation_result):
    small, unit = rows(derivation_result, "tanh")["small"], rows(derivation_result, "tanh")["unit"]
    assert small["z"] < -6  # measurably short of 1 ...
    assert (
        abs(small["shortfall"] - small["series_shortfall"]) <= 6 * small["se"]
    )  # ... by what the series says
    assert small["series_shortfall"] == pytest.approx(2 * small["input_var"])
    assert unit["estimate"] + 6 * unit["se"] < 0.5  # far from 0, tanh hands on less than half


def test_the_source_articles_claims(derivation_result):
    v = derivation_result.values
    assert v["harmonic_mean_of_fans"] is False
    assert v["hm_fans"] > 100 * v["glorot_variance"]
    assert v["he_variance"] != pytest.approx(
        v["twice_glorot"]
    )  # He is not twice Glorot when n_in != n_out
    assert v["he_variance"] == pytest.approx(2 / v["n_in"])  # but twice 1/n_in


# The schemes draw what the theory derives.


def test_scheme_rows_agree_with_the_theory_and_respect_their_bounds(derivation_result):
    table, n_in, n_out = (
        rows(derivation_result, "scheme"),
        derivation_result.values["n_in"],
        derivation_result.values["n_out"],
    )
    assert sorted(table) == sorted(SCHEME_ROWS)
    derived = {
        "lecun": theory.lecun_variance(n_in),
        "glorot": theory.xavier_variance(n_in, n_out),
        "he": theory.he_variance(n_in),
        "fan_out": theory.backward_variance(n_out),
    }
    for name, row in table.items():
        family = "fan_out" if name.startswith("fan_out") else name.split("_")[0]
        assert row["symbolic"] == pytest.approx(derived[family], rel=1e-12), name
        assert abs(row["estimate"] - row["symbolic"]) <= 6 * row["se"], name
        assert derivation_result.verdicts[f"scheme_{name}"]["outcome"] == "agrees", name
        assert row["n"] == derivation_result.values["scheme.draws"] > 500_000
        if "bound" in row:
            assert row["max_abs"] <= row["bound"] and row["max_abs"] > 0.99 * row["bound"], name


SCHEMES_AND_THEORY = {
    "he_normal": (dict(), lambda n_in, n_out: theory.he_variance(n_in)),
    "he_uniform": (dict(), lambda n_in, n_out: theory.he_variance(n_in)),
    "kaiming_normal": (dict(), lambda n_in, n_out: theory.he_variance(n_in)),
    "glorot_normal": (dict(), theory.xavier_variance),
    "glorot_uniform": (dict(), theory.xavier_variance),
    "xavier_uniform": (dict(), theory.xavier_variance),
    "lecun_normal": (dict(), lambda n_in, n_out: theory.lecun_variance(n_in)),
    "lecun_uniform": (dict(), lambda n_in, n_out: theory.lecun_variance(n_in)),
    "variance_scaling": (
        dict(scale=2.0, mode="fan_in", distribution="truncated_normal"),
        lambda n_in, n_out: theory.he_variance(n_in),
    ),
}


@pytest.mark.parametrize("name", list(SCHEMES_AND_THEORY))
@pytest.mark.parametrize("n_in, n_out", [(300, 100), (64, 512)])
def test_fresh_draws_of_each_scheme_have_the_derived_variance(name, n_in, n_out):
    params, derived = SCHEMES_AND_THEORY[name]
    init = schemes.get(name, **params)
    rng = np.random.default_rng(zlib.crc32(f"{name} {n_in}".encode()))
    W = np.concatenate([init(rng, (n_in, n_out)).ravel() for _ in range(8)])
    variance, se, _ = exp.variance_of(W)
    assert abs(variance - derived(n_in, n_out)) <= 6 * se


def test_every_row_verdict_can_go_either_way():
    from initdoc.experiments import derivation as exp

    def row(estimate, se, n=1000):
        return exp.compare(2.0, estimate, se, n)

    claim = exp.ROW_CLAIMS["depth_hold"]
    assert exp.judge(claim, row(2.01, 0.005))["outcome"] == "agrees"
    assert exp.judge(claim, row(2.5, 0.005))["outcome"] == "disagrees"  # a wrong formula
    assert exp.judge(claim, row(2.05, 0.02))["outcome"] == "inconclusive"  # too few draws
    for claim in [*exp.ROW_CLAIMS.values(), *exp.SCHEME_CLAIMS.values()]:
        assert claim.region.low == pytest.approx(1 - exp.MARGIN)
