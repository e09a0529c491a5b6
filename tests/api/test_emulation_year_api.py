"""A year run through as the plans describe it, over HTTP: the province's plan with a task a commune is
late on, a movement launched at the province and answered by the communes (one launching its own in
answer), registrations typed and from Excel (a bad row named by cell, nothing registered), the
province reading the consolidated list, a cluster of the three communes scored and ranked with a
disputed score, and the eligibility pre-check reading the registrations."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from engine.models import AuditEvent, Registration, Role
from engine.rules.emulation import emulation_checks
from engine.vocabulary import AuditAction, Result
from tests.factories import make_unit, make_user
from tests.registry_factories import make_awardee, make_dossier, nominate

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def year(session, settings, world):
    """Two more communes under the province, each with its office; the commune office of the world is
    the first commune's."""
    second = make_unit(session, "T-X2", parent=world.province, level="commune")
    third = make_unit(session, "T-X3", parent=world.province, level="commune")
    office2 = make_user(session, settings, "x2.vanphong", (Role.OFFICE, second))
    office3 = make_user(session, settings, "x3.vanphong", (Role.OFFICE, third))
    session.commit()
    return {"communes": [world.commune, second, third], "offices": [world.office, office2, office3]}


def sheet(*rows):
    book = Workbook()
    ws = book.active
    ws.title = "Đăng ký thi đua"
    ws.append(["Cá nhân / tập thể", "Họ và tên (tên tập thể)", "Chức vụ", "Danh hiệu đăng ký", "Số phong trào"])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, headers, path, body):
    return client.post(f"{API}{path}", headers=headers, json=body)


