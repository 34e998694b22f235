# %% [markdown]
# # Notebook: saturation
#
# The runnable companion of [Saturation](../../saturation/).
# [Download this notebook (.ipynb)](saturation.ipynb) and change any number.
#
# You will compute $z = x W$ for a unit with $n_\text{in}$ inputs, see how wide $z$ gets
# when $W \sim \mathcal{N}(0, 1)$, count the sigmoid units that saturate, and measure the
# gradient they pass back, $\sigma'(z)$.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import nn, schemes
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)
n_ins, m, n_out = (10, 100, 1000), 500, 200

# %% [markdown]
# ## 1. The width of z
#
# With inputs $x \sim \mathcal{N}(0, 1)$, $\mathrm{Var}(z) = n_\text{in}\,\mathrm{Var}(W)$:
# $n_\text{in}$ for $\mathcal{N}(0, 1)$ weights, 1 for $\mathcal{N}(0, 1/n_\text{in})$.

# %%
z = {}
for n_in in n_ins:
    x = rng.standard_normal((m, n_in))
    for name, init in (
        ("N(0, 1)", schemes.normal(0, 1)),
        ("N(0, 1/n_in)", schemes.lecun_normal()),
    ):
        z[name, n_in] = x @ init(rng, (n_in, n_out))
        print(f"n_in = {n_in:>5}, W ~ {name:<13}: Var(z) = {z[name, n_in].var():8.3g}")

# %% [markdown]
# ## 2. Saturated units and their gradient
#
# A sigmoid unit passes back $\sigma'(z) = \sigma(z)(1 - \sigma(z)) \le 1/4$. Call it
# saturated when $\sigma'(z)$ is below 1 % of that maximum.

# %%
fig, axes = plt.subplots(1, len(n_ins), figsize=(10, 3), sharey=True)
for ax, n_in in zip(axes, n_ins):
    for name in ("N(0, 1)", "N(0, 1/n_in)"):
        slope = nn.d_sigmoid(z[name, n_in]).ravel()
        saturated = np.mean(slope < 0.01 * 0.25)
        ax.hist(
            slope,
            bins=40,
            range=(0, 0.25),
            alpha=0.6,
            density=True,
            label=f"{name}: {saturated:.0%} saturated",
        )
    ax.set(title=f"n_in = {n_in}", xlabel="σ'(z)")
    ax.legend(fontsize=7)
axes[0].set_ylabel("density")
plt.tight_layout()
plt.show()

# %% [markdown]
# With $\mathcal{N}(0, 1)$ weights the share of saturated units grows with $n_\text{in}$;
# scaling the weights by $1/\sqrt{n_\text{in}}$ keeps $z$ in the range where the sigmoid
# still has a slope, whatever $n_\text{in}$.
#
# ## The page's figure
#
# ![Sigmoid and tanh outputs, N(0, 1) and N(0, 1/n_in)](../../figures/saturation_histograms.svg)
#
# ## Change this and see
#
# Try tanh instead of the sigmoid (`nn.d_tanh`, whose maximum slope is 1), or a larger
# $n_\text{in}$:

# %%
n_in = 10_000
x = rng.standard_normal((m, n_in))
slope = nn.d_tanh(x @ schemes.normal(0, 1)(rng, (n_in, n_out)))
print(
    f"tanh, n_in = {n_in}: {np.mean(slope < 0.01):.1%} of the units pass back "
    "less than 1 % of the maximum slope"
)
