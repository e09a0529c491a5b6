"""The head decides a round over HTTP: after the round's sitting, GET the nominations waiting by award
type, POST one row per name (bad rows are problem+json naming the field), and the tờ trình with the
commune council's minutes reaches the province, which downloads it."""
from __future__ import annotations

from api.errors import PROBLEM_JSON
from engine.operations.timers import fire_next_due
from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_council_api import submitted_cstd_tinh
from tests.api.test_rounds_api import API, login
from tests.workflows.journey import build_tree

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_head_decides_the_round_and_the_province_receives_the_tờ_trình(client, bearer, session, settings,
                                                                             clock, make_ctx):
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
    clock.advance(days=3)
    worker = make_ctx()  # the worker's pass after the cut-off day: the round's intake ends, it waits for the sitting
    while fire_next_due(worker) is not None:
        worker.session.commit()
    worker.session.commit()
    sitting = client.post(f"{API}/rounds/{rnd['id']}/sitting", headers=login(make_ctx, tree.commune_office)).json
    url = f"{API}/council-sittings/{sitting['id']}"
    for member in tree.commune_council:
        headers = login(make_ctx, member)
        (group,) = client.get(f"{url}/ballot", headers=headers).json["groups"]
        client.post(f"{url}/ballot", headers=headers, json={"votes": [
            {"nomination_id": item["nomination_id"], "choice": "yes"} for item in group["items"]]})
    assert client.post(f"{url}/close", headers=login(make_ctx, tree.commune_council[0]), json={
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": 5, "written_votes": 0}
    ).status_code == 200

    head = login(make_ctx, tree.commune_head)
    # The round's process reached the head's task (the cut-off day ended, the sitting counted): in the inbox.
    (inbox,) = client.get(f"{API}/tasks?key=decide_round", headers=head).json["items"]
    task = client.get(f"{API}/tasks/{inbox['id']}", headers=head).json
    assert len(task["data"]["nominations"]) == 2
    page = client.get(f"{API}/rounds/{rnd['id']}/decision", headers=head).json
    assert page["may_decide"] and sorted(page["ready"]) == sorted(dossiers)
    (group,) = page["groups"]
    ids = [item["nomination_id"] for item in group["items"]]
    assert group["items"][0]["allowed"] == ["forward", "lower_award", "reject"]
    assert "GIAY_KHEN" in [a["code"] for a in group["items"][0]["lower_awards"]]
    decision_url = f"{API}/rounds/{rnd['id']}/decision"
    refused = client.post(decision_url, headers=login(make_ctx, tree.commune_office), json={"nominations": []})
    assert refused.status_code == 403 and refused.content_type == PROBLEM_JSON
    bad = client.post(decision_url, headers=head, json={"nominations": [
        {"nomination_id": ids[0], "action": "reject"}, {"nomination_id": ids[1], "action": "lower_award"}]})
    assert bad.status_code == 422 and bad.content_type == PROBLEM_JSON
    assert set(bad.json["errors"]) == {"nominations[1].lower_award"}  # the shape first
    bad = client.post(decision_url, headers=head, json={"nominations": [
        {"nomination_id": ids[0], "action": "reject"}, {"nomination_id": ids[1], "action": "approve"}]})
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"nominations[0].note", "nominations[1].action"}
    done = client.post(decision_url, headers=head, json={"nominations": [
        {"nomination_id": i, "action": "forward"} for i in ids]})
    assert done.status_code == 201, done.json
    assert done.json["decisions"] == [] and sorted(done.json["dossiers"]) == sorted(dossiers)
    (submission,) = done.json["submissions"]
    assert submission["to_unit"] == tree.province.name and submission["nomination_count"] == 2
    assert sorted(m["dossier_id"] for m in submission["minutes"]) == sorted(dossiers)  # the commune council's

    province = login(make_ctx, tree.province_head)
    seen = client.get(f"{API}/round-submissions/{submission['id']}", headers=province)
    assert seen.status_code == 200 and seen.json["unit"] == tree.commune.name
    document = client.get(f"{API}/round-submissions/{submission['id']}/document.docx", headers=province)
    assert document.status_code == 200 and document.content_type == DOCX
    minutes = client.get(f"{API}/council-sessions/{submission['minutes'][0]['session_id']}/minutes.docx",
                         headers=province)
    assert minutes.status_code == 200
    assert client.get(f"{API}/round-submissions/{submission['id']}",
                      headers=login(make_ctx, tree.proposer)).status_code == 404
    assert client.get(f"{API}/tasks?key=decide_round", headers=head).json["items"] == []
    assert client.get(f"{API}/rounds/{rnd['id']}", headers=login(make_ctx, tree.commune_office)).json[
        "status"] == "closed"  # the round ended with its process
    again = client.post(decision_url, headers=head, json={"nominations": []})
    assert again.status_code == 409
