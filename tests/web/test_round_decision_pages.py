"""The head's round page: Giấy khen needs no vote, so two dossiers of the commune's round reach `decide`
after appraisal, and once the office has closed the round its process gives the head the round's task; the
head chooses for the group with a per-name override, a rejection without a reason
is refused on the page (422, the name said), then the round is decided and the decision with its annex
is downloaded from the page."""
from __future__ import annotations

import io

from docx import Document

from engine.models import Decision
from engine.operations import tasks
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from tests.web.conftest import log_in, open_task, submitted_dossier


def _appraised(ctx, tree, dossier):
    office = ctx.as_actor(tree.commune_office)
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "check_completeness"),
                        {"outcome": "complete"})
    ctx.session.commit()
    rows = [{"id": n.id, "eligible": True} for n in dossier.nominations]
    tasks.complete_task(office, open_task(ctx, tree.commune_office, dossier.id, "appraise"), {"nominations": rows})
    ctx.session.commit()


def test_the_head_decides_the_round_on_one_page(client, ctx, tree):
    rnd = rounds.create_round(ctx.as_actor(tree.commune_office), read_round({
        "unit_id": tree.commune.id, "title": "Đợt xét tổng kết năm học 2025–2026", "kind": "school_year",
        "cutoff_on": "2026-11-25"}))
    ctx.session.commit()
    first = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Nguyễn Thị Tươi"), ("GIAY_KHEN", "Trần Minh Khoa"))
    second = submitted_dossier(ctx, tree, ("GIAY_KHEN", "Phạm Văn An"))
    for dossier in (first, second):
        _appraised(ctx, tree, dossier)
    refused = second.nominations[0].id
    rounds.close_round(ctx.as_actor(tree.commune_office), rnd.id)  # the office ends the intake before the cut-off
    ctx.session.commit()  # no transaction left open while the app serves requests (SQLite: one writer)

    csrf = log_in(client, tree.commune_head)
    [task] = tasks.list_tasks(ctx.as_actor(tree.commune_head), key="decide_round").items  # in the head's inbox
    ctx.session.commit()
    assert client.get(f"/tasks/{task.id}").headers["Location"].endswith(f"/rounds/{rnd.id}/decision")
    assert "Thủ trưởng quyết định đợt xét" in client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    url = f"/rounds/{rnd.id}/decision"
    page = client.get(url).get_data(as_text=True)
    assert "Quyết định cho cả nhóm" in page and "Phạm Văn An" in page and "Trần Minh Khoa" in page
    bad = client.post(url, data={"csrf_token": csrf, "all_GIAY_KHEN": "approve", f"action_{refused}": "reject"})
    assert bad.status_code == 422
    assert "Phạm Văn An: Không khen thưởng phải nêu lý do." in bad.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": csrf, "all_GIAY_KHEN": "approve", f"action_{refused}": "reject",
                                  f"note_{refused}": "Chưa đủ thành tích"})
    assert done.status_code == 303, done.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Quyết định và danh sách kèm theo (DOCX)" in page
    ctx.session.expire_all()
    [decision] = ctx.session.query(Decision).filter(Decision.round_id == rnd.id).all()
    decision_id, number, proposer = decision.id, f"{decision.number:02d}/", tree.proposer.username
    ctx.session.commit()
    document = client.get(f"/decisions/{decision_id}/document.docx")
    assert document.status_code == 200
    rows = [[c.text for c in r.cells][1] for r in Document(io.BytesIO(document.data)).tables[-1].rows[1:]]
    assert sorted(rows) == ["Nguyễn Thị Tươi", "Trần Minh Khoa"]
    school = client.application.test_client()
    log_in(school, proposer)  # the school that proposed the names reads the round's decision
    assert school.get(f"/decisions/{decision_id}/document.docx").status_code == 200
    assert number in school.get("/decisions").get_data(as_text=True)
