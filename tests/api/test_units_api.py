"""The organisation over HTTP: units searched without diacritics, and the roles on /me."""
from __future__ import annotations

import pytest

from engine.text import fold
from tests.factories import make_unit

API = "/api/v1"


@pytest.fixture
def communes(session, world):
    make_unit(session, "T-X2", parent=world.province, name="UBND xã Minh Tiến")
    make_unit(session, "T-X3", parent=world.province, name="UBND phường Đông Hưng")
    session.commit()


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [unit["code"] for unit in response.json["items"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("minh tien", ["T-X2"]),
    ("MINH  TIẾN", ["T-X2"]),
    ("dong hung", ["T-X3"]),
    ("Đông", ["T-X3"]),
    ("ubnd", ["T-X2", "T-X3"]),
    ("t-x1", ["T-X1", "T-X1-TH"]),
    ("không có", []),
])
def test_q_ignores_diacritics_and_case(client, world, communes, bearer, query, expected):
    response = client.get(f"{API}/units", query_string={"q": query}, headers=bearer(world.office))
    assert codes(response) == expected


def test_units_filter_by_parent_and_level_and_page(client, world, communes, bearer):
    headers = bearer(world.proposer)
    children = client.get(f"{API}/units?parent={world.province.id}", headers=headers)
    assert codes(children) == ["T-X1", "T-X2", "T-X3"]
    assert codes(client.get(f"{API}/units?level=agency", headers=headers)) == ["T-X1-TH"]
    page = client.get(f"{API}/units?per_page=2&page=2", headers=headers).json
    assert (page["total"], [u["code"] for u in page["items"]]) == (5, ["T-X1-TH", "T-X2"])
    searched = client.get(f"{API}/units?q=ubnd&per_page=1&page=2", headers=headers).json
    assert (searched["total"], [u["code"] for u in searched["items"]]) == (2, ["T-X3"])
    (unit,) = client.get(f"{API}/units?level=province", headers=headers).json["items"]
    assert unit == {"id": world.province.id, "code": "T", "name": "Đơn vị T", "level": "province",
                    "abbreviation": "UBND", "parent_id": None, "reviews_awards": True}


def test_me_lists_council_membership_as_a_role(client, world, bearer):
    me = client.get(f"{API}/me", headers=bearer(world.members[0])).json
    assert me["username"] == "xa.hd1"
    assert me["roles"] == [{"role": "council", "role_label": "Hội đồng Thi đua - Khen thưởng",
                            "unit": {"id": world.commune.id, "code": "T-X1", "name": "Đơn vị T-X1"}}]
    assert client.get(f"{API}/me", headers=bearer(world.outsider)).json["roles"] == []


def test_fold():
    assert fold("  Nguyễn Thị   Tươi ĐẶNG ") == "nguyen thi tuoi dang"
    assert fold("Đắk Lắk") == "dak lak"
