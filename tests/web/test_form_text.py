"""A NUL in a web form or a page's query (PostgreSQL stores no NUL): the form comes back with the
error beside what was typed, or an error page names the field; never a 500, nothing written."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.models import AuditEvent, Dossier
from tests.factories import PASSWORD
from tests.web.conftest import log_in, open_task, submitted_dossier, token

BAD = "Chuỗi chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)."


def events(db) -> int:
    return db(lambda s: s.scalar(select(func.count()).select_from(AuditEvent)))


def test_the_login_form_comes_back_with_the_error(client, tree, db):
    for fields in ({"username": "truong\x00.denghi", "password": PASSWORD},
                   {"username": "truong.denghi", "password": PASSWORD + "\x00"}):
        response = client.post("/login", data={"csrf_token": token(client), **fields})
        assert response.status_code == 422, response.get_data(as_text=True)
        page = response.get_data(as_text=True)
        assert "Tên đăng nhập hoặc mật khẩu chứa ký tự không hợp lệ." in page and 'name="password"' in page
    assert client.get("/inbox").status_code == 302  # not logged in
    assert events(db) == 0


def test_the_public_complaint_form_comes_back_with_the_error_beside_the_field(client, tree, db):
    data = {"csrf_token": token(client, "/khieu-nai"), "kind": "complaint", "decision_id": "1",
            "full_name": "Nguyễn\x00 Văn A", "contact": "0900 000 000", "address": "Xã Bình Minh",
            "content": "Nội dung"}
    response = client.post("/khieu-nai", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="full_name-loi"' in page and BAD in page


def test_the_dossier_form_comes_back_with_the_error_beside_the_field(client, tree, db):
    csrf = log_in(client, tree.proposer)
    response = client.post("/dossiers/new", data={"csrf_token": csrf, "title": "Hồ sơ\x00", "year": "2026",
                                                  "kind": "regular", "action": "save"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert BAD in page and 'name="title"' in page
    assert db(lambda s: s.scalar(select(func.count()).select_from(Dossier))) == 0


def test_any_other_form_or_page_answers_an_error_page_naming_the_field(client, ctx, tree, db):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    task_id = open_task(ctx, tree.commune_office, dossier.id, "check_completeness")
    csrf = log_in(client, tree.commune_office)
    before = events(db)
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": csrf, "outcome": "complete", "note": "a\x00"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "note" in page and BAD in page and "chưa có gì được lưu" in page
    assert events(db) == before

    search = client.get("/dossiers?q=Nguy%00n")
    assert search.status_code == 422 and "q" in search.get_data(as_text=True)
