"""Tables that pages place with `{{ table: name }}`, generated from Python at build time.

A table is a function returning Markdown; it may quote build values with `{{ experiment.value }}`,
which are expanded after it, as strictly as the page's own.
"""

from initdoc.site import frameworks

TABLES = {**frameworks.TABLES}
