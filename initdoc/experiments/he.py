"""He/Kaiming: relu halves the second moment; a 30-layer relu network under Xavier and He."""

from __future__ import annotations

import numpy as np

from initdoc import data, nn, schemes, theory, train
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# The schemes compared, in page order: key -> (label, initializer).
SCHEMES = {
    "xavier": ("Xavier N(0, 1/n_in)", schemes.lecun_normal()),
    "glorot": ("Glorot normal N(0, 2/(n_in+n_out))", schemes.glorot_normal()),
    "he": ("He normal N(0, 2/n_in)", schemes.he_normal()),
}
SMOOTH = 20  # steps in the running mean that decides when a run has left the plateau


def verdict(agrees: bool) -> str:
    """A claim's verdict as the Papers page's table shows it."""
    return "yes" if agrees else "no"


def lifted(rng, name: str, n: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D toy set mapped to `dim` inputs by a fixed random projection, each input standardized."""
    X2, y = data.toy(name, rng, n)
    X = X2 @ rng.standard_normal((2, dim))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X.astype(np.float32), y.astype(np.float32)


def network(rng, depth: int, n_x: int, width: int, init):
    """A relu MLP of `depth` weight layers, `width` units wide, one sigmoid output; float32."""
    sizes = [n_x] + [width] * (depth - 1) + [1]
    return nn.init_params(rng, sizes, init, dtype=np.float32), ["relu"] * (depth - 1) + ["sigmoid"]


def second_moment(v: np.ndarray) -> float:
    """E[v²] over every entry, in float64."""
    return float(np.mean(np.square(v, dtype=np.float64)))


def steps_to_leave_plateau(costs: np.ndarray, level: float) -> int:
    """First step at which the running mean of the cost is below `level`; -1 if never."""
    smooth = np.convolve(costs, np.ones(SMOOTH) / SMOOTH, mode="valid")
    below = np.flatnonzero(smooth < level)
    return int(below[0]) + SMOOTH - 1 if below.size else -1


@experiment(
    "he_signal",
    seed=0,
    dataset="circle",
    n=512,
    n_x=32,
    width=128,
    depth=30,
    draws=10,
    n_normal=1_000_000,
)
def he_signal(rng, dataset, n, n_x, width, depth, draws, n_normal) -> Result:
    """E[relu(z)²] against Var(z)/2, and each layer's signal at the start of a 30-layer relu network."""
    z = rng.standard_normal(n_normal)
    res = Result(
        values={
            "n_normal": n_normal,
            "depth": depth,
            "width": width,
            "n_x": n_x,
            "n": n,
            "draws": draws,
            "relu_moment_normal": float(np.mean(np.maximum(z, 0) ** 2) / z.var()),
        }
    )
    X, y = lifted(rng, dataset, n, n_x)
    draw_seeds = rng.integers(2**32, size=draws)
    top = depth - 1  # the last hidden layer
    for key, (_, init) in SCHEMES.items():
        a2, g2, kept = [], [], []
        for draw_seed in draw_seeds:  # the same standard normal draws for every scheme
            params, activations = network(np.random.default_rng(draw_seed), depth, n_x, width, init)
            rec = nn.forward(params, activations, X)
            g = nn.backward(params, rec, y, "binary_cross_entropy")
            a2.append([second_moment(rec.a[l]) for l in range(depth)])  # a[0] = x
            g2.append([second_moment(g.da[l]) for l in range(depth)])
            kept.append(
                [second_moment(rec.a[l]) / second_moment(rec.z[l]) for l in range(1, depth)]
            )
        a2, g2, kept = np.array(a2), np.array(g2), np.array(kept)
        forward = a2[:, top] / a2[:, 1]
        backward = g2[:, 1] / g2[:, top]
        res.arrays.update({f"{key}.a2": a2, f"{key}.g2": g2, f"{key}.kept": kept})
        res.values.update(
            {
                f"{key}.forward_ratio": float(forward[0]),
                f"{key}.backward_ratio": float(backward[0]),
                f"{key}.forward_ratio_min": float(forward.min()),
                f"{key}.forward_ratio_max": float(forward.max()),
                f"{key}.forward_ratio_median": float(np.median(forward)),
                f"{key}.backward_ratio_min": float(backward.min()),
                f"{key}.backward_ratio_max": float(backward.max()),
                f"{key}.factor": float(np.median(forward) ** (1 / (top - 1))),
                f"{key}.grad_factor": float(np.median(backward) ** (1 / (top - 1))),
                f"{key}.kept_mean": float(kept.mean()),
                f"{key}.kept_min": float(kept.min()),
                f"{key}.kept_max": float(kept.max()),
            }
        )
    res.values.update(
        {
            "he_over_xavier": theory.he_variance(width) / theory.lecun_variance(width),
            "he_over_glorot_first": theory.he_variance(n_x) / theory.xavier_variance(n_x, width),
            "he_over_glorot_hidden": theory.he_variance(width)
            / theory.xavier_variance(width, width),
            "he_over_glorot_last": theory.he_variance(width) / theory.xavier_variance(width, 1),
            "halving_over_depth": 0.5 ** (top - 1),
            "halvings": top - 1,
            "n_hidden": top,
            "he_to_xavier_forward": float(np.max(res["he.a2"][:, top] / res["xavier.a2"][:, top])),
        }
    )
    v = res.values  # He et al. (2015): relu halves the second moment; ½ n Var(w) = 1 keeps it, n Var(w) = 1 halves it
    v["halving_agrees"] = verdict(abs(v["relu_moment_normal"] - 0.5) < 0.01)
    v["he_keeps_agrees"] = verdict(
        abs(v["he.factor"] - 1) < 0.05 and abs(v["he.grad_factor"] - 1) < 0.05
    )
    v["xavier_halves_agrees"] = verdict(
        abs(v["xavier.factor"] - 0.5) < 0.05 and abs(v["xavier.grad_factor"] - 0.5) < 0.05
    )
    return res


@experiment(
    "he_training",
    seed=0,
    dataset="circle",
    n=512,
    n_x=32,
    width=128,
    depths=(22, 30),
    seeds=2,
    lr=0.01,
    beta=0.9,
    batch_size=64,
    steps=300,
)
def he_training(rng, dataset, n, n_x, width, depths, seeds, lr, beta, batch_size, steps) -> Result:
    """Training curves of 22- and 30-layer relu networks from Xavier, Glorot and He weights."""
    X, y = lifted(rng, dataset, n, n_x)
    level = float(np.log(2)) / 2
    res = Result(
        values={
            "dataset": dataset,
            "n": n,
            "n_x": n_x,
            "width": width,
            "seeds": seeds,
            "lr": lr,
            "beta": beta,
            "batch_size": batch_size,
            "steps": steps,
            "chance_cost": float(np.log(2)),
            "level": level,
            "smooth": SMOOTH,
        }
    )
    res.arrays["depths"] = np.array(depths)
    for depth in depths:
        res.values[f"depth{depths.index(depth)}"] = depth
        for key, (_, init) in SCHEMES.items():
            costs, leave, accuracy = [], [], []
            for seed in range(seeds):
                run_rng = np.random.default_rng([seed, depth])
                params, activations = network(run_rng, depth, n_x, width, init)
                run = train.train(
                    params,
                    activations,
                    "binary_cross_entropy",
                    X,
                    y,
                    optimizer=train.Momentum(lr, beta),
                    steps=steps,
                    batch_size=batch_size,
                    rng=run_rng,
                )
                predicted = nn.forward(run.final_params, activations, X).a[-1] > 0.5
                costs.append(run.costs)
                leave.append(steps_to_leave_plateau(run.costs, level))
                accuracy.append(float(np.mean(predicted == (y > 0.5))))
            tag = f"d{depth}.{key}"
            leave = np.array(leave)
            res.arrays.update({f"{tag}.costs": np.stack(costs), f"{tag}.leave": leave})
            res.values.update(
                {
                    f"{tag}.leave_min": int(leave.min()),
                    f"{tag}.leave_max": int(leave.max()),
                    f"{tag}.all_left": bool(np.all(leave >= 0)),
                    f"{tag}.initial_cost": float(np.mean([c[0] for c in costs])),
                    f"{tag}.min_accuracy": float(min(accuracy)),
                    f"{tag}.final_cost": float(np.mean([c[-SMOOTH:].mean() for c in costs])),
                }
            )
    v = res.values  # He et al. (2015): at 22 layers both converge, He earlier; at 30, Xavier stalls and He converges
    shallow, deep = (f"d{d}" for d in depths)
    v["he_earlier"] = v[f"{shallow}.he.leave_max"] < v[f"{shallow}.xavier.leave_min"]
    v["shallow_agrees"] = verdict(
        v[f"{shallow}.xavier.all_left"] and v[f"{shallow}.he.all_left"] and v["he_earlier"]
    )
    v["deep_xavier_stalls"] = not v[f"{deep}.xavier.all_left"]
    v["deep_agrees"] = verdict(v["deep_xavier_stalls"] and v[f"{deep}.he.all_left"])
    return res
