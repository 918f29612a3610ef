"""Which dashboard figures a municipality publishes nationally, and the values their keys may take.

The national snapshot is a whitelist: a figure of dashboards.refresh_sql is published only when it
is listed in PUBLISHED_FIGURES here, and each key only when it is one of the known values of its domain
(asset types, ADL groups, 5-year age bands…); anything else is folded into "other". So a value an
import typed into free text (a road's surface, say) can never carry a name or an identifier into
the public schema, and a figure added to the dashboards later stays private until someone decides
here how to publish it (tests/national/test_no_personal_data.py fails until then).

Rows are summed over communities: the national level does not need them, and a community's name
next to a small count could point at a household.

Totals: ALL ("*") in a key means "every value of that key". A figure with `total` has a row
(ALL, ALL); `margins` adds the sums over the other key (key1=X, key2=ALL for "key1"; key1=ALL,
key2=Y for "key2"). They are what the comparison table reads, and what suppression protects
(a published total is an equation an outsider could subtract from; see suppression.py).
"""

import re
from dataclasses import dataclass
from functools import cache

ALL = "*"
OTHER = "other"
INTEGER = re.compile(r"^\d{1,6}$")  # resolve-time buckets are whole hours
ELDERLY_BAND = 60  # smarthealth.rules.ELDERLY_AGE: the elderly are bands 60…85
SCREENING_BAND = 35  # dashboards.services.SCREENING_AGE: adults 35 and over


@dataclass(frozen=True)
class PublishedFigure:
    """How one dashboard figure (a `figure` of dashboards' aggregate rows) is published nationally:
    the domains of its keys, whether it counts people (and so is suppressed when small), and which
    totals and margins go with it."""

    name: str
    part: str
    key1: str  # a domain name of domains(), or "" when the figure has no such key
    key2: str = ""
    persons: bool = False  # counts people: small counts are suppressed
    amount: bool = False  # carries a sum (metres of road, hours to resolve)
    monthly: bool = False
    total: bool = False
    margins: tuple[str, ...] = ()


PUBLISHED_FIGURES: dict[str, PublishedFigure] = {f.name: f for f in (
    PublishedFigure("assets", "infrastructure", "asset_type", "condition", total=True,
                    margins=("key1", "key2")),
    PublishedFigure("road_length", "infrastructure", "surface", amount=True, total=True),
    PublishedFigure("requests_opened", "infrastructure", "category", monthly=True),
    PublishedFigure("requests_closed", "infrastructure", "category", monthly=True),
    PublishedFigure("resolve_time", "infrastructure", "hours", amount=True, monthly=True),
    # Requests resolved per month, on time or late against their SLA: the SLA-compliance rate
    # (kernel.yardsticks) of indicators.py, the same as the dashboard's and the API's.
    PublishedFigure("requests_sla", "infrastructure", "category", "sla", monthly=True),
    PublishedFigure("requests_open", "infrastructure", "category", "due", total=True,
                    margins=("key1", "key2")),
    PublishedFigure("population", "health", "sex", "band", persons=True, total=True, margins=("key1",)),
    PublishedFigure("elderly_adl", "health", "adl", persons=True, total=True),
    PublishedFigure("bedridden", "health", "visited", persons=True, total=True),
    PublishedFigure("ncd", "health", "diagnosis", "colour", persons=True, margins=("key1",)),
    PublishedFigure("screening", "health", "screened", persons=True, total=True),
    PublishedFigure("disabled", "health", "disability", persons=True, total=True),
    # Long-term care (issue 23): active cases by the group of their approved plan; counts only.
    PublishedFigure("ltc_cases", "health", "ltc_group", persons=True, total=True),
)}

# Dashboard figures deliberately kept out of the national snapshot, with the reason.
EXCLUDED = {
    # Requests per ~275 m grid cell and month: a cell with one request points at the street
    # (and often the house) of the citizen who reported it.
    "request_cells": "location of individual reports",
    # Reporters' own answers (fixed / reopened / a 1-5 rating), a handful a month in a small
    # municipality: the municipality's follow-up figure, not yet a national indicator; published
    # once the programme office decides how to compare ratings across municipalities.
    "citizen_answers": "individual citizens' ratings, few per month",
    # "Open now" a month before, for the dashboard's change (issue 19): the snapshot already keeps
    # each day's requests_open, so a national series of it holds the same figure.
    "requests_open_before": "the dashboard's own comparison; the daily snapshots hold it",
}


@cache
def domains() -> dict[str, frozenset[str]]:
    """The known values of each key (read from the domain apps' choices, so they stay in step)."""
    from infrastructure.models import ATTRIBUTE_SPECS, AssetType, Condition, RequestCategory
    from ltc.rules import Group as LtcGroup
    from smarthealth.models import Person
    from smarthealth.rules import AdlGroup, Disability, NcdColour

    surfaces = {choice[0] for choice in ATTRIBUTE_SPECS["road"]["surface"].choices}
    return {
        "asset_type": frozenset(AssetType.values),
        "condition": frozenset(Condition.values),
        "surface": frozenset(surfaces | {""}),  # "" = not recorded
        "category": frozenset(RequestCategory.values),
        "due": frozenset({"overdue", "on_time"}),
        "sla": frozenset({"on_time", "late"}),
        "sex": frozenset(Person.Sex.values),
        "band": frozenset(str(band) for band in range(0, 90, 5)),  # "85" = 85 and over
        "adl": frozenset([*AdlGroup.values, "none"]),
        "visited": frozenset({"visited", "not_visited"}),
        "diagnosis": frozenset({"DM", "HT"}),
        "colour": frozenset([*NcdColour.values, "none"]),
        "screened": frozenset({"screened", "not_screened"}),
        "disability": frozenset(value for value in Disability.values if value != "none"),
        "ltc_group": frozenset([*(str(group) for group in LtcGroup.values), "none"]),
    }


def clean_key(domain: str, value: str) -> str:
    """`value` when its domain knows it, else OTHER (never free text)."""
    if not domain:
        return ""
    if domain == "hours":
        return value if INTEGER.match(value or "") else OTHER
    return value if value in domains()[domain] else OTHER


def allowed_keys(domain: str) -> frozenset[str] | None:
    """Every value a stored key of this domain may hold (None: whole hours)."""
    if not domain:
        return frozenset({"", ALL})
    if domain == "hours":
        return None
    return domains()[domain] | {ALL, OTHER}


def dashboard_figures() -> set[str]:
    """The figure names the dashboards' refresh SQL writes, read from its statements."""
    from dashboards import refresh_sql

    text = "\n".join(s for statements in refresh_sql.STATEMENTS.values() for s in statements)
    return set(re.findall(r"SELECT\s+'(?:infrastructure|health)',\s*'(\w+)'", text))
