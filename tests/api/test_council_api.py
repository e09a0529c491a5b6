"""Over HTTP: a CSTD_TINH nomination goes through a commune council and a provincial council by
secret ballot; the minutes and the decision are generated; a receipt shows the ballot was counted."""
from __future__ import annotations

import io

from docx import Document

from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_dossiers_api import API, pdf, upload
from tests.workflows.journey import build_tree


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pass_level(client, bearer, dossier_id, office, council, head, action):
    _complete(client, bearer(office), _task(client, bearer(office), dossier_id, "check_completeness"),
              {"outcome": "complete"})
    appraise = _task(client, bearer(office), dossier_id, "appraise")
    _complete(client, bearer(office), appraise,
              {"nominations": [{"id": n["id"], "eligible": True} for n in appraise["data"]["nominations"]]})
    receipts = []
    for member in council:
        ballot = _task(client, bearer(member), dossier_id, "cast_ballot")
        assert [v["secret"] for v in ballot["data"]["votes"]] == [True]
        done = _complete(client, bearer(member), ballot, {"votes": [
            {"nomination_id": v["nomination_id"], "choice": "yes"} for v in ballot["data"]["votes"]]})
        assert "choice" not in str(done["task"]) and done["receipt"]
        receipts.append(done["receipt"])
    decide = _task(client, bearer(head), dossier_id, "decide")
    _complete(client, bearer(head), decide,
              {"nominations": [{"id": n["id"], "action": action} for n in decide["data"]["nominations"]]})
    return receipts


def submitted_cstd_tinh(client, bearer, tree) -> int:
    """The school's CSTD_TINH dossier for Nguyễn Thị Tươi with every paper, submitted over HTTP."""
    proposer = bearer(tree.proposer)
    dossier = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị Chiến sĩ thi đua cấp tỉnh", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "CSTD_TINH", "achievements": "Ba năm liền CSTĐ cơ sở",
             "nominee": {"kind": "individual", "full_name": "Nguyễn Thị Tươi", "position": "Giáo viên"}}]}).json
    dossier_id, nomination_id = dossier["id"], dossier["nominations"][0]["id"]
    for kind, target in (("submission", None), ("council_minutes", None), ("achievement_report", nomination_id),
                         ("evidence", nomination_id)):
        assert upload(client, proposer, dossier_id, pdf(kind), f"{kind}.pdf", kind, target).status_code == 201
    assert client.post(f"{API}/dossiers/{dossier_id}/submit", headers=proposer).status_code == 200
    return dossier_id


def test_cstd_tinh_through_two_councils_over_http(client, bearer, session, settings):
    tree = build_tree(session, settings)
    proposer = bearer(tree.proposer)
    dossier_id = submitted_cstd_tinh(client, bearer, tree)

    _pass_level(client, bearer, dossier_id, tree.commune_office, tree.commune_council, tree.commune_head, "forward")
    receipts = _pass_level(client, bearer, dossier_id, tree.province_office, tree.province_council,
                           tree.province_head, "approve")

    sessions = client.get(f"{API}/council-sessions?dossier={dossier_id}", headers=proposer).json
    assert [s["agenda"][0]["results"]["percent"] for s in sessions] == ["100,00%", "100,00%"]
    assert all(s["closed_how"] == "all_voted" and s["has_minutes"] for s in sessions)
    minutes = client.get(f"{API}/council-sessions/{sessions[1]['id']}/minutes.docx", headers=proposer)
    assert minutes.status_code == 200
    text = _docx_text(minutes.data)
    assert "BIÊN BẢN" in text and "Nguyễn Thị Tươi" in text and "100,00%" in text
    ballot = client.get(f"{API}/ballots/{receipts[0]}", headers=bearer(tree.province_council[0])).json
    assert ballot["counted"] is True and ballot["choices"][0]["choice"] == "yes"
    assert client.get(f"{API}/ballots/khong-co", headers=proposer).status_code == 404
    [decision] = client.get(f"{API}/decisions?dossier={dossier_id}", headers=proposer).json["items"]
    document = client.get(f"{API}/decisions/{decision['id']}/document.docx", headers=proposer)
    assert "Nguyễn Thị Tươi" in _docx_text(document.data)
    assert client.get(f"{API}/dossiers/{dossier_id}", headers=proposer).json["status"] == "decided"
