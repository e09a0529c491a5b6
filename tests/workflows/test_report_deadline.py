"""The deadline of periodic reports (engine/operations/reports/deadline.py, periodic_report.bpmn's
timers): the province sets the last day its communes send their sơ kết, a commune's report starts with
it, the timer flags it late and tells both offices, and the province sees who is late."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.clock import end_of_day, local_today
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, HumanTask, Notification, PeriodicReport, ReportKind
from engine.operations.reports import commands, deadline, queries
from engine.operations.reports.inputs import ReportStart, read_deadline


def _start(journey, user, unit, kind) -> PeriodicReport:
    report = commands.start_report(journey.ctx.as_actor(user), ReportStart(unit.id, 2026, kind))
    journey.session.commit()
    journey.reload()
    return report


def test_the_level_above_sets_the_deadline_and_the_timer_flags_a_late_report(journey, tree):
    today = local_today(journey.ctx.clock)
    due = today + timedelta(days=10)
    province_office = journey.ctx.as_actor(tree.province_office)
    deadline.set_deadline(province_office, read_deadline(
        {"unit": tree.province.id, "year": 2026, "kind": "mid_year", "due_on": f"{due:%d/%m/%Y}"}))
    journey.session.commit()
    with pytest.raises(Forbidden):
        deadline.set_deadline(journey.ctx.as_actor(tree.commune_office), read_deadline(
            {"unit": tree.province.id, "year": 2026, "kind": "mid_year", "due_on": f"{due:%d/%m/%Y}"}))
    with pytest.raises(InvalidInput) as bad:
        read_deadline({"unit": tree.province.id, "year": 2026, "kind": "mid_year", "due_on": "31/02/2026"})
    assert "due_on" in bad.value.errors

    report = _start(journey, tree.commune_office, tree.commune, ReportKind.MID_YEAR)
    assert report.due_on == due
    edit = journey.session.scalars(select(HumanTask).where(HumanTask.key == "edit_report")).one()
    assert edit.due_at == end_of_day(due)
    below = queries.who_reported(journey.ctx.as_actor(tree.province_head), tree.province.id, 2026,
                                 ReportKind.MID_YEAR)
    assert [(item.unit.id, item.due_on, item.late) for item in below] == [(tree.commune.id, due, False)]

    journey.fire_timers(end_of_day(due) + timedelta(hours=1))
    report = journey.session.get(PeriodicReport, report.id)
    assert report.overdue_at is not None
    for user in (tree.commune_office, tree.province_office):
        told = journey.session.scalars(select(Notification.title).where(Notification.user_id == user.id)).all()
        assert any("quá hạn gửi" in title for title in told), told
    below = queries.who_reported(journey.ctx.as_actor(tree.province_head), tree.province.id, 2026,
                                 ReportKind.MID_YEAR)
    assert [(item.late, item.submitted) for item in below] == [(True, False)]

    # Sent after all: still late (sent after the day), and flagged once only.
    journey.complete(tree.commune_office, "edit_report", {"body": "Sơ kết 6 tháng đầu năm 2026."})
    journey.complete(tree.commune_head, "approve_report", {"approve": True})
    below = queries.who_reported(journey.ctx.as_actor(tree.province_head), tree.province.id, 2026,
                                 ReportKind.MID_YEAR)
    assert [(item.late, item.submitted) for item in below] == [(True, True)]
    flagged = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "report_overdue")).all()
    assert len(flagged) == 1


def test_without_a_deadline_a_report_is_due_fifteen_days_after_its_period(journey, tree):
    report = _start(journey, tree.commune_office, tree.commune, ReportKind.YEAR_END)
    assert report.due_on == queries.default_due_on(2026, ReportKind.YEAR_END) == report.period_end + timedelta(15)
    assert report.overdue_at is None
