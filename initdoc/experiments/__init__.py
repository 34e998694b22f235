"""Experiments, one module per page topic; each registers its experiments on import."""
