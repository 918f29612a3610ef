"""The yardsticks of the figures, defined once: the dashboard (dashboards.aggregates), the API
(api.routers.service_requests: /service-requests/summary/) and the national snapshot
(national.indicators) all call these, so the three can never disagree on what "within SLA" or
"overdue" means.

Plain numbers in, plain numbers out (no ORM): each caller counts from its own rows (the
dashboards' aggregate rows, or the national snapshot made from them) and asks here for the rate.
A rate is a percentage with one decimal, rounded half away from zero as people round by hand;
None when there is nothing to divide by (a rate of 0 % would claim something happened).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def rate(part: int | float, whole: int | float) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is 0."""
    if not whole:
        return None
    value = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def sla_compliance_rate(*, resolved: int, resolved_on_time: int) -> float | None:
    """Of the requests resolved in the period (their `resolved_at` falls in it), the share resolved
    at or before their due time (`resolved_at <= due_at`, the SLA target set when the request was
    received). A request closed or rejected without being resolved is not counted; one reopened
    and resolved again counts once, with its last resolution."""
    return rate(resolved_on_time, resolved)


def overdue_rate(*, open_now: int, overdue: int) -> float | None:
    """Of the requests open when the figures were computed (received, assigned or in progress),
    the share already past their due time (`due_at < now`, as the staff queue's "overdue")."""
    return rate(overdue, open_now)


@dataclass(frozen=True)
class Change:
    """A figure against the previous period: `difference` = current − previous (in percentage
    points for a rate), `percent` = difference / previous × 100 (one decimal; None when the
    previous value was 0 or is unknown)."""

    current: float | None
    previous: float | None
    difference: float | None
    percent: float | None

    @property
    def direction(self) -> str:
        """"up", "down" or "same" ("" when either value is unknown)."""
        if self.difference is None:
            return ""
        return "up" if self.difference > 0 else ("down" if self.difference < 0 else "same")


def change(current: float | None, previous: float | None) -> Change:
    if current is None or previous is None:
        return Change(current, previous, None, None)
    difference = float(Decimal(str(current)) - Decimal(str(previous)))
    return Change(current, previous, difference, rate(difference, previous))


def signed(value: float | int | None, *, places: int = 1) -> str:
    """`+3`, `−2.5`, `0`: the sign always written (a minus sign, not a hyphen), "–" when unknown."""
    if value is None:
        return "–"
    text = f"{abs(value):,.{places}f}" if places else f"{abs(value):,.0f}"
    if value > 0:
        return f"+{text}"
    return f"−{text}" if value < 0 else text
