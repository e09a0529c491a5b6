"""Statistics of a unit and its subtree as a page (charts drawn on the server, the tables a unit
reports upward under them, XLSX and DOCX to download), the dashboard of the head and the office, and
the periodic reports (sơ kết, tổng kết): open one, download it, see which units below have reported."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.downloads import send_document
from api.web.charts import bar_chart
from api.web.common import arg_int, ctx, render
from engine.clock import local_today
from engine.errors import InvalidInput
from engine.operations.reports import commands as report_commands
from engine.operations.reports import deadline as report_deadline
from engine.operations.reports import queries as report_queries
from engine.operations.reports.inputs import read_deadline, read_start
from engine.operations.statistics import exports, queries
from engine.operations.statistics.inputs import MAX_YEAR, MIN_YEAR, read_query
from engine.vocabulary import AwardeeKind, ReportKind

bp = Blueprint("statistics", __name__)


def _figures() -> queries.Statistics:
    context = ctx()
    return queries.statistics(context, read_query(request.args, today=local_today(context.clock)))


def _charts(stats: queries.Statistics) -> list[object]:
    kinds = [kind.label.capitalize() for kind in AwardeeKind]  # individuals, collectives, households
    return [
        bar_chart("Khen thưởng theo cấp quyết định", [(name, [n]) for name, n in stats.by_level()], ["Số lượng"],
                  chart_id="chart-level"),
        bar_chart("Theo danh hiệu, hình thức và đối tượng",
                  [(name, list(counts)) for name, *counts in stats.by_award()], kinds, chart_id="chart-award"),
        bar_chart("Đề nghị và được khen thưởng theo cấp có thẩm quyền",
                  [(r.level_label.capitalize(), [r.proposed, r.approved]) for r in stats.levels],
                  ["Đề nghị", "Được khen thưởng"], chart_id="chart-proposals"),
        bar_chart("Số ngày từ khi nộp đến khi có quyết định (bình quân)",
                  [(r.level_label.capitalize(), [r.average_days]) for r in stats.timing], ["Ngày"],
                  chart_id="chart-timing"),
    ]


@bp.route("/statistics")
def index() -> tuple[str, int]:
    context = ctx()
    errors: dict[str, str] = {}
    try:
        stats = _figures()
    except InvalidInput as refused:
        errors = dict(refused.errors or {})
        stats = queries.statistics(context, read_query({}, today=local_today(context.clock)))
    return render("web/statistics.html", 422 if errors else 200, stats=stats, charts=_charts(stats),
                  tables=exports.tables(stats), units=queries.reachable_units(context), errors=errors,
                  args=request.args, min_year=MIN_YEAR, max_year=MAX_YEAR)


@bp.route("/statistics.xlsx")
def workbook() -> Response:
    return send_document(exports.workbook(_figures()))


@bp.route("/statistics.docx")
def document() -> Response:
    return send_document(exports.document(_figures(), local_today(ctx().clock)))


@bp.route("/dashboard")
def dashboard() -> tuple[str, int]:
    context = ctx()
    year = arg_int("year", MIN_YEAR, MAX_YEAR) or local_today(context.clock).year
    board = queries.dashboard(context, arg_int("unit", 1, 2**62), year)
    chart = bar_chart(f"Hồ sơ năm {year} theo giai đoạn",
                      [(status.label.capitalize(), [count]) for status, count in board.dossiers], ["Hồ sơ"],
                      chart_id="chart-stages")
    return render("web/dashboard.html", board=board, chart=chart, units=queries.reachable_units(context))


@bp.route("/reports")
def reports() -> tuple[str, int]:
    context = ctx()
    year = arg_int("year", MIN_YEAR, MAX_YEAR) or local_today(context.clock).year
    unit = queries.unit_for(context, arg_int("unit", 1, 2**62))
    below = {kind: report_queries.who_reported(context, unit.id, year, kind) for kind in ReportKind}
    return render("web/reports.html", unit=unit, year=year, own=report_queries.list_reports(context, unit.id, year),
                  below=below, kinds=list(ReportKind), may_start=report_queries.can_start(context, unit.id),
                  units=queries.reachable_units(context))


@bp.route("/reports", methods=["POST"])
def start_report() -> Response:
    fields = {key: request.form[key] for key in ("unit", "year", "kind") if key in request.form}
    report = report_commands.start_report(ctx(), read_start(fields))
    flash(f"Đã lập {report.kind.label} {report.year}: dự thảo đang chờ cơ quan thường trực hoàn thiện "
          "(mục Việc cần làm).", "success")
    return redirect(url_for("web.statistics.reports", unit=report.unit_id, year=report.year))


@bp.route("/reports/deadline", methods=["POST"])
def set_report_deadline() -> Response:
    fields = {key: request.form[key] for key in ("unit", "year", "kind", "due_on") if key in request.form}
    row = report_deadline.set_deadline(ctx(), read_deadline(fields))
    flash(f"Đã đặt hạn gửi {row.kind.label} {row.year} cho các đơn vị trực thuộc: {row.due_on:%d/%m/%Y}.", "success")
    return redirect(url_for("web.statistics.reports", unit=row.unit_id, year=row.year))


@bp.route("/reports/<id:report_id>/document.docx")
def report_document(report_id: int) -> Response:
    return send_document(report_queries.report_file(ctx(), report_id))
