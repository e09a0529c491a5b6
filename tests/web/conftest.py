"""The web pages' fixtures: the API's application and client, a commune-and-province tree with a
school proposing, and helpers that log in through the login form as a browser would."""
from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook

from engine.context import Context
from engine.models import Dossier, User
from engine.operations import tasks
from engine.operations.award import commands as dossiers
from engine.operations.award.inputs import check_dossier
from tests.api.conftest import app, client, db  # noqa: F401  (the same app per test as the API tests)
from tests.engine.test_dossiers import pdf
from tests.factories import PASSWORD
from tests.workflows.journey import Tree, build_tree

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADERS = ["Loại khen thưởng (mã)", "Cá nhân hay tập thể", "Họ tên cá nhân hoặc tên tập thể", "Chức vụ",
           "Đơn vị công tác, bộ phận", "Tóm tắt thành tích"]


@pytest.fixture
def tree(session, settings) -> Tree:
    return build_tree(session, settings)


def token(browser: FlaskClient, path: str = "/login") -> str:
    """The CSRF token the page at `path` puts in its forms."""
    match = _TOKEN.search(browser.get(path).get_data(as_text=True))
    assert match, f"no form token on {path}"
    return match.group(1)


def log_in(browser: FlaskClient, user: User | str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token for the next forms."""
    username = user if isinstance(user, str) else user.username
    response = browser.post("/login", data={"csrf_token": token(browser), "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return token(browser, "/inbox")


def workbook(*rows: list[object], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách đề nghị"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def submitted_dossier(ctx: Context, tree: Tree, *nominations: tuple[str, str]) -> Dossier:
    """A dossier of the school with its papers, submitted and committed: (award type, nominee) pairs."""
    proposer = ctx.as_actor(tree.proposer)
    dossier = dossiers.create_dossier(proposer, check_dossier(proposer, {
        "title": "Đề nghị khen thưởng năm học 2025-2026", "year": 2026, "kind": "regular",
        "nominations": [{"award_type": code, "nominee": {"kind": "individual", "full_name": name},
                         "achievements": "Hoàn thành xuất sắc nhiệm vụ"} for code, name in nominations]}))
    for kind in ("submission", "council_minutes"):  # every document any award type may ask for
        dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf(kind)), f"{kind}.pdf", kind)
    for nomination in dossier.nominations:
        for kind in ("achievement_report", "evidence"):
            dossiers.add_attachment(proposer, dossier.id, io.BytesIO(pdf(nomination.nominee_name)), f"{kind}.pdf",
                                    kind, nomination.id)
    dossiers.submit_dossier(proposer, dossier.id)
    ctx.session.commit()
    return dossier


def open_task(ctx: Context, user: User, dossier_id: int, key: str) -> int:
    [task] = [t for t in tasks.list_tasks(ctx.as_actor(user), dossier_id=dossier_id).items if t.key == key]
    ctx.session.commit()  # no transaction left open while the app serves requests (SQLite: one writer)
    return task.id
