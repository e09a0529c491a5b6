"""Every path of complaint.bpmn, denunciation.bpmn and revocation.bpmn, with the freeze and release of
nominations under review, deadlines in calendar days, and the revocation of an award."""
from __future__ import annotations

import io
import secrets
from datetime import date, timedelta

import docx
import pytest
from sqlalchemy import select

from engine.clock import LOCAL_TZ, end_of_day
from engine.errors import Conflict, InvalidInput
from engine.models import (
    AuditEvent,
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    DecisionStatus,
    GrantedAward,
    NominationStatus,
    Revocation,
    RevocationStatus,
)
from engine.operations import tasks
from engine.operations.complaints.complaint import due_on
from engine.operations.processes import start_process
from engine.storage import attachment_store


def file(journey, kind, handling_unit, *, nomination_id=None, decision_id=None, filed_at=None, level=1):
    """A complaint as intake records it, then its process (intake itself is tested over HTTP)."""
    ctx = journey.ctx
    complaint = Complaint(kind=ComplaintKind(kind), tracking_code=f"KN-{secrets.token_hex(4).upper()}",
                          instance_level=level, nomination_id=nomination_id, decision_id=decision_id,
                          handling_unit_id=handling_unit.id, complainant_name="Nguyễn Văn Dân",
                          complainant_contact="0912 345 678", content="Thành tích kê khai không đúng sự thật.",
                          status=ComplaintStatus.RECEIVED, filed_at=filed_at or ctx.clock.now())
    ctx.session.add(complaint)
    ctx.session.flush()
    instance, _ = start_process(ctx, kind, {"complaint_id": complaint.id, "handling_unit": handling_unit.id},
                                complaint_id=complaint.id)
    complaint.instance_id = instance.id
    ctx.session.commit()
    journey.reload()
    return complaint.id


def _at_decide(journey, tree, *nominations):
    journey.submit(*nominations)
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)


def _nomination(journey, award_type):
    return next(n for n in journey.dossier.nominations if n.award_type == award_type)


def test_a_denunciation_freezes_a_nomination_under_review_and_its_dismissal_releases_it(journey, tree):
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    target = _nomination(journey, "BK_TINH").id
    case = file(journey, "denunciation", tree.commune, nomination_id=target)
    journey.complete(tree.commune_complaints, "accept_denunciation", {"outcome": "accept"})
    assert _nomination(journey, "BK_TINH").status == NominationStatus.FROZEN
    with pytest.raises(Conflict, match="tạm dừng"):
        journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="forward")
    journey.session.rollback()
    journey.complete(tree.commune_complaints, "investigate", {"findings": "Thành tích có thật, có xác nhận."})
    journey.complete(tree.commune_head, "resolve_denunciation", {"outcome": "unfounded", "reason": "Tố cáo sai."})
    assert _nomination(journey, "BK_TINH").status == NominationStatus.PENDING
    assert journey.session.get(Complaint, case).status == ComplaintStatus.RESOLVED
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="forward")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved", "Phạm Văn An": "pending"}
    actions = journey.session.scalars(select(AuditEvent.action).where(AuditEvent.complaint_id == case)).all()
    assert {"complaint_accepted", "nomination_frozen", "nomination_released", "complaint_resolved"} <= set(actions)


def test_after_a_freeze_and_release_other_dossiers_still_complete(journey, tree):
    """Regression: SpiffWorkflow 3.2.0 rewired the shared spec when an event subprocess first fired, so
    every later dossier waited forever at its end."""
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    file(journey, "denunciation", tree.commune, nomination_id=journey.dossier.nominations[0].id)
    journey.complete(tree.commune_complaints, "accept_denunciation", {"outcome": "accept"})
    journey.complete(tree.commune_complaints, "investigate", {"findings": "Không có vi phạm."})
    journey.complete(tree.commune_head, "resolve_denunciation", {"outcome": "unfounded", "reason": "Tố cáo sai."})
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve")
    for name in ("Phạm Văn An", "Lê Văn Cường"):
        journey.submit(("GIAY_KHEN", name))
        journey.pass_level(tree.commune_office, tree.commune_head, **{name.replace(" ", "_"): "approve"})
        from engine.models import InstanceStatus, ProcessInstance

        assert journey.session.get(ProcessInstance, journey.dossier.instance_id).status == InstanceStatus.COMPLETED


