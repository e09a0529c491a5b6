"""GET /tasks/{id} pre-fills what the form may take back: posting `data` unchanged (with only the
required fields the user must still fill) is never refused for its type, and what was typed at one
step does not reappear in the next step's form (issue 10)."""
from __future__ import annotations

from tests.api.test_award_journey_api import _complete, _task
from tests.api.test_dossiers_api import API, pdf, upload


def test_posting_the_prefilled_data_back_is_accepted_at_every_step_and_notes_stay_where_typed(client, world, bearer,
                                                                                              session, settings):
    proposer, commune_office, commune_head = bearer(world.proposer), bearer(world.office), bearer(world.head)
    province_office = bearer(world.other_office)
    dossier = client.post(f"{API}/dossiers", headers=proposer, json={
        "title": "Đề nghị khen thưởng", "year": 2026, "kind": "regular", "nominations": [
            {"award_type": "BK_TINH", "achievements": "Dẫn dắt nhà trường",
             "nominee": {"kind": "individual", "full_name": "Phạm Văn An", "position": "Hiệu trưởng"}}]}).json
    dossier_id = dossier["id"]
    assert upload(client, proposer, dossier_id, pdf("tờ trình"), "to-trinh.pdf", "submission").status_code == 201
    assert upload(client, proposer, dossier_id, pdf("báo cáo"), "bao-cao.pdf", "achievement_report",
                  dossier["nominations"][0]["id"]).status_code == 201
    assert client.post(f"{API}/dossiers/{dossier_id}/submit", headers=proposer).status_code == 200

    check = _task(client, commune_office, dossier_id, "check_completeness")
    assert check["data"] == {}
    _complete(client, commune_office, check, {**check["data"], "outcome": "complete",
                                              "note": "Hồ sơ đủ, đã đối chiếu bản gốc"})
    appraise = _task(client, commune_office, dossier_id, "appraise")
    assert "note" not in appraise["data"]  # the completeness note is not the appraisal's "Ghi chú chung"
    rows = [{**row, "eligible": True} for row in appraise["data"]["nominations"]]
    _complete(client, commune_office, appraise, {**appraise["data"], "nominations": rows})
    decide = _task(client, commune_head, dossier_id, "decide")
    _complete(client, commune_head, decide, {**decide["data"], "nominations": [
        {**row, "action": "forward"} for row in decide["data"]["nominations"]]})

    # The next level: nothing of the commune's forms is offered again, and the data goes back as it came.
    province_check = _task(client, province_office, dossier_id, "check_completeness")
    assert province_check["data"] == {}
    _complete(client, province_office, province_check, {**province_check["data"], "outcome": "complete"})
    province_appraise = _task(client, province_office, dossier_id, "appraise")
    assert set(province_appraise["data"]) == {"nominations"}
