"""Every recommendation on the site, measured forward and backward over its depth (cheat sheet)."""

import numpy as np
import pytest

from initdoc import probe
from initdoc.experiments.recommendations import RECOMMENDATIONS
from initdoc.site import tables

HELD = (probe.VANISH, probe.EXPLODE)


def held(low: float, high: float) -> bool:
    return HELD[0] < low and high < HELD[1]


def test_the_advice_table_measures_only_known_recommendations():
    measured = {a.measured for a in tables.ADVICE} - {None}
    assert measured <= set(RECOMMENDATIONS)
    assert set(RECOMMENDATIONS) - measured == {"relu_torch_default"}  # quoted in the prose instead


@pytest.mark.parametrize("key", RECOMMENDATIONS)
def test_medians_lie_within_the_draws(recommendations_result, key):
    v = recommendations_result.values
    for direction in ("forward", "backward"):
        assert (
            v[f"{key}.{direction}_low"] <= v[f"{key}.{direction}"] <= v[f"{key}.{direction}_high"]
        )
    forward, backward = recommendations_result[key].T
    assert np.median(forward) == v[f"{key}.forward"] and np.median(backward) == v[f"{key}.backward"]


@pytest.mark.parametrize("key", ["relu_he", "leaky_relu_he", "identity_lecun"])
def test_the_matched_schemes_hold_both_ways_in_every_draw(recommendations_result, key):
    v = recommendations_result.values
    assert held(v[f"{key}.forward_low"], v[f"{key}.forward_high"])
    assert held(v[f"{key}.backward_low"], v[f"{key}.backward_high"])


def test_orthogonal_keeps_a_linear_stack_exactly(recommendations_result):
    assert recommendations_result["identity_orthogonal"] == pytest.approx(1.0, abs=1e-9)


def test_glorot_on_a_few_tanh_layers_loses_most_in_the_first(recommendations_result):
    v = recommendations_result.values
    for key in ("tanh_glorot", "tanh_lecun"):
        assert held(v[f"{key}.forward_low"], v[f"{key}.forward_high"])
        assert held(v[f"{key}.backward_low"], v[f"{key}.backward_high"])
        z2 = recommendations_result[f"{key}.z2"]
        drops = z2[1:] / z2[:-1]
        assert drops[0] < drops[1:].min()  # where the unit-variance inputs get squashed


def test_deep_tanh_fades_under_glorot_and_explodes_backward_under_the_gain(recommendations_result):
    v = recommendations_result.values
    assert v["tanh_glorot_deep.forward_high"] < probe.VANISH
    assert v["tanh_glorot_deep.backward_high"] < probe.VANISH
    assert v["tanh_gain_deep.forward_low"] > probe.VANISH
    assert v["tanh_gain_deep.backward_low"] > 100 * probe.EXPLODE


def test_sigmoid_holds_forward_and_loses_the_gradient(recommendations_result):
    v = recommendations_result.values
    for key in ("sigmoid_glorot", "sigmoid_glorot_deep"):
        assert held(v[f"{key}.forward_low"], v[f"{key}.forward_high"])
        assert v[f"{key}.backward_high"] < 1e-3
        assert v[f"{key}.backward_per_layer"] < 0.25**2  # below the slope bound, squared


def test_pytorch_linear_default_loses_both_ways_under_relu(recommendations_result):
    v = recommendations_result.values
    assert v["relu_torch_default.forward_high"] < probe.VANISH
    assert v["relu_torch_default.backward_high"] < probe.VANISH
