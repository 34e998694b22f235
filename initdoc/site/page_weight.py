"""Page weight: each page's own bytes (its HTML, the figures and widget data it references)
against a budget."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from initdoc.errors import UserError

BUDGET = 1_500_000  # bytes per page
OWN = (
    ".svg",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".json",
)  # files that belong to a page, not the theme


class _References(HTMLParser):
    """Collects the URLs of images and data files a page refers to."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if (
                (tag == "img" and name == "src")
                or (tag == "object" and name == "data")
                or name == "data-src"
            ):
                self.urls.append(value)
            elif name == "srcset":
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name.startswith("data-") and value.endswith(".json"):
                self.urls.append(value)


@dataclass
class Weight:
    """One page's bytes: its HTML, its figures (images) and its data (JSON), with the files
    counted."""

    page: str
    html: int
    figures: int
    data: int
    files: list[str]

    @property
    def total(self) -> int:
        return self.html + self.figures + self.data


def page_files(site: Path, html: Path) -> list[Path]:
    """The site files (images, JSON) that the page `html` refers to, each once."""
    parser = _References()
    parser.feed(html.read_text(encoding="utf-8"))
    base = "/" + html.relative_to(site).as_posix()
    found: dict[Path, None] = {}
    for url in parser.urls:
        parts = urlsplit(urljoin(base, url))
        if parts.scheme or parts.netloc:
            continue  # not a file of this site (a data: URI or another host)
        path = site / unquote(parts.path).lstrip("/")
        if path.suffix.lower() in OWN and path.is_file():
            found[path.resolve()] = None
    return list(found)


def pages(site: Path) -> list[Path]:
    """The HTML file of every page of the built site in `site` (not 404.html, nor theme or data
    files)."""
    found = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel != "404.html" and rel.split("/", 1)[0] not in ("assets", "figures", "search"):
            found.append(html)
    return found


def weigh(site: Path) -> list[Weight]:
    """The weight of every page of the built site in `site`."""
    weights = []
    for html in pages(site):
        rel = html.relative_to(site).as_posix()
        files = page_files(site, html)
        images = sum(f.stat().st_size for f in files if f.suffix.lower() != ".json")
        data = sum(f.stat().st_size for f in files if f.suffix.lower() == ".json")
        names = [f.relative_to(site.resolve()).as_posix() for f in files]
        weights.append(
            Weight(rel.removesuffix("index.html") or "/", html.stat().st_size, images, data, names)
        )
    return weights


def table(weights: list[Weight], budget: int = BUDGET) -> str:
    """The weights as a plain-text table, in kB, flagging pages over `budget`."""
    rows = [
        f"{'page':<28} {'HTML':>8} {'figures':>9} {'data':>8} {'total':>9}   "
        f"(kB; budget {budget / 1e3:.0f} kB)"
    ]
    for w in weights:
        flag = "  OVER BUDGET" if w.total > budget else ""
        rows.append(
            f"{w.page:<28} {w.html / 1e3:8.1f} {w.figures / 1e3:9.1f} {w.data / 1e3:8.1f} "
            f"{w.total / 1e3:9.1f}{flag}"
        )
    return "\n".join(rows)


def main(site: Path) -> int:
    """Print the table for a built site; exit status 1 if a page is over budget."""
    if not (site / "index.html").is_file():
        raise UserError(f"no built site in {site}/: run `make site` first")
    weights = weigh(site)
    print(table(weights))
    return 1 if any(w.total > BUDGET for w in weights) else 0
