"""Over HTTP: the secretary enters an absent member's written ballot (201 with the receipt for the
member), a second one for the same member is 409, a bad one 422 naming the field, a member 403."""
from __future__ import annotations

from api.errors import PROBLEM_JSON
from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_council_api import submitted_cstd_tinh
from tests.api.test_dossiers_api import API
from tests.workflows.journey import build_tree


def test_the_secretary_enters_a_written_ballot(client, bearer, session, settings):
    tree = build_tree(session, settings)
    dossier_id = submitted_cstd_tinh(client, bearer, tree)
    office = bearer(tree.commune_office)
    _complete(client, office, _task(client, office, dossier_id, "check_completeness"), {"outcome": "complete"})
    appraise = _task(client, office, dossier_id, "appraise")
    _complete(client, office, appraise,
              {"nominations": [{"id": n["id"], "eligible": True} for n in appraise["data"]["nominations"]]})
    (meeting,) = client.get(f"{API}/council-sessions", headers=office, query_string={"dossier": dossier_id}).json
    nomination_id = meeting["agenda"][0]["nomination_id"]
    secretary, absent = bearer(tree.commune_council[1]), tree.commune_council[4]
    url = f"{API}/council-sessions/{meeting['id']}/paper-ballots"
    body = {"member_id": absent.id, "votes": [{"nomination_id": nomination_id, "choice": "yes"}]}

    assert client.post(url, headers=bearer(tree.commune_council[2]), json=body).status_code == 403
    bad = client.post(url, headers=secretary, json={**body, "votes": [{"nomination_id": nomination_id}]})
    assert bad.status_code == 422 and bad.content_type == PROBLEM_JSON and set(bad.json["errors"]) == {
        "votes[0].choice"}
    entered = client.post(url, headers=secretary, json=body)
    assert entered.status_code == 201 and entered.json["member_id"] == absent.id and entered.json["receipt"]
    assert client.post(url, headers=secretary, json=body).status_code == 409
    ballot = client.get(f"{API}/ballots/{entered.json['receipt']}", headers=bearer(absent)).json
    assert [c["choice"] for c in ballot["choices"]] == ["yes"] and ballot["counted"] is False
