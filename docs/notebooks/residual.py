# %% [markdown]
# # Notebook: residual networks
#
# The runnable companion of [Residual networks](../../residual/).
# [Download this notebook (.ipynb)](residual.ipynb) and change any number.
#
# You will build residual networks of relu → linear → relu → linear branches with the engine's
# `residual` module, push a batch of noise through 5 to 80 blocks from three starts (He
# branches, He with the last layer × 1/√L, and Fixup's zero last layer), and measure the second
# moment of the stream at the end.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import residual
from initdoc.figures import plots  # noqa: F401 (the site's figure style)
from initdoc.residual import Act, Linear

rng = np.random.default_rng(0)


def network(start, width, blocks):
    """`blocks` residual blocks whose branch's last layer is He × `last`."""
    last = {"He": 1.0, "He, last × 1/√L": 1 / np.sqrt(blocks), "zero last layer": 0.0}[start]
    branch = (
        Act("relu"),
        Linear(width, width, "he_normal"),
        Act("relu"),
        Linear(width, width, "he_normal", last),
    )
    return tuple(residual.Residual(branch) for _ in range(blocks))


# %% [markdown]
# ## 1. The stream's second moment after L blocks
#
# Each He branch adds as much as the stream already holds, so the prediction is $2^L$.

# %%
width, batch, depths = 64, 256, [5, 10, 20, 40, 80]
x = rng.standard_normal((batch, width))
starts = ["He", "He, last × 1/√L", "zero last layer"]

fig, ax = plt.subplots(figsize=(6, 3.4))
for start in starts:
    growth = []
    for L in depths:
        net = network(start, width, L)
        out = residual.forward(net, residual.init_params(rng, net), x).out
        growth.append(np.mean(out**2) / np.mean(x**2))
    ax.plot(depths, growth, "o-", label=start)
ax.plot(depths, 2.0 ** np.array(depths), ":", color="0.4", label="2^L")
ax.set(xlabel="blocks L", ylabel="E[x_L²] / E[x_0²]", xscale="log", yscale="log")
ax.set_xticks(depths, [str(L) for L in depths], minor=False)
ax.minorticks_off()
ax.legend()
plt.show()

# %% [markdown]
# The He line follows $2^L$; the scaled branches stay below $e$; the zero last layer keeps
# every block the identity, so its line is exactly 1.
#
# ## The page's figure
#
# ![The stream through 10 to 200 blocks from every start](../../figures/residual_signal.svg)
#
# ## Change this and see
#
# Scale the last layer by $1/L$ instead of $1/\sqrt{L}$: each block then adds $1/L^2$ of the
# stream, and the growth tends to 1 as $L$ grows. Check it:

# %%
for L in depths:
    branch = (Act("relu"), Linear(width, width), Act("relu"), Linear(width, width, scale=1 / L))
    net = tuple(residual.Residual(branch) for _ in range(L))
    out = residual.forward(net, residual.init_params(rng, net), x).out
    print(f"L = {L:3d}: E[x_L²] / E[x_0²] = {np.mean(out**2) / np.mean(x**2):.3f}")
