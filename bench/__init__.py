"""Benchmarks: `python -m bench` runs them all, `python -m bench tenancy` runs one.

Each benchmark prints its figures, a ratio against a baseline measured in the same run, and
whether its target is met. Timings depend on the machine and on whatever else it is doing, so
no benchmark ever fails on a timing: a run exits non-zero only when something crashes.

The run works in a throwaway database (`cityplatform_bench`), never in the development one.
"""

# Name → module. Modules are imported only after Django is set up against the bench database,
# because importing them pulls in models.
BENCHMARKS = {
    "tenancy": "bench.tenancy",
    "map": "bench.map",
    "import": "bench.import",
    "import_moph43": "bench.import_moph43",
    "dashboard": "bench.dashboard",
    "api": "bench.api",
    "soak": "bench.soak",
    "national_scale": "bench.national_scale",
    "national_table": "bench.national_table",
    "citus": "bench.citus",  # single server vs a local Citus cluster (scripts/citus.sh)
}
