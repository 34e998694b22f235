# %% [markdown]
# # Notebook: the derivation, proved
#
# The runnable companion of [The derivation, proved](../../derivation/).
# [Download this notebook (.ipynb)](derivation.ipynb) and change any assumption.
#
# sympy proves each step; here we redo the He step by hand and then check a wrong claim.

# %%
import sympy as sp
from IPython.display import Math, display

from initdoc import theory

z = sp.Symbol("z", real=True)
s = sp.Symbol("sigma", positive=True)
density = sp.exp(-(z**2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
second_moment = sp.integrate(z**2 * density, (z, 0, sp.oo))  # E[relu(z)^2]
display(Math(r"E[\mathrm{relu}(z)^2] = " + sp.latex(sp.simplify(second_moment))))

# %% [markdown]
# Half of $\sigma^2$: relu keeps half the second moment of a symmetric $z$, so keeping the
# signal needs $n_\text{in}\,\mathrm{Var}(W) = 2$. The checked step, as the page shows it:

# %%
step = theory.he_relu_second_moment()
display(Math(r"\begin{aligned}" + r" \\ ".join(step.lines) + r"\end{aligned}"))

# %% [markdown]
# A deliberately wrong expected form is caught, naming the step:

# %%
try:
    theory.he_relu_second_moment(expected=1 / theory.N_IN)
except theory.DerivationError as err:
    print(err)

# %% [markdown]
# ## Try next
#
# - Integrate a leaky relu, $\max(z, \alpha z)$, over both half-lines and compare with
#   `theory.he_leaky_relu()`.
# - Replace the normal density by a uniform one on $[-a, a]$: is the fraction still ½?
