"""Officers work tasks in forms drawn from the tasks' JSON Schemas: Vietnamese labels and choices,
the eligibility pre-check per nomination at `appraise`, only the actions open at this level at
`decide`, and every refusal written beside the field it concerns."""
from __future__ import annotations

from engine.models import Dossier, DossierStatus, NominationStatus
from tests.web.conftest import log_in, open_task, submitted_dossier


def test_the_office_checks_and_appraises_with_errors_beside_the_fields(client, ctx, tree, db):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    check = open_task(ctx, tree.commune_office, dossier.id, "check_completeness")
    csrf = log_in(client, tree.commune_office)
    page = client.get(f"/tasks/{check}").get_data(as_text=True)
    assert "Hồ sơ đầy đủ, tiếp nhận" in page and "Yêu cầu bổ sung" in page and "Kết quả kiểm tra" in page
    refused = client.post(f"/tasks/{check}", data={"csrf_token": csrf, "outcome": "supplement"})
    assert refused.status_code == 422
    assert 'id="f-missing-loi"' in refused.get_data(as_text=True)
    done = client.post(f"/tasks/{check}", data={"csrf_token": csrf, "outcome": "complete"})
    appraise = open_task(ctx, tree.commune_office, dossier.id, "appraise")
    assert done.headers["Location"] == f"/tasks/{appraise}"  # the office's next step, straight away

    page = client.get(f"/tasks/{appraise}").get_data(as_text=True)
    assert "Kiểm tra tự động" in page and "Đạt" in page and "Nguyễn Thị Tươi" in page
    ids = db(lambda s: [n.id for n in s.get(Dossier, dossier.id).nominations])
    form = {"csrf_token": csrf, "nominations[0].id": ids[0], "nominations[0].eligible": "false",
            "nominations[1].id": ids[1], "nominations[1].eligible": "true"}
    refused = client.post(f"/tasks/{appraise}", data=form)
    assert refused.status_code == 422
    assert 'id="f-nominations-0-note-loi"' in refused.get_data(as_text=True)
    assert "Cần nêu lý do không đủ điều kiện." in refused.get_data(as_text=True)
    form["nominations[0].eligible"] = "true"
    assert client.post(f"/tasks/{appraise}", data=form).status_code == 302


def test_the_head_sees_only_the_actions_open_at_this_level(client, ctx, tree, db):
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    office = log_in(client, tree.commune_office)
    client.post(f"/tasks/{open_task(ctx, tree.commune_office, dossier.id, 'check_completeness')}",
                data={"csrf_token": office, "outcome": "complete"})
    ids = db(lambda s: [n.id for n in s.get(Dossier, dossier.id).nominations])
    client.post(f"/tasks/{open_task(ctx, tree.commune_office, dossier.id, 'appraise')}", data={
        "csrf_token": office, "nominations[0].id": ids[0], "nominations[0].eligible": "true",
        "nominations[1].id": ids[1], "nominations[1].eligible": "true"})
    decide = open_task(ctx, tree.commune_head, dossier.id, "decide")
    head = log_in(client, tree.commune_head)
    page = client.get(f"/tasks/{decide}").get_data(as_text=True)
    _, giay_khen, bk_tinh = page.split('<fieldset class="item card">')
    assert "Nguyễn Thị Tươi" in giay_khen and "Phạm Văn An" in bk_tinh
    assert 'value="approve"' in giay_khen and 'value="forward"' not in giay_khen
    assert 'value="forward"' in bk_tinh and 'value="approve"' not in bk_tinh
    assert "Trình cấp trên" in bk_tinh and "Khen thưởng" in giay_khen
    response = client.post(f"/tasks/{decide}", data={
        "csrf_token": head, "nominations[0].id": ids[0], "nominations[0].action": "reject",
        "nominations[1].id": ids[1], "nominations[1].action": "forward"})
    assert response.status_code == 422 and "Không khen thưởng phải nêu lý do." in response.get_data(as_text=True)
    response = client.post(f"/tasks/{decide}", data={
        "csrf_token": head, "nominations[0].id": ids[0], "nominations[0].action": "approve",
        "nominations[1].id": ids[1], "nominations[1].action": "forward"})
    assert response.status_code == 302
    statuses = db(lambda s: [n.status for n in s.get(Dossier, dossier.id).nominations])
    assert statuses == [NominationStatus.APPROVED, NominationStatus.PENDING]  # pending again, at the province
    assert db(lambda s: (s.get(Dossier, dossier.id).status, s.get(Dossier, dossier.id).reviewing_unit_id)) == (
        DossierStatus.IN_REVIEW, tree.province.id)
    # The level is drawn afresh at the province: the commune's decision lies behind, on the first level.
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    province_level = page.split("— UBND tỉnh Hòa Bình Xanh</strong>", 1)[1].split("</figcaption>", 1)[0]
    assert "Đang ở bước: Kiểm tra tính đầy đủ của hồ sơ" in province_level and "Đã qua" not in province_level


def test_claiming_tells_colleagues_and_blocks_them(client, app, ctx, session, settings, tree):
    from engine.models import Role
    from tests.factories import make_user

    make_user(session, settings, "xa.vanphong2", (Role.OFFICE, tree.commune))
    session.commit()
    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    check = open_task(ctx, tree.commune_office, dossier.id, "check_completeness")
    csrf = log_in(client, tree.commune_office)
    assert client.post(f"/tasks/{check}/claim", data={"csrf_token": csrf}).status_code == 302
    colleague = app.test_client()
    log_in(colleague, "xa.vanphong2")
    page = colleague.get(f"/tasks/{check}").get_data(as_text=True)
    assert "Nhiệm vụ đang do" in page and "Đang do" in colleague.get("/inbox").get_data(as_text=True)
    assert client.post(f"/tasks/{check}/unclaim", data={"csrf_token": csrf}).status_code == 302
    assert "Nhiệm vụ đang do" not in colleague.get(f"/tasks/{check}").get_data(as_text=True)
