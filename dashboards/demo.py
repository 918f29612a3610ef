"""After the domain seeders: compute the aggregates, so seed_demo ends with fresh figures."""

from .demo_communities import communities_share
from .services import dashboard_refresh


def seed(*, municipality, size: str, log) -> None:
    communities_share(log=log)  # one register for both domains, before the figures
    states = dashboard_refresh()
    log("  dashboards: " + ", ".join(f"{part} {s.row_count} rows in {s.duration_ms} ms"
                                     for part, s in states.items()))
