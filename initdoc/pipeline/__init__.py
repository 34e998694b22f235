"""The build pipeline: registry, results, cache, build, atomic writes, paths and verdicts."""
