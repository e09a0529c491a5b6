"""Logging in over HTTP: tokens, and cookie sessions with CSRF (throttling: test_login_throttle.py;
logout and revocation: test_sessions.py)."""
from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from api.errors import PROBLEM_JSON
from engine.config import Settings
from engine.models import AuditEvent
from tests.api.helpers import task_row
from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token"
SESSION = "/api/v1/auth/session"


def login(client: FlaskClient, username: str, password: str = PASSWORD, address: str = "127.0.0.1") -> Any:
    return client.post(TOKEN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_token_for_the_right_password_opens_the_api(client, world, settings: Settings):
    response = login(client, "xa.vanphong")
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.token_ttl_seconds
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json["username"] == "xa.vanphong"
    assert me.json["roles"] == [{"role": "office", "role_label": "Cơ quan thường trực",
                                 "unit": {"id": world.commune.id, "code": "T-X1", "name": "Đơn vị T-X1"}}]
    assert me.json["csrf_token"] is None


def test_login_is_audited_with_the_request_id(client, world, db):
    response = client.post(TOKEN, json={"username": "xa.vanphong", "password": PASSWORD},
                           headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    event = db(lambda s: s.scalars(select(AuditEvent).where(AuditEvent.action == "user_logged_in")).one())
    assert (event.actor, event.request_id) == ("xa.vanphong", "req-42")


def test_wrong_password_is_401_problem(client, world):
    response = login(client, "xa.vanphong", "sai-mat-khau")
    assert response.status_code == 401
    assert response.content_type == PROBLEM_JSON
    assert response.json["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert set(response.json) == {"type", "title", "status", "detail"}


def test_unknown_user_answers_like_a_wrong_password(client, world):
    assert login(client, "khong.co.ai").json == login(client, "xa.vanphong", "sai").json


def test_expired_garbage_and_foreign_tokens_are_401(client, world, bearer, clock, settings: Settings):
    headers = bearer(world.office)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.advance(seconds=settings.token_ttl_seconds + 1)
    expired = client.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401
    assert expired.json["detail"] == "Mã truy cập đã hết hạn. Vui lòng đăng nhập lại."
    for value in ("Bearer rac.rac.rac", "Bearer ", "Basic eGE6eGE=", "Bearer " + "A" * 5000):
        response = client.get("/api/v1/me", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.content_type == PROBLEM_JSON


def test_token_of_a_deactivated_user_is_refused(client, world, bearer, session):
    headers = bearer(world.office)
    world.office.active = False
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_no_credentials_is_401(client, world):
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response.json["title"] == "Chưa đăng nhập"


def test_cookie_session_needs_the_csrf_token_on_unsafe_requests(client, world, review_task, db):
    opened = client.post(SESSION, json={"username": "xa.vanphong", "password": PASSWORD})
    assert opened.status_code == 200
    csrf = opened.json["csrf_token"]
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie

    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json["csrf_token"] == csrf

    refused = client.post(f"/api/v1/tasks/{review_task}/claim")
    assert refused.status_code == 403
    assert refused.content_type == PROBLEM_JSON
    wrong = client.post(f"/api/v1/tasks/{review_task}/claim", headers={"X-CSRF-Token": "sai"})
    assert wrong.status_code == 403
    assert task_row(db, review_task).claimed_by_id is None

    claimed = client.post(f"/api/v1/tasks/{review_task}/claim", headers={"X-CSRF-Token": csrf})
    assert claimed.status_code == 200
    assert claimed.json["claimed_by"]["username"] == "xa.vanphong"

    assert client.delete(SESSION).status_code == 403
    assert client.delete(SESSION, headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_session_cookie_is_secure_over_https(client, world):
    opened = client.post(SESSION, json={"username": "xa.vanphong", "password": PASSWORD},
                         base_url="https://localhost")
    assert opened.status_code == 200
    assert "Secure" in opened.headers["Set-Cookie"]


def test_a_cookie_session_expires(client, world, clock, settings: Settings):
    client.post(SESSION, json={"username": "xa.vanphong", "password": PASSWORD})
    assert client.get("/api/v1/me").status_code == 200
    clock.advance(seconds=settings.token_ttl_seconds + 1)
    assert client.get("/api/v1/me").status_code == 401
