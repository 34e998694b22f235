"""The probe: how the signal's size changes layer by layer in an MLP, predicted and measured.

Forward, the signal of layer l is the second moment E[z_l²] of its pre-activations; backward it is
E[δ_l²] with δ_l = ∂L/∂z_l, shown relative to the output layer's. The hidden layers use the chosen
activation and the output layer is linear. The measurement is one forward and one backward pass on
standard-normal inputs, starting the backward pass from a standard-normal error at the output
(∂L/∂a_L = ε/m), so that the gradients show what the layers do to it, not the size of the output.

Predictions chain the variance rule of the theory pages, E[z_l²] = n_in Var(W_l) E[a_{l-1}²]
and E[δ_l²] = n_out Var(W_{l+1}) E[δ_{l+1}²] E[f'(z_l)²], with E[f(z)²] and E[f'(z)²] for a
zero-mean normal z: exact for identity and (leaky) relu; for tanh the linear regime tanh z ≈ z,
an approximation that ignores saturation; for sigmoid no prediction, since its output has mean ½.

The verdict compares the first and the last hidden layer, both ways, so that it measures what depth
does and not the one-off factor of the input and output widths: below ×VANISH the signal vanishes,
above ×EXPLODE it explodes, in between it holds. When it does not hold, the probe measures the
schemes in CANDIDATES on the same network, the theory's choice for the activation first, and names
the first that holds.

With `residual`, every hidden layer after the first whose input and output widths are equal becomes
a block x + branch(x), the branch being the activation, then the linear layer (its weights × the
branch scale s). The branches add to the stream, so each block multiplies the second moment by
1 + s² n Var(W) E[f(z)²]/E[z²] (2 for He relu branches), forward and backward. When a residual
signal does not hold, the probe measures the branch scales in BRANCH_FIXES and names those that
hold.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass

import numpy as np

from initdoc import nn, residual, schemes, theory
from initdoc.errors import UserError, unknown

ACTIVATIONS = ("identity", "relu", "leaky_relu", "tanh", "sigmoid")
FAMILIES = {"lecun": "lecun", "glorot": "glorot", "xavier": "glorot", "he": "he", "kaiming": "he"}
SCHEMES = tuple(f"{family}_{dist}" for family in FAMILIES for dist in ("normal", "uniform"))
CANDIDATES = ("lecun_normal", "glorot_normal", "he_normal")
SUGGESTED = {
    "identity": "glorot_normal",
    "relu": "he_normal",
    "leaky_relu": "he_normal",
    "tanh": "glorot_normal",
    "sigmoid": "glorot_normal",
}
VANISH = 0.1  # an end-to-end ratio below this: the signal vanishes
EXPLODE = 10.0  # above this: it explodes
MAX_WEIGHTS = 20_000_000
MAX_CELLS = 10_000_000  # batch × (sum of layer sizes)
MAX_LAYERS = 10_000
MAX_BYTES = 8 * (2 * MAX_WEIGHTS + 4 * MAX_CELLS)  # W and dW; z, a, dz and da (float64): 640 MB
DIGITS = 9  # a size or repeat count has at most this many digits
APPROXIMATE = {
    "tanh": "tanh is predicted by its linear regime (tanh z ≈ z), which ignores saturation "
    "and overestimates once E[z²] is not small"
}
NO_PREDICTION = {
    "sigmoid": "no prediction for sigmoid: the rule assumes activations centred on 0, "
    "and a sigmoid's have mean ½"
}
LOSS_MARGIN = 1.1  # a measured initial loss above this × ln C: the logits start too large
LOSS_ROWS = 20_000  # Monte Carlo rows of the predicted initial loss
BRANCH_FIXES = {  # --branch-scale keyword: the fix it stands for
    "sqrt": "each branch × 1/√L for L blocks, the idea of GPT-2's scaled residual weights",
    "zero": "each branch starts at 0, as with Fixup and SkipInit",
}
WIDTH = 88  # the printout's longest line
SIZE = re.compile(r"([1-9][0-9]*)(?:\*([1-9][0-9]*))?", re.ASCII)


@dataclass(frozen=True)
class Probe:
    """One probe: the network, the predicted and measured signal per layer, and the verdict."""

    sizes: tuple[int, ...]
    activation: str
    scheme: str
    batch: int
    seed: int
    predicted_z2: np.ndarray | None  # E[z_l²], l = 1..L; None when the theory does not apply
    measured_z2: np.ndarray
    predicted_d2: np.ndarray | None  # E[δ_l²] / E[δ_L²]
    measured_d2: np.ndarray
    predicted_loss: float | None = None  # initial loss of the outputs as softmax logits
    measured_loss: float | None = None  # the same on the measured logits, against random labels
    skips: tuple[bool, ...] = ()  # per layer, whether it is a residual block; () for an MLP
    branch_scale: float = 1.0  # s, the factor on each block's weights
    scale_name: str = "1"  # s as asked for: a number, 'sqrt' or 'zero'

    @property
    def blocks(self) -> int:
        """The number of residual blocks (0 for an MLP)."""
        return sum(self.skips)

    @property
    def hidden(self) -> int:
        """The number of hidden layers, L - 1."""
        return len(self.sizes) - 2

    @property
    def forward(self) -> float:
        """Measured E[z²] of the last hidden layer over the first's: what depth does forward."""
        return _ratio(self.measured_z2[: self.hidden])

    @property
    def backward(self) -> float:
        """Measured E[δ²] of the first hidden layer over the last's: what depth does backward."""
        return _ratio(self.measured_d2[: self.hidden][::-1])

    @property
    def overflow(self) -> int | None:
        """The first layer whose measured forward signal overflowed float64 (1-based), or None."""
        bad = np.flatnonzero(~np.isfinite(self.measured_z2))
        return int(bad[0]) + 1 if bad.size else None

    @property
    def classes(self) -> int:
        """The number of outputs, read as the classes of a softmax."""
        return self.sizes[-1]

    @property
    def logits_too_large(self) -> bool:
        """Whether the measured initial loss is above LOSS_MARGIN × ln C."""
        return self.measured_loss is not None and not (
            self.measured_loss <= LOSS_MARGIN * math.log(self.classes)
        )

    @property
    def verdict(self) -> str:
        """'holds', 'vanishes', 'vanishes to zero' or 'explodes'; one per direction if different."""
        if self.overflow is not None:  # the backward pass starts from the overflowed output
            return "explodes forward (past float64) and was not measured backward"
        forward, backward = fate(self.forward), fate(self.backward)
        return forward if forward == backward else f"{forward} forward and {backward} backward"


