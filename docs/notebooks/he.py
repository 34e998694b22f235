# %% [markdown]
# # Notebook: He/Kaiming
#
# The runnable companion of [He/Kaiming](../../he/).
# [Download this notebook (.ipynb)](he.ipynb) and change any number.
#
# The first cell draws the page's figure from the very result the page quotes (the build's
# cache; the first run computes it). The second reruns the experiment with other parameters.

# %%
from initdoc.pipeline import cache, registry
from initdoc.pipeline.registry import get_experiment

registry.load_all()
page_result, _ = cache.run(get_experiment("he_signal"))
registry.FIGURES["he_signal"].draw(page_result)

# %% [markdown]
# The same experiment with other parameters (uncached; a few seconds):

# %%
result = get_experiment("he_signal")(depth=50, draws=4)
print({k: v for k, v in result.values.items() if "factor" in k})

# %% [markdown]
# ## Try next
#
# - Make it 50 layers deep: how far does the signal drift under He from draw to draw?
# - Narrow the layers (`width=32`) and compare the spread across draws.
