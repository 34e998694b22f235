"""The claims of the "Too small, too large" page, asserted on the results it shows."""

import numpy as np
import pytest

from initdoc import nn, train
from initdoc.experiments import playground as pg

HARD = ["circle", "spiral", "xor"]  # the sets that need a curved boundary


def value(playground_result, hidden, dataset, scheme, name):
    return playground_result.values[f"{hidden}.{dataset}.{scheme}.{name}"]


@pytest.mark.parametrize("hidden", pg.HIDDEN)
@pytest.mark.parametrize("scheme", ["appropriate", "too_large"])
def test_batched_trainer_matches_the_engine(playground_result, hidden, scheme):
    """The experiment trains all runs at once; the engine's train.train, one at a time, agrees."""
    d, s, h = pg.DATASETS.index("xor"), list(pg.SCHEMES).index(scheme), pg.HIDDEN.index(hidden)
    params = [
        (playground_result[f"W{l}"][h, d, s, 0], playground_result[f"b{l}"][h, d, s, 0])
        for l in (1, 2, 3)
    ]
    run = train.train(
        params,
        [hidden, hidden, "sigmoid"],
        "binary_cross_entropy",
        playground_result["X"][d],
        playground_result["y"][d],
        optimizer=train.SGD(playground_result.values["lr"]),
        steps=200,
    )
    np.testing.assert_allclose(playground_result["costs"][h, d, s, :200], run.costs, rtol=1e-9)


def test_the_weight_draw_is_shared_so_relu_logits_scale_as_v_to_the_three_halves(playground_result):
    for dataset in pg.DATASETS:
        base = value(playground_result, "relu", dataset, "appropriate", "max_initial_logit")
        for scheme in ["too_small", "he", "too_large"]:
            expected = base * pg.SCHEMES[scheme] ** 1.5
            assert value(
                playground_result, "relu", dataset, scheme, "max_initial_logit"
            ) == pytest.approx(expected, rel=1e-9)


def test_no_run_diverges(playground_result, init_scale_sweep_result):
    assert np.isfinite(playground_result["costs"]).all()
    assert not any(v for k, v in playground_result.values.items() if k.endswith(".diverged"))
    assert (
        init_scale_sweep_result.values["relu.nonfinite"] == 0
        and init_scale_sweep_result.values["tanh.nonfinite"] == 0
    )
    assert (
        init_scale_sweep_result.values["runs"]
        == len(pg.HIDDEN)
        * len(pg.DATASETS)
        * len(pg.SCHEMES)
        * init_scale_sweep_result.values["draws"]
    )


@pytest.mark.parametrize("hidden", pg.HIDDEN)
@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_zero_weights_never_learn(playground_result, init_scale_sweep_result, hidden, dataset):
    assert value(playground_result, hidden, dataset, "zero", "regime") == "no learning"
    assert (
        value(init_scale_sweep_result, hidden, dataset, "zero", "no_learning")
        == init_scale_sweep_result.values["draws"]
    )


@pytest.mark.parametrize("hidden", pg.HIDDEN)
@pytest.mark.parametrize("dataset", HARD)
def test_too_small_sits_at_chance_then_learns(
    playground_result, init_scale_sweep_result, hidden, dataset
):
    assert value(playground_result, hidden, dataset, "too_small", "regime") == "slow start"
    assert (
        value(playground_result, hidden, dataset, "too_small", "steps_at_chance") >= pg.SLOW_STEPS
    )
    for scheme in ["appropriate", "he"]:
        assert value(playground_result, hidden, dataset, scheme, "steps_at_chance") < 50
    assert (
        value(init_scale_sweep_result, hidden, dataset, "too_small", "slow_starts")
        > init_scale_sweep_result.values["draws"] / 2
    )


@pytest.mark.parametrize("hidden", pg.HIDDEN)
def test_too_small_is_only_briefly_slow_on_the_gaussians(playground_result, hidden):
    assert value(playground_result, hidden, "gaussians", "too_small", "regime") == "learns"
    assert (
        value(playground_result, hidden, "gaussians", "too_small", "steps_at_chance")
        < pg.SLOW_STEPS
    )


@pytest.mark.parametrize("hidden", pg.HIDDEN)
@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_too_small_starts_with_gradients_ten_times_smaller_or_less(
    playground_result, hidden, dataset
):
    ratio = value(playground_result, hidden, dataset, "too_small", "initial_grad") / value(
        playground_result, hidden, dataset, "appropriate", "initial_grad"
    )
    assert ratio < 0.1


@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_too_large_relu_starts_far_above_chance(playground_result, dataset):
    assert value(playground_result, "relu", dataset, "too_large", "initial_cost") > 20 * pg.CHANCE
    assert value(playground_result, "relu", dataset, "too_large", "initial_grad") > 50 * value(
        playground_result, "relu", dataset, "appropriate", "initial_grad"
    )


