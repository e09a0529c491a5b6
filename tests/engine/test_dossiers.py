"""Dossiers in the words of the domain: a school proposes, attaches its papers and submits; bad
input is refused with every fault named and nothing half-written; only the proposing unit and the
levels above it see the dossier."""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedType
from engine.models import (
    Attachment,
    AuditEvent,
    Awardee,
    AwardeeKind,
    Decision,
    DecisionStatus,
    Dossier,
    DossierKind,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    InstanceStatus,
    Nomination,
    Notification,
    ProcessInstance,
    Role,
)
from engine.operations import notifications, tasks
from engine.operations.award import commands as dossiers
from engine.operations.award import queries as access
from engine.operations.award.inputs import MAX_ACHIEVEMENTS, MAX_NAME, MAX_TITLE, NomineeInput, check_dossier
from engine.storage import DOCX, JPEG, PDF, PNG, XLSX, AttachmentStore, human_size, sniff
from tests.engine.helpers import build_world
from tests.factories import make_unit, make_user

# ---- files as a user would upload them ------------------------------------------------------------


def pdf(text: str) -> bytes:
    return b"%PDF-1.7\n%" + text.encode("utf-8") + b"\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def office_package(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for part in parts:
            package.writestr(part, "<x/>")
    return buffer.getvalue()


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
DOCX_BYTES = office_package("word/document.xml")
XLSX_BYTES = office_package("xl/workbook.xml")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode.\r\n"
PLAIN_ZIP = office_package("readme.txt").replace(b"[Content_Types].xml", b"[Content_Typez].xml")


def stored_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def school_nominations() -> list[dict]:
    return [
        {"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "Nguyễn Thị Tươi",
                                                "position": "Giáo viên", "unit": "Tổ Toán – Tin"},
         "achievements": "Hoàn thành xuất sắc nhiệm vụ năm học 2025–2026; học sinh đạt giải cấp tỉnh."},
        {"award_type": "BK_TINH", "nominee": {"kind": "collective", "name": "Tổ Toán – Tin"},
         "achievements": "Tập thể dẫn đầu phong trào thi đua của ngành giáo dục xã."},
    ]


def create_dossier(actor, raw):
    """Create as every path does: the raw dossier is checked into its typed input first."""
    return dossiers.create_dossier(actor, check_dossier(actor, raw))


def update_dossier(actor, dossier_id, raw):
    return dossiers.update_dossier(actor, dossier_id, check_dossier(actor, raw, partial=True))


def new_dossier(ctx, world, **overrides):
    payload = {"title": "Đề nghị khen thưởng năm học 2025–2026", "year": 2026, "kind": "regular",
               "nominations": school_nominations(), **overrides}
    return create_dossier(ctx.as_actor(world.proposer), payload)


def attach_all(ctx, world, dossier):
    """The papers GIAY_KHEN and BK_TINH need: the submission, and an achievement report per nominee."""
    proposer = ctx.as_actor(world.proposer)
    dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf(f"to trinh {dossier.id}")), "to-trinh.pdf",
                            "submission")
    for nomination in dossier.nominations:
        dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf(f"bao cao {nomination.id}")),
                                f"bao-cao-{nomination.position}.pdf", "achievement_report", nomination.id)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(session, settings):
    return build_world(session, settings)


# ---- creating and editing ---------------------------------------------------------------------------

def test_a_school_proposes_giay_khen_and_bk_tinh_in_draft(ctx, world, session):
    dossier = new_dossier(ctx, world)
    assert dossier.status is DossierStatus.DRAFT and dossier.proposing_unit_id == world.school.id
    assert [(n.position, n.award_type, n.nominee_kind, n.nominee_name) for n in dossier.nominations] == [
        (1, "GIAY_KHEN", "individual", "Nguyễn Thị Tươi"), (2, "BK_TINH", "collective", "Tổ Toán – Tin")]
    assert dossier.title_folded == "de nghi khen thuong nam hoc 2025–2026"
    assert dossier.rules_version is None and dossier.instance_id is None
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier.id)).all()
    assert event.action == "dossier_created" and event.actor == "truong.denghi"
    assert [n["award_type"] for n in event.after["nominations"]] == ["GIAY_KHEN", "BK_TINH"]


