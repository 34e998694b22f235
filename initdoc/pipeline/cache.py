"""The experiment cache: keyed by parameters and the source code an experiment runs."""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
import types
from pathlib import Path

from initdoc.pipeline import result as result_io
from initdoc.pipeline import written
from initdoc.pipeline.paths import cache_dir
from initdoc.pipeline.registry import Experiment
from initdoc.pipeline.result import Result


def dependencies(module: types.ModuleType) -> list[types.ModuleType]:
    """Every initdoc module that `module` uses, directly or through others, itself included."""
    seen: dict[str, types.ModuleType] = {}
    todo = [module]
    while todo:
        mod = todo.pop()
        if mod.__name__ in seen:
            continue
        seen[mod.__name__] = mod
        for value in vars(mod).values():
            if isinstance(value, types.ModuleType):
                name = value.__name__
            else:
                name = getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith("initdoc") and name in sys.modules:
                todo.append(sys.modules[name])
    return [seen[name] for name in sorted(seen)]


def source_digest(modules: list[types.ModuleType]) -> str:
    """A hash of the source text of `modules`."""
    h = hashlib.sha256()
    for mod in modules:
        h.update(mod.__name__.encode())
        h.update(inspect.getsource(mod).encode())
    return h.hexdigest()


def key(exp: Experiment) -> str:
    """The cache key of `exp`: its name, seed, parameters, the code it depends on and its data."""
    module = sys.modules[exp.run.__module__]
    spec = json.dumps({"name": exp.name, "seed": exp.seed, "params": exp.params}, sort_keys=True)
    code = source_digest([*dependencies(module), result_io])
    data = exp.inputs(exp.params) if exp.inputs else ""
    return hashlib.sha256((spec + code + data).encode()).hexdigest()[:20]


def path(exp: Experiment) -> Path:
    """Where `exp`'s cached result lives."""
    return cache_dir() / f"{exp.name}.npz"


def cached(exp: Experiment) -> Result | None:
    """The cached result of `exp` if it is present, intact and current."""
    return result_io.load(path(exp), key(exp))


def run(exp: Experiment) -> tuple[Result, bool]:
    """The result of `exp` from cache, or computed and stored; also whether it was computed."""
    stamp = key(exp)  # taken before running, so code edited mid-run never gets this result
    found = result_io.load(path(exp), stamp)
    if found is not None:
        return found, False
    store(exp, exp(), stamp)
    return result_io.load(path(exp), stamp), True


def store(exp: Experiment, result: Result, stamp: str) -> None:
    """Write `result` as `exp`'s cache entry under the key `stamp`, noted as the build's."""
    result_io.save(result, path(exp), stamp)
    written.record(path(exp))