def test_a_founded_denunciation_rejects_the_frozen_nomination(journey, tree):
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    target = journey.dossier.nominations[0].id
    file(journey, "denunciation", tree.commune, nomination_id=target)
    journey.complete(tree.commune_complaints, "accept_denunciation", {"outcome": "accept"})
    journey.complete(tree.commune_complaints, "investigate", {"findings": "Kê khai sai."})
    journey.complete(tree.commune_head, "resolve_denunciation", {"outcome": "founded", "reason": "Kê khai sai."})
    nomination = journey.dossier.nominations[0]
    assert nomination.status == NominationStatus.REJECTED and "được kết luận đúng" in nomination.outcome_note


def test_a_frozen_nomination_is_not_put_to_the_vote(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_CS", "Phạm Văn An"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    target = _nomination(journey, "CSTD_TINH").id
    file(journey, "complaint", tree.commune, nomination_id=target)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    member = tree.commune_council[0]
    assert [v["award_type"] for v in journey.prefill(member, "cast_ballot")["votes"]] == ["CSTD_CS"]
    ballot = journey.task(member, "cast_ballot")
    with pytest.raises(InvalidInput):
        tasks.complete_task(journey.ctx.as_actor(member), ballot.id,
                            {"votes": [{"nomination_id": target, "choice": "yes"}]})
    journey.session.rollback()


def test_a_complaint_refused_at_acceptance(journey, tree):
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    case = file(journey, "complaint", tree.commune, nomination_id=journey.dossier.nominations[0].id)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "reject", "reason": "Đơn nặc danh."})
    complaint = journey.session.get(Complaint, case)
    assert complaint.status == ComplaintStatus.REFUSED and complaint.reason == "Đơn nặc danh."
    assert journey.dossier.nominations[0].status == NominationStatus.PENDING  # never frozen
    assert journey.open_tasks(case) == []


def _granted(journey, tree, award="GIAY_KHEN", name="Nguyễn Thị Tươi"):
    journey.submit((award, name))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    if any(key == "cast_ballot" for key, _ in journey.open_tasks()):
        journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, **{name.replace(" ", "_"): "approve"})
    return journey.session.scalars(select(Decision)).one()


def test_a_complaint_filed_after_ninety_days_is_refused_at_acceptance_with_that_reason(journey, tree):
    decision = _granted(journey, tree)
    late = journey.ctx.clock.now() + timedelta(days=91)
    journey.ctx.clock.set(late)
    case = file(journey, "complaint", tree.commune, decision_id=decision.id, filed_at=late)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    complaint = journey.session.get(Complaint, case)
    assert complaint.status == ComplaintStatus.REFUSED and complaint.reason.startswith("Quá thời hiệu khiếu nại")


def _filed_late_about(journey, tree, *, learned_days_ago):
    """A complaint about a decision signed 200 days before its filing, whose complainant learned of it
    `learned_days_ago` days before filing (Luật Khiếu nại 2011 Art. 9: 90 days from receiving or learning of it)."""
    decision = _granted(journey, tree)
    filed = journey.ctx.clock.now() + timedelta(days=200)
    journey.ctx.clock.set(filed)
    case = file(journey, "complaint", tree.commune, decision_id=decision.id, filed_at=filed)
    complaint = journey.session.get(Complaint, case)
    complaint.learned_on = _local_day(filed) - timedelta(days=learned_days_ago)
    journey.session.commit()
    return case, decision


def test_the_ninety_days_run_from_when_the_complainant_learned_of_the_decision(journey, tree):
    case, decision = _filed_late_about(journey, tree, learned_days_ago=90)
    assert journey.prefill(tree.commune_complaints, "accept_complaint")["learned_on"] == \
        f"{journey.session.get(Complaint, case).learned_on:%d/%m/%Y}"
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    assert journey.session.get(Complaint, case).status == ComplaintStatus.INVESTIGATING