@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_too_large_tanh_starts_saturated_and_only_a_little_above_chance(playground_result, dataset):
    assert (
        pg.CHANCE
        < value(playground_result, "tanh", dataset, "too_large", "initial_cost")
        < 10 * pg.CHANCE
    )
    assert value(playground_result, "tanh", dataset, "too_large", "saturated_start") > 0.7
    assert value(playground_result, "tanh", dataset, "too_large", "saturated_end") > 0.7
    assert value(playground_result, "tanh", dataset, "appropriate", "saturated_start") < 0.2


@pytest.mark.parametrize("hidden", pg.HIDDEN)
@pytest.mark.parametrize("dataset", HARD)
def test_too_large_stalls_on_the_curved_sets(
    playground_result, init_scale_sweep_result, hidden, dataset
):
    assert value(playground_result, hidden, dataset, "too_large", "regime") == "stalled"
    assert value(playground_result, hidden, dataset, "too_large", "final_cost") > 10 * value(
        playground_result, hidden, dataset, "appropriate", "final_cost"
    )
    failed = value(init_scale_sweep_result, hidden, dataset, "too_large", "stalled") + value(
        init_scale_sweep_result, hidden, dataset, "too_large", "no_learning"
    )
    assert failed > init_scale_sweep_result.values["draws"] / 2


@pytest.mark.parametrize("dataset", HARD)
def test_too_large_relu_switches_off_the_second_hidden_layer(playground_result, dataset):
    large = value(playground_result, "relu", dataset, "too_large", "active_end_2")
    assert large < 0.25
    assert large < value(playground_result, "relu", dataset, "appropriate", "active_end_2")
    assert large < value(playground_result, "relu", dataset, "too_large", "active_start_2") / 2


def test_too_large_relu_separates_the_gaussians_with_a_huge_margin(playground_result):
    assert value(playground_result, "relu", "gaussians", "too_large", "regime") == "learns"
    assert (
        value(playground_result, "relu", "gaussians", "too_large", "final_cost")
        < value(playground_result, "relu", "gaussians", "appropriate", "final_cost") / 100
    )


def test_too_large_bounces_early_where_appropriate_does_not(playground_result):
    assert value(playground_result, "relu", "spiral", "too_large", "early_rises") > 0
    assert all(
        value(playground_result, "relu", d, "appropriate", "early_rises") == 0 for d in pg.DATASETS
    )


def test_oscillation_is_not_the_signature_of_too_large(playground_result, init_scale_sweep_result):
    assert not any(
        value(playground_result, "relu", d, "too_large", "oscillating") for d in pg.DATASETS
    )
    assert (
        init_scale_sweep_result.values["too_large.oscillating"]
        <= init_scale_sweep_result.values["appropriate.oscillating"]
    )
    assert (
        init_scale_sweep_result.values["appropriate.oscillating"]
        + init_scale_sweep_result.values["he.oscillating"]
        > 0
    )


def test_even_appropriate_weights_sometimes_stall_on_the_spiral(init_scale_sweep_result):
    assert value(init_scale_sweep_result, "relu", "spiral", "appropriate", "stalled") > 0
    assert (
        value(init_scale_sweep_result, "relu", "circle", "appropriate", "learns")
        == init_scale_sweep_result.values["draws"]
    )


