"""The Playground's data: compact, and decoding it gives back the runs the page shows."""

import base64
import json

import numpy as np
import pytest

from initdoc import data
from initdoc.experiments import playground as pg
from initdoc.figures import playground as fig

MAX_BYTES = 160_000  # the budget per file; the widget loads one (data set, activation) at a time


@pytest.fixture(scope="module", params=[(d, h) for d in pg.DATASETS for h in pg.HIDDEN])
def case(request, playground_result):
    dataset, hidden = request.param
    raw = json.dumps(
        fig.payload(playground_result, dataset, hidden), separators=(",", ":"), sort_keys=True
    )
    return dataset, hidden, raw, json.loads(raw)


def decode(text, dtype):
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(dtype).newbyteorder("<"))


def weights_of(entry, n_frames):
    """The six tensors per frame, as the widget rebuilds them."""
    flat = decode(entry["weights"], np.float32).reshape(n_frames, -1).astype(float)
    out, at = [], 0
    for n_in, n_out in zip(pg.SIZES[:-1], pg.SIZES[1:]):
        for shape in [(n_in, n_out), (1, n_out)]:
            size = int(np.prod(shape))
            out.append(flat[:, at : at + size].reshape(n_frames, *shape))
            at += size
    return out


def test_each_file_is_small(case):
    assert len(case[2].encode()) < MAX_BYTES


def test_weights_are_the_float32_weights(playground_result, case):
    dataset, hidden, _, payload = case
    frames = len(payload["frames"])
    for scheme, entry in payload["schemes"].items():
        i = fig._index(hidden, dataset, scheme)
        for name, decoded in zip(fig.TENSORS, weights_of(entry, frames)):
            np.testing.assert_array_equal(
                decoded, playground_result[name][i].reshape(decoded.shape).astype(np.float32)
            )


def test_boundaries_from_decoded_weights_are_the_same(playground_result, case):
    """What the widget draws: P(class 1) from the decoded weights, on the figures' grid, at every frame."""
    dataset, hidden, _, payload = case
    frames = len(payload["frames"])
    grid = data.grid(data.EXTENT, playground_result.values["grid_resolution"])
    for scheme, entry in payload["schemes"].items():
        i = fig._index(hidden, dataset, scheme)
        decoded = weights_of(entry, frames)
        stored = [(decoded[k], decoded[k + 1]) for k in (0, 2, 4)]
        exact = [(playground_result[f"W{l}"][i], playground_result[f"b{l}"][i]) for l in (1, 2, 3)]
        G = np.broadcast_to(grid, (frames, *grid.shape))
        error = np.abs(pg.probability(stored, hidden, G) - pg.probability(exact, hidden, G))
        assert error.max() < 1 / 255  # below one step of an 8-bit colour


def test_costs_decode_to_a_thousandth(playground_result, case):
    dataset, hidden, _, payload = case
    lo, hi = payload["cost_range"]
    for scheme, entry in payload["schemes"].items():
        codes = decode(entry["cost"], np.uint16).astype(float)
        decoded = 10 ** (lo + (codes - 1) / 65534 * (hi - lo))
        original = playground_result["costs"][fig._index(hidden, dataset, scheme)][
            payload["cost_steps"]
        ]
        np.testing.assert_allclose(decoded, original, rtol=1e-3)


def test_gradients_keep_their_sign_and_order_of_magnitude(playground_result, case):
    dataset, hidden, _, payload = case
    lo, hi = payload["grad_range"]
    for scheme, entry in payload["schemes"].items():
        i = fig._index(hidden, dataset, scheme)
        codes = decode(entry["grads"], np.int8).astype(float)
        original = np.concatenate(
            [
                playground_result["d" + n][i].reshape(len(payload["frames"]), -1)
                for n in fig.TENSORS
            ],
            axis=1,
        )
        original = original.ravel()
        shown = original[np.abs(original) >= 10**lo]
        levels = codes[np.abs(original) >= 10**lo]
        assert np.all(np.sign(levels) == np.sign(shown))
        decoded = np.sign(levels) * 10 ** (lo + (np.abs(levels) - 1) / 126 * (hi - lo))
        half_step = 10 ** ((hi - lo) / 126 / 2)
        inside = np.abs(shown) <= 10**hi
        assert np.all(np.abs(decoded / shown)[inside] <= half_step * (1 + 1e-9))
        assert np.all(np.abs(decoded / shown)[inside] >= 1 / half_step / (1 + 1e-9))


def test_points_and_labels_are_the_training_set(playground_result, case):
    dataset, _, _, payload = case
    d = pg.DATASETS.index(dataset)
    X = np.array(payload["points"]).reshape(-1, 2)
    assert np.abs(X - playground_result["X"][d]).max() <= 0.005 + 1e-12
    assert payload["labels"] == playground_result["y"][d].ravel().astype(int).tolist()
    assert len(payload["labels"]) == playground_result.values["n_points"]