def test_every_fault_in_the_nominations_is_reported_at_once_and_nothing_is_written(ctx, world, session):
    bad = school_nominations() + [
        {"award_type": "KHONG_CO", "nominee": {"kind": "individual", "full_name": "Trần Văn Bình"},
         "achievements": "Có thành tích."},
        {"award_type": "LDTT", "nominee": {"kind": "collective", "name": "Tổ Văn"}, "achievements": "Tốt."},
        {"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "  "}, "achievements": " "},
        {"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "Phạm Thu Hà",
                                                "person_id": 999999}, "achievements": "Có sáng kiến."},
    ]
    events = count(session, AuditEvent)
    with pytest.raises(InvalidInput) as refused:
        new_dossier(ctx, world, title=" ", nominations=bad)
    assert refused.value.errors == {
        "title": "Bắt buộc nhập.",
        "nominations[2].award_type": "Không có loại khen thưởng 'KHONG_CO' áp dụng ngày 23/11/2026.",
        "nominations[3].nominee.kind": "Lao động tiên tiến (LDTT) chỉ dành cho cá nhân, không dành cho tập thể.",
        "nominations[4].nominee.full_name":
            "Bắt buộc nhập họ tên cá nhân, tên tập thể hoặc tên hộ gia đình được đề nghị.",
        "nominations[4].achievements": "Cần nêu tóm tắt thành tích.",
        "nominations[5].nominee.person_id": "Không tìm thấy cá nhân, tập thể số 999999.",
    }
    session.rollback()
    assert count(session, Dossier) == 0 and count(session, Nomination) == 0
    assert count(session, AuditEvent) == events


def test_limits_are_content_faults_told_with_the_rules_and_form_faults_alone(ctx, world):
    """One check for every path: a name too long is told together with an award type not in force;
    a body of the wrong form (a year in words, an unknown field) is told alone, as the API always did."""
    proposer = ctx.as_actor(world.proposer)
    long_name = {"award_type": "GIAY_KHEN", "achievements": "x" * (MAX_ACHIEVEMENTS + 1),
                 "nominee": {"kind": "individual", "full_name": "N" * (MAX_NAME + 1)}}
    unknown = {**school_nominations()[0], "award_type": "KHONG_CO"}
    with pytest.raises(InvalidInput) as content:
        check_dossier(proposer, {"title": "T" * (MAX_TITLE + 1), "year": 2026, "nominations": [long_name, unknown]})
    assert content.value.errors == {
        "title": f"Tối đa {MAX_TITLE} ký tự.",
        "nominations[0].nominee.full_name": f"Tối đa {MAX_NAME} ký tự.",
        "nominations[0].achievements": f"Tối đa {MAX_ACHIEVEMENTS} ký tự.",
        "nominations[1].award_type": "Không có loại khen thưởng 'KHONG_CO' áp dụng ngày 23/11/2026."}
    with pytest.raises(InvalidInput) as form:
        check_dossier(proposer, {"title": "", "year": "năm nay", "colour": "đỏ", "nominations": [unknown]})
    assert form.value.errors == {"year": "Cần một số nguyên.", "colour": "Trường không được hỗ trợ."}
    typed = check_dossier(proposer, {"title": "  Hồ   sơ ", "year": "2026", "nominations": school_nominations()})
    assert (typed.title, typed.year, typed.kind, len(typed.nominations)) == ("Hồ sơ", 2026, DossierKind.REGULAR, 2)
    assert typed.nominations[1].nominee == NomineeInput(AwardeeKind.COLLECTIVE, "Tổ Toán – Tin", None, None, None)


def test_the_same_person_twice_for_one_award_is_refused(ctx, world):
    twice = school_nominations()[:1] * 2
    twice[1] = {**twice[1], "nominee": {"kind": "individual", "full_name": "nguyễn thị  tươi"}}
    with pytest.raises(InvalidInput) as refused:
        new_dossier(ctx, world, nominations=twice)
    assert set(refused.value.errors) == {"nominations[1].nominee"}


