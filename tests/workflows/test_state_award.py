"""Issue 17: a nomination the province forwards beyond the tree (Prime Minister, President) is tracked by
`state_award.bpmn`: the province's standing office records the consultation (hiệp y), the Party
committee's opinion where the rules version requires it for the award (the orders), and the submission
to the central level, each due by a day from the rules; an overdue step tells the office and stays
open; the central decision, once recorded, ends the process. Run warm and cold, on both databases."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from engine.clock import end_of_day, local_today
from engine.errors import InvalidInput, NotFound
from engine.models import AuditEvent, InstanceStatus, ProcessInstance
from engine.operations.award import state_awards
from engine.operations.award.state_submission import state_submission_file
from engine.rules import load_rules

DECISION = {"number": "1234/QĐ-TTg", "signed_on": "15/11/2026", "issuer": "Thủ tướng Chính phủ"}
CONSULTED = {"agencies": "Công an tỉnh; Cục Thuế tỉnh", "requested_on": "2026-11-02", "all_agreed": True}
PARTY = {"document_number": "512-CV/TU", "signed_on": "2026-11-03", "agreed": True}
SUBMITTED = {"number": "88/TTr-UBND", "signed_on": "2026-11-04", "recipient": "Ban Thi đua - Khen thưởng Trung ương"}


def _forward_bk_ttg(journey, tree) -> None:
    journey.submit(("BK_TTG", "Nguyễn Thị Tươi"), ("BK_TTG", "Phạm Văn An"))
    for office, head, council in ((tree.commune_office, tree.commune_head, tree.commune_council),
                                  (tree.province_office, tree.province_head, tree.province_council)):
        journey.complete(office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(office)
        journey.vote(council)
        journey.decide(head, Nguyễn_Thị_Tươi="forward", Phạm_Văn_An="forward")


def _forward_order(journey, tree) -> None:
    """An order (Huân chương Lao động hạng Ba): published ten working days at the province, then forwarded."""
    journey.submit(("HC_LD3", "Nguyễn Thị Tươi"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.province_office)
    published = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier_published")).one()
    journey.fire_timers(datetime.fromisoformat(published.after["until"]) + timedelta(minutes=1))
    journey.complete(tree.province_office, "public_disclosure", {"comments": []})
    journey.vote(tree.province_council)
    journey.decide(tree.province_head, Nguyễn_Thị_Tươi="forward")


def _instance(journey) -> ProcessInstance:
    return journey.session.scalars(select(ProcessInstance).where(
        ProcessInstance.dossier_id == journey.dossier_id, ProcessInstance.process_key == "state_award")).one()


def _steps(journey) -> list[dict]:
    return [e.after for e in journey.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "state_award_step_recorded", AuditEvent.dossier_id == journey.dossier_id)
        .order_by(AuditEvent.seq))]


def _record_decision(journey, tree, awarded: list[int]):
    office = journey.ctx.as_actor(tree.province_office)
    decision = state_awards.record_state_decision(office, journey.dossier_id, state_awards.read_state_decision(
        office, {**DECISION, "awarded": awarded}))
    journey.session.commit()
    journey.reload()
    return decision


def test_a_prime_minister_s_certificate_is_consulted_submitted_and_closed_by_the_decision(journey, tree):
    _forward_bk_ttg(journey, tree)
    assert journey.open_tasks() == [("consult_agencies", tree.province.id)]
    started = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "state_award_started")).one()
    assert started.after["award_types"] == ["BK_TTG"] and started.after["party_opinion_required"] is False
    # the periods of the rules version the dossier was submitted under, one after the other
    catalogue, calendar = load_rules(journey.ctx.settings.rules_dir)
    steps = catalogue.version(journey.dossier.rules_version).state_award
    consultation = steps.consultation.period.last_day(local_today(journey.ctx.clock), calendar)
    assert started.after["due"] == {"consultation": consultation.isoformat(),
                                    "submission": steps.submission.period.last_day(consultation, calendar).isoformat()}
    task = journey.task(tree.province_office, "consult_agencies")
    assert task.due_at == end_of_day(consultation)

    journey.complete(tree.province_office, "consult_agencies", CONSULTED)
    assert journey.open_tasks() == [("submit_to_central", tree.province.id)]  # no Party opinion for a BK_TTG
    journey.complete(tree.province_office, "submit_to_central", SUBMITTED)
    assert journey.open_tasks() == []
    assert _instance(journey).status == InstanceStatus.RUNNING  # waiting for the central decision
    assert [s["step"] for s in _steps(journey)] == ["consultation", "submission"]
    assert _steps(journey)[1]["number"] == "88/TTr-UBND"

    tuoi = next(n.id for n in journey.dossier.nominations if n.nominee_name == "Nguyễn Thị Tươi")
    _record_decision(journey, tree, [tuoi])
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved", "Phạm Văn An": "rejected"}
    assert _instance(journey).status == InstanceStatus.COMPLETED


def test_an_order_needs_the_party_committee_s_opinion_and_a_late_step_alerts_the_office(journey, tree):
    _forward_order(journey, tree)
    started = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "state_award_started")).one()
    assert started.after["party_opinion_required"] is True
    assert list(started.after["due"]) == ["consultation", "party_opinion", "submission"]
    task = journey.task(tree.province_office, "consult_agencies")
    assert journey.fire_timers(task.due_at - timedelta(minutes=1)) == []
    assert journey.fire_timers(task.due_at + timedelta(minutes=1)) == ["consultation_overdue"]
    assert "Lấy ý kiến hiệp y" in journey.notifications(tree.province_office)[-1].title
    assert journey.open_tasks() == [("consult_agencies", tree.province.id)]  # still to do
    journey.complete(tree.province_office, "consult_agencies", {**CONSULTED, "requested_on": "2026-12-01"})
    assert journey.open_tasks() == [("party_opinion", tree.province.id)]
    journey.complete(tree.province_office, "party_opinion", PARTY)
    journey.complete(tree.province_office, "submit_to_central", SUBMITTED)
    assert [s["step"] for s in _steps(journey)] == ["consultation", "party_opinion", "submission"]
    assert journey.session.scalars(select(AuditEvent.after).where(
        AuditEvent.action == "state_award_step_overdue")).all() == [{"step": "consultation"}]


def test_a_date_after_today_is_refused_with_its_field(journey, tree):
    _forward_bk_ttg(journey, tree)
    tomorrow = (journey.ctx.clock.now() + timedelta(days=2)).date().isoformat()
    with pytest.raises(InvalidInput) as refused:
        journey.complete(tree.province_office, "consult_agencies", {**CONSULTED, "requested_on": tomorrow})
    assert set(refused.value.errors) == {"requested_on"}
    journey.session.rollback()
    assert journey.open_tasks() == [("consult_agencies", tree.province.id)]


def test_a_decision_recorded_before_the_steps_ends_the_tracking(journey, tree):
    _forward_bk_ttg(journey, tree)
    _record_decision(journey, tree, [])
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "rejected", "Phạm Văn An": "rejected"}
    assert _instance(journey).status == InstanceStatus.CANCELLED
    assert journey.open_tasks() == []


def test_nothing_is_tracked_when_nothing_leaves_the_tree(journey, tree):
    journey.submit(("BK_TINH", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="forward")
    journey.complete(tree.province_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.province_office)
    journey.decide(tree.province_head, Nguyễn_Thị_Tươi="approve")
    assert journey.session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "state_award")).all() == []


def test_the_submission_generates_the_to_trinh_with_its_list(journey, tree):
    """At `submit_to_central` the tờ trình to the Prime Minister (via the Ministry of Home Affairs) is
    generated with the list of the nominations waiting, stored once, and read back as a văn thư would."""
    _forward_order(journey, tree)
    journey.complete(tree.province_office, "consult_agencies", CONSULTED)
    journey.complete(tree.province_office, "party_opinion", PARTY)
    journey.complete(tree.province_office, "submit_to_central", SUBMITTED)
    document = _steps(journey)[-1]["document"]
    assert document["filename"].startswith("Tờ-trình-88-TTr-UBND") and document["filename"].endswith(".docx")
    named = state_submission_file(journey.ctx.as_actor(tree.province_office), journey.dossier_id)
    assert named.filename == document["filename"]
    docx = Document(io.BytesIO(named.content))  # type: ignore[arg-type]
    header = [c.text for c in docx.tables[0].rows[0].cells]
    assert "ỦY BAN NHÂN DÂN" in header[0] and "Số: 88/TTr-UBND" in header[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1] and "Độc lập - Tự do - Hạnh phúc" in header[1]
    assert "ngày 04 tháng 11 năm 2026" in header[1]
    text = [p.text for p in docx.paragraphs]
    assert "TỜ TRÌNH" in text and "Kính gửi: Thủ tướng Chính phủ" in text
    assert "(qua Bộ Nội vụ - Ban Thi đua - Khen thưởng Trung ương)" in text
    assert any(t.startswith("Căn cứ Luật Thi đua, khen thưởng") for t in text)
    assert "Căn cứ ý kiến hiệp y của Công an tỉnh; Cục Thuế tỉnh;" in text
    assert any(t.startswith("Căn cứ ý kiến của Ban Thường vụ Tỉnh ủy tại văn bản số 512-CV/TU") for t in text)
    assert any(t.startswith(f"Xét đề nghị của {tree.commune.spelled_name} và") for t in text)  # the level below
    assert any("trình Chủ tịch nước tặng" in t for t in text)  # an order: the President decides
    assert any(t.startswith("- Huân chương Lao động hạng Ba: 1 cá nhân") for t in text)
    signature = [c.text for c in docx.tables[1].rows[0].cells]
    assert "Nơi nhận:" in signature[0] and "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương);" in signature[0]
    assert "Lưu: VT, TĐKT." in signature[0]
    assert signature[1].startswith("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG CẤP NHÀ NƯỚC" in text
    annex = docx.tables[2]
    assert [c.text for c in annex.rows[0].cells] == ["STT", "Họ và tên / Tập thể", "Chức vụ", "Đơn vị",
                                                     "Hình thức đề nghị", "Thành tích tóm tắt"]
    assert [c.text for c in annex.rows[1].cells] == ["1", "Nguyễn Thị Tươi", "Giáo viên", tree.school.name,
                                                     "Huân chương Lao động hạng Ba", "Hoàn thành xuất sắc"]
    assert len(docx.sections) == 2 and docx.sections[1].page_width > docx.sections[1].page_height  # landscape


def test_no_to_trinh_before_the_submission(journey, tree):
    _forward_bk_ttg(journey, tree)
    with pytest.raises(NotFound):
        state_submission_file(journey.ctx.as_actor(tree.province_office), journey.dossier_id)