def _ratio(signal: np.ndarray) -> float:
    """signal[-1] / signal[0]; inf once a value overflowed, 0 once the last underflowed to 0."""
    if len(signal) < 2:
        return 1.0
    if not np.all(np.isfinite(signal)):  # inf, or NaN made from an inf: float64 overflowed
        return math.inf
    first, last = float(signal[0]), float(signal[-1])
    if last == 0:
        return 0.0
    return math.inf if first == 0 else last / first


def fate(ratio: float) -> str:
    """'vanishes' below VANISH ('vanishes to zero' at 0: it underflowed), 'explodes' above EXPLODE
    (or at inf: it overflowed), 'holds' in between; a NaN has no fate."""
    if math.isnan(ratio):
        raise ValueError("a NaN ratio has no verdict")
    if ratio == 0:
        return "vanishes to zero"
    if ratio < VANISH:
        return "vanishes"
    return "explodes" if ratio > EXPLODE else "holds"


def parse_architecture(text: str) -> tuple[int, ...]:
    """'784-300-10' -> (784, 300, 10); 'N*K' stands for K layers of size N.

    Sizes and counts are checked before the list is built, so no input makes it large.
    """
    counts: list[tuple[int, int]] = []
    for item in text.split("-", MAX_LAYERS + 1):
        match = SIZE.fullmatch(item.strip())
        if not match:
            raise UserError(
                f"bad architecture '{text}': '{item}' is not a positive whole number; "
                "write the layer sizes joined by '-', e.g. 784-300-10 (N*K repeats N K times)"
            )
        size, repeat = match.group(1), match.group(2) or "1"
        if len(size) > DIGITS or len(repeat) > DIGITS:
            raise UserError(f"bad architecture '{text}': '{item}' is too large")
        counts.append((int(size), int(repeat)))
        if sum(k for _, k in counts) > MAX_LAYERS + 1:
            raise UserError(
                f"bad architecture '{text}': more than {MAX_LAYERS:,} layers; "
                f"the probe takes at most {MAX_LAYERS:,}"
            )
    sizes = [n for n, k in counts for _ in range(k)]
    if len(sizes) < 2:
        raise UserError(
            f"bad architecture '{text}': it needs at least two sizes, an input and an output, "
            "e.g. 784-300-10"
        )
    return tuple(sizes)


