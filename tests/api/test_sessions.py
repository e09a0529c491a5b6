"""What ends a login: logout (token and cookie), a password change, deactivation, an administrator's
sign-out; and that a secret replayed afterwards opens nothing, on any server process."""
from __future__ import annotations

import textwrap

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from api.auth import SESSION_COOKIE
from api.cli import main
from api.errors import PROBLEM_JSON
from api.state import app_state
from engine.models import AuditEvent, AuthSession, Dossier
from tests.factories import PASSWORD

API = "/api/v1"
DOSSIER = {"title": "Hồ sơ sau khi đăng xuất", "year": 2026, "kind": "regular", "nominations": [
    {"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "Nguyễn Văn A"},
     "achievements": "Hoàn thành xuất sắc nhiệm vụ"}]}


def token_of(client: FlaskClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(f"{API}/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def cookie_of(client: FlaskClient, username: str) -> tuple[str, str]:
    """Log in with a cookie session: (the cookie's value, the CSRF token)."""
    response = client.post(f"{API}/auth/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return client.get_cookie(SESSION_COOKIE).value, response.json["csrf_token"]


def replay(app, cookie: str) -> FlaskClient:
    """Another browser presenting a copy of the cookie."""
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, cookie)
    return other


def refused(response, detail_part: str = "") -> None:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    assert detail_part in response.json["detail"]


def test_a_token_replayed_after_its_logout_is_refused(client, world, db):
    headers = token_of(client, "xa.vanphong")
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    assert client.delete(f"{API}/auth/token", headers=headers).status_code == 204
    refused(client.get(f"{API}/me", headers=headers), "đã bị thu hồi")
    refused(client.delete(f"{API}/auth/token", headers=headers))
    [event] = db(lambda s: list(s.scalars(select(AuditEvent).where(AuditEvent.action == "user_logged_out"))))
    assert (event.actor, event.after) == ("xa.vanphong", {"session": "token"})


def test_a_cookie_replayed_after_logout_creates_nothing(app, client, world, db):
    cookie, csrf = cookie_of(client, "truong.denghi")
    copy = replay(app, cookie)
    assert copy.get(f"{API}/me").status_code == 200
    assert client.delete(f"{API}/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204

    refused(copy.get(f"{API}/me"), "đã kết thúc")
    refused(replay(app, cookie).post(f"{API}/dossiers", json=DOSSIER, headers={"X-CSRF-Token": csrf}))
    assert db(lambda s: s.scalars(select(Dossier)).first()) is None


def test_a_page_opened_with_a_cookie_after_logout_asks_for_login(app, client, world):
    cookie, csrf = cookie_of(client, "truong.denghi")
    assert replay(app, cookie).get("/inbox").status_code == 200
    logged_out = client.post("/logout", data={"csrf_token": csrf})
    assert logged_out.status_code == 302
    page = replay(app, cookie).get("/inbox")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")


def test_logging_out_ends_only_that_login(client, world):
    first, second = token_of(client, "xa.vanphong"), token_of(client, "xa.vanphong")
    assert client.delete(f"{API}/auth/token", headers=first).status_code == 204
    assert client.get(f"{API}/me", headers=second).status_code == 200


def test_a_password_change_ends_every_session_of_that_user(app, client, world, bearer, db):
    token = token_of(client, "xa.vanphong")
    cookie, _ = cookie_of(client, "xa.vanphong")
    colleague = token_of(client, "xa.chutich")
    chart = textwrap.dedent("""\
        users:
          - {username: xa.vanphong, full_name: "Văn phòng xã", password: "MatKhauMoi@2027",
             roles: [{role: office, unit: T-X1}]}
        """)
    imported = client.post(f"{API}/admin/import", data=chart.encode(),
                           headers={**bearer(world.admin), "Content-Type": "application/yaml"})
    assert imported.status_code == 200, imported.json

    refused(client.get(f"{API}/me", headers=token))
    refused(replay(app, cookie).get(f"{API}/me"))
    assert client.get(f"{API}/me", headers=colleague).status_code == 200
    assert client.get(f"{API}/me", headers=token_of(client, "xa.vanphong", "MatKhauMoi@2027")).status_code == 200
    event = db(lambda s: s.scalars(select(AuditEvent).where(AuditEvent.action == "user_updated")).one())
    assert (event.after["password_changed"], event.after["sessions_ended"]) == (True, 2)


def test_deactivation_ends_every_session_and_reactivation_revives_none(app, client, world, settings, db,
                                                                       monkeypatch):
    token = token_of(client, "xa.vanphong")
    cookie, _ = cookie_of(client, "xa.vanphong")
    monkeypatch.setenv("KHENTHUONG_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KHENTHUONG_SECRET_KEY", settings.secret_key)
    runner = CliRunner()

    locked = runner.invoke(main, ["user", "deactivate", "xa.vanphong"])
    assert locked.exit_code == 0, locked.output
    assert "Số phiên đăng nhập đã chấm dứt: 2." in locked.output
    refused(client.get(f"{API}/me", headers=token))
    refused(replay(app, cookie).get(f"{API}/me"))
    assert client.post(f"{API}/auth/token", json={"username": "xa.vanphong", "password": PASSWORD}).status_code == 401

    assert runner.invoke(main, ["user", "activate", "xa.vanphong"]).exit_code == 0
    refused(client.get(f"{API}/me", headers=token))
    assert client.get(f"{API}/me", headers=token_of(client, "xa.vanphong")).status_code == 200
    actions = db(lambda s: list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "user")
                                          .order_by(AuditEvent.seq))))
    assert "user_deactivated" in actions and "user_activated" in actions

    unknown = runner.invoke(main, ["user", "deactivate", "khong.co.ai"])
    assert unknown.exit_code == 1 and "Không có người dùng 'khong.co.ai'" in unknown.output


def test_an_administrator_signs_a_user_out_everywhere(client, world, settings, monkeypatch):
    token = token_of(client, "xa.vanphong")
    monkeypatch.setenv("KHENTHUONG_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["user", "sign-out", "xa.vanphong"])
    assert result.exit_code == 0, result.output
    refused(client.get(f"{API}/me", headers=token))
    assert client.get(f"{API}/me", headers=token_of(client, "xa.vanphong")).status_code == 200


def test_another_server_process_sees_the_logout(app, client, world, settings, runtime, clock):
    """Two applications on one database, as two gunicorn workers: what one revokes, the other refuses."""
    other = create_app(settings, runtime=runtime, clock=clock)
    try:
        headers = token_of(client, "xa.vanphong")
        assert other.test_client().get(f"{API}/me", headers=headers).status_code == 200
        assert other.test_client().delete(f"{API}/auth/token", headers=headers).status_code == 204
        refused(client.get(f"{API}/me", headers=headers))
    finally:
        with other.app_context():
            app_state().engine.dispose()


def test_the_database_holds_no_usable_secret(client, world, db):
    secret = token_of(client, "xa.vanphong")["Authorization"].removeprefix("Bearer ")
    cookie, _ = cookie_of(client, "xa.vanphong")
    rows = db(lambda s: list(s.scalars(select(AuthSession))))
    assert {row.kind.value for row in rows} == {"token", "cookie"}
    assert all(secret not in row.secret_hash and len(row.secret_hash) == 64 for row in rows)
    # A cookie's secret is no bearer token.
    refused(client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}x"}), "không hợp lệ")
