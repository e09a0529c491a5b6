"""The round's sitting in the pages: after the cut-off the office opens it from the round's page; a
member's ballot lists the whole agenda grouped by award type with "đồng ý tất cả" for the group and a
per-name override, posted as one ballot; the chair closes with the real time and place."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from engine.models import AgendaItem
from engine.operations import tasks
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from tests.web.conftest import log_in, open_task, submitted_dossier


def _at_council(ctx, tree, dossier):
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    ctx.session.commit()
    appraise = open_task(ctx, tree.commune_office, dossier.id, "appraise")
    rows = [{"id": n.id, "eligible": True} for n in dossier.nominations]
    tasks.complete_task(office, appraise, {"nominations": rows})
    ctx.session.commit()


def test_one_ballot_page_with_agree_to_all_and_an_override(client, ctx, tree):
    rnd = rounds.create_round(ctx.as_actor(tree.commune_office), read_round({
        "unit_id": tree.commune.id, "title": "Đợt xét tổng kết năm học 2025–2026", "kind": "school_year",
        "cutoff_on": "2026-11-25"}))
    ctx.session.commit()
    first = submitted_dossier(ctx, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"))
    second = submitted_dossier(ctx, tree, ("CSTD_TINH", "Phạm Văn An"))
    for dossier in (first, second):
        _at_council(ctx, tree, dossier)
    ctx.clock.advance(days=3)

    csrf = log_in(client, tree.commune_office)
    round_page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "Mở phiên họp Hội đồng của đợt xét" in round_page and "Ban kiểm phiếu" in round_page
    counter = tree.commune_council[2]
    opened = client.post(f"/rounds/{rnd.id}/sitting", data={
        "csrf_token": csrf, "counting_board": [str(counter.id), str(tree.commune_council[1].id)]})
    assert opened.status_code == 303
    sitting_url = opened.headers["Location"]

    for index, member in enumerate(tree.commune_council[:4]):
        browser = client.application.test_client()
        token = log_in(browser, member)
        inbox = browser.get("/inbox").get_data(as_text=True)
        assert "Bỏ phiếu cho cả chương trình họp" in inbox  # the sitting's process: the member's task
        task_url = re.search(r'href="(/tasks/\d+)"', inbox.split("Bỏ phiếu cho cả chương trình họp")[0][-2000:])
        assert task_url is not None
        followed = browser.get(task_url.group(1))  # the inbox's task leads to the sitting's page
        assert followed.status_code == 303 and followed.headers["Location"].endswith(sitting_url.split("/", 3)[-1])
        page = browser.get(sitting_url).get_data(as_text=True)
        assert "Đồng ý tất cả" in page and "Nguyễn Thị Tươi" in page and "Phạm Văn An" in page
        form = {"csrf_token": token, "all_CSTD_TINH": "yes"}
        if index < 2:  # two members say no to one name, the rest of the group yes
            nomination = second.nominations[0].id
            form[f"vote_{nomination}"] = "no"
        cast = browser.post(sitting_url + "/ballot", data=form)
        assert cast.status_code == 303, cast.get_data(as_text=True)
        after = browser.get(sitting_url).get_data(as_text=True)
        # Cast: not shown again; one receipt (counted whole: a receipt's own group may end in "PB", as
        # "PB-7KQ2-MXPB-4HTR-B8NC" does, so "PB-" alone would count it twice, one run in a hundred).
        assert "Đồng ý tất cả" not in after and len(re.findall(r"PB(?:-[2-9A-Z]{4}){4}", after)) == 1

    absent = tree.commune_council[4]  # wrote: the ban kiểm phiếu enters the paper ballot
    board = client.application.test_client()
    token = log_in(board, counter)
    page = board.get(sitting_url).get_data(as_text=True)
    assert "Phiếu bằng văn bản của thành viên vắng mặt" in page and absent.full_name in page
    form_url = f"{sitting_url}/paper-ballots/{absent.id}"
    assert "Nhập phiếu bằng văn bản" in board.get(form_url).get_data(as_text=True)
    entered = board.post(form_url, data={"csrf_token": token, "all_CSTD_TINH": "yes"})
    assert entered.status_code == 303, entered.get_data(as_text=True)

    chair = client.application.test_client()
    token = log_in(chair, tree.commune_council[0])
    held = (ctx.clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    closed = chair.post(sitting_url + "/close", data={"csrf_token": token, "held_at": held,
                                                       "place": "Hội trường UBND xã", "present": "4",
                                                       "written_votes": "1"})
    assert closed.status_code == 303, closed.get_data(as_text=True)
    page = chair.get(sitting_url).get_data(as_text=True)
    assert "Hội trường UBND xã" in page and "Đã kiểm phiếu" in page and "1 phiếu bằng văn bản" in page
    for document in ("minutes.docx", "counting.docx"):
        assert document in page
        got = chair.get(f"{sitting_url}/{document}")
        assert got.status_code == 200 and got.data[:2] == b"PK"
    ctx.session.expire_all()
    passed = {i.nomination_id: i.passed for i in ctx.session.scalars(select(AgendaItem))}
    assert passed == {first.nominations[0].id: True, second.nominations[0].id: False}
