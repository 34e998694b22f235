"""Verdicts: a claim stated before the data, then judged from independent draws by an interval test.

A `Claim` names what a page claims, the quantity that decides it, the region that quantity must
lie in (`above`, `below` or `within` a margin), how the interval is computed (`test`) and how many
draws are planned. Judging it puts a 95% interval on the quantity and compares the interval, not
the point, with the region:

- **agrees**: the whole interval lies inside the region;
- **disagrees**: the whole interval lies outside it;
- **inconclusive**: the interval straddles the region's edge, or there were too few draws.

So more draws can only sharpen a verdict; they never make "agrees" less likely for a quantity that
is truly inside the region (as a non-significance test would). The sentence that interprets a
verdict is written per outcome in the claim and chosen by the outcome.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import mpmath
import numpy as np

LEVEL = 0.95  # every interval is two-sided at this level
Z = 1.959963984540054  # the standard normal quantile for LEVEL
MIN_DRAWS = 5  # fewer independent draws than this decide nothing (unless the result is exact)
OUTCOMES = ("agrees", "disagrees", "inconclusive")
UNDECIDED = "The measurement could not decide this claim (estimate {estimate})."
TESTS = {
    "mean": "mean of independent draws, 95% Student t interval",
    "share": "share of independent draws, 95% Wilson interval",
    "normal": "Monte Carlo estimate, 95% normal interval from its standard error",
    "exact": "exact: one deterministic computation, no interval needed",
}


@dataclass(frozen=True)
class Region:
    """Where a claim puts its quantity: low < quantity < high (an infinite end is open)."""

    low: float
    high: float
    text: str
    margin: float

    def judge(self, low: float, high: float) -> str:
        """The outcome for the interval [low, high]."""
        if self.low < low and high < self.high:
            return "agrees"
        if high <= self.low or low >= self.high:
            return "disagrees"
        return "inconclusive"


def above(threshold: float, text: str | None = None) -> Region:
    """The quantity exceeds `threshold` (the margin)."""
    return Region(threshold, math.inf, text or f"above {threshold:g}", threshold)


def below(threshold: float, text: str | None = None) -> Region:
    """The quantity stays under `threshold` (the margin)."""
    return Region(-math.inf, threshold, text or f"below {threshold:g}", threshold)


def within(center: float, margin: float, text: str | None = None) -> Region:
    """The quantity lies within ±margin of `center`: an equivalence test."""
    return Region(
        center - margin, center + margin, text or f"within {center:g} ± {margin:g}", margin
    )


def between(low: float, high: float, text: str | None = None) -> Region:
    """The quantity lies between low and high (a ratio "within a factor of 2" is between ½ and 2);
    the margin recorded is high."""
    return Region(low, high, text or f"between {low:g} and {high:g}", high)


@functools.cache
def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with df degrees of freedom (bisection on its CDF)."""
    if df < 1:
        raise ValueError(f"a t interval needs at least 2 draws, got df = {df}")

    def cdf(t: float) -> float:
        x = df / (df + t * t)
        tail = 0.5 * float(mpmath.betainc(df / 2, 0.5, 0, x, regularized=True))
        return 1 - tail if t > 0 else tail

    lo, hi = -1e3, 1e3
    for _ in range(64):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < p else (lo, mid)
    return (lo + hi) / 2


def t_interval(draws) -> tuple[float, float, float]:
    """Mean of the draws and its 95% Student t interval."""
    x = np.asarray(draws, dtype=np.float64).ravel()
    with np.errstate(invalid="ignore"):  # an infinite draw gives an unbounded interval
        mean, spread = float(x.mean()), float(x.std(ddof=1))
    half = t_quantile(0.5 + LEVEL / 2, x.size - 1) * spread / math.sqrt(x.size)
    return mean, mean - half, mean + half


def wilson_interval(successes: int, n: int) -> tuple[float, float, float]:
    """Share of successes and its 95% Wilson score interval."""
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return p, max(0.0, centre - half), min(1.0, centre + half)