def residual_layers(sizes: tuple[int, ...]) -> tuple[bool, ...]:
    """Per layer, whether `residual` makes it a block: the hidden layers after the first (the
    projection of the input) whose input and output widths are equal."""
    L = len(sizes) - 1
    return tuple(0 < l < L - 1 and sizes[l] == sizes[l + 1] for l in range(L))


def parse_branch_scale(text: str, blocks: int) -> float:
    """s for `--branch-scale TEXT`: a number ≥ 0, 'sqrt' (1/√blocks) or 'zero'."""
    if text == "sqrt":
        return 1 / math.sqrt(blocks)
    if text == "zero":
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        raise UserError(
            f"bad --branch-scale '{text}': give a number at least 0, "
            "sqrt (1/√L for L blocks) or zero"
        )
    return value


def branches(
    sizes: tuple[int, ...], blocks: bool, scale: str | None
) -> tuple[tuple[bool, ...], float, str]:
    """The skips, s and its name that a request (for `blocks` or not) asks for; a UserError if it
    cannot be built."""
    if not blocks:
        if scale is not None:
            raise UserError("--branch-scale scales the branches of residual blocks: add --residual")
        return (), 1.0, "1"
    skips = residual_layers(sizes)
    if not any(skips):
        raise UserError(
            f"--residual needs two equal hidden widths in a row for a block x + branch(x), "
            f"e.g. 784-100-100-10; {format_architecture(sizes)} has none"
        )
    name = "1" if scale is None else scale
    return skips, parse_branch_scale(name, sum(skips)), name


def check(activation: str, scheme: str) -> None:
    """A UserError unless the probe can run `activation` and predict `scheme`."""
    if activation not in ACTIVATIONS:
        raise UserError(unknown("activation", activation, ACTIVATIONS))
    if scheme in schemes.names() and scheme not in SCHEMES:
        raise UserError(
            f"cannot predict scheme '{scheme}'; the probe knows the variance-scaling schemes: "
            f"{', '.join(SCHEMES)}"
        )
    if scheme not in SCHEMES:
        raise UserError(unknown("scheme", scheme, SCHEMES))


def weight_variance(scheme: str, n_in: int, n_out: int) -> float:
    """Var(W) that `scheme` draws for an (n_in, n_out) layer, from the theory's checked formulas."""
    family = FAMILIES[scheme.split("_")[0]]
    if family == "lecun":
        return theory.lecun_variance(n_in)
    if family == "glorot":
        return theory.xavier_variance(n_in, n_out)
    return theory.he_variance(n_in)


def moment_fractions(activation: str) -> tuple[float, float] | None:
    """(E[f(z)²], E[f'(z)²]) / (E[z²], 1) for zero-mean normal z; None if no theory applies."""
    if activation in ("relu", "leaky_relu"):
        alpha = nn.LEAKY_SLOPE if activation == "leaky_relu" else 0.0
        half = theory.relu_moment_fraction(alpha)  # (1 + alpha²)/2, both for f(z)² and for f'(z)²
        return half, half
    if activation in ("identity", "tanh"):
        return 1.0, 1.0  # tanh: the linear regime, tanh z ≈ z
    return None


