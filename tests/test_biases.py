"""The claims of the biases page, asserted on the result it shows."""

import numpy as np

from initdoc.experiments.biases import census


def deep_half(result, start, key):
    """The median over networks, averaged over the deeper half of the layers."""
    values = np.median(result[f"{start}.{key}"], axis=0)
    return float(values[len(values) // 2 :].mean())


def test_a_unit_whose_bias_is_far_below_zero_is_dead_on_every_input():
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.1, (4, 3))
    b = np.array([-10.0, 0.0, 10.0])
    found = census([(W, b)], rng.standard_normal((100, 4)))
    assert np.isclose(found["dead"][0], 1 / 3)


def test_he_with_zero_biases_loses_units_with_depth_but_keeps_the_input(biases_result):
    v = biases_result.values
    assert v["zero.dead.first"] == 0 and v["zero.dead.last"] > 0.1
    assert v["zero.dependence.last"] > 0.5


def test_a_small_constant_changes_little(biases_result):
    for key in ("dead", "dependence"):
        assert (
            abs(deep_half(biases_result, "const", key) - deep_half(biases_result, "zero", key))
            < 0.1
        )


def test_normal_biases_kill_more_units_and_weaken_the_input(biases_result):
    assert deep_half(biases_result, "normal", "dead") > deep_half(biases_result, "zero", "dead")
    assert deep_half(biases_result, "normal", "dependence") < (
        deep_half(biases_result, "zero", "dependence") - 0.1
    )


def test_pytorch_defaults_lose_the_input_because_of_the_weights(biases_result):
    v = biases_result.values
    assert v["torch.dependence.last"] < 1e-3
    assert v["torch.dead.last"] > max(v[f"{s}.dead.last"] for s in ("zero", "const", "normal"))
    assert v["he_torch.dependence.last"] > 0.5
