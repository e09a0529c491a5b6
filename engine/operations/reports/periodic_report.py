"""Helpers and task hooks of workflows/periodic_report.bpmn: the draft made from the unit's statistics,
its plan's tasks, its movements and the reports of the units below; the office's text kept on the
report, the head's remarks, and the submission (the DOCX stored as sent, the level above told)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from engine import audit
from engine.context import Context, current_context
from engine.errors import NotFound
from engine.models import HumanTask, PeriodicReport, Role
from engine.operations import notifications
from engine.operations.access import users_with_role
from engine.operations.emulation.queries import MovementSummary, UnitYear, unit_year
from engine.operations.hooks import Outcome, before_complete, prefill
from engine.operations.reports.queries import render_report, who_reported_unchecked
from engine.operations.statistics.queries import Period, compute
from engine.runtime.helpers import register
from engine.storage import attachment_store
from engine.vocabulary import AuditAction, ReportKind, ReportStatus

PROCESS = "periodic_report"
TO_COMPLETE = "[Cơ quan thường trực bổ sung]"


def _report(ctx: Context, report_id: int) -> PeriodicReport:
    report = ctx.session.get(PeriodicReport, int(report_id))
    if report is None:
        raise NotFound(f"Không có báo cáo số {report_id}.")
    return report


def _of_task(ctx: Context, task: HumanTask) -> PeriodicReport:
    return ctx.session.scalars(select(PeriodicReport).where(PeriodicReport.instance_id == task.instance_id)).one()


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


@register()
def draft_periodic_report(report_id: int) -> None:
    """Write the draft from the unit's statistics for the report's period, its plan's tasks, the movements
    it launched and answered, and the reports of the units below."""
    ctx = current_context()
    report = _report(ctx, report_id)
    period = Period(report.period_start, report.period_end, report.year if report.kind is ReportKind.YEAR_END else None)
    stats = compute(ctx, report.unit, period)
    below = who_reported_unchecked(ctx, report.unit_id, report.year, report.kind)
    reported = [item.unit.name for item in below if item.submitted]
    missing = [item.unit.name for item in below if not item.submitted]
    span = f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"
    lines = [
        "I. KẾT QUẢ CÔNG TÁC THI ĐUA, KHEN THƯỞNG",
        f"1. Khen thưởng: {span}, {report.unit.name} và {stats.units - 1} đơn vị trực thuộc có {stats.proposed} "
        f"trường hợp được đề nghị, {stats.granted} trường hợp được khen thưởng ({stats.granted_individuals} cá nhân, "
        f"{stats.granted_collectives} tập thể); {stats.revoked} trường hợp bị hủy bỏ khen thưởng.",
        f"2. Tiền thưởng theo các quyết định: {_money(stats.money_total)} đồng.",
        f"3. Khiếu nại, tố cáo về thi đua, khen thưởng: tiếp nhận {stats.complaints_filed} đơn, "
        f"đang giải quyết {stats.complaints_open} đơn.",
        f"4. Hồ sơ quá hạn thẩm định: {stats.overdue_dossiers}.",
    ]
    if below:
        lines.append(f"5. Báo cáo của các đơn vị trực thuộc: {len(reported)}/{len(below)} đơn vị đã gửi"
                     + (f" ({', '.join(reported)})" if reported else "")
                     + (f"; chưa gửi: {', '.join(missing)}." if missing else "."))
    year = unit_year(ctx, report.unit_id, report.year, report.period_start, report.period_end)
    lines += _emulation_lines(year, len(lines) - 1)
    lines += ["II. HẠN CHẾ, NGUYÊN NHÂN", TO_COMPLETE, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", TO_COMPLETE,
              "IV. ĐỀ XUẤT, KIẾN NGHỊ", TO_COMPLETE]
    report.body = "\n".join(lines)
    report.figures = {"granted": stats.granted, "individuals": stats.granted_individuals,
                      "collectives": stats.granted_collectives, "proposed": stats.proposed,
                      "approved": stats.approved, "revoked": stats.revoked, "money_total": stats.money_total,
                      "complaints": stats.complaints_filed, "units_reported": len(reported), "units_below": len(below),
                      "plan_tasks": {state: sum(1 for p in year.plans for t in p.tasks if t.state == state)
                                     for state in ("done", "done_late", "late", "open")},
                      "movements_launched": len(year.launched), "movements_answered": len(year.answered)}


def _movement_line(summary: MovementSummary, answered: bool) -> str:
    m = summary.movement
    span = f"từ {m.starts_on:%d/%m/%Y}" + (f" đến {m.ends_on:%d/%m/%Y}" if m.ends_on else "")
    above = f" do {m.unit.name} phát động" if answered else ""
    taken = ("" if answered else f"{summary.units_registered} đơn vị đăng ký tham gia, "
             f"{summary.units_reported} đơn vị đã báo cáo kết quả; ")
    return (f"- «{m.theme}» ({m.kind.label}{above}, {span}): {taken}{summary.registrations} lượt đăng ký danh hiệu "
            f"gắn với phong trào; {summary.nominations} đề nghị khen thưởng, {summary.awards} khen thưởng được trao.")


def _emulation_lines(year: UnitYear, numbered: int) -> list[str]:
    """The plan's tasks (done, late, open, by owner unit) and the movements launched and answered."""
    lines: list[str] = []
    for plan in year.plans:
        numbered += 1
        states = Counter(t.state for t in plan.tasks)
        number = f" số {plan.plan.document_number}" if plan.plan.document_number else ""
        lines.append(f"{numbered}. Thực hiện {plan.plan.title}{number}: {len(plan.tasks)} nhiệm vụ, "
                     f"{states['done'] + states['done_late']} đã hoàn thành ({states['done_late']} hoàn thành muộn), "
                     f"{states['late']} chậm tiến độ, {states['open']} đang thực hiện.")
        lines += [f"- {t.task.title} ({t.task.owner_unit.name}, hạn {t.task.due_on:%d/%m/%Y}): {t.state_label}"
                  + (f" ngày {t.task.done_on:%d/%m/%Y}" if t.task.done_on else "") + "." for t in plan.tasks]
        if plan.behind:
            lines.append("- Đơn vị chậm tiến độ: " + ", ".join(f"{name} ({n} nhiệm vụ)"
                                                              for name, n in plan.behind.items()) + ".")
    for title, summaries, answered in (("Phong trào thi đua do đơn vị phát động", year.launched, False),
                                       ("Phong trào thi đua của cấp trên đơn vị hưởng ứng", year.answered, True)):
        if summaries:
            numbered += 1
            lines.append(f"{numbered}. {title}: {len(summaries)} phong trào.")
            lines += [_movement_line(summary, answered) for summary in summaries]
    return lines


