"""The real site: built with strict MkDocs, its pages listed, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from initdoc.site import page_weight

ROOT = Path(__file__).resolve().parents[1]
MKDOCS_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
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


def build(out: Path) -> Path:
    """`mkdocs build --strict` of the project (its figures/ already built) into `out`."""
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env=MKDOCS_ENV,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).splitlines()
        tail = "\n".join([line for line in output if line.strip() and "INFO" not in line][-25:])
        pytest.fail(f"mkdocs build --strict failed (exit {proc.returncode}):\n{tail}", False)
    return out


def pages(site_dir: Path) -> list[str]:
    """Every page of a built site as a URL path ('' for the home page), from its HTML files."""
    return [
        html.relative_to(site_dir).as_posix().removesuffix("index.html")
        for html in page_weight.pages(site_dir)
    ]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log every request."""

    def log_message(self, *args):
        pass


def serve(site_dir: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve `site_dir` on 127.0.0.1 (a free port) from a background thread; URL and server."""
    handler = functools.partial(_Quiet, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server
