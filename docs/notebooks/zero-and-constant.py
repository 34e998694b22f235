# %% [markdown]
# # Notebook: zero and constant weights
#
# The runnable companion of [Zero and constant weights](../../zero-and-constant/).
# [Download this notebook (.ipynb)](zero-and-constant.ipynb) and change any number.
#
# You will build a 2-4-1 network, start it from zero, constant and random weights, look at
# the gradients of its hidden units, and train it. Units that start equal get equal
# gradients, so they stay equal: the network behaves as if it had one hidden unit.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import data, nn, schemes, train
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)
X, y = data.circle(rng, 200, fraction=0.3)  # 30 % of the points inside the circle
sizes, activations = [2, 4, 1], ["tanh", "sigmoid"]

# %% [markdown]
# ## 1. Three starts
#
# All zeros; all equal to $\alpha = 0.5$; and Glorot normal,
# $W \sim \mathcal{N}\!\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right)$. Biases start at 0.

# %%
starts = {
    "zeros": schemes.zeros(),
    "constant 0.5": schemes.constant(0.5),
    "Glorot normal": schemes.glorot_normal(),
}
params = {
    name: nn.init_params(np.random.default_rng(1), sizes, init) for name, init in starts.items()
}
print(params["constant 0.5"][0][0])  # W1: 2 inputs x 4 hidden units, every entry 0.5

# %% [markdown]
# ## 2. One forward and one backward pass
#
# The gradient of the cost with respect to $W^{[1]}$ has one column per hidden unit. Where
# the units start equal, the columns are equal too.

# %%
for name, p in params.items():
    record = nn.forward(p, activations, X)
    dW1 = nn.backward(p, record, y, "binary_cross_entropy").params[0][0]
    gap = np.abs(dW1 - dW1[:, :1]).max()  # how far each unit's column is from the first unit's
    print(f"{name:>14}: dW1 columns differ by at most {gap:.2g}")

# %% [markdown]
# ## 3. Train, and watch the hidden units
#
# Each hidden unit's weight from $x_1$ during training, one line per unit.

# %%
runs = {
    name: train.train(
        p,
        activations,
        "binary_cross_entropy",
        X,
        y,
        optimizer=train.SGD(0.5),
        steps=1000,
        snapshot_at=range(0, 1000, 10),
    )
    for name, p in params.items()
}
fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharex=True)
for ax, (name, run) in zip(axes, runs.items()):
    steps = [s.step for s in run.snapshots]
    W1 = np.stack([s.params[0][0] for s in run.snapshots])
    ax.plot(steps, W1[:, 0, :])
    ax.set_title(f"{name}\nfinal cost {run.costs[-1]:.3f}")
    ax.set_xlabel("training step")
axes[0].set_ylabel("weight from $x_1$")
plt.tight_layout()
plt.show()

# %% [markdown]
# From zeros, the tanh network's weights never move: every hidden activation is $\tanh(0) = 0$, so
# no gradient reaches $W^{[1]}$ and the output layer sees no signal. Constant weights move,
# but their four lines stay one line. Random weights give four different units.
#
# ## The page's figure
#
# The build ran the page's experiment (3,000 steps, every unit tracked); this is the figure
# the page shows:
#
# ![Hidden units' weights from each start](../../figures/symmetry_weights.svg)
#
# ## Change this and see
#
# Give the hidden units random biases and run the cell: do the units still move together?

# %%
p = nn.init_params(np.random.default_rng(1), sizes, schemes.constant(0.5))
p[0] = (p[0][0], np.random.default_rng(2).normal(size=4))  # random hidden biases
run = train.train(
    p, activations, "binary_cross_entropy", X, y, optimizer=train.SGD(0.5), steps=1000
)
W1 = run.final_params[0][0]
print("largest gap between the units' weights:", np.abs(W1 - W1[:, :1]).max())

# %% [markdown]
# Try also: `"relu"` or `"sigmoid"` hidden units from zeros (which ones move at all?), and a
# balanced circle (`fraction=0.5`) from zeros with sigmoid units.
