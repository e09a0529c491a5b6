"""Who may open what in the web pages: every page but the login asks for a session, other units'
dossiers do not exist, offices' tasks are not the proposer's, every form refuses a post without
the session's CSRF token, sessions are HttpOnly, SameSite and Secure over HTTPS, logins are throttled."""
from __future__ import annotations

import io
import re

import pytest

from engine.models import Dossier, Role
from tests.api.helpers import audit_count
from tests.engine.test_dossiers import pdf
from tests.factories import make_unit, make_user
from tests.web.conftest import log_in, open_task, submitted_dossier, token

PUBLIC = {"web.session.login", "web.asset"}
# Every form of the web pages; test_the_list_of_forms_is_complete keeps it honest.
FORMS = ["/login", "/logout", "/notifications/1/read", "/notifications/read-all", "/dossiers/new", "/dossiers/1/edit",
         "/dossiers/1/attachments", "/dossiers/1/attachments/1/remove", "/dossiers/1/attachments/1/replace",
         "/dossiers/1/submit", "/dossiers/1/withdraw", "/tasks/1", "/tasks/1/claim",
         "/tasks/1/unclaim", "/admin/import", "/ballots", "/khieu-nai", "/khieu-nai/lan-hai",
         "/registry/import", "/registry/imports/1/confirm", "/registry/merges", "/registry/merges/1/undo",
         "/dossiers/1/nominations/1/person", "/dossiers/1/state-decision", "/quy/nguon",
         "/complaints/1/acceptance-extension",
         "/quy/quyet-dinh/1/lap-danh-sach-chi", "/quy/khoan-chi/1/da-chi", "/dien-hinh", "/dien-hinh/1/cong-bo",
         "/rounds", "/rounds/1/close", "/rounds/1/sitting", "/council-sittings/1/ballot",
         "/council-sittings/1/close", "/council-sittings/1/paper-ballots/1",
         "/emulation/plans", "/emulation/plans/1/file", "/emulation/plans/1/tasks",
         "/emulation/tasks/1", "/emulation/movements", "/emulation/movements/1/responses", "/emulation/registrations",
         "/emulation/registrations/import", "/emulation/clusters/1/scores", "/emulation/clusters/1/adjustments",
         "/emulation/clusters/1/vote", "/emulation/grades", "/registry/people/1/bars", "/registry/people/1/bars/1/lift",
         "/password", "/admin/users", "/admin/users/1", "/admin/councils/1", "/thu/huy-nhan/<token>",
         "/reports", "/reports/deadline", "/rounds/1/decision"]
# The public comment form on a list under disclosure: no session, so no CSRF token (docs/public.md).
PUBLIC_FORMS = {"/cong-khai/lay-y-kien/1"}
# Pages anyone may open without login: the public complaint form, its "filed" page, the tracking page and
# the escalation to the second instance (tracking code + secret).
PUBLIC_PAGES = {"/khieu-nai", "/khieu-nai/da-gui", "/khieu-nai/tra-cuu", "/khieu-nai/lan-hai",
                "/cong-khai", "/cong-khai/quyet-dinh", "/cong-khai/tra-cuu", "/cong-khai/dien-hinh",
                "/thu/huy-nhan/<token>"}  # and the signed link to unsubscribe from a kind of mail
# Public pages of one row (a list, a decision, an exemplar): without the row, 404, never the login.
PUBLIC_ROWS = {"/cong-khai/lay-y-kien/1", "/cong-khai/quyet-dinh/1", "/cong-khai/quyet-dinh/1/van-ban.pdf",
               "/cong-khai/quyet-dinh/1/van-ban.docx", "/cong-khai/dien-hinh/1", "/cong-khai/dien-hinh/1/anh"}


def _paths(app, method: str) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web.") and rule.endpoint not in {"web.asset"} and method in rule.methods:
            found.add(re.sub(r"<id:\w+>", "1", rule.rule))
    return found


def test_the_list_of_forms_is_complete(app):
    assert _paths(app, "POST") == set(FORMS) | PUBLIC_FORMS


def test_every_page_but_the_login_sends_a_stranger_to_the_login(app, client):
    pages = _paths(app, "GET") - {"/login"} - PUBLIC_PAGES - PUBLIC_ROWS
    assert {"/inbox", "/dossiers", "/dossiers/1", "/tasks/1", "/decisions", "/notifications", "/admin"} <= pages
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path
    assert client.get("/login").status_code == 200
    assert {"/complaints", "/complaints/1"} <= pages
    for path in PUBLIC_PAGES - {"/khieu-nai/da-gui", "/thu/huy-nhan/<token>"}:  # a forged link: 404
        assert client.get(path).status_code == 200, path
    for path in PUBLIC_ROWS:
        assert client.get(path).status_code == 404, path


