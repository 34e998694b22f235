"""What an experiment returns: named arrays, the values that pages quote, and its verdicts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from initdoc.pipeline.atomic import atomic_write

Scalar = int | float | bool | str


@dataclass
class Result:
    """Arrays for figures and tests; `values` are the scalars a page may quote; `verdicts` the
    judged claims (pipeline.verdicts), by key."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, Scalar] = field(default_factory=dict)
    verdicts: dict[str, dict] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]


def _plain(value):
    """Turn numpy scalars into JSON-ready Python scalars."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (int, float, bool, str)):
        return value
    raise TypeError(f"value of type {type(value).__name__} is not a scalar")


def save(result: Result, path: Path, key: str) -> None:
    """Write `result` to an .npz file atomically, stamped with its cache key and its array names."""
    values = {name: _plain(v) for name, v in result.values.items()}
    meta = {"key": key, "arrays": sorted(result.arrays), "values": values}
    meta = json.dumps({**meta, "verdicts": result.verdicts}, sort_keys=True)
    with atomic_write(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, __meta__=np.array(meta), **result.arrays)


def load(path: Path, key: str) -> Result | None:
    """A cached result; None if missing, truncated, corrupt, of another key or short of an array."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["__meta__"]))
            if meta.get("key") != key or not isinstance(meta.get("values"), dict):
                return None
            names = meta.get("arrays")
            if not isinstance(names, list) or set(names) != set(data.files) - {"__meta__"}:
                return None
            arrays = {name: data[name] for name in names}
    except Exception:  # truncated, corrupt or foreign: a cache miss, never trusted
        return None
    return Result(arrays=arrays, values=meta["values"], verdicts=meta.get("verdicts", {}))
