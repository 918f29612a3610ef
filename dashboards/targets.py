"""The figures an administrator may set a target for, and how an actual value is judged against
its target. The values come from aggregates.py (the same numbers the dashboard shows); the targets
from models.Target.

Every such figure is a percentage. Some are better high (requests resolved within SLA: met when
the actual is at least the target), some better low (overdue requests: met when at most)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Target

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
REQUESTS, HEALTH, ASSETS = "requests", "health", "assets"


@dataclass(frozen=True)
class TargetFigure:
    key: str
    label: str
    section: str  # REQUESTS / HEALTH / ASSETS: who may see it follows the section's permission
    higher_is_better: bool
    suggestion: int  # shown as the field's placeholder: a common yardstick in Thai municipalities


TARGET_FIGURES: dict[str, TargetFigure] = {f.key: f for f in (
    TargetFigure("sla_compliance", _("Requests resolved within their SLA"), REQUESTS, True, 90),
    TargetFigure("overdue_rate", _("Open requests past their SLA"), REQUESTS, False, 10),
    TargetFigure("reopen_rate", _("Resolved requests the citizen reopened"), REQUESTS, False, 5),
    TargetFigure("bedridden_visited", _("Bedridden people visited in the last 30 days"), HEALTH, True, 100),
    TargetFigure("screening", _("Adults 35+ screened for NCD in the last 12 months"), HEALTH, True, 90),
    TargetFigure("assets_alert", _("Assets in poor condition or out of service"), ASSETS, False, 10),
)}


def actual_values(*, requests: dict | None = None, health: dict | None = None,
                  assets: dict | None = None) -> dict[str, float | None]:
    """The actual value of each target figure, from the figures of aggregates.py that were read
    (a section the reader may not see is None, and so are its figures)."""
    values: dict[str, float | None] = {}
    if requests is not None:
        values.update(sla_compliance=requests["sla_rate"], overdue_rate=requests["overdue_rate"],
                      reopen_rate=requests["reopen_rate"])
    if health is not None:
        values.update(bedridden_visited=health["bedridden_visited_percent"],
                      screening=health["screened_percent"])
    if assets is not None:
        values.update(assets_alert=assets["alert_percent"])
    return values


def status(figure: TargetFigure, *, actual: float | None, target: Decimal | float) -> str:
    """MET, NOT_MET, or NO_DATA when there is no actual value to judge."""
    if actual is None:
        return NO_DATA
    target = Decimal(str(target))
    actual = Decimal(str(actual))
    met = actual >= target if figure.higher_is_better else actual <= target
    return MET if met else NOT_MET


def targets_current() -> dict[str, Decimal]:
    """The targets set in this municipality: figure key → value (figures no longer defined are
    left out)."""
    return {figure: value for figure, value in Target.objects.values_list("figure", "value")
            if figure in TARGET_FIGURES}


def yardsticks(*, targets: dict[str, Decimal], actuals: dict[str, float | None]) -> dict[str, dict]:
    """Each figure that has a target and an actual the reader may see: {"key", "label", "target",
    "actual", "status", "higher_is_better"}, in TARGET_FIGURES order."""
    result = {}
    for key, figure in TARGET_FIGURES.items():
        if key not in targets or key not in actuals:
            continue
        result[key] = {"key": key, "label": figure.label, "target": targets[key], "actual": actuals[key],
                       "higher_is_better": figure.higher_is_better,
                       "status": status(figure, actual=actuals[key], target=targets[key])}
    return result
