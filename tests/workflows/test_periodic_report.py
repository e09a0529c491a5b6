"""Every path of periodic_report.bpmn: a commune's year-end report drafted from its statistics, returned
by the head with remarks, edited again, approved and sent; the province sees who has reported and its
own draft counts the commune's report."""
from __future__ import annotations

import io

import docx
import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden
from engine.models import AuditEvent, Notification, PeriodicReport, ReportKind, ReportStatus
from engine.operations.emulation import commands as emulation
from engine.operations.emulation import inputs as emulation_inputs
from engine.operations.reports import commands, queries
from engine.operations.reports.inputs import ReportStart
from engine.storage import attachment_store


def _start(journey, user, unit, kind=ReportKind.YEAR_END) -> int:
    report = commands.start_report(journey.ctx.as_actor(user), ReportStart(unit.id, 2026, kind))
    journey.session.commit()
    journey.reload()
    return report.id


def test_a_commune_reports_its_year_and_the_province_sees_it(journey, tree, settings):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")

    report_id = _start(journey, tree.commune_office, tree.commune)
    report = journey.session.get(PeriodicReport, report_id)
    assert report.status == ReportStatus.DRAFTING and report.recipient_unit_id == tree.province.id
    assert "1 trường hợp được khen thưởng (1 cá nhân, 0 tập thể)" in report.body
    assert report.figures["granted"] == 1 and report.figures["money_total"] == 710_000
    assert journey.prefill(tree.commune_office, "edit_report")["body"] == report.body

    journey.complete(tree.commune_office, "edit_report", {"body": report.body.replace(
        "[Cơ quan thường trực bổ sung]", "Một số hồ sơ nộp chậm.", 1)})
    journey.complete(tree.commune_head, "approve_report", {"approve": False, "remarks": "Bổ sung phương hướng."})
    report = journey.session.get(PeriodicReport, report_id)
    assert report.status == ReportStatus.DRAFTING and report.remarks == "Bổ sung phương hướng."
    assert journey.prefill(tree.commune_office, "edit_report")["body"].count("Một số hồ sơ nộp chậm.") == 1
    journey.complete(tree.commune_office, "edit_report",
                     {"body": "Năm 2026 hoàn thành các chỉ tiêu.\nPhương hướng 2027."})
    journey.complete(tree.commune_head, "approve_report", {"approve": True})

    report = journey.session.get(PeriodicReport, report_id)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None and report.remarks is None
    sent = docx.Document(io.BytesIO(attachment_store(settings).read(report.document_sha256)))
    text = "\n".join(p.text for p in sent.paragraphs)
    assert "Tổng kết năm 2026 công tác thi đua, khen thưởng" in text and "Phương hướng 2027." in text
    told = journey.session.scalars(select(Notification).where(Notification.user_id == tree.province_office.id)).all()
    assert any("UBND xã Bình Minh đã gửi báo cáo tổng kết năm 2026" in n.title for n in told)
    actions = journey.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "periodic_report")
                                      .order_by(AuditEvent.seq)).all()
    assert actions == ["report_started", "report_edited", "report_returned", "report_edited", "report_submitted"]

    # The province: who has reported, and its own draft counts them.
    below = queries.who_reported(journey.ctx.as_actor(tree.province_head), tree.province.id, 2026, ReportKind.YEAR_END)
    assert [(item.unit.id, item.submitted) for item in below] == [(tree.commune.id, True)]
    mid_year = queries.who_reported(journey.ctx.as_actor(tree.province_head), tree.province.id, 2026,
                                    ReportKind.MID_YEAR)
    assert [(item.unit.id, item.submitted, item.report) for item in mid_year] == [(tree.commune.id, False, None)]
    province_report = journey.session.get(PeriodicReport, _start(journey, tree.province_office, tree.province))
    assert "1/1 đơn vị đã gửi (UBND xã Bình Minh)" in province_report.body
    draft = queries.report_file(journey.ctx.as_actor(tree.province_office), province_report.id)
    assert "Các đơn vị trực thuộc đã báo cáo: 1/1" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(draft.content)).paragraphs)


def test_only_the_unit_s_office_opens_its_report_once(journey, tree):
    with pytest.raises(Forbidden):
        commands.start_report(journey.ctx.as_actor(tree.commune_office), ReportStart(tree.province.id, 2026,
                                                                                     ReportKind.MID_YEAR))
    journey.session.rollback()
    _start(journey, tree.commune_office, tree.commune, ReportKind.MID_YEAR)
    with pytest.raises(Conflict):
        commands.start_report(journey.ctx.as_actor(tree.commune_office), ReportStart(tree.commune.id, 2026,
                                                                                     ReportKind.MID_YEAR))
    journey.session.rollback()
    report = journey.session.scalars(select(PeriodicReport)).one()
    assert (report.period_start.isoformat(), report.period_end.isoformat()) == ("2026-01-01", "2026-06-30")


