"""Complaints over HTTP: filing with and without login, reading, the public status and its
throttle, and escalation."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, Complaint, RateEvent
from engine.operations.complaints.commands import PUBLIC_FILING
from tests.engine.test_complaints import COMPLAINANT, CONTENT, PUBLIC_STATUS_KEYS, Scene, build_scene, filing

PROBLEM = "application/problem+json"


@pytest.fixture
def scene(session, settings) -> Scene:
    return build_scene(session, settings)


def _count(db, model) -> int:
    return db(lambda s: s.scalar(select(func.count()).select_from(model)))


def _public(client, payload, address="203.0.113.5"):
    return client.post("/api/v1/public/complaints", json=payload, environ_base={"REMOTE_ADDR": address})


def test_proposer_files_about_a_decision_and_the_officer_sees_the_task(client, bearer, scene, db):
    answer = client.post("/api/v1/complaints", json=filing(decision_id=scene.decision.id),
                         headers=bearer(scene.tree.proposer))
    assert answer.status_code == 201, answer.json
    assert set(answer.json) == {"id", "tracking_code", "status", "due_on"}
    assert answer.json["status"] == "received" and answer.json["tracking_code"].startswith("KN-")
    complaint_id = answer.json["id"]

    officer = bearer(scene.commune_officer)
    (task,) = client.get("/api/v1/tasks", headers=officer).json["items"]
    assert (task["key"], task["complaint_id"]) == ("accept_complaint", complaint_id)
    detail = client.get(f"/api/v1/complaints/{complaint_id}", headers=officer).json
    assert detail["open_tasks"] == ["accept_complaint"]
    assert detail["complainant"] == COMPLAINANT and detail["subject"] == {"decision_id": scene.decision.id}
    assert detail["handling_unit"]["code"] == "HBX-X01"
    listed = client.get("/api/v1/complaints?per_page=5", headers=officer).json
    assert (listed["total"], listed["page"], listed["per_page"]) == (1, 1, 5)
    assert client.get("/api/v1/complaints", headers=bearer(scene.province_officer)).json["total"] == 0
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers=bearer(scene.outsider)).status_code == 404


def test_a_dossier_the_complainant_cannot_see_is_422_as_if_absent_and_nothing_is_written(client, bearer, scene, db):
    before = _count(db, AuditEvent)
    answer = client.post("/api/v1/complaints", json=filing(dossier_id=scene.hidden.id),
                         headers=bearer(scene.tree.proposer))
    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    assert _count(db, Complaint) == 0 and _count(db, AuditEvent) == before


def test_unknown_subject_and_two_subjects_are_422(client, bearer, scene, db):
    headers = bearer(scene.tree.proposer)
    unknown = client.post("/api/v1/complaints", json=filing(nomination_id=987654), headers=headers)
    assert unknown.status_code == 422 and unknown.mimetype == PROBLEM
    assert set(unknown.json["errors"]) == {"subject.nomination_id"}
    two = client.post("/api/v1/complaints", json=filing(decision_id=scene.decision.id, dossier_id=scene.draft.id),
                      headers=headers)
    assert two.status_code == 422 and set(two.json["errors"]) == {"subject"}
    assert client.post("/api/v1/complaints", data="{", content_type="application/json",
                       headers=headers).status_code == 400
    assert _count(db, Complaint) == 0


def test_filing_needs_login_outside_the_public_endpoint(client, scene):
    assert client.post("/api/v1/complaints", json=filing(decision_id=scene.decision.id)).status_code == 401


def test_public_filing_answers_a_tracking_code_and_the_status_leaks_nothing(client, scene, db):
    answer = _public(client, filing("denunciation", nomination_id=scene.pending.id))
    assert answer.status_code == 201, answer.json
    assert set(answer.json) == {"tracking_code", "status", "secret"} and answer.json["tracking_code"].startswith("TC-")

    status = client.get(f"/api/v1/public/complaints/{answer.json['tracking_code']}")
    assert status.status_code == 200
    assert set(status.json) == PUBLIC_STATUS_KEYS
    assert status.json["status"] == "received" and status.json["filed_on"] == "2026-11-23"
    body = status.get_data(as_text=True)
    for secret in (COMPLAINANT["full_name"], COMPLAINANT["contact"], CONTENT, "Trần Thị Mai"):
        assert secret not in body
    assert str(scene.pending.id) not in {str(v) for v in status.json.values()}
    unknown = client.get("/api/v1/public/complaints/KN-AAAAAAAA")
    assert unknown.status_code == 404 and unknown.mimetype == PROBLEM
    assert db(lambda s: s.scalar(select(Complaint.public).where(Complaint.id.is_not(None))))


def test_public_filing_is_throttled_per_address_refusals_included(client, scene, db):
    _public(client, {"kind": "complaint"})  # refused for its content, counted all the same
    assert _count(db, RateEvent) == 1
    for _ in range(PUBLIC_FILING.limit - 1):
        assert _public(client, filing(decision_id=scene.decision.id)).status_code == 201
    refused = _public(client, filing(decision_id=scene.decision.id))
    assert refused.status_code == 429 and refused.mimetype == PROBLEM
    assert 0 < int(refused.headers["Retry-After"]) <= PUBLIC_FILING.window.total_seconds()
    assert _count(db, Complaint) == PUBLIC_FILING.limit - 1
    assert _public(client, filing(decision_id=scene.decision.id), address="198.51.100.7").status_code == 201


def test_public_filers_cannot_probe_draft_dossiers(client, scene):
    draft = _public(client, filing(dossier_id=scene.draft.id))
    absent = _public(client, filing(dossier_id=987654))
    assert draft.status_code == absent.status_code == 422
    assert draft.json["detail"] == absent.json["detail"] == "Không tìm thấy đối tượng khiếu nại."


def test_escalation_before_resolution_is_409(client, bearer, scene):
    headers = bearer(scene.tree.proposer)
    filed = client.post("/api/v1/complaints", json=filing(decision_id=scene.decision.id), headers=headers)
    answer = client.post(f"/api/v1/complaints/{filed.json['id']}/escalate", json={}, headers=headers)
    assert answer.status_code == 409 and answer.mimetype == PROBLEM


def test_the_complainant_escalates_a_resolved_complaint(client, bearer, scene, session, clock):
    headers = bearer(scene.tree.proposer)
    filed = client.post("/api/v1/complaints", json=filing(decision_id=scene.decision.id), headers=headers)
    first = session.get(Complaint, filed.json["id"])
    first.status, first.resolved_at, first.outcome = "resolved", clock.now(), "rejected"
    session.commit()
    answer = client.post(f"/api/v1/complaints/{first.id}/escalate",
                         json={"content": "Đề nghị xem xét lại kết quả giải quyết."}, headers=headers)
    assert answer.status_code == 201, answer.json
    second = client.get(f"/api/v1/complaints/{answer.json['id']}", headers=bearer(scene.province_officer)).json
    assert (second["instance_level"], second["parent_id"]) == (2, first.id)
    assert second["handling_unit"]["code"] == "HBX" and second["open_tasks"] == ["accept_complaint"]
    again = client.post(f"/api/v1/complaints/{first.id}/escalate", json={}, headers=headers)
    assert again.status_code == 409


def test_the_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/complaints", "/api/v1/complaints/{complaint_id}", "/api/v1/complaints/{complaint_id}/escalate",
            "/api/v1/public/complaints", "/api/v1/public/complaints/{tracking_code}"} <= set(paths)
    body = paths["/api/v1/public/complaints"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ComplaintCreate"}


def test_a_public_filer_gets_a_secret_once_and_escalates_with_it(client, scene, db, clock, session_factory):
    filed = _public(client, filing(decision_id=scene.decision.id))
    assert filed.status_code == 201 and set(filed.json) == {"tracking_code", "status", "secret"}
    code, secret = filed.json["tracking_code"], filed.json["secret"]
    stored = db(lambda s: s.scalar(select(Complaint.secret_hash).where(Complaint.tracking_code == code)))
    assert stored and secret not in stored
    url = f"/api/v1/public/complaints/{code}/escalate"
    early = client.post(url, json={"secret": secret}, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert early.status_code == 409 and early.mimetype == PROBLEM  # neither a result nor a passed deadline
    wrong = client.post(url, json={"secret": "AAAA-AAAA-AAAA-AAAA"}, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert wrong.status_code == 404 and wrong.mimetype == PROBLEM
    missing = client.post(url, json={}, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert missing.status_code == 422 and "secret" in missing.json["errors"]

    def resolve(s):
        complaint = s.scalar(select(Complaint).where(Complaint.tracking_code == code))
        complaint.status, complaint.resolved_at, complaint.outcome = "resolved", clock.now(), "rejected"
    with session_factory() as s:
        resolve(s)
        s.commit()
    second = client.post(url, json={"secret": secret, "content": "Không đồng ý."},
                         environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert second.status_code == 201, second.json
    assert second.json["tracking_code"] != code and second.json["status"] == "received"


def test_the_complainant_attaches_a_document_and_the_officer_downloads_it(client, bearer, scene):
    filed = client.post("/api/v1/complaints", json=filing(decision_id=scene.decision.id),
                        headers=bearer(scene.tree.proposer))
    url = f"/api/v1/complaints/{filed.json['id']}/attachments"
    pdf = b"%PDF-1.7\n%don\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    added = client.post(url, data={"file": (io.BytesIO(pdf), "đơn.pdf")}, content_type="multipart/form-data",
                        headers=bearer(scene.tree.proposer))
    assert added.status_code == 201, added.json
    assert (added.json["filename"], added.json["content_type"]) == ("đơn.pdf", "application/pdf")
    refused = client.post(url, data={"file": (io.BytesIO(b"plain text"), "a.pdf")},
                          content_type="multipart/form-data", headers=bearer(scene.tree.proposer))
    assert refused.status_code == 415 and refused.mimetype == PROBLEM
    officer = bearer(scene.commune_officer)
    detail = client.get(f"/api/v1/complaints/{filed.json['id']}", headers=officer).json
    assert [a["filename"] for a in detail["attachments"]] == ["đơn.pdf"]
    assert detail["complainant"]["address"] == COMPLAINANT["address"]
    download = client.get(f"{url}/{added.json['id']}", headers=officer)
    assert download.status_code == 200 and download.data == pdf
    assert client.get(f"{url}/{added.json['id']}", headers=bearer(scene.outsider)).status_code == 404


def test_the_officer_extends_a_denunciation_s_initial_handling_over_http(client, bearer, scene):
    payload = {**filing(decision_id=scene.decision.id), "kind": "denunciation"}
    answer = client.post("/api/v1/complaints", json=payload, headers=bearer(scene.tree.proposer))
    assert answer.status_code == 201, answer.json
    url = f"/api/v1/complaints/{answer.json['id']}/acceptance-extension"
    officer = bearer(scene.commune_officer)
    seven = client.get(f"/api/v1/complaints/{answer.json['id']}", headers=officer).json["acceptance_due_on"]
    refused = client.post(url, json={"reason": ""}, headers=officer)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM and "reason" in refused.json["errors"]
    stranger = bearer(scene.outsider)
    assert client.post(url, json={"reason": "Xác minh tại nhiều nơi."}, headers=stranger).status_code == 404
    extended = client.post(url, json={"reason": "Xác minh tại nhiều nơi."}, headers=officer)
    assert extended.status_code == 200, extended.json
    assert extended.json["acceptance_due_on"] > seven
    again = client.post(url, json={"reason": "Xác minh tại nhiều nơi."}, headers=officer)
    assert again.status_code == 409 and again.mimetype == PROBLEM
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/complaints/{complaint_id}/acceptance-extension" in paths
