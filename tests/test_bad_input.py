"""Bad input, generated: every user-facing parser either works or says in one line what is wrong.

Hypothesis feeds the command line (probe specifications and flags, residual blocks and branch
scales included, build and run names, --jobs),
the MNIST IDX reader (arbitrary bytes, truncated and inconsistent headers), and page references
with their format specs. The property everywhere: the input works, or it raises UserError (exit
status 2 from the command line) with one line naming what is wrong; never a traceback, never a
wrong verdict or value, and never more memory than MEMORY_BOUND while refusing. The profile is
fixed and derandomized, so every run tries the same cases.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import io
import math
import re
import tracemalloc
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from initdoc import mnist, probe
from initdoc.__main__ import main
from initdoc.errors import UserError, one_line
from initdoc.pipeline import registry
from initdoc.site import references as pages

FIXED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MEMORY_BOUND = 10_000_000  # bytes a refused input may allocate (the README states it)

registry.load_all()


def cli(*argv: str) -> tuple[int, str, str]:
    """`python -m initdoc ARGV` in this process: exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit:
            status = exit.code
    return status, out.getvalue(), err.getvalue()


def assert_one_line_error(status: int, stderr: str, *names: str) -> None:
    """Exit status 2 and one line on stderr that names each of `names`."""
    assert status == 2, stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert not stderr.startswith("Traceback")  # one line, so no traceback anywhere
    for name in names:
        assert name in stderr, (name, stderr)


