"""Command line: python -m initdoc build | list | run | probe | bench | reproducible |
check-stable | page-weight | clean."""

from __future__ import annotations

from initdoc.pipeline import environment

environment.configure()  # before numpy is imported

import argparse
import errno
import os
import sys
from pathlib import Path


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line and exit status 2."""

    def error(self, message):
        from initdoc.errors import one_line

        self.exit(2, f"{self.prog}: error: {one_line(message)} (see --help)\n")


def positive_int(text: str) -> int:
    """An int >= 1, for --jobs and --batch."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """A float > 0, for --seconds."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


HINTS = {
    errno.ENOSPC: "; free some space and run the command again (nothing half-written is kept)",
    errno.EDQUOT: "; free some space and run the command again (nothing half-written is kept)",
    errno.EROFS: "; make the folder writable, or set INITDOC_ROOT to one that is",
    errno.EACCES: "; make the folder writable, or set INITDOC_ROOT to one that is",
    errno.EPERM: "; make the folder writable, or set INITDOC_ROOT to one that is",
    errno.ENOTDIR: "; a file stands where a folder should be: move it away",
    errno.EEXIST: "; a file stands where a folder should be: move it away",
}


def make_parser() -> Parser:
    """The CLI's commands and their arguments."""
    parser = Parser(prog="python -m initdoc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    jobs = {"type": positive_int, "default": None, "help": "parallel processes (default: cores)"}
    scale = {
        "choices": ["default", "paper"],
        "default": "default",
        "help": "paper: the paper experiments at their published sizes, cached and drawn apart "
        "(.cache/initdoc-paper/, figures-paper/); the site uses the default",
    }

    build = sub.add_parser("build", help="run every experiment (cached) and write figures/")
    build.add_argument("names", nargs="*", help="only these experiments")
    build.add_argument("--jobs", "-j", **jobs)
    build.add_argument("--force", action="store_true", help="ignore the cache and rerun")
    build.add_argument(
        "--scheduler", metavar="ADDRESS", help="compute on this Dask cluster, e.g. tcp://host:8786"
    )
    build.add_argument("--scale", **scale)
    sub.add_parser("list", help="list the experiments and their figures")
    run = sub.add_parser("run", help="run one experiment (cached) and print its values")
    run.add_argument("name")
    run.add_argument("--scale", **scale)
    sub.add_parser("clean", help="remove figures/ and the experiment cache")

    probe = sub.add_parser(
        "probe", help="per-layer signal of an MLP or a residual network: predicted and measured"
    )
    probe.add_argument(
        "architecture", help="layer sizes joined by '-', e.g. 784-300-10; N*K repeats N K times"
    )
    probe.add_argument(
        "--activation", required=True, help="identity, relu, leaky_relu, tanh or sigmoid"
    )
    probe.add_argument("--init", required=True, help="weight scheme, e.g. glorot_normal")
    probe.add_argument("--batch", type=positive_int, default=1000, help="input rows (1000)")
    probe.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    probe.add_argument(
        "--residual",
        action="store_true",
        help="make each equal-width hidden layer after the first a block x + branch(x), "
        "branch = activation -> linear",
    )
    probe.add_argument(
        "--branch-scale",
        metavar="S",
        help="with --residual: multiply each branch's weights by S, a number, "
        "sqrt (1/sqrt(L) for L blocks) or zero (default: 1)",
    )

    bench = sub.add_parser("bench", help="time the build, each experiment and the engine")
    bench.add_argument("--jobs", "-j", **{**jobs, "default": 2})
    bench.add_argument("--engine-only", action="store_true", help="skip the site builds")
    bench.add_argument("--site-only", action="store_true", help="only the site builds")
    bench.add_argument("--lab-only", action="store_true", help="only the lab in chromium")
    bench.add_argument("--seconds", type=positive_float, default=2.0, help="per engine timing")

    reproducible = sub.add_parser("reproducible", help="build twice and compare the bytes")
    reproducible.add_argument("names", nargs="*", help="only these experiments (default: all)")
    reproducible.add_argument("--jobs", "-j", **{**jobs, "default": 2})
    reproducible.add_argument("--keep", action="store_true", help="keep both project roots")

    stable = sub.add_parser(
        "check-stable", help="build the verdicts under several BLAS setups and compare outcomes"
    )
    stable.add_argument(
        "names", nargs="*", help="only these experiments (default: every one with a verdict)"
    )
    stable.add_argument("--jobs", "-j", **{**jobs, "default": 2})
    stable.add_argument("--keep", action="store_true", help="keep the project roots")

    weight = sub.add_parser("page-weight", help="each page's own bytes against the budget")
    weight.add_argument("site", nargs="?", type=Path, default=Path("site"), help="(site/)")
    return parser


def dispatch(args: argparse.Namespace) -> int:
    """Run the command `args` names; its exit status."""
    if args.command == "clean":  # needs only the standard library, so a broken .venv can clean
        from initdoc.pipeline import paths

        return paths.clean()
    from initdoc.pipeline import build, cache, paths, registry

    if args.command in ("build", "run"):
        os.environ[paths.SCALE_VARIABLE] = args.scale  # pool workers inherit it
    if args.command == "build":
        build.build(
            args.names,
            jobs=args.jobs,
            force=args.force,
            scheduler=args.scheduler,
            progress_to=sys.stderr,
        )
    elif args.command == "list":
        registry.load_all()
        for exp in registry.EXPERIMENTS.values():
            print(f"{exp.name:<28} {exp.about}")
            for fig in registry.FIGURES.values():
                if fig.experiment == exp.name:
                    print(f"    figure {fig.name}")
    elif args.command == "run":
        exp = registry.get_experiment(args.name)
        result, _ = cache.run(exp)
        for name, value in sorted(result.values.items()):
            print(f"{exp.name}.{name} = {value}")
        for name, verdict in sorted(result.verdicts.items()):
            print(f"verdict {exp.name}.{name}: {verdict['outcome']}. {verdict['sentence']}")
    elif args.command == "probe":
        from initdoc import probe

        probe.main(
            args.architecture,
            args.activation,
            args.init,
            args.batch,
            args.seed,
            args.residual,
            args.branch_scale,
        )
    elif args.command == "bench":
        from initdoc.tools import bench

        return bench.main(
            args.jobs, args.engine_only, args.site_only, args.seconds, lab_only=args.lab_only
        )
    elif args.command == "reproducible":
        from initdoc.tools import reproducible

        return reproducible.main(args.names, args.jobs, args.keep)
    elif args.command == "check-stable":
        from initdoc.tools import stability

        for name in args.names:
            registry.get_experiment(name)
        return stability.main(args.names, args.jobs, args.keep)
    elif args.command == "page-weight":
        from initdoc.site import page_weight

        return page_weight.main(args.site)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a UserError or a failed file operation becomes one line and exit status 2."""
    from initdoc.errors import UserError, one_line

    args = make_parser().parse_args(argv)
    try:
        return dispatch(args)
    except UserError as err:
        print(f"initdoc: error: {one_line(str(err))}", file=sys.stderr)
    except OSError as err:  # a read-only folder, a full disk, a file where a folder should be
        print(f"initdoc: error: {one_line(file_error(err))}", file=sys.stderr)
    return 2


def file_error(err: OSError) -> str:
    """Which file, what went wrong and what to do: 'FILE: No space left on device; free ...'."""
    where = f"{err.filename}: " if err.filename else ""
    return f"{where}{err.strerror or err}{HINTS.get(err.errno, '')}"


if __name__ == "__main__":
    sys.exit(main())
