"""Review rounds over HTTP: the commune's office opens a round, the school's dossiers join it, a late
one is refused with the date as problem+json, and the round's page lists what is in it."""
from __future__ import annotations

from api.errors import PROBLEM_JSON
from engine.models import SessionKind
from engine.operations import sessions
from tests.api.test_dossiers_api import prepared

API = "/api/v1"
ROUND = {"title": "Đợt xét tổng kết năm học 2025–2026", "kind": "school_year", "cutoff_on": "2026-11-30",
         "council_on": "2026-12-05", "award_types": ["GIAY_KHEN", "BK_TINH"]}


def login(make_ctx, user) -> dict[str, str]:
    """A token opened now (the clock moves past a token's life in these tests)."""
    ctx = make_ctx()
    secret = sessions.open_session(ctx, user, SessionKind.TOKEN).secret
    ctx.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_office_opens_a_round_and_the_schools_dossiers_join_it(client, world, bearer, clock, make_ctx):
    office, proposer = bearer(world.office), bearer(world.proposer)
    created = client.post(f"{API}/rounds", headers=office, json={**ROUND, "unit_id": world.commune.id})
    assert created.status_code == 201, created.json
    rnd = created.json
    assert (rnd["status"], rnd["late_policy"], rnd["unit"]["code"]) == ("open", "refuse", "T-X1")
    assert rnd["cutoff_on"] == "2026-11-30" and rnd["award_types"] == ["GIAY_KHEN", "BK_TINH"]

    dossier = prepared(client, proposer)
    assert client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer).status_code == 200
    listed = client.get(f"{API}/rounds", headers=proposer).json
    assert [(r["id"], r["dossier_count"], r["days_left"]) for r in listed] == [(rnd["id"], 1, 7)]
    detail = client.get(f"{API}/rounds/{rnd['id']}", headers=office).json
    assert detail["nomination_count"] == 2 and detail["waiting"] == []
    (row,) = client.get(f"{API}/rounds/{rnd['id']}/dossiers", headers=office).json
    assert row["dossier_id"] == dossier["id"] and row["missing"] == [] and row["late"] is False
    assert [n["award_type"] for n in row["nominations"]] == ["GIAY_KHEN", "BK_TINH"]

    clock.advance(days=8)  # after the cut-off: the next dossier is refused with the date
    office, proposer = login(make_ctx, world.office), login(make_ctx, world.proposer)
    late = prepared(client, proposer)
    refused = client.post(f"{API}/dossiers/{late['id']}/submit", headers=proposer)
    assert refused.status_code == 422 and refused.content_type == PROBLEM_JSON
    assert refused.json["errors"] == {"round": "Hết hạn nhận hồ sơ ngày 30/11/2026."}
    assert client.get(f"{API}/dossiers/{late['id']}", headers=proposer).json["status"] == "draft"

    closed = client.post(f"{API}/rounds/{rnd['id']}/close", headers=office)
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert client.post(f"{API}/rounds/{rnd['id']}/close", headers=office).status_code == 409
    # No open round any more: the late dossier goes one by one, as before rounds existed.
    assert client.post(f"{API}/dossiers/{late['id']}/submit", headers=proposer).status_code == 200


def test_bad_rounds_are_refused_field_by_field_and_only_the_office_opens_one(client, world, bearer):
    office = bearer(world.office)
    bad = client.post(f"{API}/rounds", headers=office,
                      json={"unit_id": world.commune.id, "title": "", "kind": "yearly", "cutoff_on": "2026-02-31"})
    assert bad.status_code == 422 and bad.content_type == PROBLEM_JSON
    assert {"title", "kind", "cutoff_on"} <= set(bad.json["errors"])
    unknown = client.post(f"{API}/rounds", headers=office,
                          json={**ROUND, "unit_id": world.commune.id, "award_types": ["KHONG_CO"]})
    assert unknown.status_code == 422 and set(unknown.json["errors"]) == {"award_types[0]"}
    forbidden = client.post(f"{API}/rounds", headers=bearer(world.proposer),
                            json={**ROUND, "unit_id": world.commune.id})
    assert forbidden.status_code == 403
    assert client.get(f"{API}/rounds/999999", headers=office).status_code == 404
    assert client.get(f"{API}/rounds", headers=bearer(world.outsider)).json == []
