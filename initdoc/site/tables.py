"""Tables that pages place with `{{ table: name }}`, generated from Python at build time.

A table is a function returning Markdown; it may quote build values with `{{ experiment.value }}`,
which are expanded after it, as strictly as the page's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from initdoc.site import frameworks


@dataclass(frozen=True)
class Advice:
    """A row of 'which initialization for which activation', with what it does both ways."""

    activation: str
    scheme: str
    why: str
    measured: str | None = None  # a key of the recommendations experiment
    specs: tuple[str, str] = (".2g", ".2g")  # how forward and backward print; "sci": median only


DEEP_TANH = "xavier.md#a-deep-tanh-stack-forward-and-backward"
ORTHOGONAL = "depth.md#random-matrices-right-on-average-not-draw-by-draw"
ADVICE = (
    Advice(
        "any", "never all zeros or one constant", "[the units stay identical](zero-and-constant.md)"
    ),
    Advice(
        "any",
        "a variance scaled to the fans, not a fixed small or large one",
        "[a fixed scale shrinks or blows up the signal](too-small-too-large.md)",
    ),
    Advice(
        "relu",
        "He (`he_normal`, `he_uniform`; PyTorch `kaiming_*_`)",
        "[relu halves the signal at every layer](he.md)",
        "relu_he",
    ),
    Advice(
        "leaky relu, slope {{ cheatsheet.leaky_slope }}",
        r"He for its slope: $2/((1+\alpha^2)\,n_\text{in})$",
        "[it keeps $(1+\\alpha^2)/2$ of the signal](derivation.md#he_leaky_relu)",
        "leaky_relu_he",
    ),
    Advice(
        "tanh", "Glorot (`glorot_*`)", "[derived in tanh's linear regime](xavier.md)", "tanh_glorot"
    ),
    Advice(
        "tanh",
        "LeCun (`lecun_*`)",
        "[the forward rule of the same derivation](xavier.md)",
        "tanh_lecun",
    ),
    Advice(
        "tanh, deep",
        "Glorot",
        f"[tanh squashes, so both directions fade]({DEEP_TANH})",
        "tanh_glorot_deep",
    ),
    Advice(
        "tanh, deep",
        "Glorot × 5/3 (PyTorch's tanh gain)",
        f"[keeps the forward signal, multiplies the gradient]({DEEP_TANH})",
        "tanh_gain_deep",
        (".2g", ",.0f"),
    ),
    Advice(
        "sigmoid",
        "Glorot, and expect the gradient to vanish",
        "[its slope is at most ¼](saturation.md); no scheme the [probe](probe.md) knows holds it",
        "sigmoid_glorot",
        (".2g", "sci"),
    ),
    Advice(
        "sigmoid, deep", "Glorot", "the same, compounded", "sigmoid_glorot_deep", (".2g", "sci")
    ),
    Advice(
        "linear / identity",
        "LeCun or Glorot",
        "[the product of the layers' gains decides](depth.md)",
        "identity_lecun",
    ),
    Advice(
        "linear / identity",
        "orthogonal",
        f"[it keeps every length exactly]({ORTHOGONAL})",
        "identity_orthogonal",
    ),
)


def _ratio(key: str, direction: str, spec: str) -> str:
    """×median (smallest–largest draw) of one direction, as page references."""
    ref = f"recommendations.{key}.{direction}"
    if spec == "sci":
        return f"×{{{{ {ref}:sci }}}}"
    return f"×{{{{ {ref}:{spec} }}}} ({{{{ {ref}_low:{spec} }}}}–{{{{ {ref}_high:{spec} }}}})"


def advice_table() -> str:
    """Which initialization for which activation, and what it measurably does both ways."""
    rows = []
    for a in ADVICE:
        if a.measured is None:
            rows.append([a.activation, a.scheme, "", "", "", a.why])
            continue
        depth = f"{{{{ recommendations.{a.measured}.depth }}}}"
        forward, backward = (
            _ratio(a.measured, d, spec) for d, spec in zip(("forward", "backward"), a.specs)
        )
        rows.append([a.activation, a.scheme, depth, forward, backward, a.why])
    header = ["activation", "initialize with", "layers", "forward", "backward", "why"]
    return frameworks.table(header, rows)


TABLES = {**frameworks.TABLES, "advice": advice_table}
