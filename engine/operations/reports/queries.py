"""Reads of periodic reports: one report, a unit's reports, who below a unit has reported and who is
late (the deadline set by the level above, or the default), the DOCX."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from engine.clock import LOCAL_TZ, local_today
from engine.context import Context
from engine.errors import Forbidden, NotFound
from engine.models import PeriodicReport, ReportDeadline, Role, Unit
from engine.operations.access import holds_role, require_actor
from engine.operations.reports.document import Reporting, render
from engine.operations.statistics.queries import Period, can_read_statistics, compute, tables
from engine.storage import DOCX, NamedFile, attachment_store
from engine.vocabulary import ReportKind, ReportStatus


def period_of(year: int, kind: ReportKind) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30) if kind is ReportKind.MID_YEAR else date(year, 12, 31))


DEFAULT_GRACE_DAYS = 15  # no deadline set above: due 15 days after the period's last day


def default_due_on(year: int, kind: ReportKind) -> date:
    return period_of(year, kind)[1] + timedelta(days=DEFAULT_GRACE_DAYS)


def deadline_of(ctx: Context, above_id: int | None, year: int, kind: ReportKind) -> date:
    """The last day the units directly below `above_id` submit their report of `year` and `kind`."""
    if above_id is not None:
        set_on = ctx.session.scalar(select(ReportDeadline.due_on).where(
            ReportDeadline.unit_id == above_id, ReportDeadline.year == year, ReportDeadline.kind == kind))
        if set_on is not None:
            return set_on
    return default_due_on(year, kind)


def is_late(report: PeriodicReport | None, due_on: date, today: date) -> bool:
    """Submitted after the due date, or not submitted and past it."""
    if report is not None and report.submitted_at is not None:
        return report.submitted_at.astimezone(LOCAL_TZ).date() > due_on
    return today > due_on


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
    due, today = deadline_of(ctx, unit_id, year, kind), local_today(ctx.clock)
    return [Reporting(unit, report, report.due_on if report and report.due_on else due,
                      is_late(report, report.due_on if report and report.due_on else due, today))
            for unit in units for report in (reports.get(unit.id),)]


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
