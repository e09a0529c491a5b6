"""Administration without the org-chart file, in pages and over the API: users added, deactivated and
re-activated, passwords reset (the user must change it at the next log-in, every session ends), roles
granted and withdrawn, a council changed from a date; everything audited."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.clock import local_today
from engine.models import AuditEvent, AuthSession, Council, Role, RoleGrant, User
from tests.api import conftest as api_fixtures
from tests.factories import PASSWORD, make_user
from tests.web.conftest import log_in, token

API = "/api/v1"
bearer = api_fixtures.bearer  # a token per user, as POST /auth/token opens one


def _admin(session, settings, tree) -> User:
    admin = make_user(session, settings, "quan.tri", (Role.ADMIN, tree.province), full_name="Quản Trị Viên")
    session.commit()
    return admin


def _actions(db) -> list[str]:
    return db(lambda s: list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))))


def test_the_administrator_adds_a_user_who_must_choose_a_password_at_first_log_in(client, app, tree, session,
                                                                                  settings, db):
    admin = _admin(session, settings, tree)
    csrf = log_in(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Thêm người dùng" in page and "truong.denghi" in page

    refused = client.post("/admin/users", data={"csrf_token": csrf, "username": "cán bộ", "full_name": "A",
                                                "password": "ngan"})
    assert refused.status_code == 422
    assert "Tên đăng nhập không hợp lệ" in refused.get_data(as_text=True)

    created = client.post("/admin/users", data={"csrf_token": csrf, "username": "xa.moi", "full_name": "Phạm Văn Mới",
                                                "password": "TamThoi@2026", "email": "moi@binhminh.gov.vn"})
    assert created.status_code == 302
    user = db(lambda s: s.scalars(select(User).where(User.username == "xa.moi")).one())
    assert user.must_change_password and user.email == "moi@binhminh.gov.vn"

    # a role at the commune
    csrf = token(client, f"/admin/users/{user.id}")
    granted = client.post(f"/admin/users/{user.id}", data={"csrf_token": csrf, "action": "grant", "role": "office",
                                                           "unit_id": str(tree.commune.id)})
    assert granted.status_code == 302
    refused = client.post(f"/admin/users/{user.id}", data={"csrf_token": csrf, "action": "grant", "role": "council",
                                                           "unit_id": str(tree.commune.id)})
    assert refused.status_code == 422 and "kiện toàn" in refused.get_data(as_text=True)

    # the new user logs in and every page asks for a new password first
    other = app.test_client()
    logged = other.post("/login", data={"csrf_token": token(other), "username": "xa.moi", "password": "TamThoi@2026"})
    assert logged.status_code == 302
    inbox = other.get("/inbox")
    assert inbox.status_code == 302 and inbox.headers["Location"].startswith("/password")
    form = token(other, "/password")
    assert "Mật khẩu của bạn vừa được quản trị hệ thống đặt lại" in other.get("/password").get_data(as_text=True)
    mismatch = other.post("/password", data={"csrf_token": form, "current_password": "TamThoi@2026",
                                             "new_password": "MoiHon@2026", "repeat_password": "Khac@2026"})
    assert mismatch.status_code == 422 and "không khớp" in mismatch.get_data(as_text=True)
    changed = other.post("/password", data={"csrf_token": form, "current_password": "TamThoi@2026",
                                            "new_password": "MoiHon@2026", "repeat_password": "MoiHon@2026"})
    assert changed.status_code == 302
    assert other.get("/inbox").status_code == 200
    assert db(lambda s: s.get(User, user.id).must_change_password) is False

    actions = _actions(db)
    for action in ("user_created", "role_granted", "password_changed"):
        assert action in actions
    assert "TamThoi" not in str(db(lambda s: [e.after for e in s.scalars(select(AuditEvent))]))


def test_a_reset_ends_every_session_and_the_api_refuses_until_the_password_is_changed(client, app, tree, session,
                                                                                     settings, db, bearer):
    admin = _admin(session, settings, tree)
    victim = app.test_client()
    log_in(victim, tree.proposer)
    assert victim.get("/inbox").status_code == 200
    headers = bearer(tree.proposer)

    csrf = log_in(client, admin)
    reset = client.post(f"/admin/users/{tree.proposer.id}", data={"csrf_token": csrf, "action": "reset",
                                                                  "password": "DatLai@2026"})
    assert reset.status_code == 302
    assert victim.get("/inbox").status_code in (302, 401)  # the browser's session has ended
    assert client.get(f"/admin/users/{tree.proposer.id}").status_code == 200
    assert db(lambda s: s.scalars(select(AuthSession).where(AuthSession.user_id == tree.proposer.id,
                                                            AuthSession.revoked_at.is_(None))).all()) == []
    assert client.get(f"{API}/me", headers=headers).status_code == 401

    token_reply = client.post(f"{API}/auth/token", json={"username": tree.proposer.username, "password": "DatLai@2026"})
    fresh = {"Authorization": f"Bearer {token_reply.json['access_token']}"}
    refused = client.get(f"{API}/dossiers", headers=fresh)
    assert refused.status_code == 403 and "đổi mật khẩu" in refused.json["detail"]
    wrong = client.post(f"{API}/me/password", headers=fresh,
                        json={"current_password": "sai", "new_password": "KhacHan@2026"})
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]
    ok = client.post(f"{API}/me/password", headers=fresh,
                     json={"current_password": "DatLai@2026", "new_password": "CuaToi@2026"})
    assert ok.status_code == 204
    assert client.get(f"{API}/dossiers", headers=fresh).status_code == 200
    assert "password_reset" in _actions(db)


def test_deactivate_reactivate_and_withdraw_a_role(client, app, tree, session, settings, db):
    admin = _admin(session, settings, tree)
    csrf = log_in(client, admin)
    office = tree.commune_office
    user_session = app.test_client()
    log_in(user_session, office)

    off = client.post(f"/admin/users/{office.id}", data={"csrf_token": csrf, "action": "deactivate"})
    assert off.status_code == 302
    assert user_session.get("/inbox").status_code in (302, 401)
    anonymous = app.test_client()
    refused = anonymous.post("/login", data={"csrf_token": token(anonymous), "username": office.username,
                                             "password": PASSWORD})
    assert refused.status_code in (400, 401, 403)
    on = client.post(f"/admin/users/{office.id}", data={"csrf_token": csrf, "action": "activate"})
    assert on.status_code == 302
    log_in(app.test_client(), office)

    self_lock = client.post(f"/admin/users/{admin.id}", data={"csrf_token": csrf, "action": "deactivate"})
    assert self_lock.status_code == 409

    grant = db(lambda s: s.scalars(select(RoleGrant).where(RoleGrant.user_id == office.id)).one())
    withdrawn = client.post(f"/admin/users/{office.id}", data={"csrf_token": csrf, "action": "withdraw",
                                                               "grant_id": str(grant.id)})
    assert withdrawn.status_code == 302
    assert db(lambda s: s.scalars(select(RoleGrant).where(RoleGrant.user_id == office.id)).all()) == []
    actions = _actions(db)
    assert {"user_deactivated", "user_activated", "role_revoked"} <= set(actions)


def test_a_council_changed_from_a_later_date_in_the_page_and_over_the_api(client, tree, session, settings, db, bearer,
                                                                        clock):
    admin = _admin(session, settings, tree)
    council_id = db(lambda s: s.scalars(select(Council.id).where(Council.unit_id == tree.commune.id)).one())
    csrf = log_in(client, admin)
    page = client.get(f"/admin/councils/{council_id}").get_data(as_text=True)
    assert "Kiện toàn Hội đồng" in page and "Hoàng Văn Thắng" in page
    later = local_today(clock) + timedelta(days=5)
    members = [str(u.id) for u in tree.commune_council[1:4]]
    recorded = client.post(f"/admin/councils/{council_id}", data={
        "csrf_token": csrf, "effective_on": later.strftime("%d/%m/%Y"), "reference": "Quyết định số 7/QĐ-UBND",
        "chair_id": members[0], "secretary_id": members[1], "member_ids": members})
    assert recorded.status_code == 302
    history = client.get(f"/admin/councils/{council_id}").get_data(as_text=True)
    assert later.strftime("%d/%m/%Y") in history and "Chờ đến ngày hiệu lực" in history
    assert len(db(lambda s: s.get(Council, council_id).members)) == 5  # not yet

    bad = client.post(f"{API}/admin/councils/{council_id}/changes", headers=bearer(admin), json={
        "effective_on": "31/02/2026", "chair_id": int(members[0]), "secretary_id": int(members[1]),
        "member_ids": [int(m) for m in members]})
    assert bad.status_code == 422 and "effective_on" in bad.json["errors"]
    listed = client.get(f"{API}/admin/councils/{council_id}/changes", headers=bearer(admin))
    assert listed.status_code == 200 and listed.json[0]["effective_on"] == later.isoformat()
    assert client.get(f"{API}/admin/users", headers=bearer(tree.proposer)).status_code == 403
