"""The deadline of periodic reports over HTTP: the province's office sets it, the communes' offices may
not, a day before the period is refused with its field, and /reports/reporting shows it."""
from __future__ import annotations

import pytest

from tests.web.conftest import log_in
from tests.workflows.journey import build_tree


@pytest.fixture
def tree(session, settings):
    return build_tree(session, settings)


def test_the_province_sets_its_communes_report_deadline_over_http(client, tree, bearer):
    office, commune_office = bearer(tree.province_office), bearer(tree.commune_office)
    body = {"unit": tree.province.id, "year": 2026, "kind": "mid_year", "due_on": "10/07/2026"}
    answer = client.post("/api/v1/reports/deadlines", headers=office, json=body)
    assert answer.status_code == 200, answer.json
    assert answer.json == {"unit_id": tree.province.id, "year": 2026, "kind": "mid_year", "due_on": "2026-07-10"}
    assert client.post("/api/v1/reports/deadlines", headers=commune_office, json=body).status_code == 403
    bad = client.post("/api/v1/reports/deadlines", headers=office, json={**body, "due_on": "01/01/2026"})
    assert bad.status_code == 422 and "due_on" in bad.json["errors"]
    rows = client.get(f"/api/v1/reports/reporting?unit={tree.province.id}&year=2026&kind=mid_year",
                      headers=office).json
    assert [(r["unit"]["id"], r["due_on"], r["submitted"]) for r in rows] == [(tree.commune.id, "2026-07-10", False)]


def test_the_province_office_sets_the_deadline_from_the_page(client, tree):
    csrf = log_in(client, tree.province_office)
    page = client.get(f"/reports?unit={tree.province.id}&year=2026").get_data(as_text=True)
    assert "Hạn gửi báo cáo của các đơn vị trực thuộc" in page
    answer = client.post("/reports/deadline", data={"csrf_token": csrf, "unit": str(tree.province.id),
                                                    "year": "2026", "kind": "year_end", "due_on": "20/12/2026"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "20/12/2026" in page
    bad = client.post("/reports/deadline", data={"csrf_token": csrf, "unit": str(tree.province.id),
                                                 "year": "2026", "kind": "year_end", "due_on": "hôm nay"})
    assert bad.status_code == 422
