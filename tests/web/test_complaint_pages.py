"""The complaint pages: the public form and tracking page (no login), their throttle, and the officers'
list and detail, which show only the complaints of the officer's unit."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, Complaint, ComplaintStatus, Role
from engine.operations.complaints.commands import PUBLIC_FILING
from tests.engine.test_complaints import COMPLAINANT, CONTENT, Scene, build_scene
from tests.factories import make_unit, make_user
from tests.registry_factories import make_decision
from tests.web.conftest import log_in, token

_CODE = re.compile(r"\b(KN|TC)-[23456789A-HJ-NP-Z]{8}\b")


@pytest.fixture
def scene(session, settings) -> Scene:
    return build_scene(session, settings)


def _count(db, model) -> int:
    return db(lambda s: s.scalar(select(func.count()).select_from(model)))


def _form(decision_id: int | str, **changes: str) -> dict[str, str]:
    return {"kind": "complaint", "decision_id": str(decision_id), "full_name": COMPLAINANT["full_name"],
            "contact": COMPLAINANT["contact"], "address": COMPLAINANT["address"], "content": CONTENT, **changes}


def _file(client, data: dict[str, str], address: str = "203.0.113.7"):
    data = {"csrf_token": token(client, "/khieu-nai"), **data}
    return client.post("/khieu-nai", data=data, environ_base={"REMOTE_ADDR": address})


def _filed_code(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/khieu-nai/da-gui"
    page = client.get("/khieu-nai/da-gui").get_data(as_text=True)
    match = _CODE.search(page)
    assert match, page
    return match.group(0)


def test_the_public_form_needs_no_login_and_offers_the_issued_decisions(client, scene):
    page = client.get("/khieu-nai")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' in html and "Gửi đơn khiếu nại, tố cáo" in html
    assert f'value="{scene.decision.id}"' in html
    assert f"Số {scene.decision.label} ngày 20/12/2026 — UBND xã Bình Minh" in html
    assert '<label for="full_name">' in html and '<label for="content">' in html
    # Reachable from the footer of every page, the login page included.
    assert 'href="/khieu-nai"' in client.get("/login").get_data(as_text=True)


def test_a_citizen_files_and_reads_the_tracking_code_once(client, scene, db):
    response = _file(client, _form(scene.decision.id, remote_area="1"))
    code = _filed_code(client, response)
    [complaint] = db(lambda s: list(s.scalars(select(Complaint))))
    assert (complaint.tracking_code, complaint.public, complaint.remote_area) == (code, True, True)
    assert complaint.decision_id == scene.decision.id and complaint.complainant_name == COMPLAINANT["full_name"]
    assert complaint.handling_unit_id == scene.tree.commune.id
    page = client.get("/khieu-nai/da-gui").get_data(as_text=True)
    assert f'href="/khieu-nai/tra-cuu?ma={code}"' in page
    tracked = client.get(f"/khieu-nai/tra-cuu?ma={code.lower()}")
    assert tracked.status_code == 200
    assert "Chờ thụ lý" in tracked.get_data(as_text=True)
    assert client.get("/khieu-nai/da-gui").headers["Location"] == "/khieu-nai"  # shown once, until tracked


def test_bad_input_shows_errors_next_to_the_fields_and_writes_nothing(client, scene, db):
    before = _count(db, AuditEvent)
    response = _file(client, {"kind": "", "decision_id": "", "full_name": "  ", "contact": "", "address": "",
                              "content": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("kind", "decision_id", "full_name", "contact", "address", "content"):
        assert f'id="{field}-loi"' in html, field
    assert "Chọn khiếu nại hoặc tố cáo." in html and "Chọn quyết định bị khiếu nại, tố cáo." in html
    assert 'aria-invalid="true"' in html and "Đơn chưa được gửi" in html
    unknown = _file(client, _form(987654, full_name="Phạm Thị Thu"))
    assert unknown.status_code == 422
    assert "Không tìm thấy đối tượng khiếu nại số 987654" in unknown.get_data(as_text=True)
    assert 'value="Phạm Thị Thu"' in unknown.get_data(as_text=True)  # what was typed comes back
    assert _count(db, Complaint) == 0 and _count(db, AuditEvent) == before


def test_filing_is_throttled_per_address_with_a_429_page(client, scene, db):
    for _ in range(PUBLIC_FILING.limit):
        assert _file(client, _form(scene.decision.id), address="198.51.100.9").status_code == 302
    refused = _file(client, _form(scene.decision.id), address="198.51.100.9")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    html = refused.get_data(as_text=True)
    assert "Tạm thời chưa nhận thêm đơn từ địa chỉ này" in html and "60 phút" in html
    assert _count(db, Complaint) == PUBLIC_FILING.limit
    assert _file(client, _form(scene.decision.id), address="198.51.100.10").status_code == 302  # another address


def test_the_tracking_page_tells_the_status_and_nothing_personal(client, scene, db):
    code = _filed_code(client, _file(client, _form(scene.decision.id)))
    html = client.get(f"/khieu-nai/tra-cuu?ma={code}").get_data(as_text=True)
    assert code in html and "Khiếu nại" in html and "Chờ thụ lý" in html
    assert "Ngày nhận đơn" in html and "Thời hạn giải quyết" in html
    for personal in (COMPLAINANT["full_name"], "0912 345 678", CONTENT, "UBND xã Bình Minh"):
        assert personal not in html, personal
    missing = client.get("/khieu-nai/tra-cuu?ma=KN-XXXXXXXX")
    assert missing.status_code == 404 and "Không tìm thấy đơn có mã theo dõi này" in missing.get_data(as_text=True)
    assert client.get("/khieu-nai/tra-cuu").status_code == 200  # the empty form counts nothing


def test_the_officer_list_shows_only_the_complaints_of_the_unit(client, scene, session, settings, db):
    other = make_unit(session, "HBX-X03", parent=scene.tree.province, level="commune", name="UBND xã Tân Lập")
    make_user(session, settings, "xa3.khieunai", (Role.COMPLAINT_OFFICER, other))
    elsewhere = make_decision(session, other, 2026, 3)
    session.commit()
    ours = _filed_code(client, _file(client, _form(scene.decision.id)))
    theirs = _filed_code(client, _file(client, _form(elsewhere.id, kind="denunciation")))
    assert theirs.startswith("TC-")

    log_in(client, scene.commune_officer)
    nav = client.get("/inbox").get_data(as_text=True)
    assert '<a href="/complaints"' in nav
    listing = client.get("/complaints").get_data(as_text=True)
    assert ours in listing and theirs not in listing and '<span class="badge badge-info">Chờ thụ lý</span>' in listing
    [mine] = db(lambda s: list(s.scalars(select(Complaint).where(Complaint.tracking_code == ours))))
    [other_id] = db(lambda s: list(s.scalars(select(Complaint.id).where(Complaint.tracking_code == theirs))))
    detail = client.get(f"/complaints/{mine.id}").get_data(as_text=True)
    assert COMPLAINANT["full_name"] in detail and CONTENT in detail
    assert "Xem xét thụ lý khiếu nại" in detail and "/tasks/" in detail and ">Xử lý<" in detail
    assert f"Quyết định số {scene.decision.label} của UBND xã Bình Minh" in detail
    assert client.get(f"/complaints/{other_id}").status_code == 404
    assert ours not in client.get("/complaints?status=investigating").get_data(as_text=True)
    assert ours in client.get("/complaints?status=received&kind=complaint").get_data(as_text=True)


def test_the_complaints_link_is_for_officers_and_heads_only(client, scene):
    log_in(client, scene.tree.proposer)
    assert '<a href="/complaints"' not in client.get("/inbox").get_data(as_text=True)
    assert "Không có đơn nào" in client.get("/complaints").get_data(as_text=True)  # a complainant's own, none
    client.post("/logout", data={"csrf_token": token(client, "/inbox")})
    log_in(client, scene.tree.commune_head)
    assert '<a href="/complaints"' in client.get("/inbox").get_data(as_text=True)


def test_accepting_on_the_task_page_shows_investigating_with_the_due_date_to_the_citizen(client, scene, db):
    code = _filed_code(client, _file(client, _form(scene.decision.id)))
    csrf = log_in(client, scene.commune_officer)
    [complaint_id] = db(lambda s: list(s.scalars(select(Complaint.id))))
    task_link = re.search(r'href="/tasks/(\d+)"', client.get(f"/complaints/{complaint_id}").get_data(as_text=True))
    assert task_link
    done = client.post(f"/tasks/{task_link.group(1)}", data={"csrf_token": csrf, "outcome": "accept"})
    assert done.status_code == 302, done.get_data(as_text=True)
    complaint = db(lambda s: s.get(Complaint, complaint_id))
    assert complaint.status == ComplaintStatus.INVESTIGATING and complaint.due_on is not None
    citizen = client.application.test_client()
    html = citizen.get(f"/khieu-nai/tra-cuu?ma={code}").get_data(as_text=True)
    assert "Đang xác minh" in html and f"Đến hết ngày {complaint.due_on:%d/%m/%Y}" in html


_SECRET = re.compile(r'id="ma-bi-mat"[^>]*>([2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3})<')


def test_the_secret_is_shown_once_and_a_wrong_one_is_refused(client, scene, db):
    response = _file(client, _form(scene.decision.id))
    code = _filed_code(client, response)  # the first view shows the secret
    assert client.get("/khieu-nai/da-gui").get_data(as_text=True).count('id="ma-bi-mat"') == 0  # not again
    [complaint] = db(lambda s: list(s.scalars(select(Complaint))))
    assert complaint.secret_hash is not None

    def escalate(secret: str):
        data = {"csrf_token": token(client, "/khieu-nai/lan-hai"), "tracking_code": code, "secret": secret,
                "content": ""}
        return client.post("/khieu-nai/lan-hai", data=data, environ_base={"REMOTE_ADDR": "203.0.113.7"})

    wrong = escalate("AAAA-AAAA-AAAA-AAAA")
    assert wrong.status_code == 404 and "Mã theo dõi hoặc mã bí mật không đúng" in wrong.get_data(as_text=True)
    assert _count(db, Complaint) == 1


def test_a_citizen_escalates_on_the_page_with_the_secret_shown_at_filing(client, scene, db, clock,
                                                                        session_factory):
    response = _file(client, _form(scene.decision.id))
    assert response.status_code == 302
    page = client.get("/khieu-nai/da-gui").get_data(as_text=True)
    code, secret = _CODE.search(page).group(0), _SECRET.search(page).group(1)
    assert f'href="/khieu-nai/lan-hai?ma={code}"' in page

    def resolve(s):
        complaint = s.scalar(select(Complaint))
        complaint.status, complaint.resolved_at, complaint.outcome = ComplaintStatus.RESOLVED, clock.now(), "rejected"
    with session_factory() as s:
        resolve(s)
        s.commit()
    form = client.get(f"/khieu-nai/lan-hai?ma={code}").get_data(as_text=True)
    assert f'value="{code}"' in form
    data = {"csrf_token": token(client, "/khieu-nai/lan-hai"), "tracking_code": code, "secret": secret,
            "content": "Không đồng ý với kết quả giải quyết lần đầu."}
    done = client.post("/khieu-nai/lan-hai", data=data, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert done.status_code == 302 and done.headers["Location"] == "/khieu-nai/da-gui"
    second = db(lambda s: s.scalar(select(Complaint).where(Complaint.instance_level == 2)))
    assert second.handling_unit_id == scene.tree.province.id and second.public
    assert second.tracking_code in client.get("/khieu-nai/da-gui").get_data(as_text=True)


def test_the_form_asks_when_the_citizen_learned_of_the_decision(client, scene, db):
    html = client.get("/khieu-nai").get_data(as_text=True)
    assert '<label for="learned_on">' in html and 'type="date"' in html
    late = _file(client, _form(scene.decision.id, learned_on="2099-01-01"))
    assert late.status_code == 422 and 'id="learned_on-loi"' in late.get_data(as_text=True)
    assert _count(db, Complaint) == 0
    _filed_code(client, _file(client, _form(scene.decision.id, learned_on="")))
    assert db(lambda s: s.scalar(select(Complaint.learned_on))) is None


_PDF = b"%PDF-1.7\n%don\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_the_form_carries_the_address_and_documents_the_officer_downloads(client, scene, db):
    data = {"csrf_token": token(client, "/khieu-nai"), **_form(scene.decision.id),
            "files": [(io.BytesIO(_PDF), "quyết định.pdf"), (io.BytesIO(_PDF + b"2"), "biên nhận.pdf")]}
    response = client.post("/khieu-nai", data=data, content_type="multipart/form-data",
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
    _filed_code(client, response)
    complaint = db(lambda s: s.scalar(select(Complaint)))
    assert complaint.complainant_address == COMPLAINANT["address"]
    names = db(lambda s: [a.filename for a in s.scalar(select(Complaint)).attachments])
    assert names == ["quyết định.pdf", "biên nhận.pdf"]
    log_in(client, scene.commune_officer)
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert COMPLAINANT["address"] in page and "quyết định.pdf" in page
    link = re.search(rf'href="(/complaints/{complaint.id}/attachments/\d+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data == _PDF
    assert download.headers["Cache-Control"].startswith("no-store")


def test_a_document_that_is_not_one_is_refused_and_nothing_is_filed(client, scene, db):
    data = {"csrf_token": token(client, "/khieu-nai"), **_form(scene.decision.id),
            "files": [(io.BytesIO(b"MZ\x90\x00 not a document"), "don.pdf")]}
    response = client.post("/khieu-nai", data=data, content_type="multipart/form-data",
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 415 and 'id="files-loi"' in response.get_data(as_text=True)
    assert _count(db, Complaint) == 0


def test_the_officer_extends_a_denunciation_s_initial_handling_from_its_page(client, scene, db):
    code = _filed_code(client, _file(client, _form(scene.decision.id, kind="denunciation")))
    [case] = db(lambda s: list(s.scalars(select(Complaint).where(Complaint.tracking_code == code))))
    log_in(client, scene.commune_officer)
    page = client.get(f"/complaints/{case.id}").get_data(as_text=True)
    assert "Gia hạn xử lý ban đầu" in page
    url = f"/complaints/{case.id}/acceptance-extension"
    refused = client.post(url, data={"csrf_token": token(client, f"/complaints/{case.id}"), "reason": " "},
                          follow_redirects=True)
    assert "Yêu cầu gia hạn thời hạn xử lý ban đầu không hợp lệ." in refused.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token(client, f"/complaints/{case.id}"),
                                  "reason": "Xác minh tại hai trường học."}, follow_redirects=True)
    assert "Đã gia hạn thời hạn xử lý ban đầu đến hết ngày" in done.get_data(as_text=True)
    [after] = db(lambda s: list(s.scalars(select(Complaint).where(Complaint.id == case.id))))
    assert after.acceptance_due_on > case.acceptance_due_on
    assert db(lambda s: s.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "denunciation_acceptance_extended"))) == 1
