# %% [markdown]
# # Notebook: biases
#
# The runnable companion of [Biases](../../biases/).
# [Download this notebook (.ipynb)](biases.ipynb) and change any number.
#
# You will draw random biases for a layer of relu units, count the units that are 0 on every
# input (dead) as the biases grow, follow dead units through a deep network from zero biases,
# PyTorch's default biases and PyTorch's default weights, and set a binary classifier's output
# bias from its base rate.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from initdoc import nn, schemes
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)
n_in, batch = 100, 1000
x = rng.standard_normal((batch, n_in))


def dead_share(a):
    """The share of units (columns) that are 0 on every input (row)."""
    return 1 - (a > 0).any(axis=0).mean()


def torch_uniform(rng, shape):
    """PyTorch's nn.Linear default for weights and biases: U(±1/√n_in)."""
    bound = 1 / math.sqrt(n_in)
    return rng.uniform(-bound, bound, shape)


def Phi(t):
    """The standard normal distribution function."""
    return 0.5 * np.vectorize(math.erfc)(-np.asarray(t) / math.sqrt(2))


# %% [markdown]
# ## 1. One layer: a negative enough bias kills a unit
#
# A unit computes $z = w \cdot x + b$. Over the inputs, $w \cdot x$ is normal with spread
# $\lVert w \rVert$, which is about $\sqrt 2$ for He weights, so the unit outputs 0 on all $m$
# inputs when $b < -\lVert w \rVert M_m$, with $M_m$ the largest of $m$ standard-normal draws.
# For biases from $\mathcal{N}(0, \sigma_b^2)$ the predicted share of dead units is
# $\mathbb{E}\big[\Phi(-\sqrt 2\, M_m / \sigma_b)\big]$. The vertical lines mark the spread of
# PyTorch's default bias, $1/\sqrt{3 n_\text{in}}$, and of $\mathcal{N}(0, 1)$.

# %%
width = 2000  # units in the layer: enough to measure a share
sigmas = np.geomspace(0.03, 30, 16)
W = schemes.he_normal()(rng, (n_in, width))
measured = [dead_share(nn.relu(x @ W + s * rng.standard_normal(width))) for s in sigmas]

M = rng.standard_normal((2000, batch)).max(axis=1)  # draws of the largest of m = batch
predicted = [Phi(-math.sqrt(2) * M / s).mean() for s in sigmas]

fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(sigmas, measured, "o", label="measured, He weights")
ax.plot(sigmas, predicted, label="predicted, E[Φ(−√2 M / σ_b)]")
ax.axvline(1 / math.sqrt(3 * n_in), color="0.4", ls="--", lw=1, label="PyTorch's default bias")
ax.axvline(1.0, color="0.4", ls="-.", lw=1, label="biases N(0, 1)")
ax.set(xlabel="spread of the biases σ_b", ylabel="share of dead units", xscale="log")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# The prediction stays near 0 while $\sigma_b$ is small next to $\sqrt 2\, M_m$, and tends to ½
# as $\sigma_b$ grows: then the sign of the bias alone decides, and the units whose bias drew
# negative start dead.
#
# ## 2. Through twenty layers
#
# Deeper down, what a bias does depends on the size of the signal it is added to. With He
# weights the signal keeps its size from layer to layer, so a bias is as large next to it at
# the last layer as at the first. PyTorch's default weights
# have a variance of $1/(3 n_\text{in})$, a sixth of He's, so each relu layer divides the second
# moment by about 6, the input fades, and the biases are soon all that is left.

# %%
depth, draws = 20, 5
starts = {
    "He weights, biases 0": (schemes.he_normal(), schemes.zeros()),
    "He weights, PyTorch's biases": (schemes.he_normal(), torch_uniform),
    "He weights, biases N(0, 1)": (schemes.he_normal(), schemes.normal()),
    "PyTorch's weights and biases": (torch_uniform, torch_uniform),
}


def deep(rng, weights, biases):
    """`depth` relu layers of `n_in` units: W from `weights`, b from `biases` (drawn as one row)."""
    return [(weights(rng, (n_in, n_in)), biases(rng, (1, n_in))[0]) for _ in range(depth)]


fig, ax = plt.subplots(figsize=(8, 3.4))
last_layer = {}
for name, (weights, biases) in starts.items():
    records = [nn.forward(deep(rng, weights, biases), ["relu"] * depth, x) for _ in range(draws)]
    dead = np.mean([[dead_share(a) for a in r.a[1:]] for r in records], axis=0)
    ax.plot(range(1, depth + 1), dead, "o-", ms=4, label=name)
    last_layer[name] = records[0].a[-1]
ax.set(
    title=f"mean over {draws} networks",
    xlabel="layer l",
    ylabel="share of dead units",
    xticks=[1, 5, 10, 15, 20],
)
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
plt.tight_layout()
plt.show()

# %% [markdown]
# How much the last layer still depends on the input, in one network of each start: each live
# unit's spread over the inputs over its root mean square, averaged over the live units (0
# means every input gives the same output).

# %%
for name, a in last_layer.items():
    alive = a[:, (a > 0).any(axis=0)]
    rms = np.sqrt(np.mean(alive**2, axis=0))
    print(f"{name:>30}: {np.mean(alive.std(axis=0) / rms):.3g}")

# %% [markdown]
# ## 3. The output bias from the base rate
#
# A binary classifier with a sigmoid output and a zero last layer predicts ½ for every input,
# a loss of $\ln 2$. If a share $p$ of the labels is 1, the bias $\ln\frac{p}{1-p}$ makes it
# predict $p$ instead, and the initial loss is the entropy
# $-p \ln p - (1 - p) \ln (1 - p)$, the best a prediction that ignores the input can do.

# %%
p = 0.05
y = np.zeros(batch)
y[: round(p * batch)] = 1  # a share p of the labels is 1
sizes = [n_in, 64, 1]
for name, b in [("bias 0", 0.0), ("bias ln(p/(1−p))", math.log(p / (1 - p)))]:
    params = nn.init_params(np.random.default_rng(1), sizes, schemes.he_normal())
    params[-1] = (np.zeros((64, 1)), np.array([b]))
    record = nn.forward(params, ["relu", "sigmoid"], x)
    print(f"{name:>17}: loss {nn.cost(record, y, 'binary_cross_entropy'):.3f}")
entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p))
print(f"ln 2 = {math.log(2):.3f}; entropy of the base rate = {entropy:.3f}")

# %% [markdown]
# ## The page's figure
#
# ![Dead units and input dependence, layer by layer](../../figures/biases_units.svg)
#
# ## Change this and see
#
# A unit counts as dead only if it is 0 on **every** input, so the count depends on the batch:
# $M_m$ grows with $m$, and more inputs mean fewer units dead at the same bias spread. Try
# other batch sizes:

# %%
sigma = 3.0
b = sigma * rng.standard_normal(width)
for m in [10, 100, 1000, 10_000]:
    xs = rng.standard_normal((m, n_in))
    M = rng.standard_normal((2000, m)).max(axis=1)
    print(
        f"m = {m:6d}: dead {dead_share(nn.relu(xs @ W + b)):.3f}, "
        f"predicted {Phi(-math.sqrt(2) * M / sigma).mean():.3f}"
    )