def test_learning_of_it_ninety_one_days_before_filing_is_too_late(journey, tree):
    case, _ = _filed_late_about(journey, tree, learned_days_ago=91)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    complaint = journey.session.get(Complaint, case)
    assert complaint.status == ComplaintStatus.REFUSED and complaint.reason.startswith("Quá thời hiệu khiếu nại")
    assert f"{complaint.learned_on:%d/%m/%Y}" in complaint.reason


def test_the_officer_checks_and_corrects_the_date_the_complainant_learned_of_it(journey, tree):
    case, decision = _filed_late_about(journey, tree, learned_days_ago=10)
    filed_on = _local_day(journey.session.get(Complaint, case).filed_at)
    task = journey.task(tree.commune_complaints, "accept_complaint")
    for wrong in (f"{filed_on + timedelta(days=1):%d/%m/%Y}", f"{decision.signed_on - timedelta(days=1):%d/%m/%Y}",
                  "31/02/2026"):
        with pytest.raises(InvalidInput) as refused:
            tasks.complete_task(journey.ctx.as_actor(tree.commune_complaints), task.id,
                                {"outcome": "accept", "learned_on": wrong})
        assert "learned_on" in refused.value.errors
        journey.session.rollback()
    corrected = filed_on - timedelta(days=120)  # the officer found the complainant was served long before
    journey.complete(tree.commune_complaints, "accept_complaint",
                     {"outcome": "accept", "learned_on": f"{corrected:%d/%m/%Y}"})
    complaint = journey.session.get(Complaint, case)
    assert complaint.learned_on == corrected and complaint.status == ComplaintStatus.REFUSED


def test_the_investigation_deadline_escalates_to_the_head(journey, tree):
    decision = _granted(journey, tree)
    case = file(journey, "complaint", tree.commune, decision_id=decision.id)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    complaint = journey.session.get(Complaint, case)
    assert complaint.due_on == complaint.accepted_on + timedelta(days=30)
    assert journey.fire_timers(journey.ctx.clock.now() + timedelta(days=31)) == ["investigation_overdue"]
    assert journey.session.get(Complaint, case).overdue
    assert journey.notifications(tree.commune_head)[-1].title == "Quá hạn giải quyết đơn"


def _local_day(at):
    return at.astimezone(LOCAL_TZ).date()


def test_a_complaint_not_accepted_within_ten_days_alerts_the_officer_and_the_head(journey, tree):
    """Luật Khiếu nại 2011 Art. 27: accepted or refused within 10 (calendar) days of receipt."""
    decision = _granted(journey, tree)
    case = file(journey, "complaint", tree.commune, decision_id=decision.id)
    complaint = journey.session.get(Complaint, case)
    due = _local_day(complaint.filed_at) + timedelta(days=10)
    assert complaint.acceptance_due_on == due
    assert journey.task(tree.commune_complaints, "accept_complaint").due_at == end_of_day(due)
    assert journey.fire_timers(end_of_day(due) - timedelta(minutes=1)) == []
    assert not journey.session.get(Complaint, case).acceptance_overdue
    assert journey.fire_timers(end_of_day(due) + timedelta(seconds=1)) == ["acceptance_overdue"]
    complaint = journey.session.get(Complaint, case)
    assert complaint.acceptance_overdue and complaint.status == ComplaintStatus.RECEIVED
    for user in (tree.commune_complaints, tree.commune_head):
        assert journey.notifications(user)[-1].title == "Quá hạn thụ lý đơn"
    assert "complaint_acceptance_overdue" in journey.session.scalars(
        select(AuditEvent.action).where(AuditEvent.complaint_id == case)).all()
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})  # late, but still possible
    assert journey.session.get(Complaint, case).status == ComplaintStatus.INVESTIGATING


def test_a_denunciation_is_accepted_within_seven_working_days(journey, tree):
    """Luật Tố cáo 2018 Art. 24(1): filed Monday 23/11/2026; Tuesday 24/11 is a day off (Ngày Văn hóa Việt
    Nam), so the seventh working day is Thursday 03/12/2026."""
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    case = file(journey, "denunciation", tree.commune, nomination_id=journey.dossier.nominations[0].id)
    assert _local_day(journey.session.get(Complaint, case).filed_at) == date(2026, 11, 23)
    assert journey.session.get(Complaint, case).acceptance_due_on == date(2026, 12, 3)
    assert journey.fire_timers(end_of_day(date(2026, 12, 2)) + timedelta(seconds=1)) == []
    assert journey.fire_timers(end_of_day(date(2026, 12, 3)) + timedelta(seconds=1)) == ["acceptance_overdue"]
    assert journey.session.get(Complaint, case).acceptance_overdue


