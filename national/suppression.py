"""Statistical disclosure control of the national snapshot: small counts of people are hidden.

Primary suppression: a count of PEOPLE from 1 to 4 is stored as NULL with suppression "small"
(the usual "fewer than 5" rule of official statistics; shown as "<5"). A 0 stays 0: that nobody
in a town is, say, bedridden tells nothing about any one person, and the comparison needs it.
Counts of assets and service requests are not counts of people and are published as they are;
so are sums (metres of road, hours to resolve): a sum of metres is not a count of people, and the
figures that count people carry no sum.

Complementary suppression: a published total is an equation (total = sum of its cells). If exactly
one number of an equation were hidden, subtracting the others from the total would give it back.
So whenever an equation has exactly one hidden number, the smallest other non-zero number in it
is hidden too (suppression "complementary"; when there is no other cell, the total itself), and
this repeats until no equation has exactly one hidden number (a hidden total can make another
equation one-hidden). Equations are: each total with its cells, each margin with its cells, the
grand total with the margins, and the relations between figures (the elderly are the population
of the bands 60+, the screening target group the bands 35+).

Limits, on purpose: this protects against recovery by subtraction within one published sum, which
is what the usual publication rules ask; it does not solve the full linear system across every
equation at once, nor differences between two snapshot dates.
"""

from dataclasses import dataclass

SMALL_MIN, SMALL_MAX = 1, 4
SMALL = "small"
COMPLEMENTARY = "complementary"

Key = tuple  # (figure, key1, key2, month)


@dataclass
class Cell:
    value: int
    amount: float | None = None
    suppression: str = ""

    @property
    def hidden(self) -> bool:
        return bool(self.suppression)


def _order(cells: dict[Key, Cell], key: Key):
    return (cells[key].value, tuple("" if part is None else str(part) for part in key))


def suppress(cells: dict[Key, Cell], *, people: set[Key],
             equations: list[tuple[Key, list[Key]]]) -> None:
    """Mark cells in place: `people` are the keys that count people; `equations` (total,
    [cells]) say which published numbers add up to which."""
    for key in people:
        if SMALL_MIN <= cells[key].value <= SMALL_MAX:
            cells[key].suppression = SMALL
    changed = True
    while changed:
        changed = False
        for total, members in equations:
            hidden = [key for key in (total, *members) if cells[key].hidden]
            if len(hidden) != 1:
                continue
            candidates = [key for key in members if not cells[key].hidden and cells[key].value > 0]
            if not candidates and not cells[total].hidden and cells[total].value > 0:
                candidates = [total]
            if candidates:
                cells[min(candidates, key=lambda key: _order(cells, key))].suppression = COMPLEMENTARY
                changed = True


def recoverable(cells: dict[Key, Cell], equations: list[tuple[Key, list[Key]]]) -> list[Key]:
    """Hidden cells an outsider gets back by one subtraction (for checks and tests: empty after
    suppress())."""
    found = []
    for total, members in equations:
        hidden = [key for key in (total, *members) if cells[key].hidden]
        if len(hidden) == 1:
            found.append(hidden[0])
    return found
