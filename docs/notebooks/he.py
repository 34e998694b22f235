# %% [markdown]
# # Notebook: He/Kaiming
#
# The runnable companion of [He/Kaiming](../../he/).
# [Download this notebook (.ipynb)](he.ipynb) and change any number.
#
# You will check that relu keeps half of the second moment of a symmetric input, then push
# a batch through a 30-layer relu network started from LeCun's rule $\mathrm{Var}(W) =
# 1/n_\text{in}$ (what He et al. call "Xavier") and from He's $2/n_\text{in}$, and measure
# the second moment of every layer forward and backward.

# %%
import matplotlib.pyplot as plt
import numpy as np

from initdoc import nn, schemes
from initdoc.figures import plots  # noqa: F401 (the site's figure style)

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. relu keeps half
#
# For $z \sim \mathcal{N}(0, 1)$, $E[\mathrm{relu}(z)^2] = \tfrac12 E[z^2]$:

# %%
z = rng.standard_normal(1_000_000)
print(f"E[relu(z)²] / E[z²] = {np.mean(nn.relu(z) ** 2) / np.mean(z**2):.4f}")

# %% [markdown]
# ## 2. Thirty layers, forward and backward

# %%
depth, width, n_x, m = 30, 128, 32, 512
X = rng.standard_normal((m, n_x))
Y = rng.standard_normal((m, 1))
sizes = [n_x] + [width] * depth + [1]
activations = ["relu"] * depth + ["identity"]
starts = {"LeCun, 1/n_in": schemes.lecun_normal(), "He, 2/n_in": schemes.he_normal()}

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for name, init in starts.items():
    params = nn.init_params(np.random.default_rng(1), sizes, init)
    record = nn.forward(params, activations, X)
    grads = nn.backward(params, record, Y, "mse")
    z2 = [np.mean(z**2) for z in record.z[1 : depth + 1]]
    d2 = [np.mean(dz**2) for dz in grads.dz[1 : depth + 1]]
    axes[0].plot(range(1, depth + 1), np.array(z2) / z2[0], label=name)
    axes[1].plot(range(1, depth + 1), np.array(d2) / d2[-1], label=name)
axes[0].set(title="forward: E[z²], layer l / layer 1", xlabel="layer l", yscale="log")
axes[1].set(title="backward: E[δ²] of layer l / last layer", xlabel="layer l")
axes[0].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Under LeCun's rule each relu layer halves the second moment, forward and backward, so 30
# layers shrink it by about $2^{-29}$; under He's it holds, up to the fluctuations of one draw.
#
# ## The page's figure
#
# ![Second moment per layer, 30 relu layers](../../figures/he_signal.svg)
#
# ## Change this and see
#
# Leaky relu with slope $a$ keeps a fraction $(1 + a^2)/2$; the matching scale is
# $2/((1 + a^2)\,n_\text{in})$. Check the fraction:

# %%
a = 0.2
leaky = np.where(z > 0, z, a * z)
print(f"slope {a}: kept {np.mean(leaky**2) / np.mean(z**2):.4f}, predicted {(1 + a**2) / 2:.4f}")
