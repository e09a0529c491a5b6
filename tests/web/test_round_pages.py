"""The round pages: the commune's office opens a round through the form (a fault is shown next to its
field), the school's dossier joins it, and the round's page shows it with the countdown."""
from __future__ import annotations

from tests.web.conftest import log_in, submitted_dossier


def test_the_office_opens_a_round_and_the_page_lists_the_dossier_with_the_countdown(client, ctx, tree):
    csrf = log_in(client, tree.commune_office)
    page = client.get("/rounds").get_data(as_text=True)
    assert "Chưa có đợt xét nào." in page and "Mở đợt xét mới" in page
    form = {"csrf_token": csrf, "unit_id": str(tree.commune.id), "title": "Đợt xét tổng kết năm học 2025–2026",
            "kind": "school_year", "cutoff_on": "30/11/2026", "council_on": "01/11/2026", "late_policy": "refuse"}
    refused = client.post("/rounds", data=form)
    assert refused.status_code == 422
    assert "Ngày họp Hội đồng không được trước hạn nhận hồ sơ (30/11/2026)." in refused.get_data(as_text=True)
    created = client.post("/rounds", data={**form, "council_on": "05/12/2026", "award_types": ["GIAY_KHEN"]})
    assert created.status_code == 303
    round_url = created.headers["Location"]

    dossier = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"))
    page = client.get(round_url).get_data(as_text=True)
    assert "còn 7 ngày" in page and dossier.title in page and "Nguyễn Thị Tươi" in page
    assert "Đóng đợt xét" in page and "05/12/2026" in page

    proposer = client.application.test_client()
    log_in(proposer, tree.proposer)
    seen = proposer.get(round_url).get_data(as_text=True)
    assert "Nguyễn Thị Tươi" in seen and "Đóng đợt xét" not in seen
    assert "Mở đợt xét mới" not in proposer.get("/rounds").get_data(as_text=True)

    closed = client.post(round_url + "/close", data={"csrf_token": csrf})
    assert closed.status_code == 303
    assert "Đã đóng" in client.get(round_url).get_data(as_text=True)
