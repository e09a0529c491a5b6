"""Statistics read against what was decided: a year of dossiers walked through the real BPMN files
(granted at the commune and at the province, a collective, a rejection, one still in review, an award
revoked after an upheld complaint), then every figure of GET /api/v1/statistics, the XLSX's totals
opened with openpyxl, the DOCX, the page and the dashboard."""
from __future__ import annotations

import io
import secrets

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import Complaint, ComplaintKind, ComplaintStatus, Nomination
from engine.operations.processes import start_process
from engine.operations.statistics import queries
from engine.operations.statistics.inputs import Period, read_query
from tests.factories import make_unit, make_user
from tests.web.conftest import log_in
from tests.workflows.journey import Journey, build_tree

GK_INDIVIDUAL = 710_000  # 0.3 × 2,340,000 = 702,000 rounded up to tens of thousands (docs/decisions.md)
GK_COLLECTIVE = 1_410_000  # 0.6 × 2,340,000 = 1,404,000 → 1,410,000
BK_INDIVIDUAL = 2_340_000  # 1.0 × 2,340,000


def _complaint_revoking(journey: Journey, tree, decision_id: int) -> None:
    ctx = journey.ctx
    complaint = Complaint(kind=ComplaintKind.COMPLAINT, tracking_code=f"KN-{secrets.token_hex(4).upper()}",
                          decision_id=decision_id, handling_unit_id=tree.commune.id, complainant_name="Nguyễn Văn Dân",
                          complainant_contact="0912 345 678", content="Thành tích kê khai không đúng sự thật.",
                          status=ComplaintStatus.RECEIVED, filed_at=ctx.clock.now())
    ctx.session.add(complaint)
    ctx.session.flush()
    instance, _ = start_process(ctx, "complaint", {"complaint_id": complaint.id, "handling_unit": tree.commune.id},
                                complaint_id=complaint.id)
    complaint.instance_id = instance.id
    ctx.session.commit()
    journey.complete(tree.commune_complaints, "accept_complaint", {"outcome": "accept"})
    journey.complete(tree.commune_complaints, "investigate", {"findings": "Hồ sơ thành tích bị làm giả."})
    journey.complete(tree.commune_head, "resolve_complaint", {"outcome": "upheld", "revoke": True,
                                                              "reason": "Thành tích kê khai gian dối."})
    prefill = journey.prefill(tree.commune_office, "prepare_revocation")
    journey.complete(tree.commune_office, "prepare_revocation", {**prefill, "ground": "false_declaration"})
    journey.complete(tree.commune_head, "decide_revocation", {"approve": True})
    journey.complete(tree.commune_office, "confirm_recovery", {"certificate_recovered": True, "money_recovered": True})


@pytest.fixture
def year(ctx, session, settings, clock):
    """2026 through the journeys; returns the tree."""
    tree = build_tree(session, settings)
    journey = Journey(ctx, tree)
    # 1: a person granted a Giấy khen by the commune two days after submission; another forwarded and
    #    granted a Bằng khen by the province five days later.
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("BK_TINH", "Phạm Văn An"))
    clock.advance(days=2)
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="forward")
    clock.advance(days=5)
    journey.pass_level(tree.province_office, tree.province_head, Phạm_Văn_An="approve")
    # 2: a collective granted, a person rejected.
    journey.submit(("GIAY_KHEN", "Tổ Toán - Tin"), ("GIAY_KHEN", "Lê Văn Sai"))
    collective = session.scalars(select(Nomination).where(Nomination.nominee_name == "Tổ Toán - Tin")).one()
    collective.nominee_kind = "collective"
    session.commit()
    journey.pass_level(tree.commune_office, tree.commune_head, **{"Tổ_Toán_-_Tin": "approve", "Lê_Văn_Sai": "reject"})
    # 3: granted, then revoked after an upheld complaint.
    journey.submit(("GIAY_KHEN", "Trần Thị Thu"))
    journey.pass_level(tree.commune_office, tree.commune_head, Trần_Thị_Thu="approve")
    thu = session.scalars(select(Nomination).where(Nomination.nominee_name == "Trần Thị Thu")).one()
    _complaint_revoking(journey, tree, thu.decision_id)
    # 4: still waiting for the commune's office.
    journey.submit(("GIAY_KHEN", "Đỗ Văn Chờ"))
    for user in (tree.province_head, tree.commune_head, tree.commune_office, tree.province_office):
        assert user.id and user.username
    assert tree.province.id and tree.commune.id
    session.commit()  # end the read transaction: the app's own connections write next (SQLite locks)
    return tree


def _stats(ctx, user, **args):
    return queries.statistics(ctx.as_actor(user), read_query(args, today=ctx.clock.now().date()))