def test_regime_definitions():
    steps = 1000
    flat = np.full(steps, pg.CHANCE)
    assert pg.regime(flat) == "no learning"
    assert pg.regime(np.r_[flat[:500], np.geomspace(0.6, 1e-3, 500)]) == "slow start"
    assert pg.regime(np.geomspace(0.6, 1e-3, steps)) == "learns"
    assert pg.regime(np.r_[np.geomspace(100, 0.5, 10), np.full(steps - 10, 0.45)]) == "stalled"
    assert pg.regime(np.r_[np.geomspace(1, 0.5, 10), np.full(steps - 10, np.nan)]) == "diverged"
    assert pg.oscillating(np.tile([0.5, 0.6], steps // 2)) and not pg.oscillating(
        np.geomspace(1, 0.1, steps)
    )


def test_frames_are_dense_early_and_end_on_the_last_step(playground_result):
    frames = playground_result["frames"]
    assert frames[0] == 0 and frames[-1] == playground_result.values["steps"] - 1
    assert np.all(np.diff(frames[:20]) == 1) and len(frames) == playground_result.values["n_frames"]


def test_accuracy_and_boundary_agree_with_a_fresh_forward_pass(playground_result):
    h, d, s = pg.HIDDEN.index("tanh"), pg.DATASETS.index("circle"), list(pg.SCHEMES).index("he")
    costs = playground_result["costs"][h, d, s]
    assert costs[-1] < costs[0]
    first = [
        (playground_result[f"W{l}"][h, d, s, 0], playground_result[f"b{l}"][h, d, s, 0])
        for l in (1, 2, 3)
    ]
    rec = nn.forward(first, ["tanh", "tanh", "sigmoid"], playground_result["X"][d])
    assert nn.cost(rec, playground_result["y"][d], "binary_cross_entropy") == pytest.approx(
        costs[0], rel=1e-12
    )


def test_the_slowest_too_small_run_is_tanh_on_xor_and_has_time_to_finish(playground_result):
    slowest = value(playground_result, "tanh", "xor", "too_small", "steps_at_chance")
    others = [
        v
        for k, v in playground_result.values.items()
        if k.endswith(".steps_at_chance") and ".zero." not in k
    ]
    assert slowest == max(others)
    assert slowest < playground_result.values["steps"] / 4


@pytest.mark.parametrize("hidden", pg.HIDDEN)
@pytest.mark.parametrize("dataset", pg.DATASETS)
@pytest.mark.parametrize("scheme", ["appropriate", "he"])
def test_appropriate_and_he_learn_from_the_first_steps_everywhere(
    playground_result, hidden, dataset, scheme
):
    assert value(playground_result, hidden, dataset, scheme, "regime") == "learns"


@pytest.mark.parametrize("dataset", pg.DATASETS)
def test_too_large_relu_falls_below_chance_within_twenty_steps(playground_result, dataset):
    assert value(playground_result, "relu", dataset, "too_large", "steps_at_chance") < 20


def test_the_oscillating_appropriate_and_he_runs_are_all_tanh_on_the_spiral(
    init_scale_sweep_result,
):
    for scheme in ["appropriate", "he"]:
        assert init_scale_sweep_result.values[f"{scheme}.oscillating"] == value(
            init_scale_sweep_result, "tanh", "spiral", scheme, "oscillating"
        )


def test_playground_page_claims(playground_result):
    """The Playground page's "things to try" quote these runs."""
    assert value(playground_result, "relu", "circle", "too_large", "accuracy") < 0.8
    assert value(playground_result, "relu", "gaussians", "too_large", "accuracy") == 1.0
    assert value(playground_result, "tanh", "circle", "too_large", "regime") == "stalled"
    for hidden in pg.HIDDEN:
        for dataset in pg.DATASETS:
            for name in ["W1", "W2", "W3"]:
                assert np.all(
                    playground_result[name][pg.HIDDEN.index(hidden), pg.DATASETS.index(dataset), 0]
                    == 0
                )


def made_up_costs(too_small_plateau: int, too_large_kind: str, steps: int = 400) -> np.ndarray:
    """Cost curves costs[hidden, dataset, scheme, draw, step]: too-small runs that sit at ln 2 for
    `too_small_plateau` steps, too-large runs that 'settle', 'diverge' or 'oscillate'."""
    shape = (len(pg.HIDDEN), len(pg.DATASETS), len(pg.SCHEMES), pg.SWEEP_DRAWS, steps)
    t = np.arange(steps)
    learning = np.log(2) * np.exp(-t / 50)
    costs = np.broadcast_to(learning, shape).copy()
    small, large = list(pg.SCHEMES).index("too_small"), list(pg.SCHEMES).index("too_large")
    costs[:, :, small] = np.where(
        t < too_small_plateau, np.log(2), np.log(2) * np.exp(-(t - too_small_plateau) / 50)
    )
    if too_large_kind == "diverge":
        costs[:, :, large, :, steps // 2 :] = np.nan
    elif too_large_kind == "oscillate":
        costs[:, :, large] = 0.5 + 0.2 * (t % 2)
    return costs


def test_sweep_verdicts_can_go_either_way():
    article = pg.sweep_verdicts(made_up_costs(200, "diverge"))
    assert (
        article["too_small_slow"]["outcome"] == article["too_large_diverges"]["outcome"] == "agrees"
    )
    assert article["too_large_oscillates"]["outcome"] == "disagrees"
    other = pg.sweep_verdicts(made_up_costs(0, "oscillate"))
    assert (
        other["too_small_slow"]["outcome"] == other["too_large_diverges"]["outcome"] == "disagrees"
    )
    assert other["too_large_oscillates"]["outcome"] == "agrees"


def test_the_sweep_verdicts_match_the_counts_the_page_quotes(init_scale_sweep_result):
    v, found = init_scale_sweep_result.values, init_scale_sweep_result.verdicts
    cells = [(h, d) for h in pg.HIDDEN for d in pg.DATASETS]
    diverged = sum(v[f"{h}.{d}.too_large.nonfinite"] for h, d in cells)
    assert found["too_large_diverges"]["draws"] == v["too_large.runs"]
    assert found["too_large_diverges"]["estimate"] == pytest.approx(diverged / v["too_large.runs"])
    assert found["too_large_oscillates"]["estimate"] == pytest.approx(
        v["too_large.oscillating"] / v["too_large.runs"]
    )
    slow = sum(v[f"{h}.{d}.too_small.slow_starts"] for h in pg.HIDDEN for d in pg.CURVED)
    assert found["too_small_slow"]["estimate"] == pytest.approx(
        slow / found["too_small_slow"]["draws"]
    )