@contextlib.contextmanager
def peak_memory():
    """Measure the peak of Python and numpy allocations inside the block: `peak()` after it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = {}
    try:
        yield lambda: result["peak"]
    finally:
        result["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


# The command line: names, --jobs, probe specifications and flags.

names = st.text(min_size=1, max_size=30).filter(lambda s: s not in registry.EXPERIMENTS)


@FIXED
@given(command=st.sampled_from(["run", "build"]), name=names)
@example(command="run", name="symmetry\nTraceback (most recent call last):")
@example(command="build", name="--")
@example(command="build", name="-j")
def test_an_unknown_experiment_is_named_in_one_line(command, name):
    status, _, err = cli(command, "--", name)  # after --, even "-j" is a name
    assert_one_line_error(status, err, f"unknown experiment '{one_line(name)}'")


@FIXED
@given(jobs=st.text(max_size=12) | st.integers(-(10**30), 10**30).map(str))
@example(jobs="0")
@example(jobs="1e3")
@example(jobs="9" * 5000)  # more digits than int() reads
def test_jobs_is_a_whole_number_at_least_1(jobs):
    status, _, err = cli("build", "no_such_experiment", "--jobs", jobs)
    try:
        valid = int(jobs) >= 1
    except ValueError:
        valid = False
    if valid and not jobs.startswith("-"):
        assert_one_line_error(status, err, "unknown experiment 'no_such_experiment'")
    else:
        assert_one_line_error(status, err, "--jobs")


sizes = st.integers(1, 24).map(str) | st.tuples(st.integers(1, 12), st.integers(1, 4)).map(
    lambda nk: f"{nk[0]}*{nk[1]}"
)
architectures = st.lists(sizes, min_size=0, max_size=6).map("-".join) | st.text(max_size=40)
activations = st.sampled_from(probe.ACTIVATIONS) | st.text(max_size=12)
schemes_ = (
    st.sampled_from(probe.SCHEMES) | st.sampled_from(["orthogonal", "zeros"]) | st.text(max_size=12)
)


@settings(FIXED, max_examples=60)  # each probe also measures the other schemes
@given(
    architecture=architectures,
    activation=activations,
    scheme=schemes_,
    batch=st.integers(-3, 64) | st.integers(10**6, 10**12),
    seed=st.integers(-5, 2**70),
)
@example("784-" + "9" * 10000 + "-10", "relu", "he_normal", 10, 0)  # beyond int()'s digit limit
@example("10*999999999-10", "relu", "he_normal", 10, 0)  # a billion layers
@example("100000-100000-10", "relu", "he_normal", 10, 0)  # 10^10 weights
@example("5-5", "relu", "he_normal", 10**12, 0)  # a batch of 10^12
def test_probe_works_or_says_what_is_wrong(architecture, activation, scheme, batch, seed):
    with peak_memory() as peak:
        try:
            found = probe.run(architecture, activation, scheme, batch=batch, seed=seed)
        except UserError as err:
            found = err
    if isinstance(found, UserError):
        assert "\n" not in str(found) and peak() < MEMORY_BOUND
        return
    assert probe.parse_architecture(architecture) == found.sizes
    # The verdict follows from the numbers: never "holds" when a signal left float64's range.
    if not (np.all(np.isfinite(found.measured_z2)) and np.all(np.isfinite(found.measured_d2))):
        assert "holds" not in found.verdict
    if found.verdict == "holds":
        assert probe.VANISH <= found.forward <= probe.EXPLODE
        assert probe.VANISH <= found.backward <= probe.EXPLODE


branch_scales = (
    st.none()
    | st.sampled_from(["sqrt", "zero", "0", "0.5", "1", "3", "-1", "nan", "inf", "1e400", ""])
    | st.floats(0, 10).map(str)
    | st.text(max_size=8)
)


stacks = st.builds(  # an input, K hidden layers of one width, an output: K - 1 blocks
    "{}-{}*{}-{}".format, *(st.integers(1, 24), st.integers(1, 24), st.integers(1, 8)), sizes
)


@settings(FIXED, max_examples=60)  # a residual probe that does not hold measures the branch fixes
@given(
    architecture=stacks,
    activation=st.sampled_from(probe.ACTIVATIONS),
    scheme=st.sampled_from(probe.SCHEMES),
    residual=st.booleans(),
    scale=branch_scales,
)
@example("8-8*1000-8", "identity", "he_normal", True, None)  # ×3 per block: past float64
@example("784-300-100-10", "relu", "he_normal", True, None)  # no two equal hidden widths
@example("8-8-8-2", "relu", "he_normal", False, "sqrt")  # a branch scale without blocks
def test_a_residual_probe_works_or_says_what_is_wrong(
    architecture, activation, scheme, residual, scale
):
    with peak_memory() as peak:
        try:
            found = probe.run(
                architecture, activation, scheme, batch=16, residual=residual, branch_scale=scale
            )
        except UserError as err:
            found = err
    if isinstance(found, UserError):
        assert "\n" not in str(found) and peak() < MEMORY_BOUND
        return
    assert residual or scale is None  # a branch scale asks for blocks
    assert (found.blocks >= 1) == residual and 0 <= found.branch_scale < math.inf
    if not (np.all(np.isfinite(found.measured_z2)) and np.all(np.isfinite(found.measured_d2))):
        assert "holds" not in found.verdict
    if found.verdict == "holds":
        assert probe.VANISH <= found.forward <= probe.EXPLODE
        assert probe.VANISH <= found.backward <= probe.EXPLODE
    assert "verdict: the signal" in probe.report(found)


PROBE_FLAGS = (
    *("--activation", "--init", "--batch", "--seed", "--jobs", "-x"),
    *("--residual", "--branch-scale", "sqrt", "zero", "8-8-8-2"),
)


@FIXED
@given(
    architecture=st.text(max_size=20),
    flags=st.lists(
        st.sampled_from(PROBE_FLAGS) | st.text(max_size=8),
        max_size=6,
    ),
)
@example(architecture="4-4", flags=["--activation", "relu", "--init", "he_normal", "--batch", "x"])
@example(architecture="4-4", flags=["--activation", "relu", "--init", "he_normal", "--seed", "-1"])
@example(
    architecture="4-4-4-2",
    flags=["--activation", "relu", "--init", "he_normal", "--residual", "--branch-scale", "-2"],
)
def test_probe_flags_work_or_give_one_line_and_status_2(architecture, flags):
    status, out, err = cli("probe", architecture, *flags)
    if status == 0:
        assert "verdict: the signal" in out and err == ""
    else:
        assert_one_line_error(status, err)


def test_a_signal_that_overflows_float64_explodes_and_never_holds():
    # 2,000 identity layers under He double E[z²] per layer: past float64's range by layer ~1,100.
    found = probe.run("10-10*2000-10", "identity", "he_normal", batch=100)
    assert found.overflow is not None and not np.all(np.isfinite(found.measured_z2))
    assert found.verdict.startswith("explodes forward") and "holds" not in found.verdict
    assert "past float64's largest number at layer" in probe.report(found)
    # The same network 30 layers deep is measured normally: the verdict can come out either way.
    assert probe.run("10-10*30-10", "identity", "lecun_normal", batch=100).overflow is None


def test_a_signal_that_underflows_to_zero_vanishes_to_zero():
    # relu under LeCun halves E[z²] per layer: below float64's smallest number after ~1,100 layers.
    found = probe.run("10-10*1500-10", "relu", "lecun_normal", batch=100)
    assert found.measured_z2[found.hidden - 1] == 0 and found.forward == 0
    assert found.verdict == "vanishes to zero"
    assert probe.fate(0.0) == "vanishes to zero" and probe.fate(math.inf) == "explodes"
    with pytest.raises(ValueError, match="NaN"):
        probe.fate(math.nan)


def test_probe_sizes_are_checked_before_anything_is_allocated():
    for architecture, batch in [("10*999999999-10", 1), ("100000-100000-10", 1), ("5-5", 10**12)]:
        with peak_memory() as peak, pytest.raises(UserError):
            probe.run(architecture, "relu", "he_normal", batch=batch)
        assert peak() < 100_000, (architecture, peak())


# The MNIST IDX reader.


def idx(magic: int, dims: list[int], body: bytes) -> bytes:
    """An IDX file: magic number, dimensions (4 bytes each, big-endian), data."""
    return magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims) + body


def write(folder, images: bytes, labels: bytes, zipped: bool) -> None:
    """The two MNIST training files, optionally gzipped."""
    for name, blob in ((mnist.IDX_FILES["images"], images), (mnist.IDX_FILES["labels"], labels)):
        for stale in (folder / name, folder / f"{name}.gz"):
            stale.unlink(missing_ok=True)
        if zipped:
            (folder / f"{name}.gz").write_bytes(gzip.compress(blob, mtime=0))
        else:
            (folder / name).write_bytes(blob)


header_dims = st.integers(0, 2**32 - 1) | st.integers(0, 40)
image_files = (
    st.binary(max_size=200)
    | st.builds(
        lambda n, side, extra, cut: idx(2051, [n, side, side], bytes(n * side * side) + extra)[
            : None if cut == 0 else -cut
        ],
        st.integers(0, 12),
        st.sampled_from([28, 27, 0]),
        st.binary(max_size=3),
        st.integers(0, 20),
    )
    | st.builds(
        lambda dims: idx(2051, dims, b"\x00" * 784), st.lists(header_dims, min_size=3, max_size=3)
    )
)
label_files = st.binary(max_size=40) | st.builds(
    lambda labels, n, cut: idx(2049, [n], bytes(labels))[: None if cut == 0 else -cut],
    st.lists(st.integers(0, 12), max_size=14),
    header_dims,
    st.integers(0, 3),
)


@FIXED
@given(images=image_files, labels=label_files, zipped=st.booleans())
@example(images=idx(2051, [0, 28, 28], b""), labels=idx(2049, [0], b""), zipped=False)
@example(images=idx(2051, [2**32 - 1] * 3, b""), labels=idx(2049, [1], b"\x01"), zipped=True)
def test_the_idx_reader_works_or_says_what_is_wrong(tmp_path_factory, images, labels, zipped):
    folder = tmp_path_factory.mktemp("mnist")
    write(folder, images, labels, zipped)
    with peak_memory() as peak:
        try:
            found = mnist.load_idx(folder)
        except UserError as err:
            found = err
    assert peak() < MEMORY_BOUND + 3 * (len(images) + len(labels))
    if isinstance(found, UserError):
        assert "\n" not in str(found)
        return
    n = len(found.labels)
    assert n > 0 and found.images.shape == (n, 28, 28) and found.labels.max() <= 9
    assert found.images.tobytes() == images[16:] and found.labels.tobytes() == labels[8:]
    assert str(folder) not in found.source


def test_a_header_that_promises_too_much_is_refused_before_reading(tmp_path):
    # 100,001 images promised, and a gzip stream that really holds them (a 78 MB "bomb").
    n = mnist.MAX_DIGITS + 1
    write(tmp_path, idx(2051, [n, 28, 28], bytes(n * 784)), idx(2049, [n], bytes(n)), True)
    with peak_memory() as peak, pytest.raises(UserError, match="promises 100,001 images"):
        mnist.load_idx(tmp_path)
    assert peak() < 1_000_000
    # Promising fewer than the stream holds stops reading one byte past the promise.
    write(tmp_path, idx(2051, [10, 28, 28], bytes(n * 784)), idx(2049, [10], bytes(10)), True)
    with peak_memory() as peak, pytest.raises(UserError, match=r"more bytes than .* \(7856\)"):
        mnist.load_idx(tmp_path)
    assert peak() < 1_000_000


def test_the_reader_refuses_files_of_zero_images(tmp_path):
    write(tmp_path, idx(2051, [0, 28, 28], b""), idx(2049, [0], b""), False)
    with pytest.raises(UserError, match="holds no images") as err:
        mnist.load_idx(tmp_path)
    assert "\n" not in str(err.value)


# Page references and format specs.

VALUES = {"demo.n": 1234, "demo.x": 0.125, "demo.flag": True, "demo.s": "a <b> & [c](d)"}
text_values = st.text(max_size=40)


@FIXED
@given(value=text_values)
@example(value="<svg onload=alert(document.domain)>")
@example(value="[click](javascript:alert(1))")
@example(value='"><img src=x onerror=alert(1)>')
@example(value="{{ demo.n }} $x$ `code` *em* | cell")
def test_a_text_value_is_shown_as_it_is_and_never_becomes_markup(value):
    out = pages.expand("{{ demo.v }}", "p.md", {"demo.v": value}, {})
    control = lambda c: unicodedata.category(c) == "Cc" and c not in "\t\n\r"  # noqa: E731
    assert html.unescape(out) == "".join(repr(c)[1:-1] if control(c) else c for c in value)
    bare = re.sub(r"&#[0-9]+;", "", out)  # every ASCII punctuation mark is a character reference
    assert not any(c.isascii() and not c.isalnum() and c != " " for c in bare), out


numbers = st.integers(-(10**20), 10**20) | st.floats(allow_nan=True, allow_infinity=True)
specs = st.text(max_size=12) | st.from_regex(
    r"(.?[<>=^])?[-+ ]?z?#?0?[0-9]{0,3}[,_]?(\.[0-9]{1,3})?[bcdeEfFgGnosxX%]?", fullmatch=True
)


@FIXED
@given(value=numbers, spec=specs)
@example(value=1.5, spec="1000000000")  # a width that would allocate a gigabyte
@example(value=1.5, spec=".999999999f")
@example(value=10**20, spec="c")
def test_a_format_spec_gives_the_formatted_value_or_one_line(value, spec):
    assume("}" not in spec and "{" not in spec and "\n" not in spec)
    text = "{{ demo.v:" + spec + " }}"
    with peak_memory() as peak:
        try:
            out = pages.expand(text, "p.md", {"demo.v": value}, {})
        except pages.PageReferenceError as err:
            out = err
    assert peak() < MEMORY_BOUND
    if isinstance(out, pages.PageReferenceError):
        assert "\n" not in str(out) and str(out).startswith("p.md: ")
        return
    parsed = spec.rstrip()  # as the reference reads it: `{{ name:SPEC }}`, trailing space dropped
    if parsed and parsed != "sci":
        assert html.unescape(out) == format(value, parsed)  # what Python formats, never another


@FIXED
@given(
    before=st.text(max_size=20).filter(
        lambda s: (
            not {"{{", "}}", "~~~"} & {s[i : i + 2] for i in range(len(s))}
            | {s[i : i + 3] for i in range(len(s))}
        )
    ),
    inside=st.text(alphabet="x^{}_0123 ", max_size=20).filter(lambda s: s.strip() == s),
    delimiters=st.sampled_from(
        [("$", "$"), ("$$", "$$"), ("\\(", "\\)"), ("\\[", "\\]"), ("`", "`")]
    ),
)
@example(before="", inside="x^{{2}}", delimiters=("$", "$"))
@example(before="", inside="{{ demo.n }}", delimiters=("`", "`"))
def test_latex_braces_and_code_are_never_read_as_references(before, inside, delimiters):
    assume(inside and "$" not in before and "`" not in before and "\\" not in before)
    opening, closing = delimiters
    math_text = f"{opening}{inside}{closing}"
    out = pages.expand(f"{before} {math_text} {{{{ demo.n }}}}", "p.md", VALUES, {})
    assert out.endswith(f" {math_text} 1234")


@pytest.mark.parametrize(
    ("opening", "closing"), [("$", "$"), ("$$", "$$"), ("\\(", "\\)"), ("\\[", "\\]")]
)
def test_a_spaced_reference_in_math_is_placed_as_latex_unless_it_could_close_the_math(
    opening, closing
):
    values = {"demo.tex": r"\frac{a}{b} < c", "demo.n": 1234}
    out = pages.expand(
        f"{opening}x = {{{{ demo.tex }}}}, {{{{ demo.n }}}}{closing}", "p.md", values, {}
    )
    assert out == f"{opening}x = \\frac{{a}}{{b}} < c, 1234{closing}"
    for evil in ["$ <img src=x onerror=alert(1)> $", "\\] <b>", "\\) <b>", "a\n\nb"]:
        with pytest.raises(pages.PageReferenceError, match="cannot be placed in math"):
            pages.expand(f"{opening}{{{{ demo.tex }}}}{closing}", "p.md", {"demo.tex": evil}, {})
    env = "\\begin{aligned} {{ demo.tex }} \\end{aligned}"
    with pytest.raises(pages.PageReferenceError, match="cannot be placed in math"):
        pages.expand(env, "p.md", {"demo.tex": "\\end{aligned}<b>"}, {})
    with pytest.raises(pages.PageReferenceError, match=r"unknown value 'demo\.texx'"):
        pages.expand(f"{opening}{{{{ demo.texx }}}}{closing}", "p.md", values, {})


def test_in_page_links_escape_their_labels_and_keep_only_anchors():
    out = pages.expand("{{ demo.a:links }}", "p.md", {"demo.a": "one#x-1, <b>two#y_2"}, {})
    assert out == "[one](#x-1), [&#60;b&#62;two](#y_2)"
    out = pages.expand("{{ demo.a:links }}", "p.md", {"demo.a": "[a](javascript:x)#y"}, {})
    assert out == "[&#91;a&#93;&#40;javascript&#58;x&#41;](#y)"  # one link, to #y
    for text in ["none", "a#b c#d", "a#javascript:x"]:  # not label#anchor: shown as text
        out = pages.expand("{{ demo.a:links }}", "p.md", {"demo.a": text}, {})
        assert "](" not in out and html.unescape(out) == text


def test_a_code_block_of_values_cannot_be_closed_by_a_value():
    values = {"demo.a": "line one\n```\n<script>alert(1)</script>", "demo.b": 7}
    out = pages.expand("{{ code: demo.a, demo.b }}\n", "p.md", values, {})
    fence = out.splitlines()[0]
    assert fence == "````text" and out.splitlines()[-1] == "````"
    assert out.count("````") == 2  # the value's own ``` is content, not the end of the block
    with pytest.raises(pages.PageReferenceError, match="must stand alone on its line"):
        pages.expand("see {{ code: demo.b }}", "p.md", values, {})


def test_captions_keep_their_sub_and_superscripts_and_nothing_else():
    fig = {
        "file": "figures/f.svg",
        "caption": "σ<sub>w</sub>² and 10<sup>−3</sup>; <script>x()</script> & <b onclick=y()>",
        "alt": 'a plot"] (javascript:z()) [',
    }
    out = pages.expand("{{ figure: f }}", "p.md", {}, {"f": fig})
    assert "σ<sub>w</sub>² and 10<sup>−3</sup>" in out
    assert "&lt;script&gt;x()&lt;/script&gt; &amp; &lt;b onclick=y()&gt;" in out
    alt = out.split("![", 1)[1].split("](", 1)[0]
    assert not set(alt) & set('"[]<>') and html.unescape(alt) == fig["alt"]


@FIXED
@given(text=st.text(max_size=80))
@example(text="{{ demo.s }} {{ figure: nope }}")
@example(text="{{ demo.n:.2f }} {{ demo.flag:.2f }}")
def test_any_page_text_expands_or_names_the_page_and_the_reference(text):
    try:
        out = pages.expand(text, "p.md", VALUES, {})
    except pages.PageReferenceError as err:
        assert "\n" not in str(err) and str(err).startswith("p.md: ")
    else:
        assert isinstance(out, str)


# The README's fault table.

TESTS = Path(__file__).resolve().parent


def test_the_readme_fault_table_names_a_test_for_every_row_and_every_fault_test():
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Faults and bad input\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # after the header
    defined = {
        name
        for module in TESTS.glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", module.read_text(encoding="utf-8"), re.M)
    }
    named = set()
    for row in rows:
        tests = re.findall(r"`(test_\w+)`", row.rstrip(" |").rsplit("|", 1)[-1])
        assert tests and set(tests) <= defined, row
        named |= set(tests)
    for module in ("test_faults.py", "test_bad_input.py"):
        text = (TESTS / module).read_text(encoding="utf-8")
        missing = (
            set(re.findall(r"^def (test_\w+)", text, re.M))
            - named
            - {"test_the_readme_fault_table_names_a_test_for_every_row_and_every_fault_test"}
        )
        assert not missing, f"{module}: tests not in the README's fault table: {sorted(missing)}"
    assert f"allocates under {MEMORY_BOUND // 1_000_000} MB" in section
    assert f"at most {mnist.MAX_DIGITS:,} digits" in section
    assert f"above {probe.MAX_WEIGHTS:,} weights" in section and f"{probe.MAX_CELLS:,}" in section
