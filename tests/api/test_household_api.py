"""Households as nominees (Luật TĐKT 2022 Art. 2, 31): a village proposes two households for Gia đình văn
hóa, the commune grants them; the decision lists them as households and the registry holds them as such.
A household on an individual-only type is refused with the field."""
from __future__ import annotations

import io

from docx import Document

from engine.models import Awardee, AwardeeKind, Role
from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_dossiers_api import API, pdf, upload
from tests.factories import make_unit, make_user

HOUSEHOLDS = ("Hộ ông Nguyễn Văn A", "Hộ bà Trần Thị B")


def _village_proposer(session, settings, world):
    village = make_unit(session, "T-X1-TDP1", parent=world.commune, level="agency", reviews_awards=False,
                        name="Thôn Đông")
    user = make_user(session, settings, "thon.dong", (Role.PROPOSER, village), full_name="Lê Văn Trưởng")
    session.commit()
    return user


def test_two_households_get_gia_dinh_van_hoa_at_the_commune(client, world, bearer, session, settings, db):
    proposer = bearer(_village_proposer(session, settings, world))
    office, head = bearer(world.office), bearer(world.head)
    created = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị công nhận Gia đình văn hóa năm 2026", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "GD_VH", "nominee": {"kind": "household", "name": name},
             "achievements": "Gia đình no ấm, hạnh phúc, tiến bộ"} for name in HOUSEHOLDS]})
    assert created.status_code == 201, created.json
    dossier_id = created.json["id"]
    assert [(n["nominee"]["kind"], n["nominee"]["name"]) for n in created.json["nominations"]] == [
        ("household", name) for name in HOUSEHOLDS]
    assert upload(client, proposer, dossier_id, pdf("tờ trình"), "to-trinh.pdf", "submission").status_code == 201
    assert client.post(f"{API}/dossiers/{dossier_id}/submit", headers=proposer).status_code == 200

    _complete(client, office, _task(client, office, dossier_id, "check_completeness"), {"outcome": "complete"})
    appraise = _task(client, office, dossier_id, "appraise")
    for item in appraise["data"]["nominations"]:  # the pre-check of GD_VH reads the household
        checks = {c["criterion"]: c["result"] for c in item["checks"]}
        assert checks == {"not_frozen": "met", "not_barred": "met", "not_already_awarded": "met",
                          "household_standards": "unknown"}
    _complete(client, office, appraise, {"nominations": [
        {"id": n["id"], "eligible": True} for n in appraise["data"]["nominations"]]})
    decide = _task(client, head, dossier_id, "decide")
    _complete(client, head, decide, {"nominations": [
        {"id": n["id"], "action": "approve"} for n in decide["data"]["nominations"]]})

    detail = client.get(f"{API}/dossiers/{dossier_id}", headers=proposer).json
    assert detail["status"] == "decided"
    assert {n["nominee"]["name"]: n["status"] for n in detail["nominations"]} == dict.fromkeys(HOUSEHOLDS, "approved")
    (decision,) = client.get(f"{API}/decisions?dossier={dossier_id}", headers=proposer).json["items"]
    response = client.get(f"{API}/decisions/{decision['id']}/document.docx", headers=proposer)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join([p.text for p in document.paragraphs] +
                     [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "Gia đình văn hóa" in text and all(name in text for name in HOUSEHOLDS)
    assert "hộ gia đình" in text.lower()
    kinds = db(lambda s: {a.name: a.kind for a in s.query(Awardee).all()})
    assert kinds == dict.fromkeys(HOUSEHOLDS, AwardeeKind.HOUSEHOLD)
    people = client.get(f"{API}/people?kind=household", headers=office).json["items"]
    assert sorted(p["name"] for p in people) == sorted(HOUSEHOLDS)
    # The statistics count them as households, from the summary kept with the decision.
    stats = client.get(f"{API}/statistics?unit={world.commune.id}&year=2026", headers=bearer(world.head)).json
    assert (stats["granted_households"], stats["granted_individuals"], stats["granted_collectives"]) == (2, 0, 0)

    # The same household proposed again for the same year: the pre-check finds its Gia đình văn hóa.
    again = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị bổ sung", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "GD_VH", "nominee": {"kind": "household", "name": HOUSEHOLDS[0]},
             "achievements": "Gia đình no ấm"}]}).json
    assert upload(client, proposer, again["id"], pdf("tờ trình"), "to-trinh.pdf", "submission").status_code == 201
    assert client.post(f"{API}/dossiers/{again['id']}/submit", headers=proposer).status_code == 200
    _complete(client, office, _task(client, office, again["id"], "check_completeness"), {"outcome": "complete"})
    (item,) = _task(client, office, again["id"], "appraise")["data"]["nominations"]
    assert {c["criterion"]: c["result"] for c in item["checks"]}["not_already_awarded"] == "not_met"


def test_a_household_on_an_individual_type_is_refused_with_the_field(client, world, bearer, session, settings):
    proposer = bearer(_village_proposer(session, settings, world))
    response = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "GD_VH", "nominee": {"kind": "household", "name": HOUSEHOLDS[0]}, "achievements": "…"},
            {"award_type": "LDTT", "nominee": {"kind": "household", "name": HOUSEHOLDS[1]}, "achievements": "…"}]})
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == {"nominations[1].nominee.kind"}
    assert "hộ gia đình" in response.json["errors"]["nominations[1].nominee.kind"]


def test_an_individual_on_gia_dinh_van_hoa_is_refused(client, world, bearer, session, settings):
    proposer = bearer(_village_proposer(session, settings, world))
    response = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "GD_VH", "nominee": {"kind": "individual", "full_name": "Nguyễn Văn A"},
             "achievements": "…"}]})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"nominations[0].nominee.kind"}
