"""The reward fund (docs/fund.md): money in, the payouts of an issued decision at the amounts of
rewards.yaml on its signing date, paid once, the balance, the yearly report; and, for the office, the
registry of exemplary people read by anyone once published."""
from __future__ import annotations

import io
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.errors import Conflict
from engine.models import (
    AuditEvent,
    Decision,
    FundEntry,
    FundEntryKind,
    FundPayout,
)
from engine.operations.fund import commands as fund
from engine.operations.fund.inputs import read_entry
from engine.operations.rounds.commands import create_round
from engine.operations.rounds.inputs import read_round
from engine.operations.statistics import queries as statistics
from tests.api.test_statistics_api import _complaint_revoking
from tests.workflows.journey import Journey, build_tree

PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
             b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def tree(session, settings):
    return build_tree(session, settings)


def _issued(journey: Journey, tree) -> int:
    """The commune grants Giấy khen to a teacher and to a second one: one decision of two awardees."""
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"), ("GIAY_KHEN", "Phạm Văn An"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve", Phạm_Văn_An="approve")
    decision_id = journey.session.scalars(select(Decision.id)).one()
    journey.session.commit()
    return decision_id


def test_the_fund_balance_after_a_decision_s_payouts(client, ctx, tree, bearer, db):
    # tokens and ids first: the journey's session then only reads between commits (SQLite: one writer)
    office, proposer, commune = bearer(tree.commune_office), bearer(tree.proposer), tree.commune.id
    journey = Journey(ctx, tree)
    decision_id = _issued(journey, tree)
    entry = client.post("/api/v1/fund/entries", headers=office, json={
        "unit_id": commune, "year": 2026, "kind": "budget", "amount": 5_000_000, "entered_on": "02/01/2026",
        "note": "Dự toán chi khen thưởng năm 2026"})
    assert entry.status_code == 201, entry.json
    assert client.post("/api/v1/fund/entries", headers=office, json={
        "unit_id": commune, "year": 2026, "kind": "income", "amount": 0, "entered_on": "02/01/2026",
        "note": "x"}).json["errors"] == {"amount": "Phải từ 1 đến 1000000000000."}
    assert client.post("/api/v1/fund/entries", headers=proposer, json={
        "unit_id": commune, "year": 2026, "kind": "income", "amount": 1, "entered_on": "02/01/2026",
        "note": "x"}).status_code == 403

    made = client.post(f"/api/v1/fund/decisions/{decision_id}/payouts", headers=office)
    assert made.status_code == 201, made.json
    # Giấy khen of a commune's chairman: 0.3 × 2,340,000 = 702,000, rounded up to tens of thousands
    assert sorted((p["awardee_name"], p["amount"], p["paid"]) for p in made.json) == [
        ("Nguyễn Thị Tươi", 710_000, False), ("Phạm Văn An", 710_000, False)]
    assert client.post(f"/api/v1/fund/decisions/{decision_id}/payouts", headers=office).json == []  # made once

    summary = client.get(f"/api/v1/fund/units/{commune}", headers=office, query_string={"year": 2026}).json
    assert (summary["money_in"], summary["paid"], summary["unpaid"], summary["balance"],
            summary["balance_after_unpaid"]) == (5_000_000, 0, 1_420_000, 5_000_000, 3_580_000)

    first = made.json[0]["id"]
    paid = client.post(f"/api/v1/fund/payouts/{first}/paid", headers=office)
    assert paid.status_code == 200 and paid.json["paid"] is True
    again = client.post(f"/api/v1/fund/payouts/{first}/paid", headers=office)
    assert again.status_code == 409
    summary = client.get(f"/api/v1/fund/units/{commune}", headers=office, query_string={"year": 2026}).json
    assert (summary["paid"], summary["unpaid"], summary["balance"]) == (710_000, 710_000, 4_290_000)
    unpaid = client.get(f"/api/v1/fund/units/{commune}/payouts", headers=office,
                        query_string={"year": 2026, "paid": "false"}).json
    assert [p["id"] for p in unpaid["items"]] == [made.json[1]["id"]]

    report = client.get(f"/api/v1/fund/units/{commune}/report.xlsx", headers=office, query_string={"year": 2026})
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.data))
    rows = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(min_row=4, values_only=True)}
    assert (rows["Tổng nguồn"], rows["Đã chi tiền thưởng"], rows["Số dư"]) == (5_000_000, 710_000, 4_290_000)
    assert sum(r[4] for r in book["Chi tiền thưởng"].iter_rows(min_row=2, values_only=True)) == 1_420_000
    actions = db(lambda s: s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("fund_%"))).all())
    assert sorted(actions) == ["fund_entry_added", "fund_payout_paid", "fund_payouts_created"]



