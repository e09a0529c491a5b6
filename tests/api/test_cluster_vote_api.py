"""The cluster's vote over HTTP: the three communes scored and ranked with a disputed score, the head
opening the vote, each commune's head voting through its task (a receipt back, a second vote 409, an
outsider refused), the ballot checked by its receipt, and the proposal — a draft dossier of the head
commune — completed by its proposer and submitted into the province's open round."""
from __future__ import annotations

import io

import pytest

from engine.models import Role
from tests.factories import make_unit, make_user

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def communes(session, settings, world):
    second = make_unit(session, "T-X2", parent=world.province, level="commune", name="UBND xã Hòa Lạc")
    third = make_unit(session, "T-X3", parent=world.province, level="commune", name="UBND xã Tân Tiến")
    outside = make_unit(session, "T-X9", parent=world.province, level="commune", name="UBND xã Ngoài Cụm")
    users = {
        "heads": [world.head, make_user(session, settings, "x2.chutich", (Role.HEAD, second)),
                  make_user(session, settings, "x3.chutich", (Role.HEAD, third))],
        "offices": [world.office, make_user(session, settings, "x2.vanphong", (Role.OFFICE, second)),
                    make_user(session, settings, "x3.vanphong", (Role.OFFICE, third))],
        "outsider": make_user(session, settings, "x9.chutich", (Role.HEAD, outside)),
        "proposer": make_user(session, settings, "x1.denghi", (Role.PROPOSER, world.commune)),
    }
    session.commit()
    return {"units": [world.commune, second, third], **users}


def _scored_cluster(client, bearer, world, communes) -> int:
    province = bearer(world.other_office)
    units = communes["units"]
    made = client.post(f"{API}/emulation/clusters", headers=province, json={
        "name": "Cụm thi đua các xã", "organiser_unit": world.province.id, "year": 2026,
        "members": [u.id for u in units], "head_unit": units[0].id, "sheet": [
            {"code": "A1", "group": "Kinh tế", "title": "Thu ngân sách", "max_points": 40},
            {"code": "B1", "group": "Xã hội", "title": "Nông thôn mới", "max_points": 30}]})
    assert made.status_code == 201, made.json
    cid = made.json["id"]
    for office, unit, points in zip(communes["offices"], units, [(38, 25), (40, 30), (30, 0)], strict=True):
        scored = client.post(f"{API}/emulation/clusters/{cid}/scores", headers=bearer(office), json={
            "unit": unit.id, "scores": [{"criterion": "A1", "points": points[0]},
                                        {"criterion": "B1", "points": points[1]}]})
        assert scored.status_code == 200, scored.json
    disputed = client.post(f"{API}/emulation/clusters/{cid}/adjustments", headers=bearer(world.office), json={
        "unit": units[1].id, "criterion": "B1", "points": 20, "reason": "Chưa có quyết định công nhận."})
    assert disputed.status_code == 200
    return cid


def _ballot_task(client, headers) -> dict:
    items = client.get(f"{API}/tasks", headers=headers).json["items"]
    (task,) = [t for t in items if t["key"] == "cast_cluster_ballot"]
    return client.get(f"{API}/tasks/{task['id']}", headers=headers).json


