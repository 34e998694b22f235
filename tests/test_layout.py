"""The package's layers, as its folders name them: imports run one way."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "initdoc"
ENGINE = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
# What each layer may not import: the engine stands alone; experiments never draw; the pipeline
# knows nothing of the site or the tools.
FORBIDDEN = {
    "engine": (
        "initdoc.pipeline",
        "initdoc.site",
        "initdoc.tools",
        "initdoc.experiments",
        "initdoc.figures",
    ),
    "experiments": ("initdoc.figures", "initdoc.site", "initdoc.tools"),
    "pipeline": ("initdoc.site", "initdoc.tools"),
}


def imported(path: Path) -> set[str]:
    """Every module named by an import statement in `path`, including `from X import Y` as X.Y."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def layer_files(layer: str) -> list[Path]:
    if layer == "engine":
        return [PACKAGE / f"{name}.py" for name in ENGINE]
    return sorted((PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("layer", FORBIDDEN)
def test_imports_run_one_way(layer):
    crossings = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in layer_files(layer)
        for name in sorted(imported(path))
        if name.startswith(FORBIDDEN[layer])
    ]
    assert not crossings, crossings


def test_the_check_sees_a_crossing(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from initdoc.pipeline.registry import experiment\nimport initdoc.site\n")
    assert {"initdoc.pipeline.registry", "initdoc.site"} <= imported(bad)


def test_the_engine_is_what_the_design_names():
    assert set(ENGINE) >= {"schemes", "nn", "train", "data", "mnist", "lsuv", "theory", "probe"}
    assert set(ENGINE) <= {
        "schemes",
        "nn",
        "train",
        "data",
        "mnist",
        "lsuv",
        "theory",
        "probe",
        "errors",
        "residual",
        "norm",
    }
