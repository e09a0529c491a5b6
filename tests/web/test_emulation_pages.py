"""The emulation year's pages, with plain forms: the province's office writes its plan and gives a
task, launches a movement; the commune answers it and registers (typed, and from Excel with a bad row
named by cell); the cluster page takes a self-score and the head's adjustment and shows the ranking."""
from __future__ import annotations

import io
import re

from engine.operations.emulation import commands, inputs
from tests.api.test_emulation_year_api import sheet as _sheet
from tests.factories import make_unit, make_user
from tests.web.conftest import log_in, open_task


def test_a_year_through_the_pages(client, tree, session, settings):
    second = make_unit(session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Hòa An")
    make_user(session, settings, "xa2.vp", ("office", second))
    session.commit()

    csrf = log_in(client, tree.province_office)
    page = client.get("/emulation?year=2026").get_data(as_text=True)
    assert "Năm thi đua 2026" in page and "Ghi kế hoạch năm 2026" in page
    refused = client.post("/emulation/plans", data={"csrf_token": csrf, "unit": tree.province.id, "year": "2026",
                                                    "title": "", "document_date": "31/02/2026"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "<code>title</code>: Bắt buộc nhập." in text and "<code>document_date</code>" in text
    created = client.post("/emulation/plans", data={
        "csrf_token": csrf, "unit": tree.province.id, "year": "2026", "title": "Kế hoạch thi đua năm 2026",
        "document_number": "15/KH-UBND", "document_date": "20/01/2026", "registration_due_on": "15/12/2026"})
    assert created.status_code == 303
    plan_page = created.headers["Location"]
    assert client.post(plan_page + "/tasks", data={"csrf_token": csrf, "title": "Báo cáo 6 tháng",
                                                   "owner_unit": second.id, "due_on": "15/06/2026"}).status_code == 303
    shown = client.get(plan_page).get_data(as_text=True)
    assert "UBND xã Hòa An: 1 nhiệm vụ quá hạn" in shown and "Chậm tiến độ" in shown

    launched = client.post("/emulation/movements", data={
        "csrf_token": csrf, "unit": tree.province.id, "kind": "thematic", "theme": "Chuyển đổi số cấp xã",
        "starts_on": "01/01/2026", "ends_on": "31/12/2026"})
    assert launched.status_code == 303
    movement_page = launched.headers["Location"]

    client.post("/logout", data={"csrf_token": csrf})
    csrf = log_in(client, tree.commune_office)
    assert "Đăng ký tham gia" in client.get(movement_page).get_data(as_text=True)
    assert client.post(movement_page + "/responses", data={
        "csrf_token": csrf, "unit": tree.commune.id, "commitment": "Số hóa hồ sơ một cửa."}).status_code == 303
    answered = client.get(movement_page).get_data(as_text=True)
    assert "UBND xã Bình Minh" in answered and "Số hóa hồ sơ một cửa." in answered

    typed = client.post("/emulation/registrations", data={
        "csrf_token": csrf, "unit": tree.commune.id, "year": "2026", "kind": "individual",
        "name": "Nguyễn Văn An", "award_type": "Lao động tiên tiến"})
    assert typed.status_code == 303
    bad = client.post("/emulation/registrations/import", content_type="multipart/form-data", data={
        "csrf_token": csrf, "unit": str(tree.commune.id), "year": "2026",
        "file": (io.BytesIO(_sheet(("Cá nhân", "Lê Văn Bình", None, "CSTD_XYZ", None))), "dang-ky.xlsx")})
    assert bad.status_code == 422
    assert "<code>D2</code>: Dòng 2, cột Danh hiệu đăng ký" in bad.get_data(as_text=True)
    listing = client.get(f"/emulation/registrations?unit={tree.commune.id}&year=2026").get_data(as_text=True)
    assert "Nguyễn Văn An" in listing and "Lê Văn Bình" not in listing and "15/12/2026" in listing


def test_the_cluster_page_scores_adjusts_and_ranks(client, tree, session, settings, ctx):
    second = make_unit(session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Hòa An")
    make_user(session, settings, "xa2.vp", ("office", second))
    session.commit()
    ctx = ctx.as_actor(tree.province_office)
    row = commands.set_cluster_year(ctx, inputs.read_cluster({
        "name": "Cụm thi đua các xã", "organiser_unit": tree.province.id, "year": 2026,
        "members": [tree.commune.id, second.id], "head_unit": tree.commune.id,
        "sheet": [{"code": "A1", "group": "Kinh tế", "title": "Thu ngân sách", "max_points": 50}]}))
    session.commit()

    csrf = log_in(client, "xa2.vp")
    page = f"/emulation/clusters/{row.id}"
    assert client.post(page + "/scores", data={"csrf_token": csrf, "unit": second.id, "criterion": "A1",
                                               "points": "45,5"}).status_code == 303
    client.post("/logout", data={"csrf_token": csrf})
    csrf = log_in(client, tree.commune_office)
    client.post(page + "/scores", data={"csrf_token": csrf, "unit": tree.commune.id, "criterion": "A1",
                                        "points": "44"})
    refused = client.post(page + "/adjustments", data={"csrf_token": csrf, "unit": second.id, "criterion": "A1",
                                                       "points": "40"})
    assert refused.status_code == 422 and "Cần nêu lý do điều chỉnh điểm." in refused.get_data(as_text=True)
    assert client.post(page + "/adjustments", data={"csrf_token": csrf, "unit": second.id, "criterion": "A1",
                                                    "points": "40", "reason": "Thiếu minh chứng."}).status_code == 303
    ranking = client.get(page).get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d)</td><td>([^<]+)</td><td>([\d.]+)</td><td><strong>([\d.]+)</strong>", ranking)
    assert rows == [("1", "UBND xã Bình Minh", "44.00", "44.00"), ("2", "UBND xã Hòa An", "45.50", "40.00")]
    assert "40.00 – Thiếu minh chứng." in ranking


def test_the_office_enters_a_yearly_grade_on_a_persons_page(client, tree, session):
    from tests.registry_factories import make_awardee

    teacher = make_awardee(session, "Đỗ Thị Lan", tree.school)
    session.commit()
    page = f"/registry/people/{teacher.id}"
    csrf = log_in(client, tree.proposer)
    assert "Ghi xếp loại" not in client.get(page).get_data(as_text=True)  # the proposer does not keep the record
    client.post("/logout", data={"csrf_token": csrf})

    csrf = log_in(client, tree.commune_office)
    assert "Ghi xếp loại" in client.get(page).get_data(as_text=True)
    refused = client.post("/emulation/grades", data={"csrf_token": csrf, "awardee": teacher.id, "year": "2030",
                                                     "grade": "good"})
    assert refused.status_code == 422 and "<code>year</code>: Phải từ 2000 đến 2026." in refused.get_data(as_text=True)
    saved = client.post("/emulation/grades", data={"csrf_token": csrf, "awardee": teacher.id, "year": "2025",
                                                   "grade": "good"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(page)
    assert "2025: Hoàn thành tốt nhiệm vụ" in client.get(page).get_data(as_text=True)


def test_the_cluster_votes_through_its_pages(app, client, tree, session, settings, ctx):
    """The head commune opens the vote on the cluster page; each member's head casts its ballot on the
    task page (a plain form), gets its receipt and checks it; the page shows the result and the dossier."""
    second = make_unit(session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Hòa An")
    second_head = make_user(session, settings, "xa2.ct", ("head", second))
    session.commit()
    row = commands.set_cluster_year(ctx.as_actor(tree.province_office), inputs.read_cluster({
        "name": "Cụm thi đua các xã", "organiser_unit": tree.province.id, "year": 2026,
        "members": [tree.commune.id, second.id], "head_unit": tree.commune.id,
        "sheet": [{"code": "A1", "group": "Kinh tế", "title": "Thu ngân sách", "max_points": 50}]}))
    for unit, points in ((tree.commune, 44), (second, 40)):
        commands.self_score(ctx.as_actor(tree.commune_office if unit == tree.commune else tree.province_office),
                            row.id, unit.id, inputs.read_scores({"unit": unit.id, "scores": [
                                {"criterion": "A1", "points": points}]})[1])
    session.commit()
    page = f"/emulation/clusters/{row.id}"

    csrf = log_in(client, tree.commune_head)
    assert "Mở bỏ phiếu suy tôn" in client.get(page).get_data(as_text=True)
    opened = client.post(page + "/vote", data={"csrf_token": csrf})
    assert opened.status_code == 303
    assert "Đã bỏ phiếu: 0/2 đơn vị" in client.get(page).get_data(as_text=True)
    assert client.post(page + "/vote", data={"csrf_token": csrf}).status_code == 409

    for head in (tree.commune_head, second_head):
        browser = app.test_client()
        token = log_in(browser, head)
        task_id = open_task(ctx, head, None, "cast_cluster_ballot")
        assert f'href="/tasks/{task_id}"' in browser.get("/inbox").get_data(as_text=True)
        form = browser.get(f"/tasks/{task_id}").get_data(as_text=True)
        assert "Phiếu suy tôn của cụm, khối thi đua" in form and "Đề nghị tặng Cờ thi đua" in form
        fields = dict(re.findall(r'name="(votes\[\d\]\.unit_id)" value="(\d+)"', form))
        data = {"csrf_token": token, **fields}
        for name, unit_id in fields.items():
            data[name.replace("unit_id", "choice")] = "flag" if int(unit_id) == tree.commune.id else "none"
        cast = browser.post(f"/tasks/{task_id}", data=data)
        assert cast.headers["Location"] == "/ballots", cast.get_data(as_text=True)
        [receipt] = re.findall(r'<code class="receipt">([^<]+)</code>', browser.get("/ballots").get_data(as_text=True))
        checked = browser.post("/ballots", data={"csrf_token": token, "receipt": receipt}).get_data(as_text=True)
        assert "Phiếu suy tôn của cụm, khối thi đua" in checked
        assert "UBND xã Bình Minh: <strong>Đề nghị tặng Cờ thi đua</strong>" in checked

    result = client.get(page).get_data(as_text=True)
    assert "Đã kiểm phiếu" in result and "2/2" in result and "(CO_TINH)" in result
    assert re.search(r'href="/dossiers/\d+">hồ sơ số \d+</a>', result)
