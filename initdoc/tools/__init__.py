"""Tools behind the command line: bench, reproducible builds, verdict stability."""
