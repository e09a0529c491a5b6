"""The registry over HTTP: people found without diacritics, each with awards and initiatives, and only
within the caller's part of the tree."""
from __future__ import annotations

import pytest

from engine.models import Role
from tests.factories import make_unit, make_user
from tests.registry_factories import grant, make_awardee, make_decision, make_initiative

API = "/api/v1"


@pytest.fixture
def people(session, settings, world):
    other_commune = make_unit(session, "T-X2", parent=world.province, name="UBND xã Đông Hưng")
    other_office = make_user(session, settings, "xa2.vanphong", (Role.OFFICE, other_commune))
    tuoi = make_awardee(session, "Nguyễn Thị Tươi", world.school, code="P-1", position="Giáo viên Toán")
    decision = make_decision(session, world.commune, 2025, 12)
    grant(session, tuoi, "CSTD_CS", 2024)
    grant(session, tuoi, "CSTD_CS", 2025, decision=decision)
    grant(session, tuoi, "BK_TINH", 2023, kind="ad_hoc", revoked=True)
    make_initiative(session, tuoi, "Sổ điểm điện tử", "province", 2025)
    others = [make_awardee(session, f"Giáo viên {i:02d}", world.school) for i in range(1, 6)]
    make_awardee(session, "Trường THCS Minh Tiến", world.school, kind="collective", code="TT-1")
    make_awardee(session, "Nguyễn Thị Tuyết", other_commune, code="P-9")
    session.commit()
    return {"tuoi": tuoi, "others": others, "other_office": other_office, "decision": decision}


def names(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["name"] for item in response.json["items"]]


@pytest.mark.parametrize("query", ["nguyen thi tuoi", "NGUYỄN THỊ TƯƠI", "tươi", "p-1"])
def test_a_teacher_is_found_without_typing_diacritics(client, world, people, bearer, query):
    response = client.get(f"{API}/people", query_string={"q": query}, headers=bearer(world.office))
    assert names(response) == ["Nguyễn Thị Tươi"]
    (item,) = response.json["items"]
    assert item == {"id": people["tuoi"].id, "code": "P-1", "kind": "individual", "name": "Nguyễn Thị Tươi",
                    "position": "Giáo viên Toán",
                    "unit": {"id": world.school.id, "code": "T-X1-TH", "name": "Đơn vị T-X1-TH"},
                    "birth_date": None, "gender": None, "has_national_id": False}


def test_a_person_shows_awards_with_decision_numbers_and_initiatives(client, world, people, bearer):
    response = client.get(f"{API}/people/{people['tuoi'].id}", headers=bearer(world.proposer))

    assert response.status_code == 200
    awards = [{k: a[k] for k in ("award_type", "year", "kind", "decision_number", "revoked")}
              for a in response.json["awards"]]
    assert awards == [
        {"award_type": "BK_TINH", "year": 2023, "kind": "ad_hoc", "decision_number": None, "revoked": True},
        {"award_type": "CSTD_CS", "year": 2024, "kind": "regular", "decision_number": None, "revoked": False},
        {"award_type": "CSTD_CS", "year": 2025, "kind": "regular", "decision_number": "12/QĐ-UBND",
         "revoked": False},
    ]
    assert response.json["awards"][2]["decision_id"] == people["decision"].id
    (initiative,) = response.json["initiatives"]
    assert {k: initiative[k] for k in ("title", "level", "year", "used")} == {
        "title": "Sổ điểm điện tử", "level": "province", "year": 2025, "used": False}


def test_someone_from_another_commune_neither_finds_nor_reads_the_teacher(client, world, people, bearer):
    headers = bearer(people["other_office"])
    assert names(client.get(f"{API}/people", query_string={"q": "nguyen"}, headers=headers)) == ["Nguyễn Thị Tuyết"]
    response = client.get(f"{API}/people/{people['tuoi'].id}", headers=headers)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert client.get(f"{API}/people/{people['tuoi'].id}", headers=bearer(world.outsider)).status_code == 404
    assert client.get(f"{API}/people/{people['tuoi'].id}", headers=bearer(world.admin)).status_code == 200
    assert client.get(f"{API}/people").status_code == 401


def test_people_are_paged_and_filtered_by_unit_and_kind(client, world, people, bearer):
    headers = bearer(world.office)
    first = client.get(f"{API}/people?per_page=3", headers=headers).json
    second = client.get(f"{API}/people?per_page=3&page=2", headers=headers).json
    assert (first["total"], first["page"], first["per_page"]) == (7, 1, 3)
    assert [p["name"] for p in first["items"] + second["items"]] == [
        "Giáo viên 01", "Giáo viên 02", "Giáo viên 03", "Giáo viên 04", "Giáo viên 05", "Nguyễn Thị Tươi"]
    assert names(client.get(f"{API}/people?kind=collective&unit={world.commune.id}", headers=headers)) == [
        "Trường THCS Minh Tiến"]
    assert client.get(f"{API}/people?kind=group", headers=headers).status_code == 422
    assert client.get(f"{API}/people/abc", headers=headers).status_code == 404
