"""Issue 17: a denunciation's initial handling is 7 working days from receipt, extendable by the officer,
with a reason, to at most 10 working days when the checks are needed in several places (Luật Tố cáo 2018
Art. 24(1); `acceptance.denunciation_extended` of the rules). Filed Monday 23/11/2026 with Tuesday 24/11
a day off (Ngày Văn hóa Việt Nam): the 7th working day is Thursday 03/12, the 10th Tuesday 08/12/2026.
Run warm and cold, on both databases."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from engine.clock import LOCAL_TZ, end_of_day
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent, Complaint
from engine.operations.complaints import commands
from tests.workflows.test_complaints import _at_decide, _granted, file

SEVENTH, TENTH = date(2026, 12, 3), date(2026, 12, 8)
REASON = {"reason": "Phải xác minh tại hai trường học và Phòng Văn hóa - Xã hội."}


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), LOCAL_TZ)


def _denunciation(journey, tree) -> int:
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    return file(journey, "denunciation", tree.commune, nomination_id=journey.dossier.nominations[0].id)


def _extend(journey, user, case, raw=REASON, *, on: date = SEVENTH):
    journey.ctx.clock.set(_noon(on))
    complaint = commands.extend_acceptance(journey.ctx.as_actor(user), case, raw)
    journey.session.commit()
    journey.reload()
    return complaint


def test_extended_on_the_last_day_the_alert_moves_to_the_tenth_working_day(journey, tree):
    case = _denunciation(journey, tree)
    assert journey.session.get(Complaint, case).acceptance_due_on == SEVENTH
    _extend(journey, tree.commune_complaints, case)
    complaint = journey.session.get(Complaint, case)
    assert complaint.acceptance_due_on == TENTH
    assert journey.task(tree.commune_complaints, "accept_denunciation").due_at == end_of_day(TENTH)
    event = journey.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "denunciation_acceptance_extended", AuditEvent.complaint_id == case)).one()
    assert event.reason == REASON["reason"] and event.before == {"due_on": "2026-12-03"}
    assert event.after["due_on"] == "2026-12-08" and "Điều 24 khoản 1" in event.after["basis"]
    # the seventh day's timer fires but finds the period extended: no flag, nobody told
    assert journey.fire_timers(end_of_day(SEVENTH) + timedelta(seconds=1)) == ["acceptance_overdue"]
    assert not journey.session.get(Complaint, case).acceptance_overdue
    assert journey.notifications(tree.commune_complaints) == []
    assert journey.fire_timers(end_of_day(TENTH) - timedelta(seconds=1)) == []
    assert journey.fire_timers(end_of_day(TENTH) + timedelta(seconds=1)) == ["extended_acceptance_overdue"]
    assert journey.session.get(Complaint, case).acceptance_overdue
    assert journey.notifications(tree.commune_head)[-1].title == "Quá hạn thụ lý đơn"
    journey.complete(tree.commune_complaints, "accept_denunciation", {"outcome": "accept"})  # late, still possible


def test_without_an_extension_the_tenth_day_alerts_nobody_twice(journey, tree):
    case = _denunciation(journey, tree)
    assert journey.fire_timers(end_of_day(SEVENTH) + timedelta(seconds=1)) == ["acceptance_overdue"]
    assert journey.session.get(Complaint, case).acceptance_overdue
    told = len(journey.notifications(tree.commune_complaints))
    assert journey.fire_timers(end_of_day(TENTH) + timedelta(seconds=1)) == ["extended_acceptance_overdue"]
    assert len(journey.notifications(tree.commune_complaints)) == told
    assert len(journey.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "complaint_acceptance_overdue", AuditEvent.complaint_id == case)).all()) == 1


def test_no_extension_once_the_seven_working_days_have_passed(journey, tree):
    case = _denunciation(journey, tree)
    with pytest.raises(Conflict, match="03/12/2026"):
        _extend(journey, tree.commune_complaints, case, on=date(2026, 12, 4))
    journey.session.rollback()
    assert journey.session.get(Complaint, case).acceptance_due_on == SEVENTH


def test_once_only_with_a_reason_by_the_handlers_and_for_a_denunciation_waiting_for_acceptance(journey, tree):
    case = _denunciation(journey, tree)
    with pytest.raises(InvalidInput) as refused:
        _extend(journey, tree.commune_complaints, case, {"reason": "  "})
    assert set(refused.value.errors) == {"reason"}
    journey.session.rollback()
    with pytest.raises((Forbidden, NotFound)):
        _extend(journey, tree.commune_office, case)
    journey.session.rollback()
    _extend(journey, tree.commune_head, case, on=date(2026, 11, 25))  # the head may, any day within the seven
    with pytest.raises(Conflict, match="08/12/2026"):
        _extend(journey, tree.commune_complaints, case)
    journey.session.rollback()
    journey.complete(tree.commune_complaints, "accept_denunciation", {"outcome": "accept"})
    with pytest.raises(Conflict):
        _extend(journey, tree.commune_complaints, case, on=date(2026, 11, 26))


def test_a_complaint_s_acceptance_is_not_extended(journey, tree):
    decision = _granted(journey, tree)
    case = file(journey, "complaint", tree.commune, decision_id=decision.id)
    with pytest.raises(Conflict):
        commands.extend_acceptance(journey.ctx.as_actor(tree.commune_complaints), case, REASON)