@prefill(PROCESS, "edit_report")
def _edit_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    return {"body": _of_task(ctx, task).body or ""}


@before_complete(PROCESS, "edit_report")
def _edit(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    report = _of_task(ctx, task)
    report.body, report.remarks = data["body"], None
    audit.record(ctx, AuditAction.REPORT_EDITED, "periodic_report", report.id, unit_id=report.unit_id)
    return Outcome({})  # the text lives on the report, not in the workflow's data


@prefill(PROCESS, "approve_report")
def _approve_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    return {}


@before_complete(PROCESS, "approve_report")
def _approve(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    report = _of_task(ctx, task)
    if not data["approve"]:
        report.remarks = data["remarks"]
        audit.record(ctx, AuditAction.REPORT_RETURNED, "periodic_report", report.id, unit_id=report.unit_id,
                     reason=data["remarks"])
    return Outcome({"approve": bool(data["approve"])})


@register()
def submit_periodic_report(report_id: int) -> None:
    """Mark the report sent, keep its DOCX as sent, and tell the standing office of the level above."""
    ctx = current_context()
    report = _report(ctx, report_id)
    report.status, report.submitted_at = ReportStatus.SUBMITTED, ctx.clock.now()
    report.document_sha256 = attachment_store(ctx.settings).put_bytes(render_report(ctx, report))
    audit.record(ctx, AuditAction.REPORT_SUBMITTED, "periodic_report", report.id, unit_id=report.unit_id,
                 after={"recipient": report.recipient_unit_id})
    if report.recipient_unit_id is not None:
        title = f"{report.unit.name} đã gửi {report.kind.label} {report.year}"
        notifications.notify(ctx, users_with_role(ctx, Role.OFFICE, report.recipient_unit_id), None, title,
                             title + ". Xem tại mục Báo cáo sơ kết, tổng kết.")
