"""The claims of the He/Kaiming page, asserted on the results it shows."""

import numpy as np
import pytest

from initdoc import theory
from initdoc.experiments.he import signal_verdicts, training_verdicts


def test_relu_keeps_half_the_second_moment_of_a_normal(he_signal_result):
    # E[relu(z)²] / Var(z): the numerator has std sqrt(E[relu(z)^4] - 1/4)/sqrt(n)
    # = sqrt(1.25)/sqrt(n)
    n = he_signal_result.values["n_normal"]
    assert he_signal_result.values["relu_moment_normal"] == pytest.approx(
        0.5, abs=6 * np.sqrt(1.25 / n) + 6 * np.sqrt(2 / n)
    )


def test_relu_keeps_half_inside_the_network_on_average(he_signal_result):
    kept = he_signal_result["he.kept"]
    assert kept.mean() == pytest.approx(0.5, abs=0.03)
    assert (
        he_signal_result.values["he.kept_min"] < 0.4
        and he_signal_result.values["he.kept_max"] > 0.6
    )  # single layers scatter


@pytest.mark.parametrize("key", ["xavier", "glorot"])
def test_xavier_halves_the_signal_every_layer(he_signal_result, key):
    assert he_signal_result.values[f"{key}.factor"] == pytest.approx(0.5, abs=0.05)
    assert he_signal_result.values[f"{key}.grad_factor"] == pytest.approx(0.5, abs=0.05)
    assert he_signal_result.values[f"{key}.forward_ratio_max"] < 1e-6
    assert he_signal_result.values[f"{key}.backward_ratio_max"] < 1e-6


def test_he_holds_the_signal(he_signal_result):
    assert he_signal_result.values["he.factor"] == pytest.approx(1.0, abs=0.05)
    assert he_signal_result.values["he.grad_factor"] == pytest.approx(1.0, abs=0.05)
    for ratio in ("forward_ratio", "backward_ratio"):
        assert (
            he_signal_result.values[f"he.{ratio}_min"] > 0.1
            and he_signal_result.values[f"he.{ratio}_max"] < 10
        )


def test_he_is_xavier_times_two_per_layer_with_the_same_draws(he_signal_result):
    ratio = he_signal_result["he.a2"] / he_signal_result["xavier.a2"]
    powers = 2.0 ** np.arange(he_signal_result.values["depth"])
    assert ratio == pytest.approx(np.broadcast_to(powers, ratio.shape), rel=1e-4)
    assert he_signal_result.values["he_to_xavier_forward"] == pytest.approx(
        2.0 ** he_signal_result.values["n_hidden"], rel=1e-4
    )


def test_he_prevents_vanishing_gradients(he_signal_result):
    assert he_signal_result.values["xavier.backward_ratio"] < 1e-6
    assert 0.1 < he_signal_result.values["he.backward_ratio"] < 10


def test_he_doubles_xavier_but_not_glorot(he_signal_result):
    n_x, width = he_signal_result.values["n_x"], he_signal_result.values["width"]
    assert he_signal_result.values["he_over_xavier"] == pytest.approx(2.0)
    assert he_signal_result.values["he_over_glorot_first"] == pytest.approx((n_x + width) / n_x)
    assert he_signal_result.values["he_over_glorot_first"] != pytest.approx(2.0)
    assert he_signal_result.values["he_over_glorot_hidden"] == pytest.approx(2.0)
    assert he_signal_result.values["he_over_glorot_last"] == pytest.approx((width + 1) / width)
    assert theory.he_variance(width) == pytest.approx(2 / width)


def test_xavier_starts_at_the_cost_of_a_coin_flip(he_training_result):
    # From 22 layers on the output is so small that every first cost is ln 2 to 1e-3; shallower
    # networks say a little more, and the mean over every depth (the page's number) is ln 2 to 5e-3.
    for depth in he_training_result["depths"]:
        first = he_training_result[f"d{depth}.xavier.first_cost"]
        assert first == pytest.approx(np.log(2), abs=1e-3 if depth >= 22 else 0.05)
    assert he_training_result.values["xavier.first_cost"] == pytest.approx(np.log(2), abs=5e-3)
    # He's outputs are of normal size from the start: its first cost is above ln 2
    assert he_training_result.values["he.first_cost"] > np.log(2) + 0.05


