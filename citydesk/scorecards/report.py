"""One scorecard report — the rows the dashboard, the xlsx and the PDF all print, so they agree."""

import re
from dataclasses import dataclass

import pygal
from django.utils.translation import gettext as _

from citydesk.core.models import Unit

from . import metrics
from .models import MetricKey, Target


@dataclass(frozen=True)
class Row:
    unit_id: object  # a Unit pk, None (no unit) or "total"
    name: str
    values: dict
    targets: dict  # metric key → yearly target

    def progress(self, key: str) -> float | None:
        target = self.targets.get(key)
        value = self.values.get(key)
        if not target or value is None:
            return None
        return value / target


def fmt(value, kind: str = "count") -> str:
    if value is None:
        return "—"
    if kind == "hours":
        return f"{value:.1f}".replace(".", ",")
    if kind == "percent":
        return f"{value:.1f}".replace(".", ",") + "%"
    return f"{round(value):,}".replace(",", ".")


def build(period: metrics.Period, *, unit_ids=None) -> list[Row]:
    """Rows for every unit (or the chosen ones), those with no unit, and the whole office last."""
    table = metrics.compute(period)
    targets = {}
    for target in Target.objects.filter(year=period.first.year):
        targets.setdefault(target.unit_id, {})[target.metric] = target.value
    units = Unit.objects.order_by("name")
    if unit_ids:
        units = units.filter(pk__in=unit_ids)
    rows = [Row(unit.pk, unit.name, table.get(unit.pk, {}), targets.get(unit.pk, {})) for unit in units]
    if not unit_ids and table.get(None):
        rows.append(Row(None, _("No unit"), table[None], {}))
    if not unit_ids:
        rows.append(Row("total", _("Whole office"), table.get("total", {}), {}))
    return rows


PYGAL_CONFIG_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)
# pygal's CleanStyle writes its labels in a monospace stack (Consolas, Liberation Mono, …). On Debian that is
# DejaVu Sans Mono, which lacks most precomposed Vietnamese letters (ổ, ể, ố): Chromium then draws the
# base letter and the tone mark apart ("phô´", "Kiêm̉"). Sans fonts that carry the whole Vietnamese range
# (the PDF's own stack first, then what Windows, macOS and Android ship) keep every word whole.
CHART_FONTS = '"DejaVu Sans", "Noto Sans", "Segoe UI", Arial, Roboto, sans-serif'
CHART_STYLE = pygal.style.CleanStyle(
    font_family=CHART_FONTS,
    label_font_family=CHART_FONTS,
    major_label_font_family=CHART_FONTS,
    legend_font_family=CHART_FONTS,
    title_font_family=CHART_FONTS,
    value_font_family=CHART_FONTS,
    value_label_font_family=CHART_FONTS,
    tooltip_font_family=CHART_FONTS,
    no_data_font_family=CHART_FONTS,
)


def chart_svg(rows: list[Row], keys=(MetricKey.ARTICLES, MetricKey.CLARIFICATIONS, MetricKey.REPORTS)) -> str:
    """A horizontal bar chart of the main counts per unit, as inline SVG (pygal, no JavaScript, no CDN)."""
    units = [row for row in rows if row.unit_id != "total"]
    chart = pygal.HorizontalBar(
        js=[], disable_xml_declaration=True, width=900, height=max(300, 40 + 30 * len(units)),
        legend_at_bottom=True, print_values=False, show_y_guides=False, style=CHART_STYLE,
    )  # fmt: skip
    chart.x_labels = [row.name for row in units]
    for key in keys:
        chart.add(str(metrics.BY_KEY[key].label), [row.values.get(key, 0) for row in units])
    # pygal writes its config as an inline <script> even with js=[]; nothing reads it, and the admin's
    # Content-Security-Policy for citydesk's screens allows no inline script (docs/security.md).
    return PYGAL_CONFIG_SCRIPT.sub("", chart.render(is_unicode=True))
