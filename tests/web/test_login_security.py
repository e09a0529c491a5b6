"""The login page's security: where it sends the browser after login (never elsewhere, never a 500),
and that the session it opens and the audit event saying so are one commit."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent
from tests.factories import PASSWORD
from tests.web.conftest import token

# What an attacker puts in `next` to leave the site: each must land on the inbox.
HOSTILE_NEXT = [
    "//evil.example/x", "https://evil.example", "http:evil.example", "javascript:alert(1)", "/\t/evil.example/",
    "/\n/evil.example/", "\t//evil.example", " //evil.example", "/\\evil.example", "\\\\evil.example",
    "/a\nb", "/a\r\nSet-Cookie: x=1", "/x\x7f", "evil.example", "//", "///evil.example", "",
    "/" + "a" * 3000,
]


def logins(db) -> int:
    return db(lambda s: s.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "user_logged_in")))


@pytest.mark.parametrize("asked", HOSTILE_NEXT)
def test_the_login_never_sends_the_browser_elsewhere(app, tree, db, asked):
    client = app.test_client()
    before = logins(db)
    response = client.post("/login?next=" + quote(asked, safe=""),
                           data={"csrf_token": token(client), "username": "truong.denghi", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/inbox"
    # The session works and the audit trail says so: both or neither.
    assert client.get("/inbox").status_code == 200
    assert logins(db) == before + 1


@pytest.mark.parametrize("asked", ["/dossiers", "/dossiers?status=draft&q=Hoa", "/tasks/1#form", "/khieu-nai/tra-cuu"])
def test_the_login_returns_to_a_page_of_this_site(app, tree, asked):
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": token(client), "username": "truong.denghi",
                                           "password": PASSWORD, "next": asked})
    assert response.headers["Location"] == asked


def test_the_login_page_keeps_only_a_safe_next_in_its_form(client):
    page = client.get("/login?next=" + quote("/\t/evil.example/", safe="")).get_data(as_text=True)
    assert "evil.example" not in page
    assert 'name="next" value="/dossiers"' in client.get("/login?next=/dossiers").get_data(as_text=True)