def test_he_leaves_the_plateau_far_sooner_at_every_depth(he_training_result):
    xavier = np.where(
        he_training_result["xavier.leave"] >= 0, he_training_result["xavier.leave"], np.inf
    )
    he = np.where(he_training_result["he.leave"] >= 0, he_training_result["he.leave"], np.inf)
    assert np.all(np.median(xavier, axis=0) > 1.5 * np.median(he, axis=0))


def test_the_xavier_stall_begins_where_the_page_says(he_training_result):
    v, depths = he_training_result.values, list(he_training_result["depths"])
    leave = he_training_result["xavier.leave"]
    mostly_left = (leave >= 0).mean(axis=0) > 0.5
    assert v["xavier.deepest_leaving"] < v["xavier.stall_from"]
    assert mostly_left[: depths.index(v["xavier.stall_from"])].all()
    assert not mostly_left[depths.index(v["xavier.stall_from"]) :].any()


def test_the_training_verdicts_are_those_of_the_steps_shown(he_training_result):
    r = he_training_result
    again = training_verdicts(r["depths"], r["xavier.leave"], r["he.leave"], r.values["budget"])
    assert again == {k: r.verdicts[k] for k in again}


# Made-up results on both sides of every verdict's margin.

DEPTHS = np.array([10, 16, 22, 30, 40, 50, 60])


def made_up_steps(per_layer: float, start: float = 50, seeds: int = 5, budget: int = 3000):
    """Steps to leave ∝ 2^(per_layer · depth), a little noise, -1 beyond the budget."""
    rng = np.random.default_rng(0)
    steps = start * 2 ** (per_layer * (DEPTHS - 10)) * np.exp(rng.normal(0, 0.05, (seeds, 7)))
    return np.where(steps <= budget, np.round(steps), -1).astype(int)


def test_training_verdicts_can_go_either_way():
    paper = training_verdicts(DEPTHS, made_up_steps(0.3), made_up_steps(0.0, 30), 3000)
    assert {k: v["outcome"] for k, v in paper.items()} == {
        "d22_xavier_converges": "agrees",
        "d22_he_earlier": "agrees",
        "d30_xavier_stalls": "agrees",
        "d30_he_converges": "agrees",
        "xavier_plateau_grows": "agrees",
        "he_plateau_flat": "agrees",
    }
    other = training_verdicts(DEPTHS, made_up_steps(0.0, 30), made_up_steps(0.3), 3000)
    assert {k: v["outcome"] for k, v in other.items()} == {
        "d22_xavier_converges": "agrees",  # a flat Xavier curve leaves at every depth
        "d22_he_earlier": "disagrees",
        "d30_xavier_stalls": "disagrees",
        "d30_he_converges": "disagrees",
        "xavier_plateau_grows": "disagrees",
        "he_plateau_flat": "disagrees",
    }
    never = np.full((5, 7), -1)
    assert training_verdicts(DEPTHS, never, never, 3000)["d22_xavier_converges"]["outcome"] == (
        "disagrees"
    )


def test_signal_verdicts_can_go_either_way():
    rng = np.random.default_rng(0)
    draws = lambda centre: centre * np.exp(rng.normal(0, 0.005, 10))  # noqa: E731
    right = {"he.forward": draws(1.0), "he.backward": draws(1.0)}
    right |= {"xavier.forward": draws(0.5), "xavier.backward": draws(0.5)}
    found = signal_verdicts((0.5001, 0.0009, 10**6), right)
    assert {v["outcome"] for v in found.values()} == {"agrees"}
    wrong = {k: v * 1.3 for k, v in right.items()}
    found = signal_verdicts((0.52, 0.0009, 10**6), wrong)
    assert {v["outcome"] for v in found.values()} == {"disagrees"}


def test_the_signal_verdicts_are_those_of_the_draws_shown(he_signal_result):
    r, top = he_signal_result, he_signal_result.values["n_hidden"]
    factors = {}
    for key in ("he", "xavier"):
        factors[f"{key}.forward"] = (r[f"{key}.a2"][:, top] / r[f"{key}.a2"][:, 1]) ** (
            1 / (top - 1)
        )
        factors[f"{key}.backward"] = (r[f"{key}.g2"][:, 1] / r[f"{key}.g2"][:, top]) ** (
            1 / (top - 1)
        )
    moment = (r.values["relu_moment_normal"], r.values["relu_moment_se"], r.values["n_normal"])
    again = signal_verdicts(moment, factors)
    assert again == {k: r.verdicts[k] for k in again}
    assert {v["outcome"] for v in again.values()} == {"agrees"}
