"""Every branch of award_dossier.bpmn and level_review.bpmn, in the words of the domain. Each step
commits and the next one reloads the workflow from the database."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import anchor
from engine.audit import verify_chain
from engine.clock import LOCAL_TZ
from engine.errors import Conflict, InvalidInput
from engine.models import (
    AuditCheckpoint,
    AuditEvent,
    Decision,
    DossierStatus,
    GrantedAward,
    HumanTask,
    InstanceStatus,
    ProcessInstance,
)
from engine.operations import tasks


def test_school_gets_giay_khen_at_the_commune_and_bk_tinh_at_the_province_after_a_supplement(journey, tree):
    """A school proposes GIAY_KHEN and BK_TINH; the commune grants the first and forwards the
    second; the province asks for a supplement, then grants it."""
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    assert journey.open_tasks() == [("check_completeness", tree.commune.id)]
    assert journey.dossier.status == DossierStatus.IN_REVIEW and journey.dossier.reviewing_unit_id == tree.commune.id

    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    assert journey.dossier.received_on is not None and journey.dossier.result_due_on is not None
    journey.all_eligible(tree.commune_office)
    allowed = {i["nominee"]: i["allowed"] for i in journey.prefill(tree.commune_head, "decide")["nominations"]}
    assert allowed == {"Nguyễn Thị Tươi": ["approve", "lower_award", "reject"],
                       "Phạm Văn An": ["forward", "lower_award", "reject"]}
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="forward")

    assert journey.dossier.reviewing_unit_id == tree.province.id
    assert journey.open_tasks() == [("check_completeness", tree.province.id)]
    journey.complete(tree.province_office, "check_completeness",
                     {"outcome": "supplement", "missing": "Báo cáo thành tích có xác nhận của thủ trưởng"})
    assert journey.dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert journey.open_tasks() == [("supplement_dossier", tree.school.id)]
    journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung báo cáo có xác nhận"})
    journey.pass_level(tree.province_office, tree.province_head, Phạm_Văn_An="approve")

    dossier = journey.dossier
    assert dossier.status == DossierStatus.DECIDED
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved", "Phạm Văn An": "approved"}
    decisions = journey.session.scalars(select(Decision).order_by(Decision.issuer_unit_id)).all()
    assert [(d.issuer_unit_id, d.label) for d in decisions] == [
        (tree.province.id, "01/QĐ-UBND"), (tree.commune.id, "01/QĐ-UBND")]
    assert {d.signer_name for d in decisions} == {"Trần Văn Bình", "Nguyễn Văn Bình"}
    assert all(d.document_sha256 for d in decisions)
    awards = journey.session.scalars(select(GrantedAward.award_type).order_by(GrantedAward.award_type)).all()
    assert awards == ["BK_TINH", "GIAY_KHEN"]
    result = journey.notifications(tree.proposer)[-1]
    assert "Nguyễn Thị Tươi (Giấy khen): được khen thưởng" in result.body  # the award named, not coded
    instance = journey.session.get(ProcessInstance, dossier.instance_id)
    assert instance.status == InstanceStatus.COMPLETED
    assert verify_chain(journey.ctx).ok
    # Each decision signed the chain's head in its own transaction, its event included.
    signed = journey.session.scalars(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq)).all()
    issued = journey.session.scalars(select(AuditEvent.seq).where(AuditEvent.action == "decision_issued")
                                     .order_by(AuditEvent.seq)).all()
    assert len(signed) == 2 and all(seq >= event for seq, event in zip(signed, issued, strict=True))
    assert anchor.verify_ctx(journey.ctx).ok


def test_the_office_returns_an_incomplete_dossier_and_the_proposer_learns_why(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness",
                     {"outcome": "return", "missing": "Không có tờ trình"})
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "rejected"}
    assert journey.dossier.nominations[0].outcome_note == "Hồ sơ bị trả lại: Không có tờ trình"
    assert journey.dossier.status == DossierStatus.DECIDED
    assert "Lý do: Hồ sơ bị trả lại: Không có tờ trình" in journey.notifications(tree.proposer)[-1].body
    assert journey.session.scalar(select(func.count()).select_from(Decision)) == 0


def test_a_proposer_late_with_the_supplement_alerts_the_office_and_can_still_answer(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "supplement", "missing": "Thiếu tờ trình"})
    assert journey.fire_timers(journey.ctx.clock.now() + timedelta(days=60)) == ["supplement_overdue"]
    assert journey.notifications(tree.commune_office)[-1].title == "Quá hạn bổ sung hồ sơ"
    journey.complete(tree.proposer, "supplement_dossier", {"note": "Đã bổ sung"})
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved"}


def test_the_appraisal_deadline_escalates_to_the_head_and_the_work_goes_on(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    due = journey.dossier.result_due_on
    task = journey.task(tree.commune_office, "appraise")
    assert task.due_at == datetime(due.year, due.month, due.day, 23, 59, 59, tzinfo=LOCAL_TZ)
    assert journey.fire_timers(task.due_at - timedelta(minutes=1)) == []
    assert journey.fire_timers(task.due_at + timedelta(minutes=1)) == ["appraisal_overdue"]
    assert journey.dossier.overdue is True
    assert journey.notifications(tree.commune_head)[-1].title == "Quá hạn thẩm định hồ sơ"
    journey.all_eligible(tree.commune_office)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="approve")
    assert journey.dossier.status == DossierStatus.DECIDED


def test_nominations_found_ineligible_never_reach_the_head(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    [item] = journey.prefill(tree.commune_office, "appraise")["nominations"]
    journey.complete(tree.commune_office, "appraise",
                     {"nominations": [{"id": item["id"], "eligible": False, "note": "Chưa đủ thời gian công tác"}]})
    assert journey.open_tasks() == []
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "rejected"}
    assert journey.dossier.status == DossierStatus.DECIDED


def test_an_order_is_published_ten_working_days_at_the_top_then_submitted_beyond_the_tree(journey, tree):
    journey.submit(("HC_LD3", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)  # no disclosure at the commune: it does not decide orders
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.province_office)
    assert journey.open_tasks() == []  # waiting for the disclosure period
    published = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier_published")).one()
    until = datetime.fromisoformat(published.after["until"])
    assert published.after["working_days"] == 10
    assert journey.fire_timers(until - timedelta(hours=1)) == []
    assert journey.fire_timers(until + timedelta(minutes=1)) == ["disclosure_period"]
    journey.complete(tree.province_office, "public_disclosure", {"comments": [
        {"source": "Công đoàn trường", "content": "Đồng thuận"}]})
    journey.vote(tree.province_council)
    journey.decide(tree.province_head, Nguyễn_Thị_Tươi="forward")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "forwarded"}
    assert journey.dossier.status == DossierStatus.DECIDED
    assert "ngoài hệ thống" in journey.notifications(tree.proposer)[-1].body


@pytest.mark.parametrize(("actions", "errors"), [
    ({"GIAY_KHEN": "forward"}, {"nominations[0].action"}),
    ({"BK_TINH": "approve"}, {"nominations[1].action"}),
    ({"GIAY_KHEN": "reject"}, {"nominations[0].note"}),
    ({"GIAY_KHEN": None}, {"nominations"}),
])
def test_the_head_may_only_decide_within_the_level_and_gives_reasons(journey, tree, actions, errors):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    items = journey.prefill(tree.commune_head, "decide")["nominations"]
    chosen = {"GIAY_KHEN": "approve", "BK_TINH": "forward", **actions}
    rows = [{"id": i["id"], "action": chosen[i["award_type"]]} for i in items if chosen[i["award_type"]]]
    task = journey.task(tree.commune_head, "decide")
    version = journey.session.get(ProcessInstance, journey.dossier.instance_id).version
    with pytest.raises(InvalidInput) as caught:
        tasks.complete_task(journey.ctx.as_actor(tree.commune_head), task.id, {"nominations": rows})
    journey.session.rollback()
    assert set(caught.value.errors) == errors
    journey.reload()
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "pending", "Phạm Văn An": "pending"}
    assert journey.session.get(ProcessInstance, journey.dossier.instance_id).version == version
    assert journey.session.get(HumanTask, task.id).state.value == "ready"


def test_a_frozen_nomination_cannot_be_decided(journey, tree):
    from engine.models import NominationStatus

    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.dossier.nominations[0].status = NominationStatus.FROZEN
    journey.session.commit()
    task = journey.task(tree.commune_head, "decide")
    with pytest.raises(Conflict):
        tasks.complete_task(journey.ctx.as_actor(tree.commune_head), task.id,
                            {"nominations": [{"id": journey.dossier.nominations[0].id, "action": "approve"}]})
    journey.session.rollback()


def test_a_unit_with_no_reviewing_level_above_cannot_submit(journey, tree):
    with pytest.raises(InvalidInput, match="Không có cấp xét duyệt"):
        journey.submit(("BK_TTG", "Nguyễn Thị Tươi"), unit=tree.province, proposer=tree.province_proposer)
    journey.session.rollback()
    assert journey.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_decision_numbers_follow_each_other_per_issuer_and_year(journey, tree):
    for name in ("Nguyễn Thị Tươi", "Phạm Văn An", "Lê Văn Cường"):
        journey.submit(("GIAY_KHEN", name))
        journey.pass_level(tree.commune_office, tree.commune_head, **{name.replace(" ", "_"): "approve"})
    labels = journey.session.scalars(select(Decision.number).order_by(Decision.id)).all()
    assert labels == [1, 2, 3]
    assert date(2026, 1, 1) <= journey.session.scalars(select(Decision.signed_on)).first()


def test_each_level_s_decision_is_issued_when_its_head_decides_and_forwarded_nominations_go_on(journey, tree):
    """Giấy khen and LĐTT decided by the commune, CSTĐ tỉnh forwarded: the commune's decision exists,
    dated that day, and the proposer knows, long before the province rules on the rest."""
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("LDTT", "Trần Văn Đức"), ("BK_TINH", "Phạm Văn An"))
    commune_day = journey.ctx.clock.now()
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve",
                       Trần_Văn_Đức="reject", Phạm_Văn_An="forward")
    [commune] = journey.session.scalars(select(Decision)).all()
    assert (commune.issuer_unit_id, commune.label, commune.signed_on) == (
        tree.commune.id, "01/QĐ-UBND", commune_day.astimezone(LOCAL_TZ).date())
    assert [n.nominee_name for n in commune.nominations] == ["Nguyễn Thị Tươi"]
    told = journey.notifications(tree.proposer)[-1]
    assert told.title == "Kết quả xét khen thưởng tại UBND xã Bình Minh"
    issued = f"Quyết định số 01/QĐ-UBND ngày {commune.signed_on:%d/%m/%Y}"
    assert f"Nguyễn Thị Tươi (Giấy khen): được khen thưởng. {issued}" in told.body
    assert "Trần Văn Đức (Lao động tiên tiến)" in told.body and "Lý do: Chưa đủ thành tích" in told.body
    assert "Phạm Văn An" not in told.body
    assert journey.dossier.status == DossierStatus.IN_REVIEW  # the forwarded nomination goes on alone

    journey.fire_timers(commune_day + timedelta(days=30))  # weeks later, the province decides
    journey.pass_level(tree.province_office, tree.province_head, Phạm_Văn_An="approve")
    decisions = journey.session.scalars(select(Decision).order_by(Decision.id)).all()
    assert [d.issuer_unit_id for d in decisions] == [tree.commune.id, tree.province.id]
    assert decisions[0].signed_on == commune.signed_on < decisions[1].signed_on
    assert journey.dossier.status == DossierStatus.DECIDED
    assert journey.notifications(tree.proposer)[-1].title == "Kết quả xét khen thưởng"


def test_a_single_level_dossier_tells_the_proposer_once(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    titles = [n.title for n in journey.notifications(tree.proposer)]
    assert titles.count("Kết quả xét khen thưởng") == 1 and not any(t.startswith("Kết quả xét khen thưởng tại")
                                                                     for t in titles)


def test_a_commune_s_vanthu_numbers_its_decision_from_the_agency_register_the_province_uses_the_app_s(
        journey, tree, settings):
    from engine.models import Role
    from tests.factories import make_user

    clerk = make_user(journey.session, settings, "xa.vanthu", (Role.CLERK, tree.commune), full_name="Vũ Thị Thư")
    journey.session.commit()
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="forward")
    assert journey.open_tasks() == [("register_decision", tree.commune.id)]  # the clerk's is the level's last step
    assert journey.session.scalar(select(func.count()).select_from(Decision)) == 0

    today = journey.ctx.clock.now().astimezone(LOCAL_TZ).date()
    task = journey.task(clerk, "register_decision")
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(journey.ctx.as_actor(clerk), task.id,
                            {"number": 37, "signed_on": (today + timedelta(days=1)).isoformat()})
    journey.session.rollback()
    assert set(refused.value.errors) == {"signed_on"}
    journey.reload()
    journey.complete(clerk, "register_decision", {"number": 37, "signed_on": today.isoformat()})

    [commune] = journey.session.scalars(select(Decision)).all()
    assert (commune.issuer_unit_id, commune.label, commune.signed_on) == (tree.commune.id, "37/QĐ-UBND", today)
    assert "Quyết định số 37/QĐ-UBND" in journey.notifications(tree.proposer)[-1].body
    assert journey.open_tasks() == [("check_completeness", tree.province.id)]
    journey.pass_level(tree.province_office, tree.province_head, Phạm_Văn_An="approve")
    labels = [d.label for d in journey.session.scalars(select(Decision).order_by(Decision.id))]
    assert labels == ["37/QĐ-UBND", "01/QĐ-UBND"]  # the province has no văn thư: the app's register
