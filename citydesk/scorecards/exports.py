"""The annual report as xlsx (a summary sheet and one sheet per unit) and as PDF (WeasyPrint)."""

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import metrics
from .report import Row, chart_svg, fmt


def _sheet_title(name: str, used: set) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, n = title, 2
    while title in used:
        title, n = f"{base[:25]} {n}", n + 1
    used.add(title)
    return title


def xlsx(period: metrics.Period, rows: list[Row]) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    summary.append([_("Scorecard"), str(period.label)])
    summary.append([_("Unit"), *[str(metric.label) for metric in metrics.METRICS]])
    for cell in summary[2]:
        cell.font = Font(bold=True)
    for row in rows:
        summary.append([row.name, *[_cell(row.values.get(metric.key), metric.kind) for metric in metrics.METRICS]])
    used = {summary.title}
    for row in rows:
        sheet = book.create_sheet(_sheet_title(row.name, used))
        sheet.append([row.name, str(period.label)])
        sheet.append([_("Metric"), _("Value"), _("Target"), _("Progress")])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for metric in metrics.METRICS:
            progress = row.progress(metric.key)
            sheet.append(
                [
                    str(metric.label),
                    _cell(row.values.get(metric.key), metric.kind),
                    row.targets.get(metric.key),
                    round(progress * 100, 1) if progress is not None else None,
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value, kind: str):
    if value is None:
        return None
    return round(value, 1) if kind in ("hours", "percent") else round(value)


def pdf_html(period: metrics.Period, rows: list[Row]) -> str:
    """The PDF's page as HTML (its print rules keep each unit's row on one page)."""
    return render_to_string(
        "scorecards/report_pdf.html",
        {"period": period, "rows": rows, "metrics": metrics.METRICS, "chart": chart_svg(rows), "fmt": fmt},
    )


def pdf(period: metrics.Period, rows: list[Row]) -> bytes:
    """The same tables and chart as the dashboard, laid out for printing."""
    from weasyprint import HTML  # needs Debian's Pango (installed with Chromium by .ci/run)

    return HTML(string=pdf_html(period, rows)).write_pdf()