def test_every_figure_is_what_was_decided(ctx, year):
    tree = year
    for unit in (tree.province, tree.commune):
        stats = _stats(ctx, tree.province_head, unit=str(unit.id), year="2026")
        grants = {(r.level, r.award_type, r.nominee_kind.value): (r.granted, r.revoked) for r in stats.grants}
        assert grants == {("province", "BK_TINH", "individual"): (1, 0),
                          ("commune", "GIAY_KHEN", "individual"): (2, 1),
                          ("commune", "GIAY_KHEN", "collective"): (1, 0)}
        assert (stats.granted, stats.revoked, stats.granted_individuals, stats.granted_collectives) == (4, 1, 3, 1)
        assert stats.granted_of_kind("commendation") == 4 and stats.granted_of_kind("title") == 0
        levels = {r.level: (r.proposed, r.approved, r.rejected, r.in_progress, r.revoked) for r in stats.levels}
        assert levels == {"commune": (5, 2, 1, 1, 1), "province": (1, 1, 0, 0, 0)}
        timing = {r.level: (r.decisions, r.average_days, r.longest_days) for r in stats.timing}
        assert timing == {"province": (1, 7.0, 7.0), "commune": (3, 0.7, 2.0)}  # 2, 0 and 0 days
        money = {(r.award_type, r.nominee_kind.value): (r.count, r.amount_each, r.total, r.revoked_total)
                 for r in stats.money}
        assert money == {("GIAY_KHEN", "individual"): (2, GK_INDIVIDUAL, 2 * GK_INDIVIDUAL, GK_INDIVIDUAL),
                         ("GIAY_KHEN", "collective"): (1, GK_COLLECTIVE, GK_COLLECTIVE, 0),
                         ("BK_TINH", "individual"): (1, BK_INDIVIDUAL, BK_INDIVIDUAL, 0)}
        assert stats.money_total == 2 * GK_INDIVIDUAL + GK_COLLECTIVE + BK_INDIVIDUAL
        complaints = {r.kind.value: (r.filed, r.open, r.closed) for r in stats.complaints}
        assert complaints == {"complaint": (1, 0, 1), "denunciation": (0, 0, 0)}
        assert {k.value: v for k, v in stats.revocations.items() if v} == {"closed": 1}
        assert stats.revoked_nominations == 1
        assert (stats.overdue_dossiers, stats.withdrawn) == (0, 0)
    # Another year, another unit's subtree: nothing.
    empty = _stats(ctx, tree.province_head, unit=str(tree.province.id), year="2025")
    assert (empty.granted, empty.proposed, empty.money_total, empty.complaints_filed) == (0, 0, 0, 0)
    other = make_unit(ctx.session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Bình An")
    ctx.session.commit()
    assert _stats(ctx, tree.province_head, unit=str(other.id), year="2026").granted == 0
    # A period of two dates counts the same decisions as the year that holds them.
    period = _stats(ctx, tree.province_head, unit=str(tree.province.id), **{"from": "01/11/2026", "to": "31/12/2026"})
    assert period.granted == 4 and period.period == Period(period.period.start, period.period.end)


def test_the_api_the_workbook_and_the_document(client, bearer, ctx, year):
    tree = year
    headers = bearer(tree.province_head)
    body = client.get(f"/api/v1/statistics?unit={tree.province.id}&year=2026", headers=headers).get_json()
    assert (body["granted"], body["revoked"], body["proposed"], body["approved"]) == (4, 1, 6, 3)
    assert body["money_total"] == 2 * GK_INDIVIDUAL + GK_COLLECTIVE + BK_INDIVIDUAL
    assert body["revocations"]["closed"] == 1 and body["cannot_split"]

    answer = client.get(f"/api/v1/statistics.xlsx?unit={tree.province.id}&year=2026", headers=headers)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(answer.data))
    sheet = book["Khen thưởng"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    body_rows, total = rows[:-1], rows[-1]
    assert total[0] == "Tổng cộng" and total[3:] == (3, 1, 0, 4, 1)
    assert sum(r[6] for r in body_rows) == total[6] and sum(r[3] for r in body_rows) == total[3]
    money = list(book["Tiền thưởng"].iter_rows(min_row=4, values_only=True))
    assert money[-1][4] == 2 * GK_INDIVIDUAL + GK_COLLECTIVE + BK_INDIVIDUAL == sum(r[4] for r in money[:-1])
    proposals = list(book["Đề nghị và kết quả"].iter_rows(min_row=4, values_only=True))
    assert proposals[-1][1:] == (6, 3, 1, 1, 1)

    answer = client.get(f"/api/v1/statistics.docx?unit={tree.province.id}&year=2026", headers=headers)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(answer.data)).paragraphs)
    assert "Số liệu thi đua, khen thưởng năm 2026" in text and "Chưa tách được" in text


