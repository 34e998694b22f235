"""The site build: broken links, anchors and references fail it; every page stays within its
weight budget."""

from __future__ import annotations

import built_site
import pytest

from initdoc.site import assets, page_weight

HOME = "# Home\n\nSee [the other page](other.md#a-section); {{ demo.steps }} steps; $x^2$.\n"
OTHER = "# Other\n\n## A section\n\nText.\n"


@pytest.fixture
def project(tmp_path):
    """A two-page site on the real mkdocs.yml, with its own figures/."""
    return built_site.small_project(
        tmp_path, {"index.md": HOME, "other.md": OTHER}, {"demo.steps": 3}
    )


def test_the_intact_project_builds(project):
    proc = built_site.mkdocs_build(project)
    assert proc.returncode == 0, proc.stderr
    assert (project / "site" / "other" / "index.html").exists()


def test_a_build_keeps_the_notebooks_another_project_executed(project, tmp_path_factory):
    """mkdocs-jupyter deletes the executed notebooks a build did not use from its cache folder,
    which must be the built project's, not one under the folder the build was started from."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    digest = assets.package_digest()
    bystander = elsewhere / ".cache" / "mkdocs-jupyter" / digest / "notebook.json"
    bystander.parent.mkdir(parents=True)
    bystander.write_text("{}")
    proc = built_site.mkdocs_build(project, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert bystander.exists()


@pytest.mark.parametrize(
    "page, text, says",
    [
        (
            "other.md",
            "[missing](nope.md)",
            "contains a link 'nope.md', but the target is not found",
        ),
        ("index.md", "[anchor](other.md#nope)", "does not contain an anchor '#nope'"),
        (
            "other.md",
            '<a href="../missing/">raw HTML link</a>',
            "invalid url - ../missing/",
        ),  # htmlproofer
        ("other.md", '<a href="#nope">raw HTML anchor</a>', "invalid url - #nope"),  # htmlproofer
    ],
)
def test_a_broken_link_or_anchor_fails_the_strict_build(project, page, text, says):
    with open(project / "docs" / page, "a") as f:
        f.write(f"\n{text}\n")
    proc = built_site.mkdocs_build(project)
    assert proc.returncode != 0 and "Aborted" in proc.stdout + proc.stderr
    assert says in proc.stderr, proc.stderr


def test_an_unknown_value_fails_the_build_with_one_line_naming_page_and_reference(project):
    (project / "docs" / "other.md").write_text(OTHER + "\nIt took {{ demo.nope }} steps.\n")
    proc = built_site.mkdocs_build(project)
    lines = [line for line in proc.stderr.splitlines() if "demo.nope" in line]
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(lines) == 1 and "other.md: unknown value 'demo.nope'" in lines[0], proc.stderr


def test_every_page_is_within_its_weight_budget(site):
    weights = page_weight.weigh(site)
    print("\n" + page_weight.table(weights))
    assert weights and all(w.html > 0 for w in weights)
    over = [
        f"{w.page}: {w.total / 1e6:.2f} MB ({', '.join(w.files)})"
        for w in weights
        if w.total > page_weight.BUDGET
    ]
    assert not over, f"pages over the {page_weight.BUDGET / 1e6} MB budget:\n" + "\n".join(over)


def test_page_weight_counts_a_pages_own_figures_and_data(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.svg").write_bytes(b"x" * 1000)
    (tmp_path / "figures" / "w.json").write_bytes(b"y" * 300)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "theme.js").write_bytes(b"z" * 5000)
    (tmp_path / "p").mkdir()
    html = (
        '<img src="../figures/a.svg" alt="a"><img src="/figures/a.svg" alt="again">'
        '<div data-src="../figures/w.json"></div><script src="../assets/theme.js"></script>'
    )
    (tmp_path / "p" / "index.html").write_text(html)
    (tmp_path / "index.html").write_text("<p>home</p>")
    (weight,) = [w for w in page_weight.weigh(tmp_path) if w.page == "p/"]
    assert (weight.html, weight.figures, weight.data) == (len(html), 1000, 300)
