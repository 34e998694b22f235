"""The real site: built with strict MkDocs, its pages listed, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from initdoc.site import page_weight

ROOT = Path(__file__).resolve().parents[1]
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PREFIX = "/initdoc/"  # a GitHub Pages project site lives at https://OWNER.github.io/REPO/
# The browser tests drive Debian's chromium (never a downloaded one), with these flags.
CHROMIUM = Path(os.environ.get("INITDOC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build(out: Path, **env: str) -> Path:
    """`mkdocs build --strict` of the project (its figures/ already built) into `out`;
    `env` adds environment variables (SITE_URL, REPO_URL)."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env={**MKDOCS_ENV, **env},
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).splitlines()
        tail = "\n".join([line for line in output if line.strip() and "INFO" not in line][-25:])
        pytest.fail(f"mkdocs build --strict failed (exit {proc.returncode}):\n{tail}", False)
    return out


def mkdocs_build(
    project: Path, config: Path | None = None, timeout: float | None = None, cwd: Path | None = None
):
    """`mkdocs build --strict` of the project at `project` (its own mkdocs.yml, or `config`) into
    project/site, with INITDOC_ROOT=project, from `cwd` (default: this process's); the finished
    process, output captured."""
    files = ["-f", str(config or project / "mkdocs.yml"), "-d", str(project / "site")]
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *files],
        env={**MKDOCS_ENV, "INITDOC_ROOT": str(project)},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def small_project(root: Path, pages: dict[str, str], values: dict) -> Path:
    """A project at `root` with the given pages (file name -> Markdown, in nav order) and page
    values, on the real mkdocs.yml (inherited: same plugins, hook, theme and validation)."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    for folder in ("javascripts", "stylesheets"):
        shutil.copytree(ROOT / "docs" / folder, docs / folder)
    for name, text in pages.items():
        (docs / name).write_text(text)
    (root / "figures").mkdir()
    (root / "figures" / "results.json").write_text(json.dumps(values))
    (root / "figures" / "figures.json").write_text("{}")
    nav = ", ".join(f"{{{Path(name).stem.title()}: {name}}}" for name in pages)
    (root / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs}\n"
        f"hooks: [{ROOT / 'hooks' / 'references.py'}]\n"
        f"theme: {{custom_dir: {ROOT / 'hooks' / 'theme'}}}\n"
        f"nav: [{nav}]\n"
    )
    return root


def pages(site_dir: Path) -> list[str]:
    """Every page of a built site as a URL path ('' for the home page), from its HTML files."""
    return [
        html.relative_to(site_dir).as_posix().removesuffix("index.html")
        for html in page_weight.pages(site_dir)
    ]


class _Pages(http.server.SimpleHTTPRequestHandler):
    """Static files under a path prefix, as GitHub Pages serves a project site: quiet, and a
    missing file answered with the site's own 404.html and status 404."""

    prefix = "/"

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no such file")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(
    site_dir: Path, prefix: str = "/", port: int = 0
) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve `site_dir` at http://127.0.0.1:PORT/PREFIX (a free port unless given) from a
    background thread; the base URL and the server."""
    handler = functools.partial(
        type("Handler", (_Pages,), {"prefix": prefix}), directory=str(site_dir)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{prefix}", server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
