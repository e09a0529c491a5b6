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
    outsider = client.post(f"{API}/rounds/{rnd['id']}/sitting", headers=office,
                           json={"counting_board": [tree.proposer.id]})
    assert outsider.status_code == 422 and set(outsider.json["errors"]) == {"counting_board"}
    board = [tree.commune_council[1].id, tree.commune_council[2].id]
    opened = client.post(f"{API}/rounds/{rnd['id']}/sitting", headers=office, json={"counting_board": board})
    assert opened.status_code == 201, opened.json
    sitting = opened.json
    assert sitting["counting_board"] == board
    assert sorted(s["dossier_id"] for s in sitting["sessions"]) == sorted(dossiers)

    url = f"{API}/council-sittings/{sitting['id']}"
    assert client.get(url, headers=login(make_ctx, tree.proposer)).status_code == 404  # not the school's
    receipts = []
    for member in tree.commune_council[:4]:
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
        receipts.append(cast.json["receipt"])  # ONE receipt for the whole secret ballot
        assert client.get(f"{url}/ballot", headers=headers).json["groups"] == []  # cast: never shown again
    mine = client.get(f"{API}/ballots/{receipts[0]}", headers=login(make_ctx, tree.commune_council[0])).json
    assert len(mine["choices"]) == 2 and not mine["counted"]  # both dossiers' names under one receipt

    absent = tree.commune_council[4]  # voted in writing: the ban kiểm phiếu enters the paper ballot
    paper = {"member_id": absent.id, "votes": [{"nomination_id": item["nomination_id"], "choice": "yes"}
                                               for item in group["items"]]}
    chair = login(make_ctx, tree.commune_council[0])
    assert client.post(f"{url}/paper-ballots", headers=chair, json=paper).status_code == 403  # not on the board
    bad = client.post(f"{url}/paper-ballots", headers=login(make_ctx, tree.commune_council[2]),
                      json={"member_id": "x", "votes": []})
    assert bad.status_code == 422 and "member_id" in bad.json["errors"]
    entered = client.post(f"{url}/paper-ballots", headers=login(make_ctx, tree.commune_council[2]), json=paper)
    assert entered.status_code == 201, entered.json
    assert entered.json["member_id"] == absent.id and entered.json["receipt"]

    assert client.get(f"{url}/minutes.docx", headers=chair).status_code == 404  # not before the count
    bad = client.post(f"{url}/close", headers=chair, json={"held_at": "hôm nay", "place": "", "present": 5,
                                                           "written_votes": 0})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"held_at", "place"}
    closed = client.post(f"{url}/close", headers=chair, json={
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": 4, "written_votes": 1})
    assert closed.status_code == 200, closed.json
    assert closed.json["status"] == "tallied" and closed.json["place"] == "Hội trường UBND xã"
    assert (closed.json["present"], closed.json["written_votes"], closed.json["has_minutes"]) == (4, 1, True)
    assert client.get(f"{API}/ballots/{receipts[0]}", headers=chair).json["counted"]
    for document in ("minutes.docx", "counting.docx"):
        got = client.get(f"{url}/{document}", headers=chair)
        assert got.status_code == 200 and got.data[:2] == b"PK", document
    assert all(item["passed"] for s in closed.json["sessions"] for item in s["agenda"])
    head = login(make_ctx, tree.commune_head)
    for dossier_id in dossiers:
        assert _task(client, head, dossier_id, "decide")["key"] == "decide"
    assert client.post(f"{url}/close", headers=chair, json={
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": 5, "written_votes": 0}
    ).status_code == 409
