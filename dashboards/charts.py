"""Server-rendered SVG charts: geometry computed here, drawn by templates/dashboards/_chart.html.

No chart library: the SVG prints as it shows, works without JavaScript, and scales to a phone
(a 320-unit-wide viewBox is drawn at the card's width, capped by CSS so text stays readable).
Every chart also has its figures as a table (the template shows it under a <details>), and a
<title> per bar for screen readers and tooltips.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
LABEL_W = 104  # horizontal bars: the label column
VALUE_W = 58  # … and the value column at the right
ROW_H = 22
BAR_H = 14
MAX_LABEL = 17  # characters; longer labels are cut (the full label is in the <title> and table)


@dataclass
class Chart:
    title: str
    height: float
    rects: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    width: int = WIDTH
    # The same figures as a table: {"head": [str], "rows": [[{"text", "url"}]]}
    table: dict | None = None

    def svg(self, id: str) -> SafeString:
        """The chart as inline SVG markup; built here rather than in a template loop, which cost
        most of the page's rendering time (hundreds of nodes per chart)."""
        e = escape
        out = [f'<svg class="chart-svg" viewBox="0 0 {self.width} {self.height:g}" role="img" '
               f'aria-labelledby="{e(id)}-title" preserveAspectRatio="xMinYMin meet">'
               f'<title id="{e(id)}-title">{e(self.title)}</title>']
        for ln in self.lines:
            out.append(f'<line x1="{ln["x1"]:g}" y1="{ln["y1"]:g}" x2="{ln["x2"]:g}" y2="{ln["y2"]:g}" '
                       f'class="{e(ln["css"])}"/>')
        for r in self.rects:
            title = f'<title>{e(r["title"])}</title>' if r.get("title") else ""
            rect = (f'<rect x="{r["x"]:g}" y="{r["y"]:g}" width="{r["w"]:g}" height="{r["h"]:g}" '
                    f'class="{e(r.get("css", ""))}">{title}</rect>')
            # A link's accessible name: screen readers do not read a <title> inside its shape.
            label = f' aria-label="{e(r["title"])}"' if r.get("title") else ""
            out.append(f'<a href="{e(r["url"])}"{label}>{rect}</a>' if r.get("url") else rect)
        for t in self.texts:
            title = f'<title>{e(t["title"])}</title>' if t.get("title") else ""
            # A second line (a month's year under it) is a <tspan>; the space before it keeps the
            # text's accessible name "ม.ค. 69", not "ม.ค.69".
            first, *more = str(t["text"]).split("\n")
            body = e(first) + "".join(f' <tspan x="{t["x"]:g}" dy="1.1em">{e(line)}</tspan>' for line in more)
            text = (f'<text x="{t["x"]:g}" y="{t["y"]:g}" text-anchor="{t["anchor"]}" '
                    f'class="{e(t["css"])}">{body}{title}</text>')
            label = f' aria-label="{e(t.get("title") or str(t["text"]).replace(chr(10), " "))}"'
            out.append(f'<a href="{e(t["url"])}"{label}>{text}</a>' if t.get("url") else text)
        out.append("</svg>")
        return mark_safe("".join(out))  # every value above is escaped or a number


def _short(label) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _n(value) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def hbar(title, rows: list[dict], *, value_text=None) -> Chart:
    """Horizontal bars, one row each: {"label", "segments": [{"value", "css", "title", "url"}],
    optionally "url" (the row label's link) and "display" (the text at the bar's end)}."""
    top = max([sum(s["value"] for s in r["segments"]) for r in rows] + [0]) or 1
    chart = Chart(title=title, height=max(len(rows), 1) * ROW_H + 4)
    span = WIDTH - LABEL_W - VALUE_W
    for i, row in enumerate(rows):
        y = 2 + i * ROW_H
        chart.texts.append({"x": LABEL_W - 4, "y": y + BAR_H - 3, "text": _short(row["label"]),
                            "anchor": "end", "css": "ch-label", "url": row.get("url"),
                            "title": str(row["label"])})
        x = LABEL_W
        for seg in row["segments"]:
            w = span * seg["value"] / top
            if w > 0:
                chart.rects.append({"x": round(x, 1), "y": y, "w": round(max(w, 0.8), 1), "h": BAR_H,
                                    "css": seg.get("css", ""), "title": seg.get("title", ""),
                                    "url": seg.get("url")})
            x += w
        total = sum(s["value"] for s in row["segments"])
        display = row.get("display") or (value_text(total) if value_text else _n(total))
        chart.texts.append({"x": round(x + 4, 1), "y": y + BAR_H - 3, "text": display, "anchor": "start",
                            "css": "ch-value"})
    return chart


