"""The deadline of periodic reports: the level above sets the last day its units submit their sơ kết or
tổng kết (`set_deadline`); without one, a report is due queries.DEFAULT_GRACE_DAYS after its period ends.
A report takes its due date when it starts (`due_on_for`); the process's timer
(workflows/periodic_report.bpmn, `report_due`) flags it late on the day after (`flag_report_overdue`),
tells its office and the office above; the level above sees who is late (queries.who_reported)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context, current_context
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import PeriodicReport, ReportDeadline, Role, Unit
from engine.operations import notifications
from engine.operations.access import holds_role, require_actor, users_with_role
from engine.operations.reports.inputs import DeadlineInput
from engine.operations.reports.queries import deadline_of, period_of
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction, ReportKind, ReportStatus


def due_on_for(ctx: Context, unit: Unit, year: int, kind: ReportKind) -> date:
    """The due date a unit's report starts with: its level above's deadline, or the default."""
    return deadline_of(ctx, unit.parent_id, year, kind)


def set_deadline(ctx: Context, given: DeadlineInput) -> ReportDeadline:
    """The standing office of `unit_id` sets (or moves) the last day its units below submit. Reports
    already started keep the due date they started with (their timer is set): set it before the period."""
    unit_id, year, kind, due_on = given.unit_id, given.year, given.kind, given.due_on
    user = require_actor(ctx.actor)
    if ctx.session.get(Unit, unit_id) is None:
        raise NotFound("Không tìm thấy đơn vị.")
    if not holds_role(ctx.session, user, Role.OFFICE, unit_id):
        raise Forbidden("Chỉ cơ quan thường trực của đơn vị được đặt hạn báo cáo cho các đơn vị trực thuộc.")
    if due_on <= period_of(year, kind)[0]:
        raise InvalidInput("Hạn gửi báo cáo không hợp lệ.",
                           {"due_on": f"Phải sau ngày bắt đầu kỳ báo cáo ({period_of(year, kind)[0]:%d/%m/%Y})."})
    row = ctx.session.scalar(select(ReportDeadline).where(
        ReportDeadline.unit_id == unit_id, ReportDeadline.year == year, ReportDeadline.kind == kind))
    before = None if row is None else row.due_on.isoformat()
    if row is None:
        row = ReportDeadline(unit_id=unit_id, year=year, kind=kind, due_on=due_on, set_by_id=user.id,
                             set_at=ctx.clock.now())
        ctx.session.add(row)
    else:
        row.due_on, row.set_by_id, row.set_at = due_on, user.id, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.REPORT_DEADLINE_SET, "report_deadline", row.id, unit_id=unit_id,
                 before=None if before is None else {"due_on": before},
                 after={"year": year, "kind": kind.value, "due_on": due_on.isoformat()})
    return row


@register()
def flag_report_overdue(report_id: int) -> None:
    """The timer of the report's due date fired while it was still being written: flag it late (once),
    tell the unit's standing office and head, and the standing office above."""
    ctx = current_context()
    report = ctx.session.get(PeriodicReport, int(report_id))
    if report is None or report.status is ReportStatus.SUBMITTED or report.overdue_at is not None:
        return
    report.overdue_at = ctx.clock.now()
    audit.record(ctx, AuditAction.REPORT_OVERDUE, "periodic_report", report.id, unit_id=report.unit_id,
                 after={"due_on": report.due_on.isoformat() if report.due_on else None})
    due = f"{report.due_on:%d/%m/%Y}" if report.due_on else "hạn"
    title = f"{report.unit.name}: {report.kind.label} {report.year} quá hạn gửi ({due})"
    body = title + f". Hôm nay {local_today(ctx.clock):%d/%m/%Y}; báo cáo chưa được gửi cấp trên."
    users = users_with_role(ctx, Role.OFFICE, report.unit_id) + users_with_role(ctx, Role.HEAD, report.unit_id)
    if report.recipient_unit_id is not None:
        users += users_with_role(ctx, Role.OFFICE, report.recipient_unit_id)
    notifications.notify(ctx, users, None, title, body)
