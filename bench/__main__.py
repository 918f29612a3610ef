"""`python -m bench [name ...]`: run the named benchmarks, or all of them."""

import argparse
import importlib
import sys

from bench import BENCHMARKS
from bench.harness import Report, django_setup, machine_context, throwaway_database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="name",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    names = parser.parse_args(argv).names or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    with throwaway_database() as url:
        for line in machine_context(url):
            print(line)
        print(flush=True)
        print("setting up: public schema migrations", file=sys.stderr, flush=True)
        django_setup(url)
        from django.db import connection

        for name in names:
            connection.set_schema_to_public()  # whatever schema the previous benchmark left
            module = importlib.import_module(BENCHMARKS[name])
            print(f"== {name}", file=sys.stderr, flush=True)
            report = Report(name)
            module.run(report)
            print(f"== {name}")
            print(report.render())
            print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
