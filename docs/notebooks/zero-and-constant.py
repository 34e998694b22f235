# %% [markdown]
# # Notebook: zero and constant weights
#
# The runnable companion of [Zero and constant weights](../../zero-and-constant/).
# [Download this notebook (.ipynb)](zero-and-constant.ipynb) and change any number.
#
# A 2-4-1 network learns the *circle* set from zero weights, from constant weights, and from
# random weights. Units that start equal receive equal gradients, so they stay equal.

# %%
import numpy as np
import matplotlib.pyplot as plt

from initdoc import data, nn, schemes, train
from initdoc.figures import plots  # the site's figure style

rng = np.random.default_rng(0)
X, y = data.circle(rng, 200, fraction=0.3)

# %% [markdown]
# Three starts for the hidden layer: all zeros, all equal to $\alpha = 0.5$, and Glorot normal,
# $W \sim \mathcal{N}\!\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right)$.

# %%
starts = {
    "zeros": schemes.zeros(),
    "constant 0.5": schemes.constant(0.5),
    "Glorot normal": schemes.glorot_normal(),
}
runs = {}
for name, init in starts.items():
    params = nn.init_params(np.random.default_rng(1), [2, 4, 1], init)
    runs[name] = train.train(
        params, ["tanh", "sigmoid"], "binary_cross_entropy", X, y,
        optimizer=train.SGD(0.5), steps=1000, snapshot_at=range(0, 1000, 10),
    )

# %% [markdown]
# Each hidden unit's first incoming weight during training, one line per unit. Where the
# units start equal, the four lines coincide.

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharex=True)
for ax, (name, run) in zip(axes, runs.items()):
    steps = [s.step for s in run.snapshots]
    W1 = np.stack([s.params[0][0] for s in run.snapshots])
    ax.plot(steps, W1[:, 0, :])
    spread = np.abs(W1 - W1[:, :, :1]).max()
    ax.set_title(f"{name}\nlargest gap between units: {spread:.2g}")
    ax.set_xlabel("training step")
axes[0].set_ylabel("weight from $x_1$")
plt.tight_layout()

# %% [markdown]
# ## Try next
#
# - Give the hidden units random biases: replace the biases in `params` with
#   `rng.normal(size=4)`. Do the units still move together?
# - Use `"relu"` or `"sigmoid"` hidden units with zero weights. Which ones move at all?
# - Train on a balanced circle (`fraction=0.5`) from zeros with sigmoid units, and print
#   the largest gradient at the first step.
