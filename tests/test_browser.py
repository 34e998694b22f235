"""The site as a reader meets it: every page of the built site, loaded in Chromium from
127.0.0.1 only, served at the root of its host and under a sub-path."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import built_site
import pytest
from playwright import sync_api

SCREENSHOTS = built_site.ROOT / "test-output" / "screenshots"
# TeX that MathJax should have replaced: display or inline delimiters, or a command such as \frac.
RAW_MATH = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|begin|end|sqrt|sum|mathrm|text|left|right)\b"
    r"|\$[^$\n]*[\\^_{}][^$\n]*\$"
)

VISIBLE_TEXT = """() => {
  const skip = 'code, pre, script, style, noscript, textarea, mjx-container, .md-search-result, '
             + '.highlight, '
             + '.highlight-ipynb, .jp-InputArea, .clipboard-copy-txt';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (!n.parentElement.closest(skip)) parts.push(n.textContent);
  return parts.join('');
}"""
LOAD_EVERYTHING = """async () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = 'eager'; });
  window.scrollTo(0, document.body.scrollHeight);
  const settle = img => img.complete ? null : new Promise(r => { img.addEventListener('load', r);
                                                               img.addEventListener('error', r); });
  await Promise.race([Promise.all(imgs.map(settle)), new Promise(r => setTimeout(r, 5000))]);
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  window.scrollTo(0, 0);
}"""
MATH_TYPESET = """() => Array.from(document.querySelectorAll('.arithmatex'))
  .every(e => e.querySelector('mjx-container'))"""
MATH_DONE = """async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise)
                               await MathJax.startup.promise; }"""
INSPECT = r"""() => ({
  images: Array.from(document.images).map(img => ({
      src: img.currentSrc || img.src, alt: (img.getAttribute('alt') || '').trim(),
      loaded: img.complete && img.naturalWidth > 0})),
  figuresWithoutAlt: Array.from(document.querySelectorAll('figure')).filter(f =>
      !f.querySelector('img[alt]:not([alt=""]), [role="img"][aria-label], svg[aria-label], '
                       + 'canvas[aria-label]'))
      .map(f => f.id || f.textContent.trim().slice(0, 60)),
  arithmatex: document.querySelectorAll('.arithmatex').length,
  typeset: document.querySelectorAll('.arithmatex mjx-container').length,
  texErrors: Array.from(document.querySelectorAll('mjx-merror'))
      .map(e => e.getAttribute('data-mjx-error'))
      // undefined macros, shown in red
      .concat(Array.from(document.querySelectorAll('mjx-assistive-mml mtext'))
              .filter(e => e.textContent.startsWith('\\')).map(e => `undefined ${e.textContent}`)),
})"""


@dataclass
class Visit:
    """What loading one page did and showed."""

    path: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    math_timeout: bool = False
    raw_math: list[str] = field(default_factory=list)
    facts: dict = field(
        default_factory=lambda: {
            "images": [],
            "figuresWithoutAlt": [],
            "arithmatex": 0,
            "typeset": 0,
            "texErrors": [],
        }
    )
    screenshot: Path | None = None
    unchecked: str = ""  # why the page could not be loaded and inspected


def shot_name(path: str, folder: str = "") -> str:
    """The screenshot file name of a page path: 'pitfalls/depth/' -> 'pitfalls_depth.png'."""
    return folder + (path.strip("/").replace("/", "_") or "index") + ".png"


@pytest.fixture(scope="module", params=["root", "sub-path"])
def hosted(request, site, served, published):
    """(site folder, base URL): the site at the root of its host, and the site built for and
    served under the sub-path of a GitHub Pages project site."""
    return (site, served) if request.param == "root" else published


@pytest.fixture(scope="module")
def context(browser, hosted):
    """A browser context in which every request to another host is recorded and refused."""
    local = urlsplit(hosted[1]).netloc
    state = {"visit": None}
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc == local:
            r.continue_()
        else:
            if state["visit"]:
                state["visit"].foreign.append(url)
            r.abort()

    ctx.route("**/*", route)
    ctx.on("request", lambda req: state["visit"] and state["visit"].requests.append(req.url))
    ctx.on(
        "requestfailed",
        lambda req: state["visit"] and state["visit"].failed.append(f"{req.url} ({req.failure})"),
    )
    ctx.on(
        "response",
        lambda res: (
            state["visit"]
            and res.status >= 400
            and state["visit"].failed.append(f"{res.url} (HTTP {res.status})")
        ),
    )
    yield ctx, state
    ctx.close()


@pytest.fixture(scope="module")
def visits(hosted, context) -> dict[str, Visit]:
    """Load every page once: wait for images and MathJax, inspect, and save a screenshot
    (test-output/screenshots/, the sub-path's in its own folder)."""
    site, served = hosted
    ctx, state = context
    folder = SCREENSHOTS / ("" if urlsplit(served).path == "/" else "sub-path")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    results = {}
    for path in built_site.pages(site):
        visit = results[path] = state["visit"] = Visit(path)
        page = ctx.new_page()
        page.on("console", lambda m, v=visit: m.type == "error" and v.console_errors.append(m.text))
        page.on("pageerror", lambda e, v=visit: v.console_errors.append(f"uncaught: {e}"))
        try:
            inspect(page, served + path, visit, folder)
        except Exception as err:
            visit.unchecked = f"{type(err).__name__}: {str(err).splitlines()[0]}"
        page.close()
        state["visit"] = None
    return results


def inspect(page, url: str, visit: Visit, folder: Path) -> None:
    """Load `url`, open every detail, load every image, wait for MathJax, inspect, screenshot."""
    page.goto(url, wait_until="load")
    page.evaluate(LOAD_EVERYTHING)
    try:
        page.wait_for_function(MATH_TYPESET, timeout=15_000)
    except sync_api.TimeoutError:
        visit.math_timeout = True
    page.evaluate(MATH_DONE)
    page.wait_for_load_state("networkidle")
    visit.facts = page.evaluate(INSPECT)
    text = page.evaluate(VISIBLE_TEXT)
    visit.raw_math = list(
        dict.fromkeys(
            text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ").strip()
            for m in RAW_MATH.finditer(text)
        )
    )
    visit.screenshot = folder / shot_name(visit.path)
    page.screenshot(path=str(visit.screenshot), full_page=True)


def report(problems: dict[str, list]) -> str:
    """One line per page with problems, for an assertion message."""
    return "\n".join(f"  /{page}: {items}" for page, items in problems.items() if items)


def test_every_page_loads_and_can_be_inspected(visits):
    assert "" in visits and len(visits) >= 2, f"pages found: {sorted(visits)}"
    problems = {p: [v.unchecked] for p, v in visits.items() if v.unchecked}
    assert not problems, "pages that could not be checked:\n" + report(problems)


def test_no_request_leaves_the_local_server(visits):
    problems = {p: v.foreign for p, v in visits.items()}
    assert not any(problems.values()), (
        "requests to other hosts (the site must work offline):\n" + report(problems)
    )
    assert all(v.requests for v in visits.values())  # the recorder saw the page loads themselves


def test_no_failed_request(visits):
    problems = {p: v.failed for p, v in visits.items()}
    assert not any(problems.values()), "failed requests:\n" + report(problems)


def test_no_console_error(visits):
    problems = {p: v.console_errors for p, v in visits.items()}
    assert not any(problems.values()), "console errors:\n" + report(problems)


def test_every_image_loads_and_has_alt_text(visits):
    broken = {
        p: [i["src"] for i in v.facts["images"] if not i["loaded"]] for p, v in visits.items()
    }
    no_alt = {p: [i["src"] for i in v.facts["images"] if not i["alt"]] for p, v in visits.items()}
    bare = {p: v.facts["figuresWithoutAlt"] for p, v in visits.items()}
    assert not any(broken.values()), "images that did not load (naturalWidth 0):\n" + report(broken)
    assert not any(no_alt.values()), "images without alt text:\n" + report(no_alt)
    assert not any(bare.values()), "figures without an image that has alt text:\n" + report(bare)


def test_formulas_are_rendered(visits):
    untypeset = {
        p: [f"{v.facts['typeset']} of {v.facts['arithmatex']} formulas typeset"]
        for p, v in visits.items()
        if v.math_timeout or v.facts["typeset"] < v.facts["arithmatex"]
    }
    raw = {p: v.raw_math for p, v in visits.items()}
    errors = {p: v.facts["texErrors"] for p, v in visits.items()}
    assert not untypeset, "MathJax did not typeset every formula:\n" + report(untypeset)
    assert not any(raw.values()), "raw TeX left in the visible text:\n" + report(raw)
    assert not any(errors.values()), "TeX errors shown on the page:\n" + report(errors)


def test_a_screenshot_of_every_page(visits):
    for path, visit in visits.items():
        assert visit.screenshot and visit.screenshot.stat().st_size > 10_000, (
            f"/{path}: no screenshot worth a look"
        )


def a_word_on_the_site(site) -> str:
    """The most frequent long word in the site's search index (so it is certainly on some page)."""
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    words = Counter(w for d in docs for w in re.findall(r"\b[a-z]{7,}\b", d["text"].lower()))
    return words.most_common(1)[0][0]


def search(context, served: str, query: str):
    """Type `query` into the home page's search box and wait for the answer; the page, open."""
    ctx, _ = context
    page = ctx.new_page()
    page.goto(served, wait_until="load")
    page.click("input.md-search__input")
    page.keyboard.type(query)
    page.wait_for_function(
        "() => /matching/i.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=15_000,
    )
    return page


def test_search_finds_a_word_on_the_site(hosted, context):
    site, served = hosted
    word = a_word_on_the_site(site)
    page = search(context, served, word)
    try:
        hits = page.eval_on_selector_all(
            ".md-search-result__item", "els => els.map(e => e.textContent)"
        )
        links = page.eval_on_selector_all(
            ".md-search-result__item a", "els => els.map(e => e.href)"
        )
    finally:
        page.close()
    assert any(word[:5] in hit.lower() for hit in hits), f"no search result shows {word!r}: {hits}"
    pages = set(built_site.pages(site))
    base = urlsplit(served).path
    paths = [urlsplit(urljoin(served, link)).path for link in links]
    assert all(p.startswith(base) and p[len(base) :] in pages for p in paths), links


def test_search_finds_nothing_for_a_word_not_on_the_site(hosted, context):
    page = search(context, hosted[1], "qzxjvwk")
    try:
        hits = page.query_selector_all(".md-search-result__item")
        meta = page.text_content(".md-search-result__meta")
    finally:
        page.close()
    assert not hits and "no matching" in meta.lower(), meta


SNAPSHOT = """(root) => {
  const el = document.querySelector(root);
  const canvases = Array.from(el.querySelectorAll('canvas')).map(c => c.toDataURL());
  const svgs = Array.from(el.querySelectorAll('svg')).map(s => s.outerHTML);
  const range = el.querySelector('input[type=range]');
  return {drawn: canvases.concat(svgs).join('|'), text: el.innerText,
          frame: range ? Number(range.value) : null};
}"""


@pytest.mark.parametrize(
    "path, root", [("playground/", ".initdoc-playground"), ("mnist/", "#mnist-explorer")]
)
def test_widget_switches_and_plays(context, hosted, path, root):
    """Each explorer loads its data, redraws when a choice changes, and advances when played."""
    served = hosted[1]
    ctx, _ = context  # its route refuses any host but the local server
    page = ctx.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(urljoin(served, path), wait_until="networkidle")
    page.wait_for_timeout(800)
    before = page.evaluate(SNAPSHOT, root)
    assert before["drawn"], f"{path}: the widget drew nothing"
    for select in page.locator(f"{root} select").all():
        values = [o.get_attribute("value") for o in select.locator("option").all()]
        current = select.input_value()
        select.select_option(next(v for v in values if v != current))
        page.wait_for_timeout(600)
        after = page.evaluate(SNAPSHOT, root)
        assert after["drawn"] != before["drawn"] or after["text"] != before["text"], (
            f"{path}: choosing another {select.get_attribute('aria-label') or 'option'} "
            "changed nothing"
        )
        before = after
    page.locator(f"{root} button", has_text=re.compile("play", re.I)).first.click()
    page.wait_for_timeout(1500)
    played = page.evaluate(SNAPSHOT, root)
    assert played["frame"] is not None and played["frame"] > before["frame"], (
        f"{path}: play did not advance"
    )
    assert played["drawn"] != before["drawn"]
    local = urlsplit(served).netloc
    assert all(urlsplit(u).netloc == local for u in requests if u.startswith("http")), requests
    assert not errors, errors
    page.close()