def test_the_login_returns_to_the_page_asked_for_and_never_elsewhere(client, tree):
    for asked, landed in (("/dossiers", "/dossiers"), ("//evil.example/x", "/inbox"),
                          ("https://evil.example", "/inbox")):
        data = {"csrf_token": token(client), "username": "truong.denghi", "password": "MatKhau@2026", "next": asked}
        assert client.post("/login", data=data).headers["Location"] == landed


@pytest.mark.parametrize("path", FORMS)
def test_every_form_refuses_a_post_without_the_csrf_token(app, client, tree, db, path):
    if path != "/login":
        log_in(client, tree.proposer)
    before = audit_count(db)
    data = {"username": "truong.denghi", "password": "MatKhau@2026", "title": "Hồ sơ giả mạo", "year": "2026",
            "reason": "giả mạo", "kind": "submission", "file": (io.BytesIO(pdf("x")), "x.pdf")}
    for forged in ({}, {"csrf_token": "sai-ma"}):
        response = client.post(path, data={**data, **forged,
                                           "file": (io.BytesIO(pdf("x")), "x.pdf")}, content_type="multipart/form-data")
        assert response.status_code == 403, (path, response.status_code)
        page = response.get_data(as_text=True)
        assert "mã chống giả mạo" in page and "chưa có gì được lưu" in page
        assert response.mimetype == "text/html"
    assert audit_count(db) == before
    if path == "/login":
        assert client.get("/inbox").status_code == 302  # still not logged in


def test_a_user_of_another_commune_finds_no_such_dossier(client, ctx, session, settings, tree):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    other = make_unit(session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Hòa An")
    make_user(session, settings, "xa2.vanphong", (Role.OFFICE, other))
    session.commit()
    log_in(client, "xa2.vanphong")
    for path in (f"/dossiers/{dossier.id}", f"/dossiers/{dossier.id}/attachments/1", f"/dossiers/{dossier.id}/edit"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy" in response.get_data(as_text=True)
    assert "Đề nghị khen thưởng năm học" not in client.get("/dossiers").get_data(as_text=True)


def test_the_proposer_cannot_open_or_complete_the_office_task(client, ctx, tree, db):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    task_id = open_task(ctx, tree.commune_office, dossier.id, "check_completeness")
    csrf = log_in(client, tree.proposer)
    assert client.get(f"/tasks/{task_id}").status_code == 404
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": csrf, "outcome": "complete"})
    assert response.status_code == 404
    assert db(lambda s: s.get(Dossier, dossier.id).received_on) is None


def test_a_colleague_without_the_role_sees_the_task_but_no_form(client, ctx, tree):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    task_id = open_task(ctx, tree.commune_office, dossier.id, "check_completeness")
    csrf = log_in(client, tree.commune_head)
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "không có vai trò để xử lý" in page and ">Hoàn thành</button>" not in page
    assert client.post(f"/tasks/{task_id}", data={"csrf_token": csrf, "outcome": "complete"}).status_code == 403


def test_administration_is_for_administrators(client, tree):
    log_in(client, tree.commune_office)
    assert client.get("/admin").status_code == 403


def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(app, tree):
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        client.get("/login", base_url=base)
        data = {"csrf_token": token(client), "username": "truong.denghi", "password": "MatKhau@2026"}
        response = client.post("/login", data=data, base_url=base)
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure
        page = client.get("/inbox", base_url=base)
        assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
            "Content-Security-Policy"]


def test_logins_are_throttled(client, tree):
    for _ in range(5):
        data = {"csrf_token": token(client), "username": "truong.denghi", "password": "sai"}
        response = client.post("/login", data=data)
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    data = {"csrf_token": token(client), "username": "truong.denghi", "password": "MatKhau@2026"}
    response = client.post("/login", data=data)
    assert response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


def test_logging_out_ends_the_session(client, tree):
    csrf = log_in(client, tree.proposer)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/inbox").status_code == 302


def test_unknown_addresses_get_a_page_and_the_api_keeps_problem_json(client):
    assert client.get("/khong-co").mimetype == "text/html"
    assert client.get("/api/v1/khong-co").mimetype == "application/problem+json"