def columns(title, months: list[dict], series: list[tuple[str, str, str]], *, label, tick=None) -> Chart:
    """Grouped columns per month: `series` = [(key, css, name)]; `label(month)` names a month in
    the tooltips, `tick(month)` (default: label) on the axis, "\n" between its two lines."""
    tick = tick or label
    height, top_pad, bottom, left = 170, 14, 140, 26
    chart = Chart(title=title, height=height)
    peak = max([m[key] for m in months for key, _c, _n in series] + [0]) or 1
    plot_w = WIDTH - left - 4
    group = plot_w / max(len(months), 1)
    bar_w = min(group * 0.8 / len(series), 18)
    chart.lines.append({"x1": left, "y1": bottom, "x2": WIDTH - 4, "y2": bottom, "css": "ch-axis"})
    chart.lines.append({"x1": left, "y1": top_pad, "x2": WIDTH - 4, "y2": top_pad, "css": "ch-grid"})
    chart.texts.append({"x": left - 3, "y": top_pad + 3, "text": _n(peak), "anchor": "end", "css": "ch-tick"})
    chart.texts.append({"x": left - 3, "y": bottom, "text": "0", "anchor": "end", "css": "ch-tick"})
    for i, month in enumerate(months):
        gx = left + i * group + (group - bar_w * len(series)) / 2
        for j, (key, css, name) in enumerate(series):
            value = month[key]
            h = (bottom - top_pad) * value / peak
            x = gx + j * bar_w
            if value:
                chart.rects.append({"x": round(x, 1), "y": round(bottom - h, 1), "w": round(bar_w - 1, 1),
                                    "h": round(max(h, 0.8), 1), "css": css,
                                    "title": f"{label(month['month'])} · {name}: {_n(value)}"})
            if len(months) <= 6 and value:
                chart.texts.append({"x": round(x + bar_w / 2, 1), "y": round(bottom - h - 2, 1),
                                    "text": _n(value), "anchor": "middle", "css": "ch-tick"})
        chart.texts.append({"x": round(left + i * group + group / 2, 1), "y": bottom + 13,
                            "text": tick(month["month"]), "anchor": "middle", "css": "ch-tick"})
    return chart


def pyramid(title, bands: list[dict], *, male_name, female_name, male_url=None, female_url=None) -> Chart:
    """Population pyramid: one row per band (oldest first), men to the left, women to the right."""
    row, bar, mid, head = 13, 10, 34, 16
    chart = Chart(title=title, height=head + len(bands) * row + 2)
    peak = max([max(b["male"], b["female"]) for b in bands] + [0]) or 1
    half = (WIDTH - mid) / 2 - 30  # leave room for the value text
    centre_l, centre_r = WIDTH / 2 - mid / 2, WIDTH / 2 + mid / 2
    chart.texts.append({"x": centre_l - 2, "y": 11, "text": str(male_name), "anchor": "end",
                        "css": "ch-head ch-male-text", "url": male_url})
    chart.texts.append({"x": centre_r + 2, "y": 11, "text": str(female_name), "anchor": "start",
                        "css": "ch-head ch-female-text", "url": female_url})
    for i, b in enumerate(bands):
        y = head + i * row
        chart.texts.append({"x": WIDTH / 2, "y": y + bar - 1.5, "text": b["label"], "anchor": "middle",
                            "css": "ch-tick"})
        wm, wf = half * b["male"] / peak, half * b["female"] / peak
        if b["male"]:
            chart.rects.append({"x": round(centre_l - wm, 1), "y": y, "w": round(max(wm, 0.8), 1), "h": bar,
                                "css": "ch-male", "title": f"{male_name} {b['label']}: {_n(b['male'])}"})
        if b["female"]:
            chart.rects.append({"x": centre_r, "y": y, "w": round(max(wf, 0.8), 1), "h": bar,
                                "css": "ch-female",
                                "title": f"{female_name} {b['label']}: {_n(b['female'])}"})
        chart.texts.append({"x": round(centre_l - wm - 2, 1), "y": y + bar - 1.5, "text": _n(b["male"]),
                            "anchor": "end", "css": "ch-tick"})
        chart.texts.append({"x": round(centre_r + wf + 2, 1), "y": y + bar - 1.5, "text": _n(b["female"]),
                            "anchor": "start", "css": "ch-tick"})
    return chart
