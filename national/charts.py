"""Server-rendered SVG line chart of one indicator over snapshot dates, one line per municipality
(drawn by templates/national/_line_chart.html; no chart library, prints as shown, works on a
phone: the viewBox scales to the page width)."""

import datetime as dt

from django.utils import formats

from kernel.thaidate import thai_date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 226
# Colour-blind-safe qualitative palette (Okabe–Ito); lines beyond it repeat with a dash.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


def _nice_top(peak: float) -> float:
    if peak <= 0:
        return 1
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(peak))) - 1)
        top = step * magnitude
        if top >= peak:
            return top
    return peak


def line_chart(*, dates: list[dt.date], lines: list[dict], value_text) -> dict:
    """`lines`: [{"label", "points": {date: Result}}]. A hidden or missing point breaks the line
    (it is never drawn through a suppressed value)."""
    values = [r.value for line in lines for r in line["points"].values() if r.value is not None]
    top = _nice_top(max(values, default=0))
    span = max(len(dates) - 1, 1)

    def x(day: dt.date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * dates.index(day) / span, 1) if len(dates) > 1 \
            else (LEFT + WIDTH - RIGHT) / 2

    def y(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * value / top, 1)

    series = []
    for i, line in enumerate(lines):
        colour = PALETTE[i % len(PALETTE)]
        segments, current, dots = [], [], []
        for day in dates:
            result = line["points"].get(day)
            if result is None or result.value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = (x(day), y(result.value))
            current.append(point)
            dots.append({"x": point[0], "y": point[1],
                         "title": f"{line['label']} · {thai_date(day, short=True)}: {value_text(result)}"})
        if current:
            segments.append(current)
        series.append({
            "label": line["label"], "colour": colour, "dashed": i >= len(PALETTE),
            "polylines": [" ".join(f"{px},{py}" for px, py in seg) for seg in segments if len(seg) > 1],
            "dots": dots,
        })
    ticks = sorted({dates[0], dates[len(dates) // 2], dates[-1]}) if dates else []
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": BOTTOM, "series": series,
        "y_ticks": [{"y": y(v), "text": formats.number_format(v, 0 if float(v).is_integer() else 1,
                                                              use_l10n=True, force_grouping=True)}
                    for v in (0, top / 2, top)],
        # the first and last labels end at the plot's edges, so they are never cut off
        "x_ticks": [{"x": x(day), "date": day,
                     "anchor": "middle" if len(ticks) == 1 else
                     ("start" if day == ticks[0] else "end" if day == ticks[-1] else "middle")}
                    for day in ticks],
    }
