"""The Playground's data: compact, and decoding it gives back the runs the page shows."""

import base64
import json

import numpy as np
import pytest

from initdoc import data
from initdoc.experiments import playground as pg
from initdoc.figures import playground as fig
from initdoc.pipeline import registry

MAX_BYTES = 160_000  # the budget per file; the widget loads one (data set, activation) at a time


@pytest.fixture(scope="module", params=[(d, h) for d in pg.DATASETS for h in pg.HIDDEN])
def case(request, playground_result):
    dataset, hidden = request.param
    raw = json.dumps(
        fig.payload(playground_result, dataset, hidden), separators=(",", ":"), sort_keys=True
    )
    return dataset, hidden, raw, json.loads(raw)


def decode(text, spec):
    """The codes of one base64 field, with the dtype the payload's encoding names."""
    return np.frombuffer(base64.b64decode(text), dtype=np.dtype(spec["dtype"]))


def unlog(levels, spec):
    """Codes 1 .. levels + 1 back to values, as the widget decodes them."""
    lo, hi = spec["log10_range"]
    return 10 ** (lo + (levels - 1) / spec["levels"] * (hi - lo))


def weights_of(payload, entry):
    """The six tensors per frame, as the widget rebuilds them."""
    n_frames = len(payload["frames"])
    flat = decode(entry["weights"], payload["encoding"]["weights"]).reshape(n_frames, -1)
    flat = flat.astype(float)
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
    assert payload["tensors"] == fig.TENSORS
    for scheme, entry in payload["schemes"].items():
        i = fig._index(hidden, dataset, scheme)
        for name, decoded in zip(payload["tensors"], weights_of(payload, entry)):
            np.testing.assert_array_equal(
                decoded, playground_result[name][i].reshape(decoded.shape).astype(np.float32)
            )


def test_boundaries_from_decoded_weights_are_the_same(playground_result, case):
    """What the widget draws: P(class 1) from the decoded weights on the figure's grid."""
    dataset, hidden, _, payload = case
    frames = len(payload["frames"])
    grid = data.grid(data.EXTENT, playground_result.values["grid_resolution"])
    for scheme, entry in payload["schemes"].items():
        i = fig._index(hidden, dataset, scheme)
        decoded = weights_of(payload, entry)
        stored = [(decoded[k], decoded[k + 1]) for k in (0, 2, 4)]
        exact = [(playground_result[f"W{l}"][i], playground_result[f"b{l}"][i]) for l in (1, 2, 3)]
        G = np.broadcast_to(grid, (frames, *grid.shape))
        error = np.abs(pg.probability(stored, hidden, G) - pg.probability(exact, hidden, G))
        assert error.max() < 1 / 255  # below one step of an 8-bit colour


def test_costs_decode_to_a_thousandth(playground_result, case):
    dataset, hidden, _, payload = case
    spec = payload["encoding"]["cost"]
    for scheme, entry in payload["schemes"].items():
        decoded = unlog(decode(entry["cost"], spec).astype(float), spec)
        original = playground_result["costs"][fig._index(hidden, dataset, scheme)][
            payload["cost_steps"]
        ]
        np.testing.assert_allclose(decoded, original, rtol=1e-3)


def test_gradients_keep_their_sign_and_order_of_magnitude(playground_result, case):
    dataset, hidden, _, payload = case
    spec = payload["encoding"]["grads"]
    lo, hi = spec["log10_range"]
    for scheme, entry in payload["schemes"].items():
        i = fig._index(hidden, dataset, scheme)
        codes = decode(entry["grads"], spec).astype(float)
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
        decoded = np.sign(levels) * unlog(np.abs(levels), spec)
        half_step = 10 ** ((hi - lo) / spec["levels"] / 2)
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


def test_every_menu_choice_has_its_file(case):
    """The widget builds its menus and file names from the payload: each is a registered file."""
    _, _, _, payload = case
    menus = payload["choices"]
    assert [value for value, _ in menus["scheme"]] == payload["order"]
    assert set(payload["order"]) == set(payload["schemes"])
    for dataset, _ in menus["dataset"]:
        for hidden, _ in menus["hidden"]:
            name = payload["file"].format(dataset=dataset, hidden=hidden)
            assert registry.FIGURES[name].format == "json", name