def test_the_vote_proposes_the_flag_and_the_dossier_joins_the_provincial_round(client, world, bearer, communes):
    cid = _scored_cluster(client, bearer, world, communes)
    units, heads = communes["units"], communes["heads"]
    rnd = client.post(f"{API}/rounds", headers=bearer(world.other_office), json={
        "unit_id": world.province.id, "title": "Đợt xét tổng kết năm 2026", "kind": "annual",
        "award_types": ["CO_TINH", "BK_TINH"], "cutoff_on": "2026-12-20"})
    assert rnd.status_code == 201, rnd.json

    assert client.get(f"{API}/emulation/clusters/{cid}/vote", headers=bearer(world.office)).status_code == 404
    assert client.post(f"{API}/emulation/clusters/{cid}/vote", headers=bearer(heads[1])).status_code == 403
    opened = client.post(f"{API}/emulation/clusters/{cid}/vote", headers=bearer(world.head))
    assert opened.status_code == 201, opened.json
    assert [(line["unit_id"], line["rank"]) for line in opened.json["lines"]] == [
        (units[0].id, 1), (units[1].id, 2), (units[2].id, 3)]
    assert opened.json["status"] == "open" and opened.json["awards"] == {"flag": "CO_TINH", "merit": "BK_TINH"}
    assert client.post(f"{API}/emulation/clusters/{cid}/vote", headers=bearer(world.head)).status_code == 409

    receipts = []
    plan = {0: {units[0].id: "flag", units[1].id: "merit"}, 1: {units[0].id: "flag"}, 2: {units[1].id: "flag"}}
    for index, head in enumerate(heads):
        task = _ballot_task(client, bearer(head))
        votes = [{"unit_id": v["unit_id"], "choice": plan[index].get(v["unit_id"], "none")}
                 for v in task["data"]["votes"]]
        cast = client.post(f"{API}/tasks/{task['id']}/complete", headers=bearer(head), json={"data": {"votes": votes}})
        assert cast.status_code == 200, cast.json
        receipts.append(cast.json["receipt"])
        if index == 0:
            again = client.post(f"{API}/tasks/{task['id']}/complete", headers=bearer(head),
                                json={"data": {"votes": votes}})
            assert again.status_code == 409
            outsider = client.post(f"{API}/tasks/{_ballot_task(client, bearer(heads[1]))['id']}/complete",
                                   headers=bearer(communes["outsider"]), json={"data": {"votes": votes}})
            assert outsider.status_code in (403, 404)
            assert not [t for t in client.get(f"{API}/tasks", headers=bearer(communes["outsider"])).json["items"]
                        if t["key"] == "cast_cluster_ballot"]  # no ballot of this cluster for a unit outside it
    result = client.get(f"{API}/emulation/clusters/{cid}/vote", headers=bearer(world.other_office)).json
    assert result["status"] == "tallied" and result["closed_how"] == "all_voted" and result["base"] == 3
    assert [(line["unit_id"], line["flag"], line["merit"], line["elected"], line["award_type"])
            for line in result["lines"]] == [(units[0].id, 2, 0, "flag", "CO_TINH"), (units[1].id, 1, 1, "merit",
                                                                                      "BK_TINH"),
                                             (units[2].id, 0, 0, None, None)]
    assert {u["id"] for u in result["voted"]} == {u.id for u in units} and result["not_voted"] == []
    mine = client.get(f"{API}/emulation/ballots/{receipts[2]}", headers=bearer(heads[2])).json
    assert mine["counted"] and [c["choice"] for c in mine["choices"]] == ["none", "flag", "none"]
    assert client.get(f"{API}/emulation/ballots/PB-2222-2222-2222-2222", headers=bearer(heads[2])).status_code == 404

    # The proposal: the head commune's draft dossier; its proposer completes and submits it.
    dossier_id = result["dossier_id"]
    proposer = bearer(communes["proposer"])
    dossier = client.get(f"{API}/dossiers/{dossier_id}", headers=proposer).json
    assert dossier["status"] == "draft"
    assert [(n["award_type"], n["nominee"]["name"]) for n in dossier["nominations"]] == [
        ("CO_TINH", units[0].name), ("BK_TINH", "UBND xã Hòa Lạc")]
    uploads = [("submission", None), ("council_minutes", None),
               *[("achievement_report", n["id"]) for n in dossier["nominations"]]]
    for kind, nomination in uploads:
        form = {"kind": kind, "file": (io.BytesIO(PDF), f"{kind}.pdf")}
        if nomination:
            form["nomination_id"] = str(nomination)
        added = client.post(f"{API}/dossiers/{dossier_id}/attachments", headers=proposer, data=form,
                            content_type="multipart/form-data")
        assert added.status_code == 201, added.json
    submitted = client.post(f"{API}/dossiers/{dossier_id}/submit", headers=proposer)
    assert submitted.status_code == 200, submitted.json
    (row,) = client.get(f"{API}/rounds/{rnd.json['id']}/dossiers", headers=bearer(world.other_office)).json
    assert row["dossier_id"] == dossier_id and row["missing"] == []
    assert [n["award_type"] for n in row["nominations"]] == ["CO_TINH", "BK_TINH"]