def test_the_proposing_unit_is_needed_only_when_the_caller_proposes_for_several(ctx, world, session, settings):
    other_school = make_unit(session, "T-X1-MN", parent=world.commune, level="agency", reviews_awards=False)
    both = make_user(session, settings, "hai.truong", (Role.PROPOSER, world.school), (Role.PROPOSER, other_school))
    payload = {"title": "Hồ sơ", "year": 2026, "nominations": []}
    with pytest.raises(InvalidInput) as ambiguous:
        create_dossier(ctx.as_actor(both), payload)
    assert ambiguous.value.errors == {"proposing_unit": "Chọn một trong: T-X1-MN, T-X1-TH."}
    chosen = create_dossier(ctx.as_actor(both), {**payload, "proposing_unit": "T-X1-MN"})
    assert chosen.proposing_unit_id == other_school.id
    with pytest.raises(InvalidInput) as unknown:
        create_dossier(ctx.as_actor(both), {**payload, "proposing_unit": "KHONG-CO"})
    assert unknown.value.errors == {"proposing_unit": "Không có đơn vị này."}
    with pytest.raises(Forbidden):
        create_dossier(ctx.as_actor(world.proposer), {**payload, "proposing_unit": "T-X1-MN"})
    with pytest.raises(Forbidden):
        create_dossier(ctx.as_actor(world.office), payload)


def test_editing_a_draft_replaces_the_list_and_keeps_papers_of_kept_nominations(ctx, world, session):
    dossier = new_dossier(ctx, world)
    attach_all(ctx, world, dossier)
    tuoi, to_toan = dossier.nominations
    edited = update_dossier(ctx.as_actor(world.proposer), dossier.id, {
        "title": "Đề nghị khen thưởng (bổ sung)",
        "nominations": [
            {"id": to_toan.id, "award_type": "BK_TINH", "nominee": {"kind": "collective", "name": "Tổ Toán - Tin học"},
             "achievements": "Dẫn đầu phong trào thi đua."},
            {"award_type": "LDTT", "nominee": {"kind": "individual", "full_name": "Lê Văn Cường"},
             "achievements": "Hoàn thành tốt nhiệm vụ."},
        ]})
    assert [(n.position, n.award_type, n.nominee_name) for n in edited.nominations] == [
        (1, "BK_TINH", "Tổ Toán - Tin học"), (2, "LDTT", "Lê Văn Cường")]
    assert edited.nominations[0].id == to_toan.id
    session.flush()
    by_nomination = {a.filename: a.nomination_id for a in session.scalars(select(Attachment))}
    assert by_nomination == {"to-trinh.pdf": None, "bao-cao-1.pdf": None, "bao-cao-2.pdf": to_toan.id}
    assert session.get(Nomination, tuoi.id) is None
    update = session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier_updated")).one()
    assert update.before["title"] == "Đề nghị khen thưởng năm học 2025–2026"
    assert update.after["title"] == "Đề nghị khen thưởng (bổ sung)" and update.dossier_id == dossier.id


def test_a_nomination_id_from_elsewhere_is_refused(ctx, world):
    dossier = new_dossier(ctx, world)
    with pytest.raises(InvalidInput) as refused:
        update_dossier(ctx.as_actor(world.proposer), dossier.id, {
            "nominations": [{**school_nominations()[0], "id": 987654}]})
    assert refused.value.errors == {"nominations[0].id": "Hồ sơ không có đề nghị số 987654."}


# ---- attachments ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "content_type"), [
    (pdf("tờ trình"), PDF), (PNG_BYTES, PNG), (JPEG_BYTES, JPEG), (DOCX_BYTES, DOCX), (XLSX_BYTES, XLSX),
], ids=["pdf", "png", "jpeg", "docx", "xlsx"])
def test_accepted_types_are_recognised_by_content(tmp_path, content, content_type):
    store = AttachmentStore(tmp_path)
    stored = store.put_upload(io.BytesIO(content), 1024 * 1024)
    assert stored.content_type == content_type and stored.size == len(content)
    assert store.path(stored.sha256) == tmp_path / stored.sha256[:2] / stored.sha256[2:4] / stored.sha256
    assert store.read(stored.sha256) == content
    assert stored_files(tmp_path) == {store.path(stored.sha256)}


@pytest.mark.parametrize("content", [EXE_BYTES, PLAIN_ZIP, b"PK\x03\x04 not a zip", b"", b"hello"],
                         ids=["exe", "plain-zip", "broken-zip", "empty", "text"])
def test_anything_else_is_refused_and_leaves_no_file(tmp_path, content):
    store = AttachmentStore(tmp_path)
    with pytest.raises(UnsupportedType):
        store.put_upload(io.BytesIO(content), 1024 * 1024)
    assert stored_files(tmp_path) == set()