def predict(
    sizes: tuple[int, ...],
    activation: str,
    scheme: str,
    skips: tuple[bool, ...] = (),
    scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Predicted E[z_l²] (inputs of E[x²] = 1) and E[δ_l²] / E[δ_L²], l = 1..L; None for sigmoid.

    A layer that `skips` marks is a block: its input is added to its branch's, scaled by `scale`.
    """
    fractions = moment_fractions(activation)
    if fractions is None:
        return None
    moment, slope = fractions
    L = len(sizes) - 1
    skips = skips or (False,) * L
    variances = [weight_variance(scheme, n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    z2, d2 = np.empty(L), np.empty(L)
    with np.errstate(all="ignore"):  # a prediction past float64's range is inf or 0, as measured
        z2[0] = sizes[0] * variances[0]
        for l in range(1, L):
            z2[l] = sizes[l] * variances[l] * moment * z2[l - 1]
            if skips[l]:
                z2[l] = z2[l - 1] + scale**2 * z2[l]
        d2[L - 1] = 1.0
        for l in range(L - 2, -1, -1):
            d2[l] = sizes[l + 2] * variances[l + 1] * slope * d2[l + 1]
            if skips[l + 1]:
                d2[l] = d2[l + 1] + scale**2 * d2[l]
    return z2, d2


def measure(sizes: tuple[int, ...], activation: str, scheme: str, batch: int, seed: int):
    """Measured E[z_l²] and E[δ_l²] / E[δ_L²]: one forward and backward pass on N(0, 1) inputs."""
    rng = np.random.default_rng(seed)
    params = nn.init_params(rng, sizes, schemes.get(scheme))
    return signal(params, activation, rng, batch)


def signal(params: nn.Params, activation: str, rng: np.random.Generator, batch: int):
    """E[z_l²] and E[δ_l²] / E[δ_L²] of `params` (hidden `activation`, linear output) on noise."""
    activations = [activation] * (len(params) - 1) + ["identity"]
    x = rng.standard_normal((batch, params[0][0].shape[0]))
    with np.errstate(all="ignore"):  # overflow and underflow are findings, judged by `fate`
        record = nn.forward(params, activations, x)
        error = rng.standard_normal(record.a[-1].shape)
        grads = nn.backward(params, record, record.a[-1] - error, "mse")  # ∂L/∂a_L = error / batch
        z2 = np.array([np.mean(z**2) for z in record.z[1:]])
        d2 = np.array([np.mean(dz**2) for dz in grads.dz[1:]])
        return z2, d2 / d2[-1]


def residual_network(
    sizes: tuple[int, ...], activation: str, scheme: str, skips: tuple[bool, ...], scale: float
) -> tuple[residual.Network, list[int]]:
    """The residual network the probe measures: a linear projection of the input, then per layer
    activation → linear, as a block x + branch(x) where `skips` says so (its weights × scale);
    and the index, in the forward pass's stream, of each layer's output z_l."""
    net: list = [residual.Linear(sizes[0], sizes[1], scheme)]
    taps = [1]
    for l in range(1, len(sizes) - 1):
        n_in, n_out = sizes[l], sizes[l + 1]
        if skips[l]:
            branch = (residual.Act(activation), residual.Linear(n_in, n_out, scheme, scale))
            net.append(residual.Residual(branch))
        else:
            net += [residual.Act(activation), residual.Linear(n_in, n_out, scheme)]
        taps.append(len(net))
    return tuple(net), taps


def measure_residual(net: residual.Network, taps: list[int], batch: int, seed: int):
    """Measured E[z_l²] and E[δ_l²] / E[δ_L²] of a residual network (the output z_l of layer l at
    stream index taps[l - 1]), drawn and measured as `measure` does."""
    rng = np.random.default_rng(seed)
    params = residual.init_params(rng, net)
    x = rng.standard_normal((batch, net[0].n_in))
    with np.errstate(all="ignore"):  # overflow and underflow are findings, judged by `fate`
        record = residual.forward(net, params, x)
        error = rng.standard_normal(record.out.shape)
        grads = residual.backward(net, params, record, error / batch)  # ∂L/∂a_L = error / batch
        z2 = np.array([np.mean(record.stream[k] ** 2) for k in taps])
        d2 = np.array([np.mean(grads.stream[k] ** 2) for k in taps])
        return z2, d2 / d2[-1]


def residual_initial_loss(net: residual.Network, batch: int, seed: int) -> float:
    """`initial_loss` of a residual network."""
    rng = np.random.default_rng(seed)
    params = residual.init_params(rng, net)
    x = rng.standard_normal((batch, net[0].n_in))
    labels = rng.integers(0, net[-1].n_out, batch)
    with np.errstate(all="ignore"):
        return float(residual.cost_and_grads(net, params, x, labels, "softmax_cross_entropy")[0])


def expected_initial_loss(s, classes: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    """Monte Carlo E[cross-entropy] of logits drawn i.i.d. N(0, s²) against a label drawn
    independently of them (any fixed label: the logits are exchangeable), per s."""
    z = rng.standard_normal((rows, classes))
    top = z.max(axis=1, keepdims=True)
    out = []
    for scale in np.atleast_1d(s):
        zs = scale * z
        log_sum_exp = scale * top[:, 0] + np.log(np.exp(zs - scale * top).sum(axis=1))
        out.append(float(np.mean(log_sum_exp - zs[:, 0])))
    return np.array(out)


def initial_loss(sizes, activation: str, scheme: str, batch: int, seed: int) -> float:
    """Cross-entropy of the network's outputs read as softmax logits, on N(0, 1) inputs against
    random labels: what the loss is before training when the inputs say nothing yet."""
    rng = np.random.default_rng(seed)
    params = nn.init_params(rng, sizes, schemes.get(scheme))
    x = rng.standard_normal((batch, sizes[0]))
    labels = rng.integers(0, sizes[-1], batch)
    with np.errstate(all="ignore"):
        record = nn.forward(params, [activation] * (len(sizes) - 2) + ["softmax"], x)
        return float(nn.cost(record, labels, "softmax_cross_entropy"))


def run(
    architecture: str | tuple[int, ...],
    activation: str,
    scheme: str,
    batch: int = 1000,
    seed: int = 0,
    *,
    residual: bool = False,
    branch_scale: str | None = None,
) -> Probe:
    """Probe a network (with `residual`, its equal-width hidden layers as blocks whose branches
    are scaled by `branch_scale`, a number, 'sqrt' or 'zero'): check the input, predict, measure."""
    sizes = (
        parse_architecture(architecture) if isinstance(architecture, str) else tuple(architecture)
    )
    check(activation, scheme)
    if batch < 1 or seed < 0:
        raise UserError(
            f"batch must be at least 1 and seed at least 0; got batch {batch}, seed {seed}"
        )
    check_size(sizes, batch)
    skips, scale, scale_name = branches(sizes, residual, branch_scale)
    predicted = predict(sizes, activation, scheme, skips, scale)
    if skips:
        net, taps = residual_network(sizes, activation, scheme, skips, scale)
        z2, d2 = measure_residual(net, taps, batch, seed)
    else:
        z2, d2 = measure(sizes, activation, scheme, batch, seed)
    pz2, pd2 = predicted if predicted is not None else (None, None)
    predicted_loss = measured_loss = None
    if sizes[-1] >= 2:
        if skips:
            measured_loss = residual_initial_loss(net, batch, seed)
        else:
            measured_loss = initial_loss(sizes, activation, scheme, batch, seed)
        if pz2 is not None and np.isfinite(pz2[-1]):
            rng = np.random.default_rng(seed)
            s = math.sqrt(pz2[-1])
            predicted_loss = float(expected_initial_loss(s, sizes[-1], LOSS_ROWS, rng)[0])
    return Probe(
        sizes,
        activation,
        scheme,
        batch,
        seed,
        pz2,
        z2,
        pd2,
        d2,
        predicted_loss,
        measured_loss,
        skips=skips,
        branch_scale=scale,
        scale_name=scale_name,
    )


def check_size(sizes: tuple[int, ...], batch: int) -> None:
    """A UserError, before anything is allocated, if the probe would need more than MAX_BYTES."""
    if len(sizes) < 2 or len(sizes) > MAX_LAYERS + 1 or min(sizes) < 1:
        raise UserError(
            f"a network needs 2 to {MAX_LAYERS + 1:,} sizes of at least 1; got {len(sizes):,}"
        )
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if weights > MAX_WEIGHTS or batch * sum(sizes) > MAX_CELLS:
        raise UserError(
            f"network too large for the probe ({weights:,} weights, batch {batch:,}); "
            f"keep under {MAX_WEIGHTS:,} weights and batch × sum of sizes under {MAX_CELLS:,}"
        )


def format_architecture(sizes: tuple[int, ...]) -> str:
    """(784, 100, 100, 100, 10) -> '784-100*3-10': runs of three or more equal sizes as N*K."""
    items, i = [], 0
    while i < len(sizes):
        j = i
        while j < len(sizes) and sizes[j] == sizes[i]:
            j += 1
        run_length = j - i
        items += [f"{sizes[i]}*{run_length}"] if run_length >= 3 else [str(sizes[i])] * run_length
        i = j
    return "-".join(items)


def _num(value: float | None) -> str:
    """A signal size as the table prints it: 3 significant digits, or '—' when not predicted."""
    return "—" if value is None else f"{value:.3g}"


def _ratios(probe: Probe) -> str:
    """'forward ×…, backward ×…' across the hidden layers."""
    if probe.overflow is not None:
        return f"forward past float64's largest number at layer {probe.overflow}"
    return f"forward ×{probe.forward:.2g}, backward ×{probe.backward:.2g}"


def advice(probe: Probe) -> tuple[str, str]:
    """The first scheme that holds the signal on this network, the theory's choice first; and what
    was measured. For a residual network, the branch scales that hold it."""
    if probe.skips:
        return branch_advice(probe)
    choice = SUGGESTED[probe.activation]
    family = FAMILIES[probe.scheme.split("_")[0]]
    candidates = [choice] + [name for name in CANDIDATES if name != choice]
    tried = [name for name in candidates if FAMILIES[name.split("_")[0]] != family]
    for name in tried:
        other = run(probe.sizes, probe.activation, name, probe.batch, probe.seed)
        if other.verdict == "holds":
            return f"{name} would hold it", f"with {name}: {_ratios(other)}"
    return "no scheme tried holds it", f"tried {', '.join(tried)} on the same network"


def branch_advice(probe: Probe) -> tuple[str, str]:
    """The branch scales of BRANCH_FIXES that hold a residual network's signal; and what was
    measured."""
    held, measured = [], []
    for name, what in BRANCH_FIXES.items():
        if name == probe.scale_name:
            continue
        other = run(
            probe.sizes,
            probe.activation,
            probe.scheme,
            probe.batch,
            probe.seed,
            residual=True,
            branch_scale=name,
        )
        measured.append(f"with --branch-scale {name} ({what}): {_ratios(other)}")
        if other.verdict == "holds":
            held.append(name)
    fix = (
        f"--branch-scale {' or '.join(held)} would hold it" if held else "no branch scale holds it"
    )
    return fix, "; ".join(measured)


def scale_text(probe: Probe) -> str:
    """How the report names s: 's = 1', 's = 1/√28 = 0.189' or 's = 0'."""
    if probe.scale_name == "sqrt":
        return f"s = 1/√{probe.blocks} = {probe.branch_scale:.3g}"
    return f"s = {probe.branch_scale:g}"


def residual_lines(probe: Probe) -> list[str]:
    """What a residual network's report adds above the table: its blocks, and what the theory
    predicts each one does."""
    text = (
        f"residual: {probe.blocks} block{'s' * (probe.blocks > 1)} x + branch(x) (rows marked "
        f"'block', their z the stream after them), branch = {probe.activation} → linear with "
        f"weights × s, {scale_text(probe)}"
    )
    lines = textwrap.wrap(text, WIDTH, subsequent_indent="  ")
    fractions = moment_fractions(probe.activation)
    if fractions is not None:
        n = probe.sizes[probe.skips.index(True)]
        gain = n * weight_variance(probe.scheme, n, n)
        factor = 1 + probe.branch_scale**2 * gain * fractions[0]
        with np.errstate(over="ignore"):
            total = np.float64(factor) ** probe.blocks
        text = (
            "prediction: the branches add, so each block multiplies E[z²] forward and E[δ²] "
            f"backward by 1 + s² n Var(W) E[f(z)²]/E[z²] = 1 + {probe.branch_scale:.3g}² × "
            f"{gain:g} × {fractions[0]:g} = {factor:.3g}; over {probe.blocks} blocks ×{total:.3g}"
        )
        lines += textwrap.wrap(text, WIDTH, subsequent_indent="  ")
    return lines


def report(probe: Probe) -> str:
    """The probe's printout: a table of every layer, notes on the prediction, and the verdict."""
    L = len(probe.sizes) - 1
    lines = [
        f"network {format_architecture(probe.sizes)}: {L} layer{'s' * (L > 1)}, "
        f"{probe.hidden} hidden "
        f"({probe.activation}), linear output",
        f"weights {probe.scheme}, biases 0; inputs {probe.batch} rows of N(0, 1) noise, "
        f"seed {probe.seed}",
        "backward pass from N(0, 1) noise at the output",
        *(residual_lines(probe) if probe.skips else []),
        "",
        f"{'':>17}{'E[z²] forward':^22}   {'E[δ²] backward, output = 1':^26}",
        f"{'layer':>5} {'n_in':>5} {'n_out':>5} {'predicted':>10} {'measured':>10}   "
        f"{'predicted':>12} {'measured':>12}",
    ]
    for l in range(L):
        pz = None if probe.predicted_z2 is None else probe.predicted_z2[l]
        pd = None if probe.predicted_d2 is None else probe.predicted_d2[l]
        lines.append(
            f"{l + 1:>5} {probe.sizes[l]:>5} {probe.sizes[l + 1]:>5} {_num(pz):>10} "
            f"{_num(probe.measured_z2[l]):>10}   {_num(pd):>12} {_num(probe.measured_d2[l]):>12}"
            + ("  block" if probe.skips and probe.skips[l] else "")
        )
    lines.append("")
    for notes in (APPROXIMATE, NO_PREDICTION):
        if probe.activation in notes:
            lines += textwrap.wrap(
                f"note: {notes[probe.activation]}", WIDTH, subsequent_indent="  "
            )
    span = f"hidden layer 1 to {probe.hidden}" if probe.hidden > 1 else "no hidden layers to cross"
    fix, detail = advice(probe) if probe.verdict != "holds" else ("", "")
    verdict = f"verdict: the signal {probe.verdict}" + (f"; {fix}" if fix else "")
    lines += [
        *textwrap.wrap(verdict, WIDTH, subsequent_indent="  "),
        f"  measured {_ratios(probe)}, {span}",
        f"  (below ×{VANISH:g} it vanishes, above ×{EXPLODE:g} it explodes)",
    ]
    lines += textwrap.wrap(detail, WIDTH, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(lines + loss_report(probe))


def loss_report(probe: Probe) -> list[str]:
    """The initial-loss lines: expected ln C, predicted and measured, and which fix applies."""
    if probe.measured_loss is None:
        return []
    C = probe.classes
    lines = [
        "",
        f"initial loss, outputs read as {C}-class softmax logits, random labels:",
        f"  expected ln {C} = {math.log(C):.3g}, predicted {_num(probe.predicted_loss)}, "
        f"measured {probe.measured_loss:.3g}",
    ]
    if probe.logits_too_large:
        advice_text = (
            f"the logits start too large (above ×{LOSS_MARGIN:g} ln {C}): start the last layer "
            "at zero or small, and its bias at the log class frequencies"
        )
    else:
        advice_text = f"about ln {C} or below: the last layer starts small enough"
    return lines + textwrap.wrap(advice_text, WIDTH, initial_indent="  ", subsequent_indent="  ")


def main(
    architecture: str,
    activation: str,
    scheme: str,
    batch: int,
    seed: int,
    residual: bool = False,
    branch_scale: str | None = None,
) -> None:
    """The CLI command: print the report."""
    found = run(
        architecture, activation, scheme, batch, seed, residual=residual, branch_scale=branch_scale
    )
    print(report(found))