def test_who_may_read_and_bad_questions(client, bearer, ctx, year, settings):
    tree = year
    # The commune's head sees the commune, not the province above it.
    headers = bearer(tree.commune_head)
    assert client.get(f"/api/v1/statistics?unit={tree.commune.id}&year=2026", headers=headers).status_code == 200
    assert client.get(f"/api/v1/statistics?unit={tree.province.id}&year=2026", headers=headers).status_code == 403
    assert client.get("/api/v1/statistics?unit=999999&year=2026", headers=headers).status_code == 404
    for query, field in (("year=20x6", "year"), ("year=2026&from=01/01/2026&to=02/01/2026", "year"),
                         ("from=01/01/2026", "to"), ("from=05/01/2026&to=01/01/2026", "to"), ("unit=abc", "unit")):
        answer = client.get(f"/api/v1/statistics?{query}", headers=headers)
        assert answer.status_code == 422, query
        assert field in answer.get_json()["errors"], (query, answer.get_json())
    # Without a unit: the highest unit the user holds a role at.
    assert client.get("/api/v1/statistics?year=2026", headers=headers).get_json()["unit"]["id"] == tree.commune.id
    nobody = make_user(ctx.session, settings, "khong.vaitro")
    ctx.session.commit()
    assert client.get("/api/v1/statistics", headers=bearer(nobody)).status_code == 403


def test_the_page_and_the_dashboard(client, ctx, year, settings):
    tree = year
    log_in(client, tree.province_head)
    page = client.get(f"/statistics?unit={tree.province.id}&year=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 4 and "Khen thưởng theo cấp quyết định" in html and "style=" not in html
    assert "Bằng khen" in html and "Giấy khen" in html
    assert client.get(f"/statistics.xlsx?unit={tree.province.id}&year=2026").status_code == 200
    bad = client.get("/statistics?year=2026&from=01/01/2026")
    assert bad.status_code == 422 and "không cả hai" in bad.get_data(as_text=True)
    board = client.get(f"/dashboard?unit={tree.province.id}&year=2026").get_data(as_text=True)
    assert "Tổng quan năm 2026" in board and "<svg" in board
    dash = queries.dashboard(ctx.as_actor(tree.province_head), tree.province.id, 2026)
    stages = dict(dash.dossiers)
    assert sum(stages.values()) == 4 and stages["decided"] == 3 and stages["in_review"] == 1
    assert dash.granted == 4 and dash.complaints_open == 0 and dash.tasks_waiting == 1


def test_a_panel_from_another_domain_shows_on_the_dashboard(ctx, year):
    @queries.dashboard_panel
    def fund(ctx, unit, year):  # what the reward fund will register
        return queries.Panel("Quỹ thi đua, khen thưởng", (("Số dư", "0 đồng"),)) if unit.level == "province" else None

    try:
        assert [p.title for p in queries.dashboard(ctx.as_actor(year.province_head), year.province.id, 2026).panels] \
            == ["Quỹ thi đua, khen thưởng"]
        assert queries.dashboard(ctx.as_actor(year.commune_head), year.commune.id, 2026).panels == []
    finally:
        queries._PANELS.remove(fund)



def test_periodic_reports_over_http(client, bearer, ctx, year):
    tree = year
    office, province = bearer(tree.commune_office), bearer(tree.province_head)
    answer = client.post("/api/v1/reports", json={"unit": tree.commune.id, "year": 2026, "kind": "year_end"},
                         headers=office)
    assert answer.status_code == 201, answer.get_json()
    report = answer.get_json()
    assert report["status"] == "drafting" and "4 trường hợp được khen thưởng" in report["body"]
    assert report["figures"]["money_total"] == 2 * GK_INDIVIDUAL + GK_COLLECTIVE + BK_INDIVIDUAL
    again = client.post("/api/v1/reports", json={"unit": tree.commune.id, "year": 2026, "kind": "year_end"},
                        headers=office)
    assert again.status_code == 409
    bad = client.post("/api/v1/reports", json={"unit": tree.commune.id, "year": 2026, "kind": "weekly"},
                      headers=office)
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]
    assert client.post("/api/v1/reports", json={"unit": tree.province.id, "year": 2026, "kind": "year_end"},
                       headers=office).status_code == 403
    rows = client.get(f"/api/v1/reports/reporting?unit={tree.province.id}&year=2026&kind=year_end",
                      headers=province).get_json()
    assert [(r["unit"]["id"], r["submitted"], r["report"]["status"]) for r in rows] == [
        (tree.commune.id, False, "drafting")]
    assert client.get(f"/api/v1/reports/{report['id']}/document.docx", headers=office).status_code == 200
    listed = client.get(f"/api/v1/reports?unit={tree.commune.id}&year=2026", headers=office).get_json()
    assert [r["id"] for r in listed] == [report["id"]]
    log_in(client, tree.province_head)
    page = client.get(f"/reports?unit={tree.province.id}&year=2026").get_data(as_text=True)
    assert "0/1 đơn vị đã gửi" in page and "UBND xã Bình Minh" in page


def test_the_office_opens_its_report_from_the_page(client, year):
    tree = year
    csrf = log_in(client, tree.commune_office)
    answer = client.post("/reports", data={"csrf_token": csrf, "unit": str(tree.commune.id), "year": "2026",
                                           "kind": "mid_year"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo sơ kết 6 tháng đầu năm — đang soạn" in page and "Tải báo cáo (DOCX)" in page
    again = client.post("/reports", data={"csrf_token": csrf, "unit": str(tree.commune.id), "year": "2026",
                                          "kind": "mid_year"})
    assert again.status_code == 409 and "đã lập báo cáo sơ kết 6 tháng đầu năm 2026" in again.get_data(as_text=True)
