"""The claims of the Saxe, McClelland & Ganguli (2014) page, asserted on the result it shows."""

import numpy as np

from initdoc.experiments.saxe import (  # importing it also registers "saxe"
    epochs_to_threshold,
    learning_time_verdicts,
    spectrum_verdicts,
)

DEPTHS = (1, 4, 16, 64)
N_LAYERS = np.array([3, 4, 6, 8, 12, 16, 24, 32])


def medians(saxe_result, init):
    epochs = saxe_result[f"{init}.epochs"].astype(float)
    return np.median(np.where(epochs >= 0, epochs, np.inf), axis=0)


def outcomes(verdicts):
    return {k: v["outcome"] for k, v in verdicts.items()}


# Made-up results on both sides of every verdict's margin.


def made_up_epochs(power, seeds=10, noise=0.03, shift=0.0, seed=0):
    """Epochs ∝ N_l^power times (1 − shift/N_l), a shortcut that fades with depth, and noise."""
    rng = np.random.default_rng(seed)
    base = 100 * N_LAYERS**power * (1 - shift / N_LAYERS)
    return np.round(base * np.exp(rng.normal(0, noise, (seeds, len(N_LAYERS))))).astype(int)


def test_learning_time_verdicts_can_go_either_way():
    flat, grows = made_up_epochs(0.0), made_up_epochs(2.0, seed=1)
    paper = outcomes(learning_time_verdicts(N_LAYERS, grows, flat, 1500))
    assert paper == {
        "gaussian_grows": "agrees",
        "orthogonal_flat": "agrees",
        "orthogonal_flat_deep": "agrees",
        "gap_modest_at_6": "disagrees",  # N_l^2 from the same start is 36/1 at N_l = 6
        "gap_grows": "agrees",
    }
    same = outcomes(
        learning_time_verdicts(N_LAYERS, made_up_epochs(0.5, seed=2), made_up_epochs(0.5), 1500)
    )
    assert same == {
        "gaussian_grows": "agrees",
        "orthogonal_flat": "disagrees",
        "orthogonal_flat_deep": "disagrees",
        "gap_modest_at_6": "agrees",
        "gap_grows": "disagrees",
    }
    level = outcomes(learning_time_verdicts(N_LAYERS, flat, flat, 1500))
    assert level["gaussian_grows"] == "disagrees"
    # Growth only at the shallow end: flat over the deeper half, not over every depth.
    early = outcomes(learning_time_verdicts(N_LAYERS, grows, made_up_epochs(0.0, shift=2), 1500))
    assert early["orthogonal_flat"] == "disagrees" and early["orthogonal_flat_deep"] == "agrees"
    # Slopes that scatter ±0.4 around the margin itself leave the verdict open.
    scatter = np.where(np.arange(10) % 2, 0.4, -0.4)[:, None]
    at_margin = np.round(100 * N_LAYERS ** (0.2 + scatter)).astype(int)
    noisy = outcomes(learning_time_verdicts(N_LAYERS, grows, at_margin, 1500))
    assert noisy["orthogonal_flat_deep"] == "inconclusive"


def test_a_gaussian_run_out_of_budget_counts_as_the_budget_and_an_orthogonal_one_decides_nothing():
    grows, flat = made_up_epochs(2.0), made_up_epochs(0.0)
    censored = np.where(grows > 10000, -1, grows)
    v = learning_time_verdicts(N_LAYERS, censored, flat, 10000)
    assert v["gaussian_grows"]["outcome"] == "agrees"
    missing = flat.copy()
    missing[0, -1] = -1
    assert learning_time_verdicts(N_LAYERS, grows, missing, 10000)["orthogonal_flat"][
        "outcome"
    ] == ("inconclusive")


def made_up_spectra(one_edge, deep_small, deep_max, orthogonal_error=1e-15, n=50, draws=10):
    rng = np.random.default_rng(0)
    one = np.sort(rng.uniform(0, one_edge, (draws, n)))
    deep = np.where(rng.random((draws, n)) < deep_small, 0.01, 1.0)
    deep[:, 0] = deep_max
    ortho = 1 + orthogonal_error * np.ones((draws, n))
    return {
        "gaussian.L1": one,
        "gaussian.L64": deep,
        "orthogonal.L1": ortho,
        "orthogonal.L64": ortho,
    }


def test_spectrum_verdicts_can_go_either_way():
    paper = outcomes(spectrum_verdicts(made_up_spectra(2.0, 0.9, 12.0)))
    assert set(paper.values()) == {"agrees"}
    other = outcomes(spectrum_verdicts(made_up_spectra(3.0, 0.1, 1.5, orthogonal_error=1e-3)))
    assert set(other.values()) == {"disagrees"}