def test_an_accepted_case_never_fires_the_acceptance_timer(journey, tree):
    decision = _granted(journey, tree)
    case = file(journey, "complaint", tree.commune, decision_id=decision.id)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    assert journey.fire_timers(journey.ctx.clock.now() + timedelta(days=11)) == []
    assert not journey.session.get(Complaint, case).acceptance_overdue


@pytest.mark.parametrize(("kind", "level", "complex_case", "remote", "days"), [
    ("complaint", 1, False, False, 30), ("complaint", 1, True, False, 45),
    ("complaint", 1, False, True, 45), ("complaint", 1, True, True, 60),
    ("complaint", 2, False, False, 45), ("complaint", 2, True, False, 60),
    ("complaint", 2, False, True, 60), ("complaint", 2, True, True, 70),
    ("denunciation", 1, False, False, 30), ("denunciation", 1, True, False, 30),
])
def test_statutory_deadlines_in_calendar_days(journey, kind, level, complex_case, remote, days):
    complaint = Complaint(kind=ComplaintKind(kind), instance_level=level, complex=complex_case, remote_area=remote,
                          extensions=0, filed_at=journey.ctx.clock.now())
    assert due_on(journey.ctx, complaint, date(2026, 12, 25)) == date(2026, 12, 25) + timedelta(days=days)


@pytest.mark.parametrize(("flag", "allowed"), [("complex", 1), ("especially_complex", 2)])
def test_denunciation_extensions_are_limited_by_complexity(journey, tree, flag, allowed):
    _at_decide(journey, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    case = file(journey, "denunciation", tree.commune, nomination_id=journey.dossier.nominations[0].id)
    journey.complete(tree.commune_complaints, "accept_denunciation", {"outcome": "accept", flag: True})
    accepted_due = journey.session.get(Complaint, case).due_on
    for n in range(allowed):
        journey.complete(tree.commune_complaints, "investigate", {"findings": "Cần thêm thời gian",
                                                                  "request_extension": True})
        journey.complete(tree.commune_head, "extend", {"reason": "Vụ việc phức tạp"})
        assert journey.session.get(Complaint, case).due_on == accepted_due + timedelta(days=30 * (n + 1))
    task = journey.task(tree.commune_complaints, "investigate")
    with pytest.raises(InvalidInput):
        tasks.complete_task(journey.ctx.as_actor(tree.commune_complaints), task.id,
                            {"findings": "Thêm nữa", "request_extension": True})
    journey.session.rollback()


def test_an_upheld_complaint_revokes_the_award_and_the_registry_stops_counting_it(journey, tree, settings):
    decision = _granted(journey, tree)
    nomination_id = journey.dossier.nominations[0].id
    case = file(journey, "complaint", tree.commune, decision_id=decision.id)
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    journey.complete(tree.commune_complaints, "investigate", {"findings": "Hồ sơ thành tích bị làm giả."})
    journey.complete(tree.commune_head, "resolve_complaint", {"outcome": "upheld", "revoke": True,
                                                              "reason": "Thành tích kê khai gian dối."})
    revocation = journey.session.scalars(select(Revocation)).one()
    assert revocation.complaint_id == case and revocation.nomination_ids == [nomination_id]
    prefill = journey.prefill(tree.commune_office, "prepare_revocation")
    journey.complete(tree.commune_office, "prepare_revocation", {**prefill, "ground": "false_declaration"})
    journey.complete(tree.commune_head, "decide_revocation", {"approve": True})
    revocation = journey.session.get(Revocation, revocation.id)
    assert revocation.status == RevocationStatus.RECOVERING
    cancellation = journey.session.get(Decision, revocation.cancellation_decision_id)
    assert cancellation.label == "02/QĐ-UBND" and cancellation.document_sha256
    assert attachment_store(settings).read(cancellation.document_sha256)[:2] == b"PK"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(attachment_store(settings).read(
        cancellation.document_sha256))).paragraphs)
    assert ("Lý do: Có hành vi gian dối trong việc kê khai công trạng, thành tích để được tặng danh hiệu thi đua, "
            "hình thức khen thưởng (điểm a khoản 2 Điều 93 Luật Thi đua, khen thưởng năm 2022)") in text
    assert journey.session.get(Decision, decision.id).status == DecisionStatus.CANCELLED
    assert journey.dossier.nominations[0].status == NominationStatus.REVOKED
    award = journey.session.scalars(select(GrantedAward).where(GrantedAward.nomination_id == nomination_id)).one()
    assert award.revoked_at is not None
    journey.complete(tree.commune_office, "confirm_recovery", {"certificate_recovered": True, "money_recovered": False})
    revocation = journey.session.get(Revocation, revocation.id)
    assert revocation.status == RevocationStatus.CLOSED and "chưa thu hồi tiền thưởng" in revocation.recovery_note
    actions = journey.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    for step in ("complaint_accepted", "complaint_resolved", "revocation_started", "awards_revoked",
                 "revocation_recovered"):
        assert step in actions