def test_the_same_content_twice_is_stored_once(tmp_path):
    store = AttachmentStore(tmp_path)
    first = store.put_upload(io.BytesIO(pdf("một")), 4096)
    again = store.put_upload(io.BytesIO(pdf("một")), 4096)
    assert first == again and len(stored_files(tmp_path)) == 1


def test_sizes_are_told_in_units_a_person_reads():
    assert [human_size(n) for n in (900, 512 * 1024, 20 * 1024 * 1024)] == ["900 byte", "512 KB", "20 MB"]


def test_sniffing_reads_only_the_package_table(tmp_path):
    package = tmp_path / "bang-diem.xlsx"
    package.write_bytes(XLSX_BYTES)
    assert sniff(XLSX_BYTES[:16], package) == XLSX
    assert sniff(EXE_BYTES[:16], package) is None


def test_a_store_refuses_paths_that_are_not_hashes(tmp_path):
    with pytest.raises(NotFound):
        AttachmentStore(tmp_path).open("../../etc/passwd")
    with pytest.raises(NotFound):
        AttachmentStore(tmp_path).open("a" * 64)


def test_an_oversized_upload_leaves_neither_file_nor_row(ctx, world, session, settings):
    dossier = new_dossier(ctx, world)
    small = ctx.as_actor(world.proposer)
    small.settings = replace(settings, max_upload_bytes=1000)
    before = stored_files(settings.attachment_root)
    with pytest.raises(TooLarge) as refused:
        dossiers.add_attachment(small, dossier.id, io.BytesIO(pdf("x" * 2000)), "lon.pdf", "submission")
    assert refused.value.detail == "Tệp vượt quá dung lượng cho phép (1000 byte)."
    assert refused.value.errors == {"file": "Tối đa 1000 byte."}
    assert stored_files(settings.attachment_root) == before
    assert count(session, Attachment) == 0


def test_an_exe_named_pdf_is_refused(ctx, world, session, settings):
    dossier = new_dossier(ctx, world)
    before = stored_files(settings.attachment_root)
    with pytest.raises(UnsupportedType):
        dossiers.add_attachment(ctx.as_actor(world.proposer), dossier.id, io.BytesIO(EXE_BYTES), "to-trinh.pdf",
                                "submission")
    assert stored_files(settings.attachment_root) == before and count(session, Attachment) == 0


def test_a_wrong_kind_or_a_foreign_nomination_is_refused_before_storing(ctx, world, session, settings):
    dossier = new_dossier(ctx, world)
    other = new_dossier(ctx, world)
    before = stored_files(settings.attachment_root)
    with pytest.raises(InvalidInput) as refused:
        dossiers.add_attachment(ctx.as_actor(world.proposer), dossier.id, io.BytesIO(pdf("z")), "a.pdf",
                                "photo", other.nominations[0].id)
    assert set(refused.value.errors) == {"kind", "nomination_id"}
    assert stored_files(settings.attachment_root) == before


def test_an_attachment_row_records_the_sniffed_type_and_a_safe_name(ctx, world, session):
    dossier = new_dossier(ctx, world)
    attachment = dossiers.add_attachment(ctx.as_actor(world.proposer), dossier.id, io.BytesIO(DOCX_BYTES),
                                         "C:\\Users\\gv\\Báo cáo thành tích.pdf", "achievement_report",
                                         dossier.nominations[0].id)
    # The name's folders go, and its extension becomes the type's: the content decides, not the name.
    assert attachment.content_type == DOCX and attachment.filename == "Báo cáo thành tích.docx"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment_added")).one()
    assert event.dossier_id == dossier.id and event.after["sha256"] == attachment.sha256
    found, stream = access.open_attachment(ctx.as_actor(world.proposer), dossier.id, attachment.id)
    with stream:
        assert found.id == attachment.id and stream.read() == DOCX_BYTES


# ---- submitting and withdrawing -----------------------------------------------------------------------

def test_submitting_without_papers_names_what_is_missing(ctx, world, session):
    dossier = new_dossier(ctx, world)
    proposer = ctx.as_actor(world.proposer)
    dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf("bc")), "bc.pdf", "achievement_report",
                            dossier.nominations[0].id)
    with pytest.raises(InvalidInput) as refused:
        dossiers.submit_dossier(proposer, dossier.id)
    assert refused.value.errors == {
        "nominations[1].attachments": "Thiếu báo cáo thành tích của Tổ Toán – Tin (BK_TINH).",
        "attachments": "Thiếu tờ trình của hồ sơ.",
    }
    assert dossier.status is DossierStatus.DRAFT and dossier.instance_id is None