# The result the page shows.


def test_one_gaussian_matrix_follows_marchenko_pastur(saxe_result):
    v = saxe_result.values
    assert v["gaussian.L1.median"] < 1 and v["gaussian.L1.fraction_small"] > 0
    assert saxe_result.verdicts["marchenko_pastur"]["outcome"] == "agrees"


def test_gaussian_products_collapse_most_singular_values_and_stretch_a_few(saxe_result):
    v = saxe_result.values
    medians_by_depth = [v[f"gaussian.L{L}.median"] for L in DEPTHS]
    assert medians_by_depth == sorted(medians_by_depth, reverse=True)
    assert {
        saxe_result.verdicts[k]["outcome"] for k in ("gaussian_collapse", "gaussian_stretch")
    } == {"agrees"}


def test_orthogonal_products_are_exact_isometries(saxe_result):
    for L in DEPTHS:
        assert np.abs(saxe_result[f"orthogonal.L{L}.singular_values"] - 1).max() < 1e-12
    assert saxe_result.verdicts["orthogonal_isometry"]["outcome"] == "agrees"


def test_the_learning_time_verdicts_are_those_of_the_epochs_shown(saxe_result):
    again = learning_time_verdicts(
        saxe_result["n_layers"],
        saxe_result["gaussian.epochs"],
        saxe_result["orthogonal.epochs"],
        saxe_result.values["max_epochs"],
    )
    assert again == {k: saxe_result.verdicts[k] for k in again}


def test_orthogonal_is_faster_than_gaussian_beyond_the_shallowest_depth(saxe_result):
    assert np.all(medians(saxe_result, "orthogonal")[1:] < medians(saxe_result, "gaussian")[1:])
    assert (saxe_result["orthogonal.epochs"] >= 0).all()


def test_orthogonal_growth_is_at_the_shallow_end(saxe_result):
    # The page: the orthogonal start's growth lies between N_l = 3 and the deeper half's level.
    orth = medians(saxe_result, "orthogonal")
    deep = saxe_result["n_layers"] >= saxe_result.values["deep_from"]
    assert orth[0] < orth[deep].min()
    assert saxe_result.verdicts["orthogonal_flat"]["outcome"] == "disagrees"
    assert saxe_result.verdicts["orthogonal_flat_deep"]["outcome"] == "agrees"


def test_the_rate_kept_is_never_at_the_edge_of_the_grid(saxe_result):
    rates = saxe_result["rates"]
    for init in ("gaussian", "orthogonal"):
        kept = saxe_result[f"{init}.rate"]
        kept = kept[np.isfinite(kept)]
        assert kept.max() < rates.max() and kept.min() > rates.min()


def test_gradient_descent_matches_the_closed_form_for_one_matrix():
    # One matrix, E = ½‖T − W‖²: W_t − T = (1 − η)^t (W_0 − T), so the epoch to reach 1% of E(0)
    # is known.
    T = np.diag([2.0, 1.0])
    W0 = np.zeros((1, 2, 2))
    eta = np.array([0.1])
    t = epochs_to_threshold([W0], T, eta, 0.01, 1000)[0][0]
    assert t == int(np.ceil(np.log(0.01) / (2 * np.log(0.9))))


def test_gradient_of_a_deep_product_matches_finite_differences():
    rng = np.random.default_rng(1)
    Ws = [rng.standard_normal((1, 3, 3)) * 0.5 for _ in range(3)]
    T = rng.standard_normal((3, 3))
    # one step with a tiny rate changes E by -η‖∇E‖²; compare with E computed directly

    def E(ws):
        return 0.5 * np.sum((ws[0][0] @ ws[1][0] @ ws[2][0] - T) ** 2)

    eps = 1e-6
    grads = []
    for l in range(3):
        g = np.zeros((3, 3))
        for i in range(3):
            for j in range(3):
                up = [w.copy() for w in Ws]
                up[l][0, i, j] += eps
                down = [w.copy() for w in Ws]
                down[l][0, i, j] -= eps
                g[i, j] = (E(up) - E(down)) / (2 * eps)
        grads.append(g)
    eta = 1e-4
    target_after = E([w - eta * g[None] for w, g in zip(Ws, grads)])
    # epochs_to_threshold takes exactly one step before checking again: a threshold just above E
    # after one step
    threshold = (target_after + 1e-9) / (0.5 * np.sum(T**2))
    assert epochs_to_threshold(Ws, T, np.array([eta]), threshold, 1)[0][0] == 1
    threshold_below = (target_after - 1e-7) / (0.5 * np.sum(T**2))
    assert epochs_to_threshold(Ws, T, np.array([eta]), threshold_below, 1)[0][0] == -1