def test_plan_tasks_and_who_is_behind(client, world, bearer, year):
    province = bearer(world.other_office)
    created = post(client, province, "/emulation/plans", {
        "unit": world.province.id, "year": 2026, "title": "Kế hoạch công tác thi đua, khen thưởng năm 2026",
        "document_number": "15/KH-UBND", "document_date": "15/01/2026", "registration_due_on": "2026-12-15"})
    assert created.status_code == 201, created.json
    plan_id = created.json["id"]
    again = post(client, province, "/emulation/plans", {"unit": world.province.id, "year": 2026, "title": "Lần hai"})
    assert again.status_code == 409
    bad = post(client, province, "/emulation/plans", {"unit": world.province.id, "year": 1800, "title": ""})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"year", "title"}
    assert post(client, bearer(world.office), "/emulation/plans",
                {"unit": world.province.id, "year": 2027, "title": "Không được"}).status_code == 403

    late = post(client, province, f"/emulation/plans/{plan_id}/tasks",
                {"title": "Báo cáo sơ kết 6 tháng", "owner_unit": year["communes"][1].id, "due_on": "2026-07-15"})
    done = post(client, province, f"/emulation/plans/{plan_id}/tasks",
                {"title": "Đăng ký thi đua", "owner_unit": world.commune.id, "due_on": "2026-03-01"})
    post(client, province, f"/emulation/plans/{plan_id}/tasks",
         {"title": "Tổng kết năm", "owner_unit": year["communes"][2].id, "due_on": "2026-12-20"})
    assert late.status_code == done.status_code == 201
    followed = client.put(f"{API}/emulation/tasks/{done.json['id']}", headers=bearer(world.office),
                          json={"done_on": "2026-02-20", "note": "Đã gửi đủ danh sách."})
    assert followed.status_code == 200 and followed.json["done_on"] == "2026-02-20"
    assert client.put(f"{API}/emulation/tasks/{late.json['id']}", headers=bearer(world.office),
                      json={"done_on": "2026-08-01"}).status_code == 403  # not the commune's task

    uploaded = client.post(f"{API}/emulation/plans/{plan_id}/file", headers=province,
                           data={"file": (io.BytesIO(PDF), "ke-hoach.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 200 and uploaded.json["has_file"] is True
    got = client.get(f"{API}/emulation/plans/{plan_id}/file", headers=bearer(world.office))
    assert got.status_code == 200 and got.data == PDF

    view = client.get(f"{API}/emulation/plans/{plan_id}", headers=bearer(world.office)).json
    assert [t["state"] for t in view["tasks"]] == ["done", "late", "open"]
    assert view["behind"] == {year["communes"][1].name: 1} and view["late"] == 1


def test_a_year_from_movement_to_ranking(client, world, bearer, year, db, make_ctx, settings, clock):
    province, communes, offices = bearer(world.other_office), year["communes"], year["offices"]
    post(client, province, "/emulation/plans", {"unit": world.province.id, "year": 2026, "title": "Kế hoạch năm 2026",
                                                "registration_due_on": "2026-12-15"})

    # A movement launched at the province, answered by the communes; one launches its own in answer.
    launched = post(client, province, "/emulation/movements", {
        "unit": world.province.id, "kind": "thematic", "theme": "Chung sức xây dựng nông thôn mới",
        "content": "Các xã hoàn thành tiêu chí nông thôn mới nâng cao.", "starts_on": "2026-01-01",
        "ends_on": "2026-12-31"})
    assert launched.status_code == 201 and launched.json["kind_label"] == "thi đua theo chuyên đề"
    movement = launched.json["id"]
    for office, commune in zip(offices, communes, strict=True):
        joined = post(client, bearer(office), f"/emulation/movements/{movement}/responses",
                      {"unit": commune.id, "commitment": f"{commune.name} đăng ký đạt chuẩn nông thôn mới."})
        assert joined.status_code == 200, joined.json
    reported = post(client, bearer(world.office), f"/emulation/movements/{movement}/responses",
                    {"unit": world.commune.id, "report": "Đạt 19/19 tiêu chí."})
    assert reported.json["report"] == "Đạt 19/19 tiêu chí." and reported.json["reported_at"]
    not_below = post(client, province, f"/emulation/movements/{movement}/responses", {"unit": world.province.id})
    assert not_below.status_code == 422 and "unit" in not_below.json["errors"]
    answer = post(client, bearer(world.office), "/emulation/movements", {
        "unit": world.commune.id, "kind": "period", "theme": "Thi đua về đích nông thôn mới nâng cao",
        "starts_on": "2026-03-01", "parent": movement})
    assert answer.status_code == 201 and answer.json["parent_id"] == movement
    wrong_parent = post(client, province, "/emulation/movements", {
        "unit": world.province.id, "kind": "regular", "theme": "Tự trả lời", "starts_on": "2026-01-01",
        "parent": answer.json["id"]})
    assert wrong_parent.status_code == 422 and "parent" in wrong_parent.json["errors"]
    # The school, below the commune, sees the province's movement.
    seen = client.get(f"{API}/emulation/movements?year=2026", headers=bearer(world.proposer)).json
    assert {m["id"] for m in seen} == {movement, answer.json["id"]}

    # Registrations: typed, then from Excel with a bad row (nothing registered), then the fixed file.
    typed = post(client, bearer(world.office), "/emulation/registrations", {
        "unit": world.commune.id, "year": 2026, "registrations": [
            {"kind": "collective", "name": world.commune.name, "award_type": "TTLDTT"},
            {"name": "Nguyễn Văn An", "position": "Công chức", "award_type": "Lao động tiên tiến",
             "movement": movement}]})
    assert typed.status_code == 201 and [r["award_type"] for r in typed.json] == ["TTLDTT", "LDTT"]
    unknown = post(client, bearer(world.office), "/emulation/registrations", {
        "unit": world.commune.id, "year": 2026, "registrations": [{"name": "Lê C", "award_type": "HUY_CHUONG_VANG"}]})
    assert unknown.status_code == 422 and "registrations[0].award_type" in unknown.json["errors"]

    def upload(data):
        return client.post(f"{API}/emulation/registrations/import", headers=bearer(offices[1]),
                           data={"file": (io.BytesIO(data), "dang-ky.xlsx"), "unit": str(communes[1].id),
                                 "year": "2026"}, content_type="multipart/form-data")

    refused = upload(sheet(("Cá nhân", "Trần Thị Bình", "Kế toán", "LDTT", None),
                           ("Cá nhân", "Phạm Văn Cường", None, "Chiến sĩ vô địch", None),
                           ("Ai đó", "", None, "CSTD_CS", None)))
    assert refused.status_code == 422
    errors = refused.json["errors"]
    assert errors["D3"] == 'Dòng 3, cột Danh hiệu đăng ký: Không có danh hiệu "Chiến sĩ vô địch" trong danh mục.'
    assert errors["A4"].startswith("Dòng 4, cột Cá nhân / tập thể") and errors["B4"] == "Dòng 4, cột Họ và tên " \
        "(tên tập thể): Bắt buộc nhập."
    assert db(lambda s: s.scalars(select(Registration).where(Registration.unit_id == communes[1].id)).all()) == []
    imported = upload(sheet(("Cá nhân", "Trần Thị Bình", "Kế toán", "LDTT", None),
                            ("Cá nhân", "Phạm Văn Cường", None, "Chiến sĩ thi đua cơ sở", movement)))
    assert imported.status_code == 201 and len(imported.json) == 2

    listing = client.get(f"{API}/emulation/registrations?unit={world.province.id}&year=2026", headers=province).json
    assert listing["due_on"] == "2026-12-15" and listing["by_award"] == {"CSTD_CS": 1, "LDTT": 2, "TTLDTT": 1}
    assert listing["units"] == {world.commune.name: 2, communes[1].name: 2}
    page = client.get(f"{API}/emulation/movements/{movement}", headers=province).json
    assert {r["unit"]["id"] for r in page["responses"]} == {c.id for c in communes}
    assert [r["nominee_name"] for r in page["registrations"]] == ["Nguyễn Văn An", "Phạm Văn Cường"]
    assert [a["id"] for a in page["answers"]] == [answer.json["id"]]

    # The cluster of the three communes, scored and ranked, one score disputed by the head.
    cluster = post(client, province, "/emulation/clusters", {
        "name": "Cụm thi đua các xã", "organiser_unit": world.province.id, "year": 2026,
        "members": [c.id for c in communes], "head_unit": communes[0].id, "deputy_unit": communes[1].id,
        "pact_number": "01/GƯ-CTĐ", "pact_signed_on": "2026-02-10", "sheet": [
            {"code": "A1", "group": "Kinh tế", "title": "Thu ngân sách đạt kế hoạch", "max_points": 40},
            {"code": "B1", "group": "Xã hội", "title": "Nông thôn mới nâng cao", "max_points": "30",
             "evidence_required": True},
            {"code": "C1", "group": "Điểm trừ", "title": "Vi phạm giao ước", "max_points": 10, "kind": "penalty"}]})
    assert cluster.status_code == 201, cluster.json
    cid = cluster.json["id"]
    no_evidence = post(client, bearer(offices[1]), f"/emulation/clusters/{cid}/scores",
                       {"unit": communes[1].id, "scores": [{"criterion": "B1", "points": 30}]})
    assert no_evidence.status_code == 422 and "scores[0].evidence" in no_evidence.json["errors"]
    too_many = post(client, bearer(offices[1]), f"/emulation/clusters/{cid}/scores",
                    {"unit": communes[1].id, "scores": [{"criterion": "A1", "points": "40.5"}]})
    assert too_many.status_code == 422 and too_many.json["errors"] == {"scores[0].points": "Tối đa 40 điểm."}
    scores = {0: [("A1", "38"), ("B1", "25")], 1: [("A1", "40"), ("B1", "30")], 2: [("A1", "30"), ("C1", "2")]}
    for index, lines in scores.items():
        saved = post(client, bearer(offices[index]), f"/emulation/clusters/{cid}/scores", {
            "unit": communes[index].id,
            "scores": [{"criterion": c, "points": p, "evidence": "Báo cáo số 12/BC-UBND"} for c, p in lines]})
        assert saved.status_code == 200, saved.json
    # Only the commune itself scores itself.
    assert post(client, bearer(offices[2]), f"/emulation/clusters/{cid}/scores", {
        "unit": communes[1].id, "scores": [{"criterion": "A1", "points": 1}]}).status_code == 403
    before = client.get(f"{API}/emulation/clusters/{cid}", headers=province).json["ranking"]
    assert [(s["unit_id"], s["total"]) for s in before] == [(communes[1].id, "70.00"), (communes[0].id, "63.00"),
                                                           (communes[2].id, "28.00")]
    no_reason = post(client, bearer(offices[0]), f"/emulation/clusters/{cid}/adjustments",
                     {"unit": communes[1].id, "criterion": "B1", "points": 20, "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json["errors"] == {"reason": "Cần nêu lý do điều chỉnh điểm."}
    assert post(client, bearer(offices[2]), f"/emulation/clusters/{cid}/adjustments", {
        "unit": communes[1].id, "criterion": "B1", "points": 20, "reason": "x"}).status_code == 403
    adjusted = post(client, bearer(offices[0]), f"/emulation/clusters/{cid}/adjustments", {
        "unit": communes[1].id, "criterion": "B1", "points": 20,
        "reason": "Chưa có quyết định công nhận xã nông thôn mới nâng cao."})
    assert adjusted.status_code == 200
    assert (adjusted.json["self_points"], adjusted.json["points"]) == ("30.00", "20.00")
    after = client.get(f"{API}/emulation/clusters/{cid}", headers=bearer(offices[1])).json
    assert [(s["rank"], s["unit_id"], s["self_total"], s["total"], s["disputed"]) for s in after["ranking"]] == [
        (1, communes[0].id, "63.00", "63.00", 0), (2, communes[1].id, "70.00", "60.00", 1),
        (3, communes[2].id, "28.00", "28.00", 0)]
    actions = db(lambda s: s.scalars(select(AuditEvent.action).where(AuditEvent.action.in_([
        AuditAction.CLUSTER_SCORE_ADJUSTED, AuditAction.MOVEMENT_LAUNCHED, AuditAction.REGISTRATIONS_RECORDED]))).all())
    assert sorted(actions) == sorted([AuditAction.MOVEMENT_LAUNCHED] * 2 + [AuditAction.REGISTRATIONS_RECORDED] * 2
                                     + [AuditAction.CLUSTER_SCORE_ADJUSTED])

    # The pre-check reads the registrations: An registered for LDTT (met), Bình not for CSTD_CS (not met,
    # reported but not blocking under the rules in force).
    ctx = make_ctx()
    an = make_awardee(ctx.session, "Nguyễn Văn An", world.commune)
    dossier = make_dossier(ctx.session, world.commune, world.proposer, year=2026)
    registered = nominate(ctx.session, dossier, "LDTT", an)
    unregistered = nominate(ctx.session, dossier, "CSTD_CS", name="Trần Thị Bình")
    unregistered.nominee_name_folded = "tran thi binh"
    ctx.session.commit()
    linked = post(client, bearer(world.office), f"/emulation/movements/{movement}/nominations",
                  {"nomination": registered.id})
    assert linked.status_code == 200
    page = client.get(f"{API}/emulation/movements/{movement}", headers=province).json
    assert [n["id"] for n in page["nominations"]] == [registered.id]
    ctx.session.refresh(registered)
    checks = {n.award_type: emulation_checks(ctx.session, n, year=2026, rules_dir=settings.rules_dir,
                                             on=date(2026, 11, 23)) for n in (registered, unregistered)}
    (met,) = checks["LDTT"]
    assert met.criterion == "registered" and met.result is Result.MET and met.as_dict()["blocking"] is False
    (not_met,) = checks["CSTD_CS"]
    assert not_met.result is Result.NOT_MET and "chỉ để tham khảo" in not_met.detail
    ctx.session.rollback()


def test_registration_closes_at_the_deadline_set_above(client, world, bearer, year, clock):
    post(client, bearer(world.other_office), "/emulation/plans",
         {"unit": world.province.id, "year": 2026, "title": "Kế hoạch năm 2026", "registration_due_on": "2026-02-28"})
    body = {"unit": world.commune.id, "year": 2026, "registrations": [{"name": "Nguyễn Văn An", "award_type": "LDTT"}]}
    late = post(client, bearer(world.office), "/emulation/registrations", body)
    assert late.status_code == 409 and "28/02/2026" in late.json["detail"]
    # The office above, which set the deadline, may still register for the commune.
    assert post(client, bearer(world.other_office), "/emulation/registrations", body).status_code == 201
