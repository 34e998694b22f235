"""Command line: python -m initdoc build | list | run NAME | clean | probe ARCHITECTURE."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # parallelism is across experiments
os.environ.setdefault("MPLBACKEND", "Agg")  # figures go to files, never to a window

import argparse
import shutil
import sys


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def make_parser() -> Parser:
    """The CLI's arguments."""
    parser = Parser(prog="python -m initdoc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    build = sub.add_parser("build", help="run every experiment (cached) and write figures/")
    build.add_argument("names", nargs="*", help="only these experiments")
    build.add_argument(
        "--jobs", "-j", type=positive_int, default=None, help="parallel processes (default: cores)"
    )
    build.add_argument("--force", action="store_true", help="ignore the cache and rerun")
    sub.add_parser("list", help="list the experiments and their figures")
    run = sub.add_parser("run", help="run one experiment (cached) and print its values")
    run.add_argument("name")
    sub.add_parser("clean", help="remove figures/ and the experiment cache")
    probe = sub.add_parser(
        "probe", help="per-layer signal of an MLP: predicted by the theory and measured"
    )
    probe.add_argument(
        "architecture", help="layer sizes joined by '-', e.g. 784-300-300-10; N*K repeats N K times"
    )
    probe.add_argument(
        "--activation",
        required=True,
        help="hidden activation: identity, relu, leaky_relu, tanh, sigmoid",
    )
    probe.add_argument(
        "--init", required=True, help="weight scheme, e.g. glorot_normal or he_uniform"
    )
    probe.add_argument(
        "--batch", type=positive_int, default=1000, help="random input rows (default: 1000)"
    )
    probe.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def positive_int(text: str) -> int:
    """An int >= 1, for --jobs."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a UserError becomes one line on stderr and exit status 2."""
    args = make_parser().parse_args(argv)
    from initdoc import build, cache, paths, registry

    try:
        if args.command == "build":
            build.build(args.names, jobs=args.jobs, force=args.force)
        elif args.command == "list":
            registry.load_all()
            for exp in registry.EXPERIMENTS.values():
                figs = [f.name for f in registry.FIGURES.values() if f.experiment == exp.name]
                print(f"{exp.name:<28} {exp.about}")
                for name in figs:
                    print(f"    figure {name}")
        elif args.command == "run":
            exp = registry.get_experiment(args.name)
            result, _ = cache.run(exp)
            for name, value in sorted(result.values.items()):
                print(f"{exp.name}.{name} = {value}")
        elif args.command == "probe":
            from initdoc import probe

            probe.main(args.architecture, args.activation, args.init, args.batch, args.seed)
        elif args.command == "clean":
            for folder in (paths.figures_dir(), paths.cache_dir()):
                shutil.rmtree(folder, ignore_errors=True)
                print(f"removed {folder}")
    except registry.UserError as err:
        print(f"initdoc: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
