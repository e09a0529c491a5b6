"""Starting a unit's periodic report: its standing office opens it with its due date (the deadline the
level above set, or the default: reports/deadline.py), the process drafts it and watches the date."""
from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.clock import end_of_day
from engine.context import Context
from engine.errors import Conflict, Forbidden, NotFound
from engine.models import PeriodicReport, Unit
from engine.operations.processes import start_process
from engine.operations.reports.deadline import due_on_for
from engine.operations.reports.inputs import ReportStart
from engine.operations.reports.queries import can_start, period_of
from engine.vocabulary import AuditAction, ReportStatus


def start_report(ctx: Context, start: ReportStart) -> PeriodicReport:
    unit = ctx.session.get(Unit, start.unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    if not can_start(ctx, unit.id):
        raise Forbidden("Chỉ cơ quan thường trực của đơn vị được lập báo cáo sơ kết, tổng kết của đơn vị.")
    if ctx.session.scalar(select(PeriodicReport.id).where(PeriodicReport.unit_id == unit.id,
                                                          PeriodicReport.year == start.year,
                                                          PeriodicReport.kind == start.kind)):
        raise Conflict(f"Đơn vị đã lập {start.kind.label} {start.year}.")
    first, last = period_of(start.year, start.kind)
    report = PeriodicReport(unit_id=unit.id, recipient_unit_id=unit.parent_id, year=start.year, kind=start.kind,
                            status=ReportStatus.DRAFTING, period_start=first, period_end=last,
                            due_on=due_on_for(ctx, unit, start.year, start.kind),
                            created_by_id=ctx.actor.id if ctx.actor else None, created_at=ctx.clock.now())
    ctx.session.add(report)
    ctx.session.flush()
    audit.record(ctx, AuditAction.REPORT_STARTED, "periodic_report", report.id, unit_id=unit.id,
                 after={"year": start.year, "kind": start.kind.value, "due_on": str(report.due_on)})
    assert report.due_on is not None
    instance, _ = start_process(ctx, "periodic_report", {"report_id": report.id, "report_unit": unit.id,
                                                         "report_due": end_of_day(report.due_on).isoformat()})
    report.instance_id = instance.id
    return report