def test_the_head_may_decline_a_revocation(journey, tree):
    from engine.operations.complaints.revocation import start_revocation

    decision = _granted(journey, tree)
    start_revocation(journey.ctx.as_actor(tree.commune_office), decision.id, [journey.dossier.nominations[0].id],
                     "wrong_procedure", "Thiếu biên bản họp Hội đồng.")
    journey.session.commit()
    journey.reload()
    prefill = journey.prefill(tree.commune_office, "prepare_revocation")
    journey.complete(tree.commune_office, "prepare_revocation", prefill)
    with pytest.raises(InvalidInput):  # declining needs a reason
        tasks.complete_task(journey.ctx.as_actor(tree.commune_head),
                            journey.task(tree.commune_head, "decide_revocation").id, {"approve": False})
    journey.session.rollback()
    journey.complete(tree.commune_head, "decide_revocation", {"approve": False, "reason": "Đủ biên bản."})
    assert journey.session.scalars(select(Revocation.status)).one() == RevocationStatus.REJECTED
    assert journey.dossier.nominations[0].status == NominationStatus.APPROVED


def test_a_revoked_award_fails_a_later_cstd_tinh_check(journey, tree):
    """CSTD_CS in 2023, 2024 and 2025; the 2025 one is revoked: CSTD_TINH in 2025 (the window ends in the
    dossier's year) is no longer met."""
    from engine.models import Awardee, AwardeeKind
    from engine.rules.eligibility import check_nomination

    decision = _granted(journey, tree, award="CSTD_CS")
    award = journey.session.scalars(select(GrantedAward)).one()
    awardee = journey.session.get(Awardee, award.awardee_id)
    assert awardee.kind == AwardeeKind.INDIVIDUAL
    for year in (2023, 2024):
        journey.session.add(GrantedAward(awardee_id=awardee.id, award_type="CSTD_CS", year=year,
                                         dossier_kind="regular", created_at=journey.ctx.clock.now()))
    award.year = 2025
    journey.session.commit()
    journey.submit(("CSTD_TINH", awardee.name))
    candidate = journey.dossier.nominations[0]
    candidate.awardee_id = awardee.id
    journey.session.commit()

    def three_years():
        checks = check_nomination(journey.session, candidate, year=2025)
        return next(c for c in checks if c.criterion == "consecutive_cstd_cs").result

    assert three_years() == "met"
    from engine.operations.complaints.revocation import start_revocation

    start_revocation(journey.ctx.as_actor(tree.commune_office), decision.id, [award.nomination_id],
                     "criteria_not_met", "Không đủ tiêu chuẩn.")
    journey.session.commit()
    journey.reload()
    journey.complete(tree.commune_office, "prepare_revocation", journey.prefill(tree.commune_office,
                                                                                "prepare_revocation"))
    journey.complete(tree.commune_head, "decide_revocation", {"approve": True})
    assert three_years() == "not_met"
