"""The commune council votes on a CSTD_TINH nomination in the pages: each member casts a secret
ballot and is shown a receipt once; the chair closes the vote with the members present ticked;
the session page shows how many voted, then the results and the minutes; the receipt shows the
ballot was counted. Nobody's page ever says who voted what."""
from __future__ import annotations

import re

from engine.operations import tasks
from tests.web.conftest import log_in, open_task, submitted_dossier


def _at_council(ctx, tree):
    dossier = submitted_dossier(ctx, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"))
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    [nomination] = dossier.nominations
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "appraise"),
                        {"nominations": [{"id": nomination.id, "eligible": True}]})
    ctx.session.commit()
    return dossier, nomination


def _vote(app, ctx, dossier, member, choice="yes"):
    browser = app.test_client()
    csrf = log_in(browser, member)
    task_id = open_task(ctx, member, dossier.id, "cast_ballot")
    page = browser.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Phiếu bầu" in page and "Đồng ý" in page and "Bỏ phiếu kín" in page
    [field] = re.findall(r'name="(votes\[0\]\.nomination_id)" value="(\d+)"', page)
    response = browser.post(f"/tasks/{task_id}", data={"csrf_token": csrf, field[0]: field[1],
                                                       "votes[0].choice": choice})
    assert response.headers["Location"] == "/ballots"
    receipt_page = browser.get("/ballots").get_data(as_text=True)
    [receipt] = re.findall(r'<code class="receipt">([^<]+)</code>', receipt_page)
    assert receipt not in browser.get("/ballots").get_data(as_text=True)  # shown once, then only its holder knows it
    return browser, csrf, receipt


def test_members_vote_in_secret_the_chair_closes_and_everyone_reads_the_results(app, client, ctx, tree):
    dossier, _ = _at_council(ctx, tree)
    chair, secretary, *members = tree.commune_council
    browser, csrf, receipt = _vote(app, ctx, dossier, members[0])
    for member in (chair, secretary):
        _vote(app, ctx, dossier, member)

    looked_up = browser.post("/ballots", data={"csrf_token": csrf, "receipt": receipt}).get_data(as_text=True)
    assert "Chưa kiểm phiếu" in looked_up and "Đồng ý" in looked_up
    assert browser.post("/ballots", data={"csrf_token": csrf, "receipt": "khong-co"}).status_code == 404

    log_in(client, tree.commune_office)
    [session_link] = re.findall(r'href="(/council-sessions/\d+)"', client.get(f"/dossiers/{dossier.id}").get_data(
        as_text=True))
    page = client.get(session_link).get_data(as_text=True)
    assert "Đã bỏ phiếu</dt><dd>3/5" in page and "Chưa kiểm phiếu" in page and "Bỏ phiếu kín" in page

    chair_browser = app.test_client()
    chair_csrf = log_in(chair_browser, chair)
    close = open_task(ctx, chair, dossier.id, "close_vote")
    form = chair_browser.get(f"/tasks/{close}").get_data(as_text=True)
    assert 'type="checkbox" name="absent_members"' in form and "Đã bỏ phiếu: 3/5 thành viên." in form
    assert "(Ủy viên)" in form and "(Chủ tịch Hội đồng)" not in form  # the chair voted: not absent
    three_absent = [str(m.id) for m in [*members[1:], secretary]]
    voted_absent = chair_browser.post(f"/tasks/{close}", data={"csrf_token": chair_csrf, "present": "2",
                                                               "written_votes": "0", "absent_members": three_absent})
    assert voted_absent.status_code == 422  # the secretary voted: present, or absent with a written vote
    assert "đã bỏ phiếu nên không thể vắng mặt: " + secretary.full_name in voted_absent.get_data(as_text=True)
    too_few = chair_browser.post(f"/tasks/{close}", data={
        "csrf_token": chair_csrf, "present": "2", "written_votes": "1", "absent_members": three_absent,
        "written_vote_members": [str(secretary.id)]})
    assert too_few.status_code == 409 and "Chưa đủ số thành viên" in too_few.get_data(as_text=True)
    absent = [str(members[2].id)]
    done = chair_browser.post(f"/tasks/{close}", data={"csrf_token": chair_csrf, "present": "4", "written_votes": "0",
                                                       "absent_members": absent})
    assert done.status_code == 302, done.get_data(as_text=True)

    page = client.get(session_link).get_data(as_text=True)
    assert "Đã kiểm phiếu" in page and "Đồng ý 3" in page and "Tải biên bản họp Hội đồng" in page
    assert "Hoàng Văn Thắng (xa.hd) — Chủ tịch Hội đồng · có mặt" in page
    minutes = client.get(f"{session_link}/minutes.docx")
    assert minutes.status_code == 200 and minutes.data[:2] == b"PK"
    assert "Đã được kiểm" in browser.post("/ballots", data={"csrf_token": csrf, "receipt": receipt}).get_data(
        as_text=True)


def test_another_commune_sees_no_session(app, ctx, session, settings, tree):
    from engine.models import Role
    from tests.factories import make_unit, make_user

    dossier, _ = _at_council(ctx, tree)
    _vote(app, ctx, dossier, tree.commune_council[2])
    other = make_unit(session, "HBX-X02", parent=tree.province, level="commune")
    make_user(session, settings, "xa2.vanphong", (Role.OFFICE, other))
    session.commit()
    outsider = app.test_client()
    log_in(outsider, "xa2.vanphong")
    assert outsider.get("/council-sessions/1").status_code == 404
