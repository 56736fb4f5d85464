"""A small server-rendered chart: members by territory, stacked by collège (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

LABEL_WIDTH = 150
BAR_AREA = 200
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 8


@dataclass
class Segment:
    college: str
    colour: str
    count: int
    x: float
    width: float


@dataclass
class Row:
    label: str
    total: int
    y: int
    text_y: int
    total_x: float = 0.0  # just after the bar, on the page's background: readable whatever the colours
    segments: list[Segment] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


@dataclass
class Chart:
    rows: list[Row]
    legend: list[tuple[str, str]]
    width: int
    height: int
    label_width: int
    max_total: int


def territory_college_chart(territories, colleges, counts: dict) -> Chart:
    keys = [(territory.pk, territory.name) for territory in territories]
    if any(territory_id is None for territory_id, _college in counts):
        keys.append((None, _("Territory not given")))
    totals = {key: sum(counts.get((key, college.pk), 0) for college in colleges) for key, _label in keys}
    max_total = max(totals.values(), default=0) or 1
    scale = BAR_AREA / max_total
    rows = []
    for index, (key, label) in enumerate(keys):
        y = TOP + index * ROW_HEIGHT
        row = Row(label=label, total=totals[key], y=y, text_y=y + BAR_HEIGHT - 4)
        x = float(LABEL_WIDTH)
        for position, college in enumerate(colleges):
            count = counts.get((key, college.pk), 0)
            row.counts.append(count)
            if count:
                width = count * scale
                row.segments.append(
                    Segment(college.name, PALETTE[position % len(PALETTE)], count, round(x, 1), round(width, 1))
                )
                x += width
        row.total_x = round(x + 4, 1)
        rows.append(row)
    legend = [(college.name, PALETTE[position % len(PALETTE)]) for position, college in enumerate(colleges)]
    return Chart(
        rows=rows,
        legend=legend,
        width=LABEL_WIDTH + BAR_AREA + 30,
        height=TOP * 2 + len(rows) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        max_total=max_total,
    )
