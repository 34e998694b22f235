# %% [markdown]
# # Notebook: Saturation
#
# The runnable companion of [Saturation](../../saturation/).
# [Download this notebook (.ipynb)](saturation.ipynb) and change any number.
#
# The first cell draws the page's figure from the very result the page quotes (the build's
# cache; the first run computes it). The second reruns the experiment with other parameters.

# %%
from initdoc.pipeline import cache, registry
from initdoc.pipeline.registry import get_experiment

registry.load_all()
page_result, _ = cache.run(get_experiment("saturation_units"))
registry.FIGURES["saturation_histograms"].draw(page_result)

# %% [markdown]
# The same experiment with other parameters (uncached; a few seconds):

# %%
result = get_experiment("saturation_units")(n_ins=(10, 100, 1000, 10000))
print({k: v for k, v in result.values.items()
       if k.startswith("n10000") and k.endswith(".saturated")})

# %% [markdown]
# ## Try next
#
# - Add `n_in = 10000`: what share of sigmoid units is saturated?
# - Scale the weights by $1/\sqrt{n_\text{in}}$ and check the share again.