def test_an_empty_dossier_cannot_be_submitted(ctx, world):
    dossier = new_dossier(ctx, world, nominations=[])
    with pytest.raises(InvalidInput) as refused:
        dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    assert refused.value.errors == {"nominations": "Hồ sơ chưa có đề nghị khen thưởng nào."}


def test_a_submitted_dossier_goes_to_the_commune_office(ctx, world, session):
    dossier = new_dossier(ctx, world)
    attach_all(ctx, world, dossier)
    submitted = dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    assert submitted.rules_version == "nd152-2025" and submitted.submitted_at is not None
    assert submitted.instance_id is not None
    assert submitted.status in (DossierStatus.SUBMITTED, DossierStatus.IN_REVIEW)
    assert all(n.awardee_id is not None for n in submitted.nominations)
    assert {a.name for a in session.scalars(select(Awardee))} == {"Nguyễn Thị Tươi", "Tổ Toán – Tin"}
    (task,) = access.open_tasks(ctx, submitted)
    assert (task.key, task.unit_id, task.role) == ("check_completeness", world.commune.id, "office")
    actions = [e.action for e in session.scalars(
        select(AuditEvent).where(AuditEvent.dossier_id == dossier.id).order_by(AuditEvent.seq))]
    assert actions[:4] == ["dossier_created", "attachment_added", "attachment_added", "attachment_added"]
    assert "dossier_submitted" in actions and "process_started" in actions
    assert actions.index("dossier_submitted") < actions.index("process_started")
    with pytest.raises(Conflict):
        dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    with pytest.raises(Conflict):
        update_dossier(ctx.as_actor(world.proposer), dossier.id, {"title": "Sửa sau khi nộp"})
    with pytest.raises(Conflict):
        dossiers.add_attachment(ctx.as_actor(world.proposer), dossier.id, io.BytesIO(pdf("muộn")), "m.pdf",
                                "evidence")


def test_withdrawing_cancels_the_open_tasks(ctx, world, session):
    dossier = new_dossier(ctx, world)
    attach_all(ctx, world, dossier)
    dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    session.commit()
    (task,) = access.open_tasks(ctx, dossier)
    with pytest.raises(InvalidInput):
        dossiers.withdraw_dossier(ctx.as_actor(world.proposer), dossier.id, "  ")
    with pytest.raises(Forbidden):
        dossiers.withdraw_dossier(ctx.as_actor(world.office), dossier.id, "Không phải việc của văn phòng")
    withdrawn = dossiers.withdraw_dossier(ctx.as_actor(world.proposer), dossier.id, "Đơn vị rút để hoàn thiện")
    session.commit()
    assert withdrawn.status is DossierStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert session.get(HumanTask, task.id).state is HumanTaskState.CANCELLED
    assert session.get(ProcessInstance, dossier.instance_id).status is InstanceStatus.CANCELLED
    assert access.open_tasks(ctx, dossier) == []
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier_withdrawn")).one()
    assert event.reason == "Đơn vị rút để hoàn thiện" and event.dossier_id == dossier.id
    with pytest.raises(Conflict):
        dossiers.withdraw_dossier(ctx.as_actor(world.proposer), dossier.id, "Lần nữa")


