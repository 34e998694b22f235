"""The MNIST run: a 784-300×4-10 network trained from each initialization, frame by frame."""

from __future__ import annotations

import numpy as np

from initdoc import mnist, nn, schemes, theory, train
from initdoc.errors import UserError
from initdoc.pipeline.registry import experiment
from initdoc.pipeline.result import Result

# The four initializations of the original demo, plus He; each draws W of shape (n_in, n_out).
INITS = {
    "zero": ("zero", schemes.zeros()),
    "uniform": ("uniform U(±1/√n_in)", schemes.variance_scaling(1 / 3, "fan_in", "uniform")),
    "lecun": ("LeCun N(0, 1/n_in), the article's Xavier", schemes.lecun_normal()),
    "normal": ("standard normal N(0, 1)", schemes.normal(0.0, 1.0)),
    "he": ("He N(0, 2/n_in)", schemes.he_normal()),
}
HIDDEN = ("tanh", "relu")
RUNS = [f"{act}_{init}" for act in HIDDEN for init in INITS]
N_CLASSES = 10
SATURATED = 0.99  # a tanh unit with |a| above this passes back less than 2% of its gradient


def split(rng, labels: np.ndarray, n_train: int, n_heldout: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of a training and a held-out set, as many of each digit in both, shuffled."""
    if n_train % N_CLASSES or n_heldout % N_CLASSES:
        raise UserError(
            f"n_train and n_heldout must be multiples of {N_CLASSES} (one share per digit)"
        )
    per_train, per_heldout = n_train // N_CLASSES, n_heldout // N_CLASSES
    train_rows, heldout_rows = [], []
    for digit in range(N_CLASSES):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        if len(rows) < per_train + per_heldout:
            raise UserError(
                f"only {len(rows)} images of the digit {digit}; "
                f"n_train + n_heldout needs {per_train + per_heldout} of each"
            )
        train_rows.append(rows[:per_train])
        heldout_rows.append(rows[per_train : per_train + per_heldout])
    return rng.permutation(np.concatenate(train_rows)), rng.permutation(
        np.concatenate(heldout_rows)
    )


def display_batch(rng, labels: np.ndarray, n_display: int) -> np.ndarray:
    """Positions of n_display held-out digits, the same number of each, in a shuffled order."""
    per = n_display // N_CLASSES
    return rng.permutation(
        np.concatenate([np.flatnonzero(labels == d)[:per] for d in range(N_CLASSES)])
    )


def histogram(a: np.ndarray, lo: float, hi: float, bins: int, closed: bool) -> np.ndarray:
    """Shares of the finite values of `a` in `bins` equal bins on [lo, hi), then in one for >= hi.

    closed: hi itself belongs to the last bin (tanh reaches exactly 1.0 in float32), so the extra
    bin stays empty.
    """
    a = a[np.isfinite(a)].ravel()
    index = np.clip(np.floor((a - lo) / (hi - lo) * bins), 0, bins - 1 if closed else bins).astype(
        np.int64
    )
    return np.bincount(index, minlength=bins + 1) / max(a.size, 1)


def hist_range(act: str, relu_max: float) -> tuple[float, float]:
    """The histogram range of a hidden activation: tanh's [-1, 1]; relu's [0, relu_max]."""
    return (-1.0, 1.0) if act == "tanh" else (0.0, relu_max)


def data_digest(params: dict) -> str:
    """The digest of the MNIST files an experiment with these parameters reads (its cache key
    covers it)."""
    return mnist.digest(params["data"])


@experiment(
    "mnist",
    seed=0,
    inputs=data_digest,
    data=mnist.source(),
    n_train=4000,
    n_heldout=1000,
    n_display=100,
    hidden=[300, 300, 300, 300],
    lr=0.1,
    batch_size=100,
    epochs=10,
    every=8,
    bins=32,
    relu_max=4.0,
)
def mnist_run(
    rng, data, n_train, n_heldout, n_display, hidden, lr, batch_size, epochs, every, bins, relu_max
) -> Result:
    """MNIST digits, a 784-300x4-10 network, SGD from each initialization with tanh and relu."""
    digits = mnist.load(data)
    X = digits.images.reshape(len(digits.images), -1).astype(np.float32) / 255
    y = digits.labels.astype(np.int64)
    train_rows, heldout_rows = split(rng, y, n_train, n_heldout)
    X_train, y_train, y_held = X[train_rows], y[train_rows], y[heldout_rows]
    shown = display_batch(rng, y_held, n_display)
    sizes = [X.shape[1], *hidden, N_CLASSES]
    steps_per_epoch = -(-n_train // batch_size)
    steps = epochs * steps_per_epoch
    frames = np.array(sorted({*range(0, steps, every), steps}))  # the network after these steps
    order_seed = int(rng.integers(2**32))  # every run sees the same batches in the same order
    counts = np.bincount(y, minlength=N_CLASSES)
    images = digits.images[heldout_rows[shown]]
    res = Result(
        arrays={
            "frames": frames,
            "display_images": images,
            "display_labels": y_held[shown],
            "train_counts": np.bincount(y_train, minlength=N_CLASSES),
            "heldout_counts": np.bincount(y_held, minlength=N_CLASSES),
        },
        values={
            "source": digits.source,
            "n_digits": len(y),
            "per_digit_min": int(counts.min()),
            "per_digit_max": int(counts.max()),
            "n_train": len(y_train),
            "n_heldout": len(y_held),
            "n_train_per_digit": n_train // N_CLASSES,
            "n_heldout_per_digit": n_heldout // N_CLASSES,
            "n_display": len(shown),
            "display_per_digit": n_display // N_CLASSES,
            "display_bytes": int(images.nbytes),
            "lr": lr,
            "batch_size": batch_size,
            "epochs": epochs,
            "steps": steps,
            "steps_per_epoch": steps_per_epoch,
            "n_frames": len(frames),
            "every": every,
            "depth": len(hidden),
            "width": hidden[0],
            "bins": bins,
            "relu_max": relu_max,
            "chance_accuracy": 1 / N_CLASSES,
            "chance_cost": float(np.log(N_CLASSES)),
            "glorot_over_lecun_first": theory.xavier_variance(X.shape[1], hidden[0])
            / theory.lecun_variance(X.shape[1]),
        },
    )
    held = X[heldout_rows], y_held, shown
    train_every_run(res, rng, (X_train, y_train), held, sizes, lr, batch_size, epochs, order_seed)
    return res


def train_every_run(res: Result, rng, data, held, sizes, lr, batch_size, epochs, order_seed):
    """Every activation with every initialization trained on the same batches in the same order,
    recorded frame by frame on the held-out digits (`held`: images, labels, display positions)."""
    X_train, y_train = data
    X_held, y_held, shown = held
    frames, bins, relu_max = res["frames"], res.values["bins"], res.values["relu_max"]
    for run_name, run_rng in zip(RUNS, rng.spawn(len(RUNS))):
        act, init = run_name.split("_")
        activations = [act] * (len(sizes) - 2) + ["softmax"]
        params = nn.init_params(run_rng, sizes, INITS[init][1], dtype=np.float32)
        run = train.train(
            params,
            activations,
            "softmax_cross_entropy",
            X_train,
            y_train,
            optimizer=train.SGD(lr),
            epochs=epochs,
            batch_size=batch_size,
            rng=np.random.default_rng(order_seed),
            snapshot_at=frames[:-1],
        )
        res.arrays[f"{run_name}.costs"] = run.costs
        found = _frames(run, activations, X_held, y_held, shown, frames, bins, relu_max)
        res.arrays.update({f"{run_name}.{k}": v for k, v in found.items()})
        res.values.update(
            _summary(run_name, run, params, res.arrays, res.values["steps_per_epoch"])
        )


def _frames(
    run, activations, X_held, y_held, shown, frames, bins, relu_max
) -> dict[str, np.ndarray]:
    """Per frame: training cost, held-out accuracy, layer histograms, display-batch predictions."""
    n_hidden = len(activations) - 1
    lo, hi = hist_range(activations[0], relu_max)
    states = [s.params for s in run.snapshots] + ([] if run.diverged else [run.final_params])
    out = {
        "train_cost": np.full(len(frames), np.nan),
        "accuracy": np.full(len(frames), np.nan),
        "hist": np.zeros((len(frames), n_hidden, bins + 1)),
        "inactive": np.full((len(frames), n_hidden), np.nan),
        "saturated": np.full((len(frames), n_hidden), np.nan),
        "predictions": np.full((len(frames), len(shown)), -1, dtype=np.int8),
    }
    with np.errstate(all="ignore"):  # N(0, 1) weights overflow float32 on the way to diverging
        for i, params in enumerate(states):
            since = frames[i - 1] if i else 0
            out["train_cost"][i] = np.mean(
                run.costs[since : max(frames[i], 1)]
            )  # the batches since the last frame
            record = nn.forward(params, activations, X_held)
            predicted = record.a[-1].argmax(axis=1)
            out["accuracy"][i] = np.mean(predicted == y_held)
            out["predictions"][i] = predicted[shown]
            for l in range(1, n_hidden + 1):
                a = record.a[l]
                out["inactive"][i, l - 1] = np.mean(a == 0)
                out["saturated"][i, l - 1] = np.mean(np.abs(a) > SATURATED)
                if activations[0] == "tanh":
                    out["hist"][i, l - 1] = histogram(a, lo, hi, bins, closed=True)
                else:
                    positive = histogram(a[a != 0], lo, hi, bins, closed=False)
                    out["hist"][i, l - 1] = positive * (
                        1 - out["inactive"][i, l - 1]
                    )  # shares of all values
    out["n_valid"] = np.array(len(states))
    return out


def _summary(run_name, run, params, arrays, steps_per_epoch) -> dict:
    """The numbers a page quotes about one run."""
    n = int(arrays[f"{run_name}.n_valid"])
    last = n - 1
    accuracy, predictions = arrays[f"{run_name}.accuracy"], arrays[f"{run_name}.predictions"]
    labels = arrays["display_labels"]
    moved = [float(np.abs(W1 - W0).max()) for (W1, _), (W0, _) in zip(run.final_params, params)]
    bias_moved = [
        float(np.abs(b1 - b0).max()) for (_, b1), (_, b0) in zip(run.final_params, params)
    ]
    costs = run.costs
    values = (
        {}
        if run.diverged
        else {  # after a divergence these would describe a network that no longer exists
            f"{run_name}.last_epoch_cost": float(np.mean(costs[-steps_per_epoch:])),
            f"{run_name}.max_weight_change": max(moved),
            f"{run_name}.max_hidden_bias_change": max(bias_moved[:-1]),
            f"{run_name}.output_bias_change": bias_moved[-1],
        }
    )
    return (
        values
        | {
            f"{run_name}.diverged": run.diverged,
            f"{run_name}.diverged_at": -1 if run.diverged_at is None else int(run.diverged_at),
            f"{run_name}.first_cost": float(costs[0]),
            f"{run_name}.first_accuracy": float(accuracy[0]),
            f"{run_name}.final_accuracy": float(accuracy[last]),
            f"{run_name}.epoch1_accuracy": float(
                accuracy[min(last, np.searchsorted(arrays["frames"], steps_per_epoch))]
            ),
            f"{run_name}.final_misclassified": int(np.sum(predictions[last] != labels)),
            f"{run_name}.final_distinct_predictions": len(np.unique(predictions[last])),
        }
        | _edges(run_name, arrays, last)
    )


def _edges(run_name, arrays, last) -> dict:
    """The share of tanh units saturated, or of relu units at a = 0, at the first and last frame."""
    key = "saturated" if run_name.startswith("tanh") else "inactive"
    share = arrays[f"{run_name}.{key}"].mean(axis=1)
    return {
        f"{run_name}.first_{key}": float(share[0]),
        f"{run_name}.final_{key}": float(share[last]),
    }
