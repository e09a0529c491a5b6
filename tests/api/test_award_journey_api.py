"""The whole path over HTTP for award types without a council vote: a school proposes GIAY_KHEN and
BK_TINH; the commune grants the first and forwards the second; the province asks for a supplement,
then grants it; the proposer reads the outcome and downloads both decisions."""
from __future__ import annotations

import io

from docx import Document

from engine.models import Role
from tests.api.test_dossiers_api import API, pdf, upload
from tests.factories import make_user


def _task(client, headers, dossier_id, key):
    items = client.get(f"{API}/tasks?dossier={dossier_id}&key={key}", headers=headers).json["items"]
    assert len(items) == 1, items
    return client.get(f"{API}/tasks/{items[0]['id']}", headers=headers).json


def _complete(client, headers, task, data, status=200):
    response = client.post(f"{API}/tasks/{task['id']}/complete", headers=headers, json={"data": data})
    assert response.status_code == status, response.json
    return response.json


def test_giay_khen_at_the_commune_and_bk_tinh_at_the_province_over_http(client, world, bearer, session, settings):
    province_head = make_user(session, settings, "tinh.chutich", (Role.HEAD, world.province),
                              full_name="Trần Văn Bình")
    session.commit()
    proposer, commune_office, commune_head = bearer(world.proposer), bearer(world.office), bearer(world.head)
    province_office, province_head = bearer(world.other_office), bearer(province_head)

    dossier = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị khen thưởng năm học 2025-2026", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "GIAY_KHEN", "nominee": {"kind": "individual", "full_name": "Nguyễn Thị Tươi",
                                                    "position": "Giáo viên"}, "achievements": "Giáo viên giỏi"},
            {"award_type": "BK_TINH", "nominee": {"kind": "individual", "full_name": "Phạm Văn An",
                                                  "position": "Hiệu trưởng"}, "achievements": "Dẫn dắt nhà trường"},
        ]}).json
    dossier_id = dossier["id"]
    assert upload(client, proposer, dossier_id, pdf("tờ trình"), "to-trinh.pdf", "submission").status_code == 201
    for nomination in dossier["nominations"]:
        assert upload(client, proposer, dossier_id, pdf(f"báo cáo {nomination['id']}"), "bao-cao.pdf",
                      "achievement_report", nomination["id"]).status_code == 201
    assert client.post(f"{API}/dossiers/{dossier_id}/submit", headers=proposer).status_code == 200
    assert client.patch(f"{API}/dossiers/{dossier_id}", headers=proposer, json={"title": "Sửa"}).status_code == 409

    # The commune: receipt, appraisal with the automatic pre-check, decision within its authority.
    _complete(client, commune_office, _task(client, commune_office, dossier_id, "check_completeness"),
              {"outcome": "complete"})
    detail = client.get(f"{API}/dossiers/{dossier_id}", headers=proposer).json
    assert detail["status"] == "in_review" and detail["result_due_on"]
    appraise = _task(client, commune_office, dossier_id, "appraise")
    assert all("checks" in item for item in appraise["data"]["nominations"])
    _complete(client, commune_office, appraise, {"nominations": [
        {"id": n["id"], "eligible": True} for n in appraise["data"]["nominations"]]})
    decide = _task(client, commune_head, dossier_id, "decide")
    ids = {n["award_type"]: n["id"] for n in decide["data"]["nominations"]}
    refused = _complete(client, commune_head, decide, {"nominations": [
        {"id": ids["GIAY_KHEN"], "action": "approve"}, {"id": ids["BK_TINH"], "action": "approve"}]}, status=422)
    assert set(refused["errors"]) == {"nominations[1].action"}
    _complete(client, commune_head, decide, {"nominations": [
        {"id": ids["GIAY_KHEN"], "action": "approve"}, {"id": ids["BK_TINH"], "action": "forward"}]})

    # The province: a supplement first, then the grant.
    _complete(client, province_office, _task(client, province_office, dossier_id, "check_completeness"),
              {"outcome": "supplement", "missing": "Báo cáo thành tích có xác nhận"})
    assert client.get(f"{API}/dossiers/{dossier_id}", headers=proposer).json["status"] == "supplement_requested"
    assert upload(client, proposer, dossier_id, pdf("báo cáo có xác nhận"), "bao-cao-xac-nhan.pdf",
                  "achievement_report", ids["BK_TINH"]).status_code == 201
    _complete(client, proposer, _task(client, proposer, dossier_id, "supplement_dossier"),
              {"note": "Đã bổ sung báo cáo có xác nhận"})
    _complete(client, province_office, _task(client, province_office, dossier_id, "check_completeness"),
              {"outcome": "complete"})
    _complete(client, province_office, _task(client, province_office, dossier_id, "appraise"),
              {"nominations": [{"id": ids["BK_TINH"], "eligible": True}]})
    _complete(client, province_head, _task(client, province_head, dossier_id, "decide"),
              {"nominations": [{"id": ids["BK_TINH"], "action": "approve"}]})

    # The proposer sees every outcome and both decisions.
    detail = client.get(f"{API}/dossiers/{dossier_id}", headers=proposer).json
    assert detail["status"] == "decided"
    outcomes = {n["nominee"]["full_name"]: n["status"] for n in detail["nominations"]}
    assert outcomes == {"Nguyễn Thị Tươi": "approved", "Phạm Văn An": "approved"}
    decisions = client.get(f"{API}/decisions?dossier={dossier_id}", headers=proposer).json["items"]
    assert sorted(d["number"] for d in decisions) == ["01/QĐ-UBND", "01/QĐ-UBND"]
    for decision in decisions:
        response = client.get(f"{API}/decisions/{decision['id']}/document.docx", headers=proposer)
        assert response.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
        assert "QUYẾT ĐỊNH" in text
    notes = client.get(f"{API}/notifications", headers=proposer).json["items"]
    assert any("Phạm Văn An (Bằng khen của Bộ trưởng, Chủ tịch Ủy ban nhân dân tỉnh): được khen thưởng" in n["body"]
               for n in notes)
    actions = [e["action"] for e in client.get(f"{API}/dossiers/{dossier_id}/audit?per_page=200",
                                                     headers=proposer).json["items"]]
    assert actions[0] == "dossier_created" and {"decision_issued", "dossier_decided"} <= set(actions)
    assert actions[-1] == "process_completed"
    people = client.get(f"{API}/people?q=pham van an", headers=commune_office).json["items"]
    assert people and people[0]["name"] == "Phạm Văn An"