def test_during_a_supplement_the_proposer_edits_content_and_adds_papers_only(ctx, world, session):
    dossier = new_dossier(ctx, world)
    attach_all(ctx, world, dossier)
    dossiers.submit_dossier(ctx.as_actor(world.proposer), dossier.id)
    (check,) = access.open_tasks(ctx, dossier)
    tasks.complete_task(ctx.as_actor(world.office), check.id,
                        {"outcome": "supplement", "missing": "Bổ sung bảng điểm của học sinh đạt giải."})
    assert dossier.status is DossierStatus.SUPPLEMENT_REQUESTED
    proposer = ctx.as_actor(world.proposer)
    tuoi, to_toan = dossier.nominations
    same = [{"id": n.id, "award_type": n.award_type, "achievements": n.achievements + " Có bảng điểm kèm theo.",
             "nominee": {"kind": n.nominee_kind, "full_name": n.nominee_name, "name": n.nominee_name}}
            for n in (tuoi, to_toan)]
    edited = update_dossier(proposer, dossier.id, {"nominations": same})
    assert edited.nominations[0].achievements.endswith("Có bảng điểm kèm theo.")
    assert all(n.awardee_id is not None for n in edited.nominations)
    for changed in (same[:1], [*same, {**school_nominations()[0], "nominee": {"kind": "individual",
                                                                              "full_name": "Người mới"}}],
                    [{**same[0], "award_type": "LDTT"}, same[1]]):
        with pytest.raises(Conflict):
            update_dossier(proposer, dossier.id, {"nominations": changed})
    extra = dossiers.add_attachment(proposer, dossier.id, io.BytesIO(XLSX_BYTES), "bang-diem.xlsx", "evidence",
                                    tuoi.id)
    assert extra.content_type == XLSX
    with pytest.raises(Conflict):
        dossiers.submit_dossier(proposer, dossier.id)


def test_a_draft_can_be_withdrawn_without_a_process(ctx, world):
    dossier = new_dossier(ctx, world)
    assert dossiers.withdraw_dossier(ctx.as_actor(world.proposer), dossier.id, "Lập nhầm").status \
        is DossierStatus.WITHDRAWN


# ---- who sees what ------------------------------------------------------------------------------------

@pytest.fixture
def other_commune(session, settings, world):
    commune = make_unit(session, "T-X2", parent=world.province, level="commune")
    school = make_unit(session, "T-X2-TH", parent=commune, level="agency", reviews_awards=False)
    office = make_user(session, settings, "xa2.vanphong", (Role.OFFICE, commune))
    proposer = make_user(session, settings, "truong2.denghi", (Role.PROPOSER, school))
    session.commit()
    return office, proposer


def test_a_person_in_another_commune_cannot_see_the_dossier(ctx, world, session, other_commune):
    dossier = new_dossier(ctx, world)
    attach_all(ctx, world, dossier)
    (attachment, *_) = dossier.attachments
    for stranger in other_commune:
        as_stranger = ctx.as_actor(stranger)
        with pytest.raises(NotFound):
            access.get_dossier(as_stranger, dossier.id)
        with pytest.raises(NotFound):
            access.open_attachment(as_stranger, dossier.id, attachment.id)
        with pytest.raises(NotFound):
            update_dossier(as_stranger, dossier.id, {"title": "Sửa trộm"})
        with pytest.raises(NotFound):
            access.dossier_audit(as_stranger, dossier.id)
        assert access.list_dossiers(as_stranger).total == 0


def test_higher_levels_see_what_comes_from_below_once_submitted_but_cannot_edit(ctx, world, session):
    dossier = new_dossier(ctx, world)
    for viewer in (world.office, world.head, world.other_office, world.members[0]):  # a draft: the school's
        with pytest.raises(NotFound):
            access.get_dossier(ctx.as_actor(viewer), dossier.id)
        assert access.list_dossiers(ctx.as_actor(viewer)).items == []
    dossier.status, dossier.submitted_at = DossierStatus.SUBMITTED, ctx.clock.now()
    session.flush()
    for viewer in (world.office, world.head, world.other_office, world.members[0]):
        assert access.get_dossier(ctx.as_actor(viewer), dossier.id).id == dossier.id
        assert [d.id for d in access.list_dossiers(ctx.as_actor(viewer)).items] == [dossier.id]
    with pytest.raises(Forbidden):
        update_dossier(ctx.as_actor(world.office), dossier.id, {"title": "Văn phòng sửa"})
    with pytest.raises(Forbidden):
        dossiers.submit_dossier(ctx.as_actor(world.head), dossier.id)


def test_the_list_filters_and_searches_without_diacritics(ctx, world):
    first = new_dossier(ctx, world)
    second = new_dossier(ctx, world, title="Khen thưởng chuyên đề phòng chống bão lũ", kind="thematic", year=2025,
                         nominations=[{"award_type": "LDTT", "achievements": "Cứu hộ.",
                                       "nominee": {"kind": "individual", "full_name": "Đặng Văn Hùng"}}])
    office = ctx.as_actor(world.proposer)  # drafts: only their unit sees them
    ids = lambda **kw: [d.id for d in access.list_dossiers(office, **kw).items]  # noqa: E731
    assert ids() == [second.id, first.id]
    assert ids(q="nguyen thi tuoi") == [first.id]
    assert ids(q="DANG van hung") == [second.id]
    assert ids(q="bao lu") == [second.id]
    assert ids(year=2025) == [second.id]
    assert ids(award_type="bk_tinh") == [first.id]
    assert ids(status="draft", unit=world.school.id) == [second.id, first.id]
    assert ids(status="submitted") == []
    assert access.list_dossiers(office, per_page=1, page=2).items[0].id == first.id



