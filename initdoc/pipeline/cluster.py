"""Experiments on a Dask cluster: computed by its workers, then cached and drawn here.

The client ships its own copy of the initdoc package to every worker (a zip named by the
source digest), and every task checks that the worker runs exactly that source before it
computes; a worker with other code is refused with one line. Results come back to the
client, which stores them in its cache, so the figures and values are the ones a local build
writes.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from initdoc.errors import UserError
from initdoc.pipeline import cache, paths, registry
from initdoc.pipeline.paths import SCALES
from initdoc.pipeline.result import Result

PACKAGE = Path(__file__).resolve().parents[1]
CONNECT_VARIABLE = "INITDOC_CONNECT_SECONDS"  # how long to wait for the scheduler; default 10


def source_digest() -> str:
    """A hash of every .py file of the initdoc package this process imports (folder or zip)."""
    h = hashlib.sha256()
    todo = [("", importlib.resources.files("initdoc"))]
    files = []
    while todo:
        prefix, folder = todo.pop()
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name != "__pycache__":
                todo.append((f"{prefix}{entry.name}/", entry))
            elif entry.name.endswith(".py"):
                files.append((f"{prefix}{entry.name}", entry))
    for name, entry in sorted(files, key=lambda item: item[0]):
        h.update(name.encode() + b"\0" + entry.read_bytes())
    return h.hexdigest()[:20]


def package_zip(folder: Path, digest: str) -> Path:
    """The initdoc package's .py files as `folder/initdoc-DIGEST.zip`."""
    path = folder / f"initdoc-{digest}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in sorted(PACKAGE.rglob("*.py")):
            archive.write(source, f"initdoc/{source.relative_to(PACKAGE).as_posix()}")
    return path


def loaded_source() -> str:
    """This process's initdoc source: the package's digest, or what is wrong with it.

    A worker that imported initdoc modules from somewhere else before the client shipped its
    package keeps running them; that is reported rather than trusted.
    """
    package = str(importlib.resources.files("initdoc"))
    elsewhere = sorted(
        name
        for name, module in list(sys.modules.items())
        if (name == "initdoc" or name.startswith("initdoc."))
        and not str(getattr(module, "__file__", "") or "").startswith(package)
    )
    if elsewhere:
        return f"modules loaded from elsewhere ({elsewhere[0]}); restart the worker"
    return source_digest()


def compute_on_worker(name: str, digest: str, scale: str = SCALES[0]) -> Result:
    """On a worker: run experiment `name` uncached at `scale`, if it runs the client's source."""
    found = loaded_source()
    if found != digest:
        raise UserError(f"this worker runs initdoc source {found}, the client's is {digest}")
    registry.get_experiment(name)  # or a UserError naming the known ones
    return registry.EXPERIMENTS[name].at(scale)()


def connect_seconds() -> float:
    """How long to wait for the scheduler: $INITDOC_CONNECT_SECONDS, else 10."""
    text = os.environ.get(CONNECT_VARIABLE, "").strip() or "10"
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UserError(f"{CONNECT_VARIABLE} must be a positive number of seconds, not {text!r}")
    return seconds


def connect(address: str):
    """A Dask client of the scheduler at `address`, or a UserError saying how to start one."""
    from distributed import Client

    try:
        return Client(address, timeout=f"{connect_seconds()}s")
    except (OSError, TimeoutError) as err:
        raise UserError(
            f"no Dask scheduler answers at {address} ({type(err).__name__}); start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`"
        ) from err


def prepare(client, digest: str) -> None:
    """Ship the package to every worker and refuse any worker that does not then run it."""
    if not client.scheduler_info()["workers"]:
        raise UserError("the Dask cluster has no workers; start some with `dask worker ADDRESS`")
    from distributed.diagnostics.plugin import UploadFile

    with tempfile.TemporaryDirectory(prefix="initdoc-ship-") as tmp:  # to the workers only: the
        # scheduler runs no experiment (and in a LocalCluster it is this very process)
        plugin = UploadFile(str(package_zip(Path(tmp), digest)), load=True)
        client.register_plugin(plugin, name=f"initdoc-{digest}")
    found = client.run(loaded_source)
    other = {worker: source for worker, source in found.items() if source != digest}
    if other:
        worker, source = sorted(other.items())[0]
        raise UserError(f"worker {worker} runs initdoc source {source}, not the client's {digest}")


def compute(names: list[str], address: str, log: Callable[[str], None]) -> list[str]:
    """Compute on the cluster every named experiment whose cache entry is missing or stale,
    store each result in the local cache, and return the names computed."""
    registry.load_all()
    todo = {}
    for name in names:
        exp = registry.get_experiment(name)
        if cache.cached(exp) is None:
            todo[name] = (exp, cache.key(exp))  # the key is taken before the run, as locally
    if not todo:
        return []
    digest = source_digest()
    client = connect(address)
    try:
        prepare(client, digest)
        log(f"initdoc: {len(todo)} experiments on the cluster at {address}")
        futures = {
            client.submit(
                compute_on_worker, name, digest, paths.scale(), key=f"initdoc-{name}-{key}"
            ): name
            for name, (_, key) in todo.items()
        }
        from distributed import as_completed

        for future in as_completed(futures):
            name = futures[future]
            exp, key = todo[name]
            cache.store(exp, future.result(), key)
            log(f"  computed on the cluster: {name}")
    finally:
        client.close()
    return list(todo)
