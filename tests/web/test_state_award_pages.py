"""The pages of the steps before a state-level decision (state_award.bpmn): each task of the province's
standing office renders with its form, its Vietnamese title and its due day, and the dossier page still
offers the recording of the central decision."""
from __future__ import annotations

from engine.clock import LOCAL_TZ
from tests.web.conftest import log_in, open_task
from tests.workflows.journey import Journey
from tests.workflows.test_state_award import CONSULTED, PARTY, SUBMITTED, _forward_order

PAGES = {
    "consult_agencies": ("Lấy ý kiến hiệp y của các cơ quan liên quan", "Các cơ quan được lấy ý kiến hiệp y",
                         CONSULTED),
    "party_opinion": ("Ghi nhận ý kiến của Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy đồng ý đề nghị", PARTY),
    "submit_to_central": ("Trình cấp trên: tờ trình và danh sách đề nghị", "Số tờ trình", None),
}


def test_each_step_of_the_province_renders_with_its_form_and_due_day(client, ctx, tree):
    journey = Journey(ctx, tree)
    _forward_order(journey, tree)
    office, dossier_id = tree.province_office.username, journey.dossier_id
    ctx.session.commit()
    ctx.session.close()  # no transaction left open while the app serves requests (SQLite: one writer)
    log_in(client, office)
    for key, (title, field, data) in PAGES.items():
        task_id = open_task(ctx, tree.province_office, dossier_id, key)
        due = f"{journey.task(tree.province_office, key).due_at.astimezone(LOCAL_TZ):%d/%m/%Y}"
        ctx.session.commit()
        ctx.session.close()
        page = client.get(f"/tasks/{task_id}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert title in text and field in text, key
        assert due in text, key
        if data is not None:
            journey.complete(tree.province_office, key, data)
            ctx.session.close()
    dossier_page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Chờ quyết định của cấp có thẩm quyền" in dossier_page


def test_the_generated_to_trinh_is_downloaded_from_the_dossier_page(client, ctx, tree):
    journey = Journey(ctx, tree)
    _forward_order(journey, tree)
    journey.complete(tree.province_office, "consult_agencies", CONSULTED)
    journey.complete(tree.province_office, "party_opinion", PARTY)
    dossier_id, office = journey.dossier_id, tree.province_office.username
    ctx.session.commit()
    ctx.session.close()
    log_in(client, office)
    assert "Tải tờ trình" not in client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert client.get(f"/dossiers/{dossier_id}/state-submission.docx").status_code == 404
    journey.complete(tree.province_office, "submit_to_central", SUBMITTED)
    ctx.session.close()
    assert "Tải tờ trình và danh sách đề nghị" in client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    download = client.get(f"/dossiers/{dossier_id}/state-submission.docx")
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert download.headers["Cache-Control"] == "no-store" and "attachment" in download.headers["Content-Disposition"]
    assert b"word/document.xml" in download.data
