"""Experiments on a Dask cluster: the same cache and the same figure bytes as a local build,
and a worker with other initdoc source refused in one line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from initdoc.errors import UserError
from initdoc.pipeline import build, cluster

EXPERIMENTS = ["he_signal", "saturation_units"]  # two of the fastest with figures


@pytest.fixture(scope="module")
def scheduler():
    """A local Dask cluster of two single-threaded worker processes; its address."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as lc:
        yield lc.scheduler_address


def initdoc_modules() -> list:
    return [m for name, m in list(sys.modules.items()) if name.startswith("initdoc") and m]


def built_files(root, monkeypatch, **options) -> dict[str, bytes]:
    """Build EXPERIMENTS into the project root `root`; the bytes of every published file."""
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: test\n")
    monkeypatch.setenv("INITDOC_ROOT", str(root))
    build.build(EXPERIMENTS, jobs=1, log=lambda *_: None, **options)
    return {p.name: p.read_bytes() for p in sorted((root / "figures").iterdir()) if p.is_file()}


@pytest.mark.full
def test_a_cluster_build_writes_the_bytes_of_a_local_build(scheduler, tmp_path, monkeypatch):
    local = built_files(tmp_path / "local", monkeypatch)
    remote = built_files(tmp_path / "remote", monkeypatch, scheduler=scheduler)
    assert remote.keys() == local.keys() and len(local) > len(EXPERIMENTS)
    assert [name for name in local if remote[name] != local[name]] == []


@pytest.mark.full
def test_a_cluster_build_caches_what_the_workers_computed(scheduler, tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    monkeypatch.setenv("INITDOC_ROOT", str(tmp_path))
    assert cluster.compute(EXPERIMENTS, scheduler, log=lambda *_: None) == EXPERIMENTS
    reports = build.build(EXPERIMENTS, jobs=1, log=lambda *_: None)
    assert not any(report.ran for report in reports)  # every result came from the cluster
    assert cluster.compute(EXPERIMENTS, scheduler, log=lambda *_: None) == []  # cached now


@pytest.mark.full
def test_workers_that_run_the_clients_source_are_accepted(scheduler):
    with Client(scheduler) as client:
        cluster.prepare(client, cluster.source_digest())  # ships the package; no error
    # The package goes to the workers, never to the scheduler, which a LocalCluster runs in this
    # very process: initdoc here is still this checkout's, not a copy in a scratch folder.
    assert cluster.loaded_source() == cluster.source_digest()
    assert all(Path(m.__file__).is_relative_to(cluster.PACKAGE) for m in initdoc_modules())


@pytest.mark.full
def test_a_worker_with_other_source_is_refused_in_one_line(scheduler):
    """The workers run this checkout's source; a client that has other source (here: one
    that claims another digest) is refused, naming a worker, before anything runs."""
    with Client(scheduler) as client:
        with pytest.raises(
            UserError, match=r"^worker tcp://\S+ runs initdoc source .+, not the client's 0{20}$"
        ):
            cluster.prepare(client, "0" * 20)
        task = client.submit(cluster.compute_on_worker, "he_signal", "0" * 20, pure=False)
        with pytest.raises(UserError, match="this worker runs initdoc source"):
            task.result()


def test_no_scheduler_is_one_line(cli, tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: test\n")
    address = "tcp://127.0.0.1:9"
    proc = cli(
        "build", "he_signal", "--scheduler", address, root=tmp_path, INITDOC_CONNECT_SECONDS="1"
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"no Dask scheduler answers at {address}" in proc.stderr


@pytest.mark.parametrize("bad", ["soon", "0", "-1", "nan"])
def test_a_bad_connect_timeout_is_refused(monkeypatch, bad):
    monkeypatch.setenv(cluster.CONNECT_VARIABLE, bad)
    with pytest.raises(UserError, match="must be a positive number of seconds"):
        cluster.connect_seconds()


def test_the_connect_timeout_defaults_to_ten_seconds(monkeypatch):
    monkeypatch.delenv(cluster.CONNECT_VARIABLE, raising=False)
    assert cluster.connect_seconds() == 10
    monkeypatch.setenv(cluster.CONNECT_VARIABLE, "2.5")
    assert cluster.connect_seconds() == 2.5
