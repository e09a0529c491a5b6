"""The province's standing office records, on the dossier page, the Prime Minister's decision on the
nominations it forwarded beyond the tree; the proposer sees the outcome and no form."""
from __future__ import annotations

from engine.models import Dossier, NominationStatus
from tests.web.conftest import log_in
from tests.workflows.journey import Journey


def test_the_province_office_records_the_central_decision_on_the_dossier_page(client, ctx, tree, db):
    journey = Journey(ctx, tree)
    journey.submit(("BK_TTG", "Nguyễn Thị Tươi"))
    for office, head, council in ((tree.commune_office, tree.commune_head, tree.commune_council),
                                  (tree.province_office, tree.province_head, tree.province_council)):
        journey.complete(office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(office)
        journey.vote(council)
        journey.decide(head, Nguyễn_Thị_Tươi="forward")
    dossier_id = journey.dossier_id
    office, proposer = tree.province_office.username, tree.proposer.username
    ctx.session.commit()
    ctx.session.close()  # no transaction left open while the app serves requests (SQLite: one writer)
    [nomination_id] = db(lambda s: [n.id for n in s.get(Dossier, dossier_id).nominations])

    csrf = log_in(client, office)
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Chờ quyết định của cấp có thẩm quyền" in page and "Ghi quyết định vào sổ theo dõi" in page
    bad = client.post(f"/dossiers/{dossier_id}/state-decision", data={
        "csrf_token": csrf, "number": "", "signed_on": "hôm qua", "issuer": "Thủ tướng Chính phủ"})
    assert bad.status_code == 422 and "Cần ngày dạng dd/mm/yyyy" in bad.get_data(as_text=True)
    done = client.post(f"/dossiers/{dossier_id}/state-decision", follow_redirects=True, data={
        "csrf_token": csrf, "number": "1234/QĐ-TTg", "signed_on": "15/11/2026", "issuer": "Thủ tướng Chính phủ",
        "awarded": str(nomination_id)})
    assert done.status_code == 200
    assert "Đã ghi QĐ số 1234/QĐ-TTg ngày 15/11/2026 của Thủ tướng Chính phủ" in done.get_data(as_text=True)
    assert db(lambda s: s.get(Dossier, dossier_id).nominations[0].status) == NominationStatus.APPROVED

    log_in(client, proposer)
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Ghi quyết định vào sổ theo dõi" not in page and "Chờ quyết định của cấp có thẩm quyền" not in page