def test_the_name_search_reads_a_folded_column_kept_current_on_every_write(ctx, world):
    """The search asks SQL for the folded name (no name is folded in Python while searching): a renamed
    nominee is found by the new name only, and LIKE's wildcards in the query are plain characters."""
    dossier = new_dossier(ctx, world)
    proposer = ctx.as_actor(world.proposer)  # a draft is seen by its own unit only
    ids = lambda q: [d.id for d in access.list_dossiers(proposer, q=q).items]  # noqa: E731
    stored = ctx.session.execute(select(Nomination.nominee_name, Nomination.nominee_name_folded)
                                 .where(Nomination.dossier_id == dossier.id).order_by(Nomination.position)).all()
    assert [tuple(row) for row in stored] == [("Nguyễn Thị Tươi", "nguyen thi tuoi"),
                                              ("Tổ Toán – Tin", "to toan – tin")]
    renamed = school_nominations()
    renamed[0]["nominee"] = {**renamed[0]["nominee"], "full_name": "Đỗ  Thị   Đào"}
    update_dossier(ctx.as_actor(world.proposer), dossier.id, {"nominations": renamed})
    ctx.session.flush()
    assert ids("do thi dao") == [dossier.id]
    assert ids("ĐỖ THỊ") == [dossier.id]
    assert ids("nguyen thi tuoi") == []
    assert ids("%") == [] and ids("_") == []
    assert ids("toan – tin") == [dossier.id]

# ---- notifications and decisions ------------------------------------------------------------------------

def test_notifications_are_read_only_by_their_owner(ctx, world, session, clock):
    mine = Notification(user_id=world.proposer.id, title="Kết quả", body="Được khen thưởng", created_at=clock.now())
    session.add(mine)
    session.flush()
    with pytest.raises(NotFound):
        notifications.mark_read(ctx.as_actor(world.office), mine.id)
    assert notifications.list_notifications(ctx.as_actor(world.proposer), unread_only=True).total == 1
    assert notifications.mark_read(ctx.as_actor(world.proposer), mine.id).read_at == clock.now()
    assert notifications.list_notifications(ctx.as_actor(world.proposer), unread_only=True).total == 0
    assert notifications.list_notifications(ctx.as_actor(world.proposer)).total == 1


def test_a_decision_and_its_document_are_seen_by_those_who_see_the_dossier(ctx, world, session, clock,
                                                                         other_commune):
    dossier = new_dossier(ctx, world)
    sha = AttachmentStore(ctx.settings.attachment_root).put_bytes(DOCX_BYTES)
    decision = Decision(issuer_unit_id=world.commune.id, year=2026, number=5, symbol="QĐ-UBND",
                        signed_on=date(2026, 11, 30), dossier_id=dossier.id, status=DecisionStatus.ISSUED,
                        document_sha256=sha, created_at=clock.now())
    session.add(decision)
    session.flush()
    dossier.nominations[0].decision_id = decision.id
    session.flush()
    proposer = ctx.as_actor(world.proposer)
    assert access.get_decision(proposer, decision.id).label == "05/QĐ-UBND"
    assert [d.id for d in access.list_decisions(proposer).items] == [decision.id]
    assert [n.id for n in access.decision_nominations(ctx, decision)] == [dossier.nominations[0].id]
    assert access.decision_document(proposer, decision.id) == DOCX_BYTES
    assert [d.id for d in access.dossier_decisions(ctx, dossier)] == [decision.id]
    for stranger in other_commune:
        with pytest.raises(NotFound):
            access.get_decision(ctx.as_actor(stranger), decision.id)
        assert access.list_decisions(ctx.as_actor(stranger)).total == 0
    decision.document_sha256 = None
    with pytest.raises(NotFound):
        access.decision_document(proposer, decision.id)
