"""The round's one council sitting over HTTP: two dossiers of a commune's round wait at the council
stage, the office opens the sitting after the cut-off, each member casts ONE ballot for the whole
agenda in one request (grouped by award type on GET), the chair closes with the real time and place,
and both dossiers are at `decide`; bad input is problem+json naming the field."""
from __future__ import annotations

from api.errors import PROBLEM_JSON
from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_council_api import submitted_cstd_tinh
from tests.api.test_rounds_api import API, login
from tests.workflows.journey import build_tree


def test_one_sitting_one_ballot_per_member_over_http(client, bearer, session, settings, clock, make_ctx):
    tree = build_tree(session, settings)
    office = bearer(tree.commune_office)
    rnd = client.post(f"{API}/rounds", headers=office, json={
        "unit_id": tree.commune.id, "title": "Đợt xét tổng kết năm học 2025–2026", "kind": "school_year",
        "cutoff_on": "2026-11-25"}).json
    dossiers = [submitted_cstd_tinh(client, bearer, tree) for _ in range(2)]
    for dossier_id in dossiers:
        _complete(client, office, _task(client, office, dossier_id, "check_completeness"), {"outcome": "complete"})
        appraise = _task(client, office, dossier_id, "appraise")
        _complete(client, office, appraise,
                  {"nominations": [{"id": n["id"], "eligible": True} for n in appraise["data"]["nominations"]]})
        waiting = client.get(f"{API}/tasks?dossier={dossier_id}", headers=office).json["items"]
        assert waiting == []  # no ballot of its own

    early = client.post(f"{API}/rounds/{rnd['id']}/sitting", headers=office)
    assert early.status_code == 409 and early.content_type == PROBLEM_JSON
    clock.advance(days=3)
    office = login(make_ctx, tree.commune_office)
    opened = client.post(f"{API}/rounds/{rnd['id']}/sitting", headers=office)
    assert opened.status_code == 201, opened.json
    sitting = opened.json
    assert sorted(s["dossier_id"] for s in sitting["sessions"]) == sorted(dossiers)

    url = f"{API}/council-sittings/{sitting['id']}"
    assert client.get(url, headers=login(make_ctx, tree.proposer)).status_code == 404  # not the school's
    for member in tree.commune_council:
        headers = login(make_ctx, member)
        page = client.get(f"{url}/ballot", headers=headers).json
        (group,) = page["groups"]
        assert group["award_type"] == "CSTD_TINH" and len(group["items"]) == 2
        bad = client.post(f"{url}/ballot", headers=headers, json={"votes": [
            {"nomination_id": group["items"][0]["nomination_id"], "choice": "maybe"}]})
        assert bad.status_code == 422 and set(bad.json["errors"]) == {"votes[0].choice"}
        cast = client.post(f"{url}/ballot", headers=headers, json={"votes": [
            {"nomination_id": item["nomination_id"], "choice": "yes"} for item in group["items"]]})
        assert cast.status_code == 201, cast.json
        assert len(cast.json["receipts"]) == 2
        assert client.get(f"{url}/ballot", headers=headers).json["groups"] == []  # cast: never shown again

    chair = login(make_ctx, tree.commune_council[0])
    bad = client.post(f"{url}/close", headers=chair, json={"held_at": "hôm nay", "place": "", "present": 5,
                                                           "written_votes": 0})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"held_at", "place"}
    closed = client.post(f"{url}/close", headers=chair, json={
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": 5, "written_votes": 0})
    assert closed.status_code == 200, closed.json
    assert closed.json["status"] == "tallied" and closed.json["place"] == "Hội trường UBND xã"
    assert all(item["passed"] for s in closed.json["sessions"] for item in s["agenda"])
    head = login(make_ctx, tree.commune_head)
    for dossier_id in dossiers:
        assert _task(client, head, dossier_id, "decide")["key"] == "decide"
    assert client.post(f"{url}/close", headers=chair, json={
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": 5, "written_votes": 0}
    ).status_code == 409
