"""Zero and constant initialization: do hidden units that start equal ever become different?"""

from __future__ import annotations

import math

import numpy as np

from initdoc import data, nn, schemes, train
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# Each case: hidden activation, how W is drawn, how the hidden biases b1 are drawn.
CASES = {
    "zero_relu": ("relu", "zeros", "zero"),
    "zero_tanh": ("tanh", "zeros", "zero"),
    "zero_sigmoid": ("sigmoid", "zeros", "zero"),
    "constant_tanh": ("tanh", "constant", "zero"),
    "zero_w_random_b_tanh": ("tanh", "zeros", "random"),
    "constant_w_random_b_tanh": ("tanh", "constant", "random"),
    "random_tanh": ("tanh", "glorot_normal", "zero"),
}
BALANCED_CASE = ("sigmoid", "zeros", "zero")
LABELS = {
    "zero_relu": "zeros, relu",
    "zero_tanh": "zeros, tanh",
    "zero_sigmoid": "zeros, sigmoid",
    "constant_tanh": "constant W, tanh",
    "zero_w_random_b_tanh": "zero W, random b, tanh",
    "constant_w_random_b_tanh": "constant W, random b, tanh",
    "random_tanh": "Glorot normal, tanh",
    "balanced_zero_sigmoid": "zeros, sigmoid, balanced classes",
}


def unit_spread(W1: np.ndarray, W2: np.ndarray) -> float:
    """How far the hidden units are from identical: the largest gap between any unit's weights and
    unit 0's."""
    incoming = np.abs(W1 - W1[:, :1]).max()
    outgoing = np.abs(W2 - W2[:1, :]).max()
    return float(max(incoming, outgoing))


def _network(rng, case: tuple[str, str, str], n_hidden: int, alpha: float):
    """The 2-n_hidden-1 network of `case`: sigmoid output, its weights drawn as the case says."""
    activation, weights, biases = case
    init = schemes.constant(alpha) if weights == "constant" else schemes.get(weights)
    params = nn.init_params(rng, [2, n_hidden, 1], init)
    if biases == "random":
        (W1, _), second = params
        params = [(W1, rng.normal(0.0, 1.0, n_hidden)), second]
    return params, [activation, "sigmoid"]


@experiment(
    "symmetry",
    seed=0,
    n_points=200,
    fraction=0.3,
    n_hidden=4,
    alpha=0.5,
    lr=0.5,
    steps=3000,
    every=10,
    grid_resolution=61,
)
def symmetry(rng, n_points, fraction, n_hidden, alpha, lr, steps, every, grid_resolution) -> Result:
    """A 2-4-1 network on the circle set from zero, constant, zero-with-random-bias and random
    weights."""
    X, y = data.circle(rng, n_points, fraction=fraction)
    X_bal, y_bal = data.circle(rng, n_points, fraction=0.5)
    grid = data.grid(data.EXTENT, grid_resolution)
    at = list(range(0, steps, every))
    res = Result(
        arrays={"X": X, "y": y, "steps": np.array(at)},
        values={
            "n_points": n_points,
            "n_positive": int(y.sum()),
            "n_hidden": n_hidden,
            "alpha": alpha,
            "lr": lr,
            "steps": steps,
            "extent": data.EXTENT[1],
        },
    )
    share = float(y.mean())
    base_rate_cost = -(share * np.log(share) + (1 - share) * np.log(1 - share))
    res.values.update({"majority_share": max(share, 1 - share), "base_rate_cost": base_rate_cost})
    for case, spec in [*CASES.items(), ("balanced_zero_sigmoid", BALANCED_CASE)]:
        if case == "balanced_zero_sigmoid":
            X, y = X_bal, y_bal
        params, activations = _network(rng, spec, n_hidden, alpha)
        one_case(res, case, params, activations, X, y, lr, steps, at, grid, base_rate_cost)
    res.values["chance_cost"] = float(np.log(2))
    return res


def one_case(res: Result, case, params, activations, X, y, lr, steps, at, grid, base_rate_cost):
    """One start trained: its weights per snapshot, whether its hidden units stay identical, its
    cost and the map it learns over the input plane."""
    run = train.train(
        params,
        activations,
        "binary_cross_entropy",
        X,
        y,
        optimizer=train.SGD(lr),
        steps=steps,
        snapshot_at=at,
    )
    W1 = np.stack([s.params[0][0] for s in run.snapshots])  # (snapshots, 2, n_hidden)
    W2 = np.stack([s.params[1][0] for s in run.snapshots])  # (snapshots, n_hidden, 1)
    b1 = np.stack([s.params[0][1] for s in run.snapshots])
    dW1 = np.stack([s.grads[0][0] for s in run.snapshots])
    final = run.final_params
    side = math.isqrt(len(grid))
    prob = nn.forward(final, activations, grid).a[-1].reshape(side, side)
    hidden = nn.forward(final, activations, grid).a[1]
    predicted = nn.forward(final, activations, X).a[-1] > 0.5
    spreads = np.array([unit_spread(w1, w2) for w1, w2 in zip(W1, W2)])
    res.arrays.update(
        {
            f"{case}.W1": W1,
            f"{case}.W2": W2,
            f"{case}.b1": b1,
            f"{case}.dW1": dW1,
            f"{case}.costs": run.costs,
            f"{case}.prob": prob,
            f"{case}.spread": spreads,
            f"{case}.hidden_on_grid": hidden,
            f"{case}.final_W1": final[0][0],
        }
    )
    below = np.flatnonzero(run.costs < base_rate_cost / 2)
    res.values.update(
        {
            f"{case}.final_cost": float(run.costs[-1]),
            f"{case}.accuracy": float(np.mean(predicted == (y > 0.5))),
            f"{case}.final_spread": unit_spread(final[0][0], final[1][0]),
            f"{case}.W1_change": float(np.abs(final[0][0] - params[0][0]).max()),
            f"{case}.W2_change": float(np.abs(final[1][0] - params[1][0]).max()),
            f"{case}.diverged": run.diverged,
            f"{case}.steps_to_half": int(below[0]) if below.size else -1,
            f"{case}.first_grad": float(
                max(np.abs(g).max() for pair in run.snapshots[0].grads for g in pair)
            ),
        }
    )
