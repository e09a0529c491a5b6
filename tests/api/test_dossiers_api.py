"""Dossiers over HTTP: a school proposes GIAY_KHEN and BK_TINH, uploads its papers and submits;
bad input is answered with the right status and nothing half-written; other communes see nothing,
colleagues above see but cannot edit; withdrawing cancels the open tasks."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from api.errors import PROBLEM_JSON
from engine.models import (
    Attachment,
    Decision,
    DecisionStatus,
    Dossier,
    HumanTask,
    HumanTaskState,
    Nomination,
    Notification,
    Role,
)
from engine.storage import DOCX, PDF, AttachmentStore
from engine.text import fold
from tests.engine.test_dossiers import (
    DOCX_BYTES,
    EXE_BYTES,
    PLAIN_ZIP,
    pdf,
    school_nominations,
    stored_files,
)
from tests.factories import make_unit, make_user

API = "/api/v1"
DOSSIER = {"title": "Đề nghị khen thưởng năm học 2025–2026", "year": 2026, "kind": "regular"}


def create(client, headers, **overrides):
    return client.post(f"{API}/dossiers", headers=headers,
                       json={**DOSSIER, "nominations": school_nominations(), **overrides})


def upload(client, headers, dossier_id, content, filename, kind, nomination_id=None):
    data = {"file": (io.BytesIO(content), filename), "kind": kind}
    if nomination_id is not None:
        data["nomination_id"] = str(nomination_id)
    return client.post(f"{API}/dossiers/{dossier_id}/attachments", headers=headers, data=data,
                       content_type="multipart/form-data")


def prepared(client, headers) -> dict:
    """A draft with the submission and an achievement report per nominee."""
    dossier = create(client, headers).json
    assert upload(client, headers, dossier["id"], pdf(f"tờ trình {dossier['id']}"), "to-trinh.pdf",
                  "submission").status_code == 201
    for nomination in dossier["nominations"]:
        assert upload(client, headers, dossier["id"], pdf(f"báo cáo {nomination['id']}"),
                      f"bao-cao-{nomination['position']}.pdf", "achievement_report",
                      nomination["id"]).status_code == 201
    return dossier


def count(db, model) -> int:
    return db(lambda s: s.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def stranger(session, settings, world):
    """The office of another commune of the province."""
    commune = make_unit(session, "T-X2", parent=world.province, level="commune")
    user = make_user(session, settings, "xa2.vanphong", (Role.OFFICE, commune))
    session.commit()
    return user


# ---- the path -------------------------------------------------------------------------------------

def test_a_school_proposes_uploads_and_submits(client, world, bearer, settings):
    proposer, office = bearer(world.proposer), bearer(world.office)
    created = create(client, proposer)
    assert created.status_code == 201
    dossier = created.json
    assert (dossier["status"], dossier["proposing_unit"]["code"], dossier["reviewing_unit"]) == ("draft", "T-X1-TH",
                                                                                                   None)
    tuoi, to_toan = dossier["nominations"]
    assert tuoi["nominee"] == {"kind": "individual", "person_id": None, "full_name": "Nguyễn Thị Tươi",
                               "name": None, "position": "Giáo viên", "unit": "Tổ Toán – Tin", "birth_date": None,
                               "gender": None, "has_national_id": False}
    assert to_toan["nominee"]["name"] == "Tổ Toán – Tin" and to_toan["award_type"] == "BK_TINH"
    assert (tuoi["status"], tuoi["outcome"]) == ("pending", None)
    assert dossier["open_tasks"] == [] and dossier["decisions"] == [] and dossier["attachments"] == []

    submission = upload(client, proposer, dossier["id"], pdf("Tờ trình số 12/TTr-THCS"), "Tờ trình.pdf",
                        "submission")
    assert submission.status_code == 201
    assert submission.json["content_type"] == PDF and submission.json["size"] == len(pdf("Tờ trình số 12/TTr-THCS"))
    assert AttachmentStore(settings.attachment_root).read(submission.json["sha256"]) == pdf("Tờ trình số 12/TTr-THCS")
    for nomination in (tuoi, to_toan):
        report = upload(client, proposer, dossier["id"], DOCX_BYTES if nomination is tuoi else pdf("tổ toán"),
                        "bao-cao.docx", "achievement_report", nomination["id"])
        assert report.status_code == 201 and report.json["nomination_id"] == nomination["id"]

    submitted = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.json
    body = submitted.json
    assert body["status"] in ("submitted", "in_review") and body["rules_version"] == "nd152-2025"
    assert body["submitted_at"] is not None and len(body["attachments"]) == 3
    assert all(n["nominee"]["person_id"] is not None for n in body["nominations"])
    (task,) = body["open_tasks"]
    assert (task["key"], task["unit"]["code"], task["role"]) == ("check_completeness", "T-X1", "office")

    inbox = client.get(f"{API}/tasks?dossier={dossier['id']}", headers=office).json
    assert [(t["id"], t["key"]) for t in inbox["items"]] == [(task["id"], "check_completeness")]

    seen = client.get(f"{API}/dossiers/{dossier['id']}", headers=office)
    assert seen.status_code == 200 and seen.json["open_tasks"] == body["open_tasks"]
    download = client.get(f"{API}/dossiers/{dossier['id']}/attachments/{submission.json['id']}", headers=office)
    assert download.status_code == 200 and download.data == pdf("Tờ trình số 12/TTr-THCS")
    assert download.mimetype == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    audit = client.get(f"{API}/dossiers/{dossier['id']}/audit?per_page=200", headers=proposer).json
    actions = [e["action"] for e in audit["items"]]
    assert actions[:4] == ["dossier_created", "attachment_added", "attachment_added", "attachment_added"]
    assert "dossier_submitted" in actions and "process_started" in actions
    assert [e["seq"] for e in audit["items"]] == sorted(e["seq"] for e in audit["items"])

    diagram = client.get(f"{API}/dossiers/{dossier['id']}/diagram", headers=office)
    assert diagram.status_code == 200
    assert 'id="award_dossier"' in diagram.json["xml"] and "bpmndi:BPMNDiagram" in diagram.json["xml"]
    assert diagram.json["active"] == ["check_completeness"]
    assert 'id="check_completeness"' in diagram.json["called"]["level_review"]


def test_the_list_shows_only_what_the_caller_may_see(client, world, bearer, stranger):
    proposer = bearer(world.proposer)
    first = create(client, proposer).json
    second = create(client, proposer, title="Khen thưởng đột xuất chống bão", kind="ad_hoc").json
    listed = client.get(f"{API}/dossiers?q=chong bao", headers=proposer)
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json["items"]] == [second["id"]]
    assert listed.json["items"][0]["nomination_count"] == 2
    everything = client.get(f"{API}/dossiers?q=NGUYEN THI TUOI&status=draft", headers=proposer)
    assert [d["id"] for d in everything.json["items"]] == [second["id"], first["id"]]
    # Drafts belong to the school until submitted: the offices above see none of them yet.
    for office in (world.office, world.other_office):
        assert client.get(f"{API}/dossiers", headers=bearer(office)).json["total"] == 0
    assert client.get(f"{API}/dossiers", headers=bearer(stranger)).json["total"] == 0
    assert client.get(f"{API}/dossiers?status=unknown", headers=proposer).status_code == 422


def test_a_search_answers_any_needle_and_page_a_user_can_type(client, world, bearer):
    """One letter, two, LIKE's signs, a quote, a page far past the end, the largest page: an answer, never
    an error; past the end the page is empty and still tells the total."""
    proposer = bearer(world.proposer)
    names = [fold(n["nominee"].get("full_name") or n["nominee"]["name"]) for n in school_nominations()]
    texts = [[fold(create(client, proposer, title=title).json["title"]), *names]
             for title in ("Khen thưởng năm học 2025-2026", "Khen thưởng đột xuất 50% chống bão")]
    for q in ("a", "an", "%", "_", "50%", '"', "'", "khen", "năm học", "zzz"):
        found = sum(any(fold(q) in text for text in each) for each in texts)
        for page in (1, 2, 100_000):
            listed = client.get(f"{API}/dossiers", query_string={"q": q, "page": page, "per_page": 200},
                                headers=proposer)
            assert listed.status_code == 200, (q, page, listed.json)
            assert listed.json["total"] == found and len(listed.json["items"]) == (found if page == 1 else 0), q
    assert [sum(any(fold(q) in t for t in each) for each in texts) for q in ("a", "50%", "zzz")] == [2, 1, 0]


# ---- bad input ----------------------------------------------------------------------------------------

def test_an_unknown_award_type_is_422_with_its_path_and_nothing_is_written(client, world, bearer, db):
    nominations = school_nominations() + [{"award_type": "HUY_CHUONG_VANG", "achievements": "Thành tích.",
                                           "nominee": {"kind": "individual", "full_name": "Trần Văn Bình"}}]
    response = create(client, bearer(world.proposer), nominations=nominations)
    assert response.status_code == 422 and response.content_type == PROBLEM_JSON
    assert response.json["errors"] == {
        "nominations[2].award_type": "Không có loại khen thưởng 'HUY_CHUONG_VANG' áp dụng ngày 23/11/2026."}
    assert count(db, Dossier) == 0


def test_a_malformed_dossier_is_422_field_by_field(client, world, bearer, db):
    response = create(client, bearer(world.proposer), year="năm nay", kind="khac",
                      nominations=[{"award_type": "LDTT", "nominee": {"kind": "robot"}, "achievements": "x"}])
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"year", "kind", "nominations[0].nominee.kind"}
    assert count(db, Dossier) == 0


def test_submitting_without_papers_is_422_naming_them(client, world, bearer, db):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    response = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer)
    assert response.status_code == 422
    assert response.json["errors"] == {
        "nominations[0].attachments": "Thiếu báo cáo thành tích của Nguyễn Thị Tươi (GIAY_KHEN).",
        "nominations[1].attachments": "Thiếu báo cáo thành tích của Tổ Toán – Tin (BK_TINH).",
        "attachments": "Thiếu tờ trình của hồ sơ.",
    }
    assert "Thiếu tờ trình của hồ sơ." in response.json["detail"]
    assert client.get(f"{API}/dossiers/{dossier['id']}", headers=proposer).json["status"] == "draft"


def test_editing_after_submission_is_409(client, world, bearer):
    proposer = bearer(world.proposer)
    dossier = prepared(client, proposer)
    assert client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer).status_code == 200
    edit = client.patch(f"{API}/dossiers/{dossier['id']}", headers=proposer, json={"title": "Sửa sau khi nộp"})
    assert edit.status_code == 409 and edit.json["title"] == "Xung đột trạng thái"
    late = upload(client, proposer, dossier["id"], pdf("muộn"), "muon.pdf", "evidence")
    assert late.status_code == 409
    again = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer)
    assert again.status_code == 409


def test_a_draft_is_edited_with_patch(client, world, bearer):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    kept = dossier["nominations"][1]
    edited = client.patch(f"{API}/dossiers/{dossier['id']}", headers=proposer, json={
        "title": "Đề nghị khen thưởng (sửa)", "nominations": [
            {"id": kept["id"], "award_type": "BK_TINH", "nominee": {"kind": "collective", "name": "Tổ Toán"},
             "achievements": "Dẫn đầu phong trào."}]})
    assert edited.status_code == 200
    assert edited.json["title"] == "Đề nghị khen thưởng (sửa)"
    assert [(n["id"], n["position"], n["nominee"]["name"]) for n in edited.json["nominations"]] == [
        (kept["id"], 1, "Tổ Toán")]


def test_an_oversized_upload_is_413_and_leaves_no_file_and_no_row(client, world, bearer, db, settings):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    before = stored_files(settings.attachment_root)
    huge = b"%PDF-1.7\n" + b"0" * settings.max_upload_bytes
    response = upload(client, proposer, dossier["id"], huge, "ho-so-lon.pdf", "submission")
    assert response.status_code == 413 and response.content_type == PROBLEM_JSON
    assert response.json["title"] == "Tệp quá lớn"
    assert response.json["detail"] == "Tệp vượt quá dung lượng cho phép (20 MB)."
    assert stored_files(settings.attachment_root) == before
    assert count(db, Attachment) == 0


@pytest.mark.parametrize(("content", "filename"), [(EXE_BYTES, "to-trinh.pdf"), (PLAIN_ZIP, "bao-cao.docx"),
                                                   ("<html>tờ trình</html>".encode(), "to-trinh.pdf")],
                         ids=["exe-named-pdf", "zip-named-docx", "html-named-pdf"])
def test_a_disguised_upload_is_415_and_leaves_nothing(client, world, bearer, db, settings, content, filename):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    before = stored_files(settings.attachment_root)
    response = upload(client, proposer, dossier["id"], content, filename, "submission")
    assert response.status_code == 415 and response.json["title"] == "Kiểu tệp không được chấp nhận"
    assert stored_files(settings.attachment_root) == before
    assert count(db, Attachment) == 0


def test_a_wrong_kind_or_a_missing_file_is_422(client, world, bearer, db):
    proposer = bearer(world.proposer)
    dossier = create(client, proposer).json
    wrong = upload(client, proposer, dossier["id"], pdf("a"), "a.pdf", "anh-the")
    assert wrong.status_code == 422
    assert wrong.json["errors"] == {"kind": "Phải là một trong: submission, achievement_report, council_minutes, "
                                            "evidence, other."}
    missing = client.post(f"{API}/dossiers/{dossier['id']}/attachments", headers=proposer,
                          data={"kind": "submission", "nomination_id": "x"}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert set(missing.json["errors"]) == {"file", "nomination_id"}
    foreign = upload(client, proposer, dossier["id"], pdf("b"), "b.pdf", "evidence", 987654)
    assert foreign.status_code == 422 and foreign.json["errors"] == {
        "nomination_id": "Hồ sơ không có đề nghị số 987654."}
    as_json = client.post(f"{API}/dossiers/{dossier['id']}/attachments", headers=proposer, json={"kind": "other"})
    assert as_json.status_code == 415
    assert count(db, Attachment) == 0


# ---- who may do what ----------------------------------------------------------------------------------

def test_a_person_in_another_commune_sees_neither_the_dossier_nor_its_papers(client, world, bearer, stranger):
    dossier = prepared(client, bearer(world.proposer))
    detail = client.get(f"{API}/dossiers/{dossier['id']}", headers=bearer(world.proposer)).json
    attachment = detail["attachments"][0]["id"]
    headers = bearer(stranger)
    for response in (
        client.get(f"{API}/dossiers/{dossier['id']}", headers=headers),
        client.get(f"{API}/dossiers/{dossier['id']}/attachments/{attachment}", headers=headers),
        client.get(f"{API}/dossiers/{dossier['id']}/audit", headers=headers),
        client.get(f"{API}/dossiers/{dossier['id']}/diagram", headers=headers),
        client.patch(f"{API}/dossiers/{dossier['id']}", headers=headers, json={"title": "x"}),
        client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=headers),
        upload(client, headers, dossier["id"], pdf("lạ"), "la.pdf", "other"),
    ):
        assert response.status_code == 404, response.request.path
        assert response.json["title"] == "Không tìm thấy"


def test_a_colleague_at_the_commune_office_neither_sees_nor_edits_a_draft(client, world, bearer, db):
    dossier = prepared(client, bearer(world.proposer))
    colleague = bearer(world.colleague)
    assert client.get(f"{API}/dossiers/{dossier['id']}", headers=colleague).status_code == 404
    for response in (
        client.patch(f"{API}/dossiers/{dossier['id']}", headers=colleague, json={"title": "Văn phòng sửa"}),
        upload(client, colleague, dossier["id"], pdf("vp"), "vp.pdf", "other"),
        client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=colleague),
        client.post(f"{API}/dossiers/{dossier['id']}/withdraw", headers=colleague, json={"reason": "Thử"}),
    ):
        assert response.status_code == 404, response.request.path  # a draft is the school's alone
    assert count(db, Attachment) == 3
    assert client.get(f"{API}/dossiers/{dossier['id']}", headers=bearer(world.proposer)).json["title"] == \
        DOSSIER["title"]


def test_an_outsider_cannot_propose(client, world, bearer, db):
    assert create(client, bearer(world.office)).status_code == 403
    assert create(client, bearer(world.outsider)).status_code == 403
    assert create(client, bearer(world.proposer), proposing_unit="T-X1").status_code == 403
    assert client.post(f"{API}/dossiers", json=DOSSIER).status_code == 401
    assert count(db, Dossier) == 0


def test_withdrawing_cancels_the_open_tasks(client, world, bearer, db):
    proposer, office = bearer(world.proposer), bearer(world.office)
    dossier = prepared(client, proposer)
    submitted = client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer).json
    (task,) = submitted["open_tasks"]
    no_reason = client.post(f"{API}/dossiers/{dossier['id']}/withdraw", headers=proposer, json={})
    assert no_reason.status_code == 422 and no_reason.json["errors"] == {"reason": "Bắt buộc nhập."}
    withdrawn = client.post(f"{API}/dossiers/{dossier['id']}/withdraw", headers=proposer,
                            json={"reason": "Đơn vị rút hồ sơ để hoàn thiện thành tích"})
    assert withdrawn.status_code == 200
    assert withdrawn.json["status"] == "withdrawn" and withdrawn.json["open_tasks"] == []
    assert db(lambda s: s.get(HumanTask, task["id"]).state) is HumanTaskState.CANCELLED
    assert client.get(f"{API}/tasks", headers=office).json["total"] == 0
    assert client.post(f"{API}/tasks/{task['id']}/complete", headers=office,
                       json={"data": {"outcome": "complete"}}).status_code == 409
    audit = client.get(f"{API}/dossiers/{dossier['id']}/audit?per_page=200", headers=proposer).json["items"]
    assert [e["action"] for e in audit][-1] == "dossier_withdrawn"
    assert audit[-1]["reason"] == "Đơn vị rút hồ sơ để hoàn thiện thành tích"
    again = client.post(f"{API}/dossiers/{dossier['id']}/withdraw", headers=proposer, json={"reason": "Lần nữa"})
    assert again.status_code == 409


# ---- notifications and decisions ----------------------------------------------------------------------

def test_notifications_are_listed_and_marked_read(client, world, bearer, session, clock):
    note = Notification(user_id=world.proposer.id, title="Hồ sơ đã được tiếp nhận",
                        body="Hạn trả kết quả thẩm định: 07/12/2026.", created_at=clock.now())
    session.add(note)
    session.commit()
    proposer = bearer(world.proposer)
    unread = client.get(f"{API}/notifications?unread=1", headers=proposer).json
    assert [n["title"] for n in unread["items"]] == ["Hồ sơ đã được tiếp nhận"] and unread["total"] == 1
    assert client.post(f"{API}/notifications/{note.id}/read", headers=bearer(world.office)).status_code == 404
    read = client.post(f"{API}/notifications/{note.id}/read", headers=proposer)
    assert read.status_code == 200 and read.json["read_at"] is not None
    assert client.get(f"{API}/notifications?unread=1", headers=proposer).json["total"] == 0


def test_a_decision_and_its_document(client, world, bearer, session, clock, settings, stranger):
    dossier = create(client, bearer(world.proposer)).json
    sha = AttachmentStore(settings.attachment_root).put_bytes(DOCX_BYTES)
    decision = Decision(issuer_unit_id=world.commune.id, year=2026, number=5, symbol="QĐ-UBND",
                        signed_on=date(2026, 11, 30), dossier_id=dossier["id"], status=DecisionStatus.ISSUED,
                        signer_name="Phạm Văn Đức", signer_title="Chủ tịch", document_sha256=sha,
                        created_at=clock.now())
    session.add(decision)
    session.flush()
    first = dossier["nominations"][0]["id"]
    session.get(Nomination, first).decision_id = decision.id
    session.commit()
    proposer = bearer(world.proposer)
    shown = client.get(f"{API}/decisions/{decision.id}", headers=proposer)
    assert shown.status_code == 200
    assert (shown.json["number"], shown.json["issuer"]["code"], shown.json["signed_on"], shown.json["status"]) == (
        "05/QĐ-UBND", "T-X1", "2026-11-30", "issued")
    assert [n["id"] for n in shown.json["nominations"]] == [first] and shown.json["has_document"] is True
    listed = client.get(f"{API}/decisions?year=2026", headers=bearer(world.office)).json
    assert [d["id"] for d in listed["items"]] == [decision.id]
    in_dossier = client.get(f"{API}/dossiers/{dossier['id']}", headers=proposer).json["decisions"]
    assert [d["number"] for d in in_dossier] == ["05/QĐ-UBND"]
    document = client.get(f"{API}/decisions/{decision.id}/document.docx", headers=proposer)
    assert document.status_code == 200 and document.data == DOCX_BYTES and document.mimetype == DOCX
    # The issuing unit is part of the name: the commune's and the province's 05/QĐ-UBND are different files.
    assert document.headers["Content-Disposition"] == (
        "attachment; filename=\"QD-05-QD-UBND-2026-Don-vi-T-X1.docx\"; "
        "filename*=UTF-8''Q%C4%90-05-Q%C4%90-UBND-2026-%C4%90%C6%A1n-v%E1%BB%8B-T-X1.docx")
    assert document.headers["Cache-Control"] == "no-store"
    assert client.get(f"{API}/decisions/{decision.id}", headers=bearer(stranger)).status_code == 404
    assert client.get(f"{API}/decisions/{decision.id}/document.docx", headers=bearer(stranger)).status_code == 404
    assert client.get(f"{API}/decisions", headers=bearer(stranger)).json["total"] == 0


def test_the_new_endpoints_are_documented(client):
    paths = client.get(f"{API}/openapi.json").json["paths"]
    expected = {
        "/api/v1/dossiers": {"get", "post"}, "/api/v1/dossiers/{dossier_id}": {"get", "patch"},
        "/api/v1/dossiers/{dossier_id}/attachments": {"post"},
        "/api/v1/dossiers/{dossier_id}/attachments/{attachment_id}": {"get"},
        "/api/v1/dossiers/{dossier_id}/submit": {"post"}, "/api/v1/dossiers/{dossier_id}/withdraw": {"post"},
        "/api/v1/dossiers/{dossier_id}/audit": {"get"}, "/api/v1/dossiers/{dossier_id}/diagram": {"get"},
        "/api/v1/notifications": {"get"}, "/api/v1/notifications/{notification_id}/read": {"post"},
        "/api/v1/decisions": {"get"}, "/api/v1/decisions/{decision_id}": {"get"},
        "/api/v1/decisions/{decision_id}/document.docx": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    upload_body = paths["/api/v1/dossiers/{dossier_id}/attachments"]["post"]["requestBody"]
    assert set(upload_body["content"]) == {"multipart/form-data"}
