"""Shared test setup: the build's process settings, the test tiers, and fixtures for results,
the built site and the command line.

Tiers: a test that needs an experiment's result or the built site is marked `full`; every
other test is fast (`make test-fast` runs `pytest -m "not full"`). In a full run, the first
test that needs a result builds every experiment once, in parallel, into the project's cache
(as `make figures` does); later tests load from that cache.
"""

from initdoc.pipeline import environment

environment.configure()

import os
import subprocess
import sys
from pathlib import Path

import built_site
import pytest

from initdoc.pipeline import build, cache, registry, written

ROOT = Path(__file__).resolve().parents[1]
SUFFIX = "_result"  # the fixture of experiment NAME is NAME_result
FULL_FIXTURES = {"built", "site", "published"}
FULL_MODULES = {"test_browser", "test_docs_snippets", "test_faults"}
SITE_FIXTURES = {"site", "published"}

registry.load_all()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Mark `full` every test that uses a result or the site, or lives in a full-tier module;
    put every test of the built sites in one group, which one worker runs (pytest-xdist's
    --dist loadgroup), so that each site is built once."""
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        needs_results = any(name.endswith(SUFFIX) for name in uses) or FULL_FIXTURES & uses
        if needs_results or item.module.__name__ in FULL_MODULES:
            item.add_marker(pytest.mark.full)
        if SITE_FIXTURES & uses:
            item.add_marker(pytest.mark.xdist_group("sites"))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every experiment built once (cached, in parallel) into the project's cache and figures/.

    With several test processes (pytest-xdist), the first builds while the others wait on a lock
    in the run's shared temporary folder; they then find every experiment cached."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each process has a folder in the run's folder
        shared = shared.parent
    with written.locked(shared / "experiments"):
        return build.build(jobs=build.default_jobs(), log=lambda *_: None)


def _result_fixture(name: str):
    @pytest.fixture(scope="session", name=f"{name}{SUFFIX}")
    def fixture(built):
        return cache.run(registry.get_experiment(name))[0]

    fixture.__doc__ = f"The Result of experiment '{name}', the one the site shows."
    return fixture


for _name in registry.EXPERIMENTS:
    globals()[f"_fixture_{_name}"] = _result_fixture(_name)


@pytest.fixture(scope="session")
def site(built, tmp_path_factory) -> Path:
    """The site as `make site` builds it (same experiments), in a temporary folder; built once."""
    return built_site.build(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def browser():
    """Chromium (Debian's, never a downloaded one) driven by Playwright."""
    from playwright import sync_api

    if not built_site.CHROMIUM.exists():
        pytest.fail(
            f"chromium not found at {built_site.CHROMIUM}: install it with "
            "`apt-get install -y chromium` (Debian), as `.ci/run` does, or set INITDOC_CHROMIUM",
            pytrace=False,
        )
    playwright = sync_api.sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(built_site.CHROMIUM), args=built_site.CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def served(site):
    """The built site's base URL on 127.0.0.1."""
    url, server = built_site.serve(site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def published(built, tmp_path_factory):
    """(site folder, base URL): the site built for http://127.0.0.1:PORT/initdoc/ and served
    there, as GitHub Pages serves a project site; built once."""
    port = built_site.free_port()
    address = f"http://127.0.0.1:{port}{built_site.PREFIX}"
    site = built_site.build(tmp_path_factory.mktemp("published") / "site", SITE_URL=address)
    url, server = built_site.serve(site, built_site.PREFIX, port)
    yield site, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def cli():
    """cli(*args, root=None, **env): run `python -m initdoc ARGS`; the finished process.

    `root` sets INITDOC_ROOT (the project the command works on); `env` adds variables.
    """

    def run(*args: str, root: Path | None = None, timeout: float = 600, **env: str):
        extra = {"INITDOC_ROOT": str(root)} if root is not None else {}
        return subprocess.run(
            [sys.executable, "-m", "initdoc", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **extra, **env},
        )

    return run