def formatted(value: float, fmt: str) -> str:
    """A number as a page prints it: a format spec, or `sci` for 1.6 × 10⁻¹⁷ in plain text."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "not a number"
    if fmt == "sci":
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa} × 10^{int(exponent)}".replace("-", "−")
    return format(value, fmt).replace("-", "−")


@dataclass(frozen=True)
class Claim:
    """A verdict declared before the data: what is claimed, how it is measured, how it is decided.

    `says` maps each outcome the claim can reach to the sentence a page prints for it; the
    sentence may use {estimate}, {low}, {high}, {draws} and {region}. `exact` says why one
    deterministic computation settles the claim (test "exact" only).
    """

    experiment: str
    key: str
    page: str
    claim: str
    reported: str
    quantity: str
    region: Region
    test: str
    draws: int
    says: dict[str, str]
    checked_by: str
    fmt: str = ".3g"
    exact: str | None = None
    min_draws: int = field(default=MIN_DRAWS)
    order: int = 0  # its place among its experiment's claims: pages list verdicts in this order

    def __post_init__(self):
        if self.test not in TESTS:
            raise ValueError(f"{self.name}: test must be one of {', '.join(TESTS)}")
        if (self.test == "exact") != (self.exact is not None):
            raise ValueError(f"{self.name}: an exact claim says why, and only an exact one")
        if self.test != "exact" and self.draws < self.min_draws:
            raise ValueError(f"{self.name}: {self.draws} draws planned, at least {self.min_draws}")
        reachable = ("agrees", "disagrees") if self.test == "exact" else OUTCOMES
        missing = [o for o in reachable if o not in self.says]
        if missing:
            raise ValueError(f"{self.name}: no sentence for {', '.join(missing)}")
        if "::" not in self.checked_by:
            raise ValueError(f"{self.name}: checked_by names a test as FILE::FUNCTION")

    @property
    def name(self) -> str:
        """The verdict's name across the site: experiment.key."""
        return f"{self.experiment}.{self.key}"

    def judge(self, data) -> dict:
        """The verdict on `data`, ready for JSON.

        data is, by test: "mean" the draws; "share" one bool per draw; "normal" a tuple
        (estimate, standard error, sample size); "exact" the computed value.
        """
        if self.test == "mean":
            x = np.asarray(data, dtype=np.float64).ravel()
            draws = int(x.size)
            estimate, low, high = t_interval(x) if draws > 1 else (float(x.mean()),) * 3
        elif self.test == "share":
            x = np.asarray(data, dtype=bool).ravel()
            draws = int(x.size)
            estimate, low, high = wilson_interval(int(x.sum()), draws)
        elif self.test == "normal":
            estimate, se, draws = float(data[0]), float(data[1]), int(data[2])
            low, high = estimate - Z * se, estimate + Z * se
        else:
            estimate = low = high = float(data)
            draws = 1
        enough = self.test == "exact" or draws >= self.min_draws
        finite = all(math.isfinite(v) for v in (low, high))
        outcome = self.region.judge(low, high) if enough and finite else "inconclusive"
        return self.record(outcome, estimate, low, high, draws)

    def record(self, outcome: str, estimate: float, low: float, high: float, draws: int) -> dict:
        """The JSON entry of a judged verdict."""
        words = {
            "estimate": formatted(estimate, self.fmt),
            "low": formatted(low, self.fmt),
            "high": formatted(high, self.fmt),
            "draws": str(draws),
            "region": self.region.text,
        }
        return {
            "name": self.name,
            "page": self.page,
            "claim": self.claim,
            "reported": self.reported,
            "quantity": self.quantity,
            "test": TESTS[self.test],
            "exact": self.exact,
            "region": self.region.text,
            "margin": self.region.margin,
            "outcome": outcome,
            "estimate": estimate,
            "interval": [low, high],
            "draws": draws,
            "planned_draws": self.draws,
            "shown": {"estimate": words["estimate"], "low": words["low"], "high": words["high"]},
            "sentence": self.says.get(outcome, UNDECIDED).format(**words),
            "checked_by": self.checked_by,
            "order": [self.experiment, self.order],
        }


def for_json(verdict: dict) -> dict:
    """The verdict with every non-finite number (an unbounded interval) written as null."""

    def plain(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return {k: plain(v) for k, v in verdict.items()}


CLAIMS: dict[str, Claim] = {}


def declare(experiment: str, key: str, **fields) -> Claim:
    """Declare the claim experiment.key (see Claim) and list it with every other one."""
    # the place among the experiment's own claims, not among all: a claim declared in another
    # module must not change what this experiment's cached result says
    order = sum(c.experiment == experiment for c in CLAIMS.values())
    claim = Claim(experiment, key, order=order, **fields)
    if claim.name in CLAIMS:
        raise ValueError(f"verdict '{claim.name}' declared twice")
    CLAIMS[claim.name] = claim
    return claim


def judged(claims_and_data) -> dict[str, dict]:
    """{key: verdict} for pairs (claim, data), the form a Result keeps them in."""
    return {claim.key: claim.judge(data) for claim, data in claims_and_data}
