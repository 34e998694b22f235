"""The claims of the Zhang, Dauphin & Ma (2019) Fixup page, asserted on the result it shows."""

import numpy as np

from initdoc import residual
from initdoc.experiments.fixup import (
    DRAWS,
    FLAT,
    STARTS,
    network,
    output_change,
    slopes,
    step_verdicts,
)

DEPTHS = np.array([4, 8, 16, 32, 64, 128])


def made_up_changes(power, draws=DRAWS, noise=0.1, seed=0):
    """Changes (depths × draws) ∝ L^power, with log-normal noise per network."""
    rng = np.random.default_rng(seed)
    return 1e-3 * DEPTHS[:, None] ** power * np.exp(rng.normal(0, noise, (len(DEPTHS), draws)))


def outcomes(fixup, zero_last):
    return {k: v["outcome"] for k, v in step_verdicts(DEPTHS, fixup, zero_last).items()}


def test_the_step_verdicts_can_go_either_way():
    paper = outcomes(made_up_changes(0.0), made_up_changes(1.0, seed=1))
    assert paper == {"fixup_flat": "agrees", "zero_last_grows": "agrees"}
    other = outcomes(made_up_changes(0.6), made_up_changes(0.3, seed=1))
    assert other == {"fixup_flat": "disagrees", "zero_last_grows": "disagrees"}
    noisy = outcomes(made_up_changes(FLAT, noise=3.0), made_up_changes(1 - FLAT, noise=3.0))
    assert set(noisy.values()) == {"inconclusive"}


def test_slopes_recover_a_power_of_depth():
    assert np.allclose(slopes(DEPTHS, made_up_changes(0.5, noise=0.0)), 0.5)


def test_fixup_starts_every_block_as_the_identity():
    net = network("fixup", 5, 6, 8)
    params = residual.init_params(np.random.default_rng(0), net)
    x = np.random.default_rng(1).normal(size=(4, 5))
    stem = residual.forward(net[:1], params[:1], x).out
    body = residual.forward(net[1:-1], params[1 : 1 + len(params) - 2], stem).out
    assert np.array_equal(body, stem)


# The result the page shows.


def test_fixup_keeps_the_first_step_flat_and_zero_last_alone_does_not(fixup_result):
    assert fixup_result.verdicts["fixup_flat"]["outcome"] == "agrees"
    assert fixup_result.verdicts["zero_last_grows"]["outcome"] == "agrees"
    v = fixup_result.values
    assert v["zero_last.change.ratio"] > 10 and 0.5 < v["fixup.change.ratio"] < 2


def test_scaled_branches_change_most_and_grow_with_depth(fixup_result):
    scaled = np.median(fixup_result["scaled.change"], axis=1)
    for other in ("fixup", "zero_last"):
        assert (scaled > np.median(fixup_result[f"{other}.change"], axis=1)).all()
    assert abs(fixup_result.values["scaled.change.slope"] - 1) < 0.2


def test_with_every_parameter_fixup_grows_but_less_than_the_others(fixup_result):
    v = fixup_result.values
    assert v["fixup.change_all.slope"] > FLAT
    for other in ("zero_last", "scaled"):
        assert v["fixup.change_all.slope"] < v[f"{other}.change_all.slope"]


def test_fixup_trains_without_diverging(residual_training_result):
    v = residual_training_result.values
    assert v["sgd.fixup.diverged"] == 0 and v["adam.fixup.diverged"] == 0


def test_float32_changes_the_output_changes_only_in_the_last_digits():
    """The experiment runs in float32: each start's changes, and their growth with depth, are
    those of float64 to four digits (the same draws, cast)."""
    X = np.random.default_rng(1).normal(size=(50, 32))
    y = np.arange(50) % 10
    for start in STARTS:
        found = {}
        for dtype in (np.float32, np.float64):
            rng = np.random.default_rng(2)
            found[dtype] = np.array(
                [output_change(rng, start, X, y, 16, L, 0.01, 4, dtype)[0] for L in (4, 16)]
            )
        assert np.allclose(found[np.float32], found[np.float64], rtol=1e-4), start
        growth = {d: slopes(np.array([4, 16]), c) for d, c in found.items()}
        assert np.allclose(growth[np.float32], growth[np.float64], atol=1e-4), start
