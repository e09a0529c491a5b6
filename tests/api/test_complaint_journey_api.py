"""Over HTTP: a denunciation freezes and releases a nomination under review; a complaint against a
decision is upheld and revokes the award, with the documents and the registry updated and every
step in the audit trail."""
from __future__ import annotations

from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_dossiers_api import API, pdf, upload
from tests.workflows.journey import build_tree


def _submit(client, proposer, name, award="GIAY_KHEN"):
    dossier = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": f"Đề nghị khen thưởng {name}", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": award, "achievements": "Hoàn thành xuất sắc",
             "nominee": {"kind": "individual", "full_name": name, "position": "Giáo viên"}}]}).json
    assert upload(client, proposer, dossier["id"], pdf("tờ trình"), "to-trinh.pdf", "submission").status_code == 201
    assert upload(client, proposer, dossier["id"], pdf("báo cáo"), "bao-cao.pdf", "achievement_report",
                  dossier["nominations"][0]["id"]).status_code == 201
    assert client.post(f"{API}/dossiers/{dossier['id']}/submit", headers=proposer).status_code == 200
    return dossier["id"], dossier["nominations"][0]["id"]


def _file(client, headers, kind, **subject):
    answer = client.post(f"{API}/complaints", headers=headers, json={
        "kind": kind, "subject": subject, "content": "Thành tích không đúng sự thật.",
        "complainant": {"full_name": "Lê Thị Hoa", "contact": "0912 000 111",
                        "address": "Thôn Đông, xã Bình Minh"}})
    assert answer.status_code == 201, answer.json
    return answer.json


def _status(client, headers, dossier_id):
    return client.get(f"{API}/dossiers/{dossier_id}", headers=headers).json["nominations"][0]["status"]


def test_a_denunciation_freezes_and_releases_a_nomination_over_http(client, bearer, session, settings):
    tree = build_tree(session, settings)
    proposer, office, head = bearer(tree.proposer), bearer(tree.commune_office), bearer(tree.commune_head)
    officer = bearer(tree.commune_complaints)
    dossier_id, nomination_id = _submit(client, proposer, "Nguyễn Thị Tươi")
    _complete(client, office, _task(client, office, dossier_id, "check_completeness"), {"outcome": "complete"})

    case = _file(client, proposer, "denunciation", nomination_id=nomination_id)
    items = client.get(f"{API}/tasks?key=accept_denunciation", headers=officer).json["items"]
    accept = client.get(f"{API}/tasks/{items[0]['id']}", headers=officer).json
    _complete(client, officer, accept, {"outcome": "accept"})
    assert _status(client, proposer, dossier_id) == "frozen"
    tracked = client.get(f"{API}/public/complaints/{case['tracking_code']}").json
    assert tracked["status"] == "investigating" and tracked["due_on"]

    appraise = _task(client, office, dossier_id, "appraise")
    _complete(client, office, appraise, {"nominations": [{"id": nomination_id, "eligible": True}]})
    decide = _task(client, head, dossier_id, "decide")
    refused = client.post(f"{API}/tasks/{decide['id']}/complete", headers=head,
                          json={"data": {"nominations": [{"id": nomination_id, "action": "approve"}]}})
    assert refused.status_code == 409

    investigate = client.get(f"{API}/tasks?key=investigate", headers=officer).json["items"][0]
    _complete(client, officer, client.get(f"{API}/tasks/{investigate['id']}", headers=officer).json,
              {"findings": "Thành tích có thật."})
    resolve = client.get(f"{API}/tasks?key=resolve_denunciation", headers=head).json["items"][0]
    _complete(client, head, client.get(f"{API}/tasks/{resolve['id']}", headers=head).json,
              {"outcome": "unfounded", "reason": "Tố cáo không đúng."})
    assert _status(client, proposer, dossier_id) == "pending"
    _complete(client, head, _task(client, head, dossier_id, "decide"),
              {"nominations": [{"id": nomination_id, "action": "approve"}]})
    assert _status(client, proposer, dossier_id) == "approved"


def test_a_complaint_against_a_decision_is_upheld_and_revokes_the_award_over_http(client, bearer, session, settings):
    tree = build_tree(session, settings)
    proposer, office, head = bearer(tree.proposer), bearer(tree.commune_office), bearer(tree.commune_head)
    officer = bearer(tree.commune_complaints)
    dossier_id, nomination_id = _submit(client, proposer, "Nguyễn Thị Tươi")
    _complete(client, office, _task(client, office, dossier_id, "check_completeness"), {"outcome": "complete"})
    _complete(client, office, _task(client, office, dossier_id, "appraise"),
              {"nominations": [{"id": nomination_id, "eligible": True}]})
    _complete(client, head, _task(client, head, dossier_id, "decide"),
              {"nominations": [{"id": nomination_id, "action": "approve"}]})
    [decision] = client.get(f"{API}/decisions?dossier={dossier_id}", headers=proposer).json["items"]

    case = _file(client, proposer, "complaint", decision_id=decision["id"])
    for user, key, data in (
            (officer, "accept_complaint", {"outcome": "accept"}),
            (officer, "investigate", {"findings": "Báo cáo thành tích bị sửa chữa."}),
            (head, "resolve_complaint", {"outcome": "upheld", "revoke": True, "reason": "Kê khai gian dối."})):
        item = client.get(f"{API}/tasks?key={key}", headers=user).json["items"][0]
        _complete(client, user, client.get(f"{API}/tasks/{item['id']}", headers=user).json, data)
    prepare = client.get(f"{API}/tasks?key=prepare_revocation", headers=office).json["items"][0]
    prepare = client.get(f"{API}/tasks/{prepare['id']}", headers=office).json
    assert prepare["data"]["nomination_ids"] == [nomination_id]
    _complete(client, office, prepare, {"ground": "false_declaration", "nomination_ids": [nomination_id],
                                        "reason": "Kê khai gian dối thành tích."})
    decide = client.get(f"{API}/tasks?key=decide_revocation", headers=head).json["items"][0]
    _complete(client, head, client.get(f"{API}/tasks/{decide['id']}", headers=head).json, {"approve": True})

    assert _status(client, proposer, dossier_id) == "revoked"
    cancelled = client.get(f"{API}/decisions/{decision['id']}", headers=proposer).json
    assert cancelled["status"] == "cancelled"
    labels = sorted(d["number"] for d in client.get(f"{API}/decisions", headers=office).json["items"])
    assert labels == ["01/QĐ-UBND", "02/QĐ-UBND"]
    new = next(d for d in client.get(f"{API}/decisions", headers=office).json["items"] if d["number"] == "02/QĐ-UBND")
    document = client.get(f"{API}/decisions/{new['id']}/document.docx", headers=office)
    assert document.status_code == 200 and document.data[:2] == b"PK"
    person = client.get(f"{API}/people?q=nguyen thi tuoi", headers=office).json["items"][0]
    awards = client.get(f"{API}/people/{person['id']}", headers=office).json["awards"]
    assert [a["revoked"] for a in awards] == [True]
    recovery = client.get(f"{API}/tasks?key=confirm_recovery", headers=office).json["items"][0]
    _complete(client, office, client.get(f"{API}/tasks/{recovery['id']}", headers=office).json,
              {"certificate_recovered": True, "money_recovered": True})
    admin_actions = [e["action"] for e in client.get(f"{API}/dossiers/{dossier_id}/audit?per_page=200",
                                                     headers=proposer).json["items"]]
    assert "awards_revoked" in admin_actions
    assert client.get(f"{API}/public/complaints/{case['tracking_code']}").json["status"] == "resolved"