def test_the_office_publishes_an_exemplar_anyone_reads(client, tree, bearer):
    office, proposer = bearer(tree.commune_office), bearer(tree.proposer)
    body = {"unit_id": tree.commune.id, "kind": "good_deed", "name": "Nguyễn Văn Hùng", "year": 2026,
            "movement": "Phong trào Người tốt, việc tốt", "story": "Cứu hai em nhỏ đuối nước ở sông Bình Minh."}
    created = client.post("/api/v1/exemplars", headers=office, json=body)
    assert created.status_code == 201, created.json
    exemplar = created.json["id"]
    assert client.get(f"/api/v1/public/exemplars/{exemplar}").status_code == 404  # not published yet
    not_an_image = client.post(f"/api/v1/exemplars/{exemplar}/photo", headers=office,
                               data={"file": (io.BytesIO(b"%PDF-1.4 not a photo"), "anh.jpg")})
    assert not_an_image.status_code == 415
    photo = client.post(f"/api/v1/exemplars/{exemplar}/photo", headers=office,
                        data={"file": (io.BytesIO(PNG_BYTES), "anh.png")})
    assert photo.status_code == 200 and photo.json["has_photo"] is True
    assert client.put(f"/api/v1/exemplars/{exemplar}", headers=office,
                      json={**body, "published": True}).status_code == 200
    assert client.post("/api/v1/exemplars", headers=proposer, json=body).status_code == 403

    listed = client.get("/api/v1/public/exemplars", query_string={"name": "nguyen van hung"}).json
    assert [e["name"] for e in listed["items"]] == ["Nguyễn Văn Hùng"]
    page = client.get(f"/cong-khai/dien-hinh/{exemplar}")
    assert page.status_code == 200 and "Cứu hai em nhỏ" in page.text and "Set-Cookie" not in page.headers
    image = client.get(f"/cong-khai/dien-hinh/{exemplar}/anh")
    assert image.status_code == 200 and image.data == PNG_BYTES and image.mimetype == "image/png"


@pytest.mark.postgres_only
def test_two_officers_marking_one_payout_paid_at_once_one_wins(ctx, tree, make_ctx, db):
    journey = Journey(ctx, tree)
    decision_id = _issued(journey, tree)
    ctx = journey.ctx.as_actor(tree.commune_office)
    payout_id = fund.create_payouts(ctx, decision_id)[0].id
    journey.session.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def pay() -> None:
        mine = make_ctx(tree.commune_office)
        start.wait()
        try:
            fund.mark_paid(mine, payout_id)
            mine.session.commit()
            outcomes.append("paid")
        except Conflict:
            mine.session.rollback()
            outcomes.append("refused")

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["paid", "refused"]
    assert db(lambda s: s.get(FundPayout, payout_id).paid_at) is not None
    paid = db(lambda s: s.scalars(select(AuditEvent).where(AuditEvent.action == "fund_payout_paid")).all())
    assert len(paid) == 1


def _revoke_decision(journey: Journey, tree, decision_id: int) -> None:
    """An upheld complaint revokes the decision's awards; the office confirms the money recovered."""
    _complaint_revoking(journey, tree, decision_id)
    journey.session.commit()


