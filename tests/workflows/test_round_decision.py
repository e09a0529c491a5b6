"""The head decides a review round (issue 13): after the round's sitting (a restart in between: cold
runs a new process for every step), the commune's head decides every dossier of the round at once —
forward, reject with a reason, a lower form at this level — with ONE decision per award type and
issuer, its list annexed, and ONE tờ trình up to the province, which finds it on its own round; the
province's head then decides its round, giving a lower form (Bằng khen) for one CSTĐ tỉnh proposal.
A round with no council (Giấy khen only) is decided as a round too, its annex running to pages."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from docx import Document
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import Decision, Nomination, RoundSubmission
from engine.operations import award_tally
from engine.operations.award import round_decision as rounds_decide
from engine.operations.council import sitting as sittings
from engine.operations.council.inputs import read_sitting_ballot, read_sitting_close
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from engine.storage import AttachmentStore
from tests.workflows.test_round_sitting import _submit


def _open_round(journey, tree, office, unit, cutoff=date(2026, 11, 25)):
    rnd = rounds.create_round(journey.ctx.as_actor(office), read_round(
        {"unit_id": unit.id, "title": "Đợt xét tổng kết năm học 2025-2026", "kind": "school_year",
         "cutoff_on": str(cutoff)}))
    journey.session.commit()
    return rnd.id


def _appraise(journey, office, dossier_id):
    journey.dossier_id = dossier_id
    journey.complete(office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(office)


def _sitting(journey, office, members, rnd, when):
    month, day = when
    journey.ctx.clock.set(datetime(2026, month, day, 8, 0, tzinfo=LOCAL_TZ))
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(office), rnd).id
    journey.session.commit()
    journey.reload()
    for member in members:
        page = sittings.sitting_ballot(journey.ctx.as_actor(member), sitting_id)
        votes = [{"nomination_id": i["nomination_id"], "choice": "yes"} for g in page["groups"] for i in g["items"]]
        sittings.cast_sitting_ballot(journey.ctx.as_actor(member), read_sitting_ballot(sitting_id, {"votes": votes}))
        journey.session.commit()
        journey.reload()
    journey.ctx.clock.set(datetime(2026, month, day, 11, 0, tzinfo=LOCAL_TZ))
    sittings.close_sitting(journey.ctx.as_actor(members[0]), read_sitting_close(sitting_id, {
        "held_at": f"2026-{month:02d}-{day:02d}T08:30", "place": "Hội trường", "present": len(members),
        "written_votes": 0}))
    journey.session.commit()
    journey.reload()  # the restart between the sitting and the head's decision


def _decide(journey, head, rnd, choose):
    """choose(item) -> the row's action and fields; the head's round page lists the items."""
    view = rounds_decide.round_decision_view(journey.ctx.as_actor(head), rnd)
    rows = [{"nomination_id": i.nomination_id, **choose(i)} for g in view.groups for i in g.items]
    outcome = rounds_decide.decide_round(journey.ctx.as_actor(head), rnd, rows)
    journey.session.commit()
    journey.reload()
    return view, outcome


def _docx(journey, sha):
    return Document(io.BytesIO(AttachmentStore(journey.ctx.settings.attachment_root).read(sha)))


def _text(document):
    return "\n".join(p.text for p in document.paragraphs)


def _annex_rows(document):
    table = document.tables[-1]
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def test_a_commune_round_then_the_province_round_decided_by_their_heads(journey, tree):
    commune_round = _open_round(journey, tree, tree.commune_office, tree.commune)
    province_round = _open_round(journey, tree, tree.province_office, tree.province, cutoff=date(2026, 12, 5))
    dossiers = [_submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_TINH", "Trần Minh Khoa")),
                _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"), ("CSTD_TINH", "Lê Văn Hùng")),
                _submit(journey, tree, ("CSTD_TINH", "Đỗ Thị Mơ"))]
    for dossier_id in dossiers:
        _appraise(journey, tree.commune_office, dossier_id)
    _sitting(journey, tree.commune_office, tree.commune_council, commune_round, (11, 26))

    with pytest.raises(Forbidden):  # the head decides, not the office
        rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_office), commune_round, [])
    journey.session.rollback()
    view = rounds_decide.round_decision_view(journey.ctx.as_actor(tree.commune_head), commune_round)
    assert sorted(view.ready) == sorted(dossiers) and view.may_decide
    items = {i.nominee: i for g in view.groups for i in g.items}
    assert items["Đỗ Thị Mơ"].allowed == ["forward", "lower_award", "reject"]  # beyond the commune's authority
    assert "GIAY_KHEN" in [code for code, _ in items["Đỗ Thị Mơ"].lower_awards]

    with pytest.raises(InvalidInput) as bad:  # checked whole: a missing reason, an award this level may not give
        rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), commune_round, [
            {"nomination_id": items["Đỗ Thị Mơ"].nomination_id, "action": "lower_award", "lower_award": "BK_TINH"},
            {"nomination_id": items["Lê Văn Hùng"].nomination_id, "action": "reject"}])
    assert {"nominations[0].lower_award", "nominations[1].note", "nominations"} <= set(bad.value.errors)
    journey.session.rollback()

    def commune_choice(item):
        if item.nominee == "Đỗ Thị Mơ":
            return {"action": "lower_award", "lower_award": "GIAY_KHEN", "note": "Chưa đủ sáng kiến cấp tỉnh"}
        if item.nominee == "Lê Văn Hùng":
            return {"action": "reject", "note": "Chưa đủ thành tích"}
        return {"action": "forward"}

    _, outcome = _decide(journey, tree.commune_head, commune_round, commune_choice)
    [decision] = journey.session.scalars(select(Decision).where(Decision.round_id == commune_round)).all()
    assert decision.issuer_unit_id == tree.commune.id and decision.dossier_id is None
    document = _docx(journey, decision.document_sha256)
    text = _text(document)
    assert "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã cho 1 cá nhân" in text
    assert "(có danh sách kèm theo)" in text and "Kèm theo Quyết định số " + decision.label in text
    assert "GIẤY KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ" in text  # the list's title names the form given
    assert _annex_rows(document) == [["1", "Đỗ Thị Mơ", "Giáo viên, Trường THCS Bình Minh",
                                      "Đề nghị: Chiến sĩ thi đua bộ, ban, ngành, tỉnh"]]
    mo = journey.session.scalars(select(Nomination).where(Nomination.nominee_name == "Đỗ Thị Mơ")).one()
    assert (mo.status.value, mo.award_type, mo.proposed_award_type, mo.decision_id) == (
        "approved", "GIAY_KHEN", "CSTD_TINH", decision.id)

    [submission] = journey.session.scalars(select(RoundSubmission)).all()
    assert (submission.unit_id, submission.to_unit_id) == (tree.commune.id, tree.province.id)
    assert sorted(submission.dossier_ids) == sorted(dossiers[:2])
    tờ_trình = _text(_docx(journey, submission.document_sha256))
    assert "TỜ TRÌNH" in tờ_trình and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình Xanh." in tờ_trình
    assert "Biên bản họp Hội đồng Thi đua - Khen thưởng" in tờ_trình
    listed = [row.cells[1].text for t in _docx(journey, submission.document_sha256).tables[1:] for row in t.rows[1:]]
    assert sorted(listed) == ["Nguyễn Thị Tươi", "Phạm Văn An", "Trần Minh Khoa"]
    assert [s.id for s in outcome.submissions] == [submission.id]

    # The province: its round took the forwarded dossiers; the tờ trình is on its round's page.
    province_view = rounds_decide.round_decision_view(journey.ctx.as_actor(tree.province_head), province_round)
    assert [s.id for s in province_view.received] == [submission.id]
    with pytest.raises(Conflict):  # nothing at decide yet
        rounds_decide.decide_round(journey.ctx.as_actor(tree.province_head), province_round, [])
    journey.session.rollback()
    for dossier_id in dossiers[:2]:
        _appraise(journey, tree.province_office, dossier_id)
    _sitting(journey, tree.province_office, tree.province_council, province_round, (12, 7))

    def province_choice(item):
        assert item.allowed == ["approve", "lower_award", "reject"]  # CSTĐ tỉnh is the province's to give
        if item.nominee == "Phạm Văn An":
            return {"action": "lower_award", "lower_award": "BK_TINH", "note": "Hội đồng đề nghị tặng Bằng khen"}
        return {"action": "approve"}

    view, outcome = _decide(journey, tree.province_head, province_round, province_choice)
    assert sum(len(g.items) for g in view.groups) == 3 and outcome.submissions == []
    by_type = {}
    for decision in journey.session.scalars(select(Decision).where(Decision.round_id == province_round)):
        document = _docx(journey, decision.document_sha256)
        by_type[decision.nominations[0].award_type] = (decision, _text(document), _annex_rows(document))
    assert set(by_type) == {"CSTD_TINH", "BK_TINH"}
    _, cstd, cstd_rows = by_type["CSTD_TINH"]
    assert "Công nhận danh hiệu “Chiến sĩ thi đua tỉnh” năm 2026 cho 2 cá nhân (có danh sách kèm theo)" in cstd
    assert "Xét đề nghị của Chủ tịch Ủy ban nhân dân xã Bình Minh" in cstd
    assert [r[1] for r in cstd_rows] == ["Nguyễn Thị Tươi", "Trần Minh Khoa"]
    bk, bk_text, bk_rows = by_type["BK_TINH"]
    assert "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 1 cá nhân (trong đó 1 trường hợp" in bk_text
    assert "BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" in bk_text
    assert bk_rows == [["1", "Phạm Văn An", "Giáo viên, Trường THCS Bình Minh",
                        "Đề nghị: Chiến sĩ thi đua bộ, ban, ngành, tỉnh"]]
    an = journey.session.scalars(select(Nomination).where(Nomination.nominee_name == "Phạm Văn An")).one()
    assert (an.status.value, an.award_type, an.proposed_award_type, an.decision_id) == (
        "approved", "BK_TINH", "CSTD_TINH", bk.id)
    for dossier_id in dossiers:
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == []  # every dossier's step completed by the round's decision
    assert journey.session.scalar(select(Decision.id).where(Decision.dossier_id.in_(dossiers))) is None
    # The statistics' summary counts what the round decisions gave (the lower forms as given), as a recount does.
    kept = award_tally.current(journey.session)
    assert kept == award_tally.recount(journey.session)
    assert sorted((code, granted) for (_, _, _, code, _), (granted, _) in kept.items()) == [
        ("BK_TINH", 1), ("CSTD_TINH", 2), ("GIAY_KHEN", 1)]


def test_a_round_without_a_council_is_decided_as_a_round_and_its_annex_runs_to_pages(journey, tree):
    """Giấy khen needs no vote: the dossiers reach `decide` after appraisal; 60 names in one decision."""
    rnd = _open_round(journey, tree, tree.commune_office, tree.commune)
    dossiers = [_submit(journey, tree, *[("GIAY_KHEN", f"Giáo viên {d:02d}-{i:02d}") for i in range(1, 21)])
                for d in range(1, 4)]
    for dossier_id in dossiers:
        _appraise(journey, tree.commune_office, dossier_id)
        assert journey.open_tasks() == [("decide", tree.commune.id)]
    with pytest.raises(Conflict) as early:  # the round still takes dossiers until its cut-off day ends
        _decide(journey, tree.commune_head, rnd, lambda item: {"action": "approve"})
    assert "25/11/2026" in str(early.value)
    journey.session.rollback()
    journey.ctx.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    _, outcome = _decide(journey, tree.commune_head, rnd, lambda item: {"action": "approve"})
    [decision] = outcome.decisions
    document = _docx(journey, decision.document_sha256)
    assert "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân xã cho 60 cá nhân (có danh sách kèm theo)." in _text(document)
    rows = _annex_rows(document)
    assert [r[0] for r in rows] == [str(i) for i in range(1, 61)]
    assert rows[0][1:] == ["Giáo viên 01-01", "Giáo viên, Trường THCS Bình Minh"]
    heading = document.tables[-1].rows[0]._tr
    assert heading.trPr is not None and heading.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None  # repeats per page
    assert {n.decision_id for d in dossiers for n in journey.session.get(Decision, decision.id).nominations} == {
        decision.id} and len(journey.session.get(Decision, decision.id).nominations) == 60
    for dossier_id in dossiers:
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == [] and journey.dossier.status.value == "decided"


def test_one_by_one_the_head_may_give_a_lower_form_and_the_decision_says_so(journey, tree):
    journey.submit(("BK_TINH", "Phạm Văn An"))
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)
    [item] = journey.prefill(tree.commune_head, "decide")["nominations"]
    assert item["allowed"] == ["forward", "lower_award", "reject"] and "GIAY_KHEN" in item["lower_awards"]
    with pytest.raises(InvalidInput) as bad:
        journey.complete(tree.commune_head, "decide", {"nominations": [
            {"id": item["id"], "action": "lower_award", "lower_award": "CSTD_TQ"}]})
    assert set(bad.value.errors) == {"nominations[0].lower_award"}
    journey.session.rollback()
    journey.complete(tree.commune_head, "decide", {"nominations": [
        {"id": item["id"], "action": "lower_award", "lower_award": "GIAY_KHEN"}]})
    [nomination] = journey.dossier.nominations
    assert (nomination.status.value, nomination.award_type, nomination.proposed_award_type) == (
        "approved", "GIAY_KHEN", "BK_TINH")
    decision = journey.session.get(Decision, nomination.decision_id)
    table = _docx(journey, decision.document_sha256).tables[1]
    assert [c.text for c in table.rows[0].cells][-1] == "Ghi chú"
    assert table.rows[1].cells[-1].text == "Đề nghị: Bằng khen của Bộ trưởng, Chủ tịch Ủy ban nhân dân tỉnh"
