"""Reads of periodic reports: one report, a unit's reports, who below a unit has reported, the DOCX."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.clock import local_today
from engine.context import Context
from engine.errors import Forbidden, NotFound
from engine.models import PeriodicReport, Role, Unit
from engine.operations.access import holds_role, require_actor
from engine.operations.reports.document import Reporting, render
from engine.operations.statistics.queries import Period, can_read_statistics, compute, tables
from engine.storage import DOCX, NamedFile, attachment_store
from engine.vocabulary import ReportKind, ReportStatus


def period_of(year: int, kind: ReportKind) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30) if kind is ReportKind.MID_YEAR else date(year, 12, 31))


def can_read(ctx: Context, report: PeriodicReport) -> bool:
    """The unit's own people and those above it (its statistics' readers); the level above once submitted."""
    return can_read_statistics(ctx, report.unit_id) or (
        report.status is ReportStatus.SUBMITTED and report.recipient_unit_id is not None
        and can_read_statistics(ctx, report.recipient_unit_id))


def can_start(ctx: Context, unit_id: int) -> bool:
    return holds_role(ctx.session, require_actor(ctx.actor), Role.OFFICE, unit_id)


def get_report(ctx: Context, report_id: int) -> PeriodicReport:
    report = ctx.session.get(PeriodicReport, report_id)
    if report is None or not can_read(ctx, report):
        raise NotFound("Không tìm thấy báo cáo.")
    return report


def list_reports(ctx: Context, unit_id: int, year: int | None = None) -> list[PeriodicReport]:
    """A unit's own reports (newest first)."""
    if not can_read_statistics(ctx, unit_id):
        raise Forbidden("Bạn chỉ xem được báo cáo của đơn vị mình và các đơn vị trực thuộc.")
    query = select(PeriodicReport).where(PeriodicReport.unit_id == unit_id)
    if year is not None:
        query = query.where(PeriodicReport.year == year)
    return list(ctx.session.scalars(query.order_by(PeriodicReport.year.desc(), PeriodicReport.kind)))


def who_reported(ctx: Context, unit_id: int, year: int, kind: ReportKind) -> list[Reporting]:
    """The reviewing units directly below `unit_id` and where each stands with its report (two queries)."""
    if not can_read_statistics(ctx, unit_id):
        raise Forbidden("Bạn chỉ xem được báo cáo của đơn vị mình và các đơn vị trực thuộc.")
    return who_reported_unchecked(ctx, unit_id, year, kind)


def who_reported_unchecked(ctx: Context, unit_id: int, year: int, kind: ReportKind) -> list[Reporting]:
    units = list(ctx.session.scalars(select(Unit).where(Unit.parent_id == unit_id, Unit.reviews_awards.is_(True))
                                     .order_by(Unit.name)))
    reports = {r.unit_id: r for r in ctx.session.scalars(select(PeriodicReport).where(
        PeriodicReport.unit_id.in_([u.id for u in units]), PeriodicReport.year == year, PeriodicReport.kind == kind))}
    return [Reporting(unit, reports.get(unit.id)) for unit in units]


def report_file(ctx: Context, report_id: int) -> NamedFile:
    """The report as submitted (the stored DOCX), or the draft as it stands."""
    report = get_report(ctx, report_id)
    kind = "so-ket" if report.kind is ReportKind.MID_YEAR else "tong-ket"
    name = f"Bao-cao-{kind}-{report.year}-{report.unit.name}.docx"
    if report.document_sha256:
        return NamedFile(attachment_store(ctx.settings).read(report.document_sha256), name, DOCX)
    return NamedFile(render_report(ctx, report), name, DOCX)


def render_report(ctx: Context, report: PeriodicReport) -> bytes:
    """The DOCX of a report: its text, the units below and whether they reported, its unit's tables."""
    below = who_reported_unchecked(ctx, report.unit_id, report.year, report.kind)
    figures = compute(ctx, report.unit, Period(report.period_start, report.period_end,
                                               report.year if report.kind is ReportKind.YEAR_END else None))
    return render(report, below, tables(figures), local_today(ctx.clock))
