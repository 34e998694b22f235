# %% [markdown]
# # Notebook: too small, too large
#
# The runnable companion of [Too small, too large](../../too-small-too-large/).
# [Download this notebook (.ipynb)](too-small-too-large.ipynb) and change any number.
#
# You will draw the weights of the article's $[2, 6, 3, 1]$ network with variance
# $v / n_\text{in}$ for a small, an appropriate and a large $v$, measure how big the signal
# and the gradients are at the start, and train each network on the circle set.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import data, nn, schemes, train
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)
X, y = data.circle(rng, 100)
sizes, activations = [2, 6, 3, 1], ["relu", "relu", "sigmoid"]
scales = {
    "too small": 0.01,
    "appropriate": 1.0,
    "too large": 100.0,
}  # v in Var(W) = v / n_in

# %% [markdown]
# ## 1. Draw the weights
#
# `schemes.variance_scaling(v, "fan_in", "normal")` draws $W \sim \mathcal{N}(0, v/n_\text{in})$.

# %%
params = {
    name: nn.init_params(
        np.random.default_rng(1), sizes, schemes.variance_scaling(v, "fan_in", "normal")
    )
    for name, v in scales.items()
}

# %% [markdown]
# ## 2. Signal and gradients at the start
#
# The mean square of each layer's pre-activations $z^{[l]}$ forward, and of the gradients
# $\partial L / \partial W^{[l]}$ backward.

# %%
for name, p in params.items():
    record = nn.forward(p, activations, X)
    grads = nn.backward(p, record, y, "binary_cross_entropy").params
    z2 = [f"{np.mean(z**2):.3g}" for z in record.z[1:]]
    g2 = [f"{np.mean(dW**2):.3g}" for dW, _ in grads]
    print(f"{name:>12}: E[z²] per layer {z2}; E[dW²] per layer {g2}")

# %% [markdown]
# ## 3. Train
#
# Full-batch gradient descent, learning rate 0.1, the same data for every start.

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, p in params.items():
    run = train.train(
        p,
        activations,
        "binary_cross_entropy",
        X,
        y,
        optimizer=train.SGD(0.1),
        steps=3000,
    )
    ax.plot(run.costs, label=name)
ax.axhline(np.log(2), color="gray", ls=":", label="chance, ln 2")
ax.set_xlabel("training step")
ax.set_ylabel("cost")
ax.set_yscale("log")
ax.legend()
plt.show()

# %% [markdown]
# Too small starts on a plateau near $\ln 2$: the signal is too weak to give the early layers
# a useful gradient. Too large starts far from chance with huge gradients. How each ends
# depends on the draw and the learning rate; the page measures it over many draws.
#
# ## The page's figure
#
# The build trained every start on all four data sets; this is the page's figure:
#
# ![Training cost from each start](../../figures/small_large_costs.svg)
#
# ## Change this and see
#
# Pick your own $v$ and learning rate:

# %%
v, lr = 1000.0, 0.1
p = nn.init_params(np.random.default_rng(1), sizes, schemes.variance_scaling(v, "fan_in", "normal"))
run = train.train(p, activations, "binary_cross_entropy", X, y, optimizer=train.SGD(lr), steps=3000)
print(
    f"v = {v:g}: first cost {run.costs[0]:.3g}, last {run.costs[-1]:.3g}, diverged: {run.diverged}"
)