def test_recovered_money_returns_to_the_fund_and_a_revoked_award_is_no_longer_owed(client, ctx, tree, bearer, db):
    office, commune = bearer(tree.commune_office), tree.commune.id
    journey = Journey(ctx, tree)
    decision_id = _issued(journey, tree)
    keeper = journey.ctx.as_actor(tree.commune_office)
    fund.add_entry(keeper, read_entry({"unit_id": commune, "year": 2026, "kind": "budget", "amount": 5_000_000,
                                       "entered_on": "02/01/2026", "note": "Dự toán năm 2026"}))
    made = fund.create_payouts(keeper, decision_id)
    fund.mark_paid(keeper, made[0].id)  # one of the two is paid before the awards are revoked
    unpaid_id = made[1].id
    journey.session.commit()
    before = client.get(f"/api/v1/fund/units/{commune}", headers=office, query_string={"year": 2026}).json
    assert (before["paid"], before["unpaid"], before["balance"]) == (710_000, 710_000, 4_290_000)

    _revoke_decision(journey, tree, decision_id)

    after = client.get(f"/api/v1/fund/units/{commune}", headers=office, query_string={"year": 2026}).json
    assert (after["recovered"], after["money_in"], after["paid"], after["unpaid"], after["balance"]) == (
        710_000, 5_710_000, 710_000, 0, 5_000_000)
    assert client.post(f"/api/v1/fund/payouts/{unpaid_id}/paid", headers=office).status_code == 409
    entries = db(lambda s: s.scalars(select(FundEntry).where(FundEntry.kind == FundEntryKind.RECOVERED)).all())
    assert [(e.unit_id, e.amount, e.year) for e in entries] == [(commune, 710_000, 2026)]
    assert "Thu hồi tiền thưởng theo Quyết định số" in entries[0].note
    manual = client.post("/api/v1/fund/entries", headers=office, json={
        "unit_id": commune, "year": 2026, "kind": "recovered", "amount": 1, "entered_on": "02/01/2026", "note": "x"})
    assert manual.status_code == 422 and "kind" in manual.json["errors"]


def test_the_balance_carries_over_into_the_next_year(client, ctx, tree, bearer):
    office, commune = bearer(tree.commune_office), tree.commune.id
    journey = Journey(ctx, tree)
    decision_id = _issued(journey, tree)  # a 2026 decision: two payouts of 710,000
    keeper = journey.ctx.as_actor(tree.commune_office)
    for year, kind, amount in ((2025, "budget", 3_000_000), (2026, "budget", 2_000_000), (2027, "income", 500_000)):
        fund.add_entry(keeper, read_entry({"unit_id": commune, "year": year, "kind": kind, "amount": amount,
                                           "entered_on": f"02/01/{year}", "note": f"Nguồn năm {year}"}))
    for payout in fund.create_payouts(keeper, decision_id):
        fund.mark_paid(keeper, payout.id)
    journey.session.commit()

    def year(n: int) -> dict:
        return client.get(f"/api/v1/fund/units/{commune}", headers=office, query_string={"year": n}).json

    assert (year(2025)["carried_over"], year(2025)["balance"]) == (0, 3_000_000)
    assert (year(2026)["carried_over"], year(2026)["balance"]) == (3_000_000, 3_580_000)
    assert (year(2027)["carried_over"], year(2027)["money_in"], year(2027)["balance"]) == (3_580_000, 500_000,
                                                                                           4_080_000)
    report = client.get(f"/api/v1/fund/units/{commune}/report.xlsx", headers=office, query_string={"year": 2026})
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(report.data))["Tổng hợp"].iter_rows(min_row=4,
                                                                                              values_only=True)}
    assert (rows["Số dư năm 2025 chuyển sang"], rows["Tổng nguồn"], rows["Đã chi tiền thưởng"],
            rows["Chuyển sang năm 2027"]) == (3_000_000, 2_000_000, 1_420_000, 3_580_000)


def test_the_dashboard_shows_the_fund_and_the_rounds(ctx, tree):
    journey = Journey(ctx, tree)
    decision_id = _issued(journey, tree)
    keeper = journey.ctx.as_actor(tree.commune_office)
    fund.add_entry(keeper, read_entry({"unit_id": tree.commune.id, "year": 2026, "kind": "budget",
                                       "amount": 5_000_000, "entered_on": "02/01/2026", "note": "Dự toán"}))
    fund.create_payouts(keeper, decision_id)
    create_round(keeper, read_round({"unit_id": tree.commune.id, "title": "Xét khen thưởng tổng kết năm học",
                                     "kind": "school_year", "cutoff_on": "20/12/2026", "late_policy": "next_round"}))
    journey.session.commit()
    board = statistics.dashboard(journey.ctx.as_actor(tree.commune_head), tree.commune.id, 2026)
    panels = {p.title: dict(p.lines) for p in board.panels}
    assert panels["Quỹ thi đua, khen thưởng"]["Số dư"] == "5.000.000 đồng"
    assert panels["Quỹ thi đua, khen thưởng"]["Chưa chi (năm 2026)"] == "1.420.000 đồng — 2 khoản"
    (cutoff,) = panels["Đợt xét khen thưởng"].values()
    assert cutoff.startswith("hạn nhận hồ sơ 20/12/2026 (") and cutoff.endswith("; 0 hồ sơ")