def test_the_draft_reads_the_plan_s_tasks_and_the_movements(journey, tree):
    """The commune's plan (a task done, one late, one open), the province's movement the commune answers,
    the commune's own movement answering it with the school registered, titles registered and an award
    it produced: the commune's year-end draft says all of it."""
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    office, province = journey.ctx.as_actor(tree.commune_office), journey.ctx.as_actor(tree.province_office)
    plan = emulation.record_plan(office, emulation_inputs.read_plan({
        "unit": tree.commune.id, "year": 2026, "title": "Kế hoạch thi đua năm 2026", "document_number": "07/KH-UBND"}))
    done = emulation.add_task(office, plan.id, emulation_inputs.read_task(
        {"title": "Đăng ký thi đua", "owner_unit": tree.school.id, "due_on": "2026-03-01"}))
    emulation.add_task(office, plan.id, emulation_inputs.read_task(
        {"title": "Sơ kết 6 tháng", "owner_unit": tree.school.id, "due_on": "2026-06-30"}))
    emulation.add_task(office, plan.id, emulation_inputs.read_task(
        {"title": "Tổng kết năm", "owner_unit": tree.commune.id, "due_on": "2026-12-20"}))
    emulation.follow_task(office, done.id, emulation_inputs.read_follow({"done_on": "2026-02-20"}))
    above = emulation.launch_movement(province, emulation_inputs.read_movement({
        "unit": tree.province.id, "kind": "thematic", "theme": "Chuyển đổi số", "starts_on": "2026-01-01"}))
    emulation.respond(office, above.id, emulation_inputs.read_response(
        {"unit": tree.commune.id, "commitment": "Số hóa hồ sơ.", "report": "Đã số hóa 90% hồ sơ."}))
    own = emulation.launch_movement(office, emulation_inputs.read_movement({
        "unit": tree.commune.id, "kind": "thematic", "theme": "Xã chuyển đổi số", "starts_on": "2026-02-01",
        "ends_on": "2026-12-31", "parent": above.id}))
    emulation.respond(journey.ctx.as_actor(tree.proposer), own.id,
                      emulation_inputs.read_response({"unit": tree.school.id, "commitment": "100% giáo viên."}))
    emulation.register(office, emulation_inputs.read_registrations({"unit": tree.commune.id, "year": 2026,
                                                                    "registrations": [
        {"kind": "individual", "name": "Nguyễn Thị Tươi", "award_type": "GIAY_KHEN", "movement": own.id},
        {"kind": "individual", "name": "Lê Văn Nam", "award_type": "LDTT", "movement": own.id}]}))
    emulation.link_nomination(office, own.id, journey.dossier.nominations[0].id)
    journey.session.commit()

    report = journey.session.get(PeriodicReport, _start(journey, tree.commune_office, tree.commune))
    body = report.body
    assert ("5. Thực hiện Kế hoạch thi đua năm 2026 số 07/KH-UBND: 3 nhiệm vụ, 1 đã hoàn thành (0 hoàn thành muộn), "
            "1 chậm tiến độ, 1 đang thực hiện.") in body
    assert "- Đăng ký thi đua (Trường THCS Bình Minh, hạn 01/03/2026): đã hoàn thành ngày 20/02/2026." in body
    assert "- Sơ kết 6 tháng (Trường THCS Bình Minh, hạn 30/06/2026): chậm tiến độ." in body
    assert "- Đơn vị chậm tiến độ: Trường THCS Bình Minh (1 nhiệm vụ)." in body
    assert "6. Phong trào thi đua do đơn vị phát động: 1 phong trào." in body
    assert ("- «Xã chuyển đổi số» (thi đua theo chuyên đề, từ 01/02/2026 đến 31/12/2026): 1 đơn vị đăng ký tham "
            "gia, 0 đơn vị đã báo cáo kết quả; 2 lượt đăng ký danh hiệu gắn với phong trào; 1 đề nghị khen thưởng, "
            "1 khen thưởng được trao.") in body
    assert "7. Phong trào thi đua của cấp trên đơn vị hưởng ứng: 1 phong trào." in body
    assert ("- «Chuyển đổi số» (thi đua theo chuyên đề do UBND tỉnh Hòa Bình Xanh phát động, từ 01/01/2026): 0 lượt "
            "đăng ký danh hiệu gắn với phong trào; 0 đề nghị khen thưởng, 0 khen thưởng được trao.") in body
    assert report.figures["plan_tasks"] == {"done": 1, "done_late": 0, "late": 1, "open": 1}
    assert (report.figures["movements_launched"], report.figures["movements_answered"]) == (1, 1)
