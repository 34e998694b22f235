"""What a page says about itself to the outside: a description, a picture, its last change."""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

DESCRIPTION_CHARS = 200
FIRST_FIGURE = re.compile(r"\{\{\s*figure:\s*([A-Za-z0-9_]+)\s*\}\}")


class _FirstParagraph(HTMLParser):
    """The text of the first <p> of a page's content."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts, self.done = 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag == "p" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "p" and self.depth:
            self.depth -= 1
            self.done = self.done or (self.depth == 0 and bool("".join(self.parts).strip()))

    def handle_data(self, data):
        if self.depth and not self.done:
            self.parts.append(data)


def description(content_html: str) -> str:
    """The page's first paragraph as plain text, cut at a word near DESCRIPTION_CHARS."""
    parser = _FirstParagraph()
    parser.feed(content_html)
    text = " ".join(html.unescape("".join(parser.parts)).split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def first_figure(markdown: str) -> str | None:
    """The name of the first figure a page's Markdown places, if any."""
    match = FIRST_FIGURE.search(markdown)
    return match.group(1) if match else None


def last_updated(path: Path) -> str | None:
    """The date (YYYY-MM-DD) of the last commit that changed `path`; None outside git."""
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError:
        return None
    return proc.stdout.strip() or None
