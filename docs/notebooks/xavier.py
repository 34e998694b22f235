# %% [markdown]
# # Notebook: Xavier/Glorot
#
# The runnable companion of [Xavier/Glorot](../../xavier/).
# [Download this notebook (.ipynb)](xavier.ipynb) and change any number.
#
# The first cell draws the page's figure from the very result the page quotes (the build's
# cache; the first run computes it). The second reruns the experiment with other parameters.

# %%
from initdoc.pipeline import cache, registry
from initdoc.pipeline.registry import get_experiment

registry.load_all()
page_result, _ = cache.run(get_experiment("xavier"))
registry.FIGURES["xavier_forward_hist"].draw(page_result)

# %% [markdown]
# The same experiment with other parameters (uncached; a few seconds):

# %%
result = get_experiment("xavier")(width=128, L=8)
print({k: v for k, v in result.values.items() if "ratio" in k})

# %% [markdown]
# ## Try next
#
# - Use 8 or 20 layers (`L=`): how fast does tanh's variance fade under LeCun's rule?
# - Narrow the layers (`width=32`): do the histograms get noisier?
