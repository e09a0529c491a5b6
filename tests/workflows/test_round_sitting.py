"""One council sitting for a round (issue 13): three dossiers of a commune's round wait at the council
stage instead of opening their own vote; the office opens the round's sitting after the cut-off, every
member casts ONE ballot over the whole agenda (a member who is a nominee does not vote on their own
name), the chair closes with the real time and place, and each dossier reaches `decide` with what the
council did not pass rejected. Runs warm and cold (journey: a new process between steps)."""
from __future__ import annotations

import io
from datetime import date, datetime
from fractions import Fraction

import pytest
from docx import Document
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import (
    Council,
    CouncilMember,
    CouncilSession,
    CouncilSitting,
    HumanTask,
    HumanTaskState,
    ProcessInstance,
    Role,
    UnitLevel,
)
from engine.operations import tasks
from engine.operations.admission import admit
from engine.operations.award.commands import withdraw_dossier
from engine.operations.council import sitting as sittings
from engine.operations.council.inputs import read_sitting_ballot, read_sitting_close, read_sitting_paper_ballot
from engine.operations.council.queries import ballot_by_receipt
from engine.operations.council.sitting_minutes import sitting_document
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from engine.rules.catalogue import AwardType, Comparison, Threshold, VoteBase
from tests.factories import make_user
from tests.workflows.journey import check_prefill


def _open_round(journey, tree):
    rnd = rounds.create_round(journey.ctx.as_actor(tree.commune_office), read_round(
        {"unit_id": tree.commune.id, "title": "Đợt xét tổng kết năm học 2025-2026", "kind": "school_year",
         "cutoff_on": str(date(2026, 11, 25))}))
    journey.session.commit()
    return rnd.id


def _submit(journey, tree, *nominations, rules_version="nd152-2025"):
    """The journey's submission, then the admission at the commune a real submission makes."""
    dossier_id = journey.submit(*nominations, rules_version=rules_version)
    admit(journey.ctx.as_actor(tree.proposer), journey.dossier, tree.commune, submitting=True)
    journey.session.commit()
    journey.reload()
    return dossier_id


def _to_council(journey, tree, dossier_id):
    journey.dossier_id = dossier_id
    journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(tree.commune_office)


def _check_sitting_prefills(journey, sitting_id):
    """The sitting's own tasks (each member's ballot, the chair's close), as its process offers them:
    their pre-filled data, posted back with the required fields filled in, passes their forms."""
    sitting = journey.session.get(CouncilSitting, sitting_id)
    open_tasks = journey.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == sitting.instance_id, HumanTask.state == HumanTaskState.READY)).all()
    assert {task.key for task in open_tasks} == {"cast_sitting_ballot", "close_sitting"}
    for task in open_tasks:
        check_prefill(journey.ctx, task)


def _ballot(journey, member, sitting_id, **choices):
    page = sittings.sitting_ballot(journey.ctx.as_actor(member), sitting_id)
    votes = [{"nomination_id": item["nomination_id"], "choice": choices.get(item["nominee"].replace(" ", "_"), "yes")}
             for group in page["groups"] for item in group["items"]]
    cast = sittings.cast_sitting_ballot(journey.ctx.as_actor(member), read_sitting_ballot(sitting_id, {"votes": votes}))
    journey.session.commit()
    journey.reload()
    return page, cast


def test_a_commune_round_meets_once_and_each_dossier_goes_on_to_decide(journey, tree):
    rnd = _open_round(journey, tree)
    member_nominee = tree.commune_council[3]
    dossiers = [_submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_TINH", "Trần Minh Khoa")),
                _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"), ("CSTD_TINH", member_nominee.full_name)),
                _submit(journey, tree, ("CSTD_TINH", "Lê Văn Hùng"))]
    for dossier_id in dossiers:
        _to_council(journey, tree, dossier_id)
        assert journey.open_tasks() == []  # no ballot of its own: it waits for the round's sitting

    with pytest.raises(Conflict):  # not before the cut-off
        sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), rnd)
    journey.session.rollback()
    with pytest.raises(Forbidden):
        sittings.open_sitting(journey.ctx.as_actor(tree.commune_council[2]), rnd)
    journey.session.rollback()
    journey.ctx.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), rnd).id
    journey.session.commit()
    journey.reload()
    _check_sitting_prefills(journey, sitting_id)

    chair = tree.commune_council[0]
    page, cast = _ballot(journey, chair, sitting_id)
    assert [g["award_type"] for g in page["groups"]] == ["CSTD_TINH"]
    assert len(page["groups"][0]["items"]) == 5  # the whole agenda on one ballot
    receipt = cast["receipt"]  # ONE receipt for the secret ballot over the three dossiers
    mine = ballot_by_receipt(journey.ctx.as_actor(chair), receipt)
    assert len(mine["choices"]) == 5 and not mine["counted"]
    with pytest.raises(Conflict):  # one ballot per member
        sittings.cast_sitting_ballot(journey.ctx.as_actor(chair), read_sitting_ballot(sitting_id, {"votes": []}))
    journey.session.rollback()

    page, _ = _ballot(journey, member_nominee, sitting_id)  # not on their own name
    assert member_nominee.full_name not in {i["nominee"] for g in page["groups"] for i in g["items"]}
    assert len(page["groups"][0]["items"]) == 4
    with pytest.raises(InvalidInput) as incomplete:  # every name of the member's part, at once
        sittings.cast_sitting_ballot(journey.ctx.as_actor(tree.commune_council[1]),
                                     read_sitting_ballot(sitting_id, {"votes": []}))
    assert set(incomplete.value.errors) == {"votes"}
    journey.session.rollback()
    for member in tree.commune_council[1:3]:
        _ballot(journey, member, sitting_id, Trần_Minh_Khoa="no")
    _ballot(journey, tree.commune_council[4], sitting_id)

    close = {"held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã Bình Minh", "present": 5,
             "written_votes": 0}
    with pytest.raises(Forbidden):  # the chair or the secretary closes
        sittings.close_sitting(journey.ctx.as_actor(tree.commune_council[2]), read_sitting_close(sitting_id, close))
    journey.session.rollback()
    with pytest.raises(InvalidInput) as future:  # the real time of the meeting, not a time to come
        sittings.close_sitting(journey.ctx.as_actor(chair), read_sitting_close(
            sitting_id, {**close, "held_at": "2026-11-27T08:30"}))
    assert set(future.value.errors) == {"held_at"}
    journey.session.rollback()
    journey.ctx.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=LOCAL_TZ))
    closed = sittings.close_sitting(journey.ctx.as_actor(chair), read_sitting_close(sitting_id, close))
    journey.session.commit()
    journey.reload()
    assert closed.place == "Hội trường UBND xã Bình Minh"
    assert closed.held_at == datetime(2026, 11, 26, 8, 30, tzinfo=LOCAL_TZ)

    sessions = journey.session.scalars(select(CouncilSession).order_by(CouncilSession.id)).all()
    assert [(s.dossier_id, s.status.value, s.present) for s in sessions] == [(d, "tallied", 5) for d in dossiers]
    voting_tasks = select(HumanTask).where(HumanTask.key.in_(["cast_ballot", "close_vote"]))
    assert journey.session.scalars(voting_tasks).all() == []  # never a vote of its own
    outcomes = {}
    for dossier_id in dossiers:
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == [("decide", tree.commune.id)]
        outcomes.update(journey.outcomes())
    # 3 of 5 for Trần Minh Khoa; 4 of 5 for the member named, who did not vote on their own name and still
    # counts in the base (the whole council, as the versions in force say): both short of 90%
    assert outcomes == {"Nguyễn Thị Tươi": "pending", "Phạm Văn An": "pending", member_nominee.full_name: "rejected",
                        "Lê Văn Hùng": "pending", "Trần Minh Khoa": "rejected"}
    items = {i.nomination_id: i for s in sessions for i in s.agenda}
    own = next(i for i in items.values() if member_nominee.id in i.recused)
    assert (own.yes, own.no, own.base, own.passed) == (4, 0, 5, False)
    assert ballot_by_receipt(journey.ctx.as_actor(chair), receipt)["counted"]
    assert journey.session.get(CouncilSitting, sitting_id).minutes_sha256 is not None


def test_a_dossier_withdrawn_during_the_sitting_leaves_it_and_the_others_go_on(journey, tree):
    rnd = _open_round(journey, tree)
    kept = _submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"))
    withdrawn = _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"))
    for dossier_id in (kept, withdrawn):
        _to_council(journey, tree, dossier_id)
    journey.ctx.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), rnd).id
    journey.session.commit()
    withdraw_dossier(journey.ctx.as_actor(tree.proposer), withdrawn, "Đơn vị rút hồ sơ để bổ sung")
    journey.session.commit()
    journey.reload()
    for member in tree.commune_council:
        page, _ = _ballot(journey, member, sitting_id)
        assert [i["nominee"] for g in page["groups"] for i in g["items"]] == ["Nguyễn Thị Tươi"]
    journey.ctx.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=LOCAL_TZ))
    sittings.close_sitting(journey.ctx.as_actor(tree.commune_council[1]), read_sitting_close(sitting_id, {
        "held_at": "2026-11-26T08:30", "place": "Hội trường UBND xã", "present": 5, "written_votes": 0}))
    journey.session.commit()
    journey.reload()
    journey.dossier_id = kept
    assert journey.open_tasks() == [("decide", tree.commune.id)]
    journey.dossier_id = withdrawn
    assert journey.open_tasks() == [] and journey.dossier.status.value == "withdrawn"


def _sixth_member(journey, tree):
    """A council of six, so that 4/6 meets "≥ 2/3" exactly and 5/6 falls short of 90%."""
    council = journey.session.scalars(select(Council).where(Council.unit_id == tree.commune.id)).one()
    sixth = make_user(journey.session, journey.ctx.settings, "xa.hd.sau", (Role.COUNCIL, tree.commune),
                      full_name="Lý Quang Vinh (xa.hd)")
    journey.session.add(CouncilMember(council_id=council.id, user_id=sixth.id))
    journey.session.commit()
    return [*tree.commune_council, sixth]


def _two_thirds_for_cstd_cs(monkeypatch):
    """The rules give the commune's council "≥ 2/3 of the members" for CSTD_CS (read as the session opens)."""
    original = AwardType.threshold_at
    two_thirds = Threshold(Comparison.AT_LEAST, None, VoteBase.MEMBERS, Fraction(2, 3))

    def threshold_at(award, level):
        return two_thirds if award.code == "CSTD_CS" and level is UnitLevel.COMMUNE else original(award, level)

    monkeypatch.setattr(AwardType, "threshold_at", threshold_at)


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_written_votes_the_edges_and_a_restart_in_the_middle_of_the_sitting(journey, tree, monkeypatch, new_runtime):
    council = _sixth_member(journey, tree)
    chair, secretary, counter, absent_on_paper, nominee_member, sixth = council
    _two_thirds_for_cstd_cs(monkeypatch)
    rnd = _open_round(journey, tree)
    first = _submit(journey, tree, ("CSTD_CS", "Nguyễn Thị Tươi"), ("CSTD_CS", "Trần Minh Khoa"))
    second = _submit(journey, tree, ("CSTD_TINH", "Lê Văn Hùng"), ("CSTD_TINH", "Phạm Văn An"),
                     ("CSTD_TINH", nominee_member.full_name))
    for dossier_id in (first, second):
        _to_council(journey, tree, dossier_id)
    journey.ctx.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    with pytest.raises(InvalidInput) as outsider:  # the ban kiểm phiếu is of the council's members
        sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), rnd, (counter.id, tree.proposer.id))
    assert set(outsider.value.errors) == {"counting_board"}
    journey.session.rollback()
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), rnd,
                                      (counter.id, secretary.id)).id
    journey.session.commit()
    journey.reload()

    inbox = {t.key for t in tasks.list_tasks(journey.ctx.as_actor(chair)).items}
    assert {"cast_sitting_ballot", "close_sitting"} <= inbox  # the sitting's process: the chair's open tasks
    assert {t.key for t in tasks.list_tasks(journey.ctx.as_actor(sixth)).items} == {"cast_sitting_ballot"}

    _, cast = _ballot(journey, chair, sitting_id, Nguyễn_Thị_Tươi="yes")
    _ballot(journey, secretary, sitting_id, Trần_Minh_Khoa="no")
    _ballot(journey, counter, sitting_id)

    # the server restarts in the middle of the sitting: a new process with nothing but the database
    journey.session.commit()
    journey.session.expire_all()
    journey.ctx.runtime = new_runtime()

    paper = {"member_id": absent_on_paper.id, "votes": [
        {"nomination_id": item["nomination_id"],
         "choice": "no" if item["nominee"] in ("Nguyễn Thị Tươi", "Trần Minh Khoa", "Phạm Văn An") else "yes"}
        for group in sittings.sitting_ballot(journey.ctx.as_actor(absent_on_paper), sitting_id)["groups"]
        for item in group["items"]]}
    with pytest.raises(Forbidden):  # the chair is not on this sitting's ban kiểm phiếu
        sittings.enter_sitting_paper_ballot(journey.ctx.as_actor(chair), read_sitting_paper_ballot(sitting_id, paper))
    journey.session.rollback()
    entered = sittings.enter_sitting_paper_ballot(journey.ctx.as_actor(counter),
                                                  read_sitting_paper_ballot(sitting_id, paper))
    journey.session.commit()
    journey.reload()
    assert entered["receipt"] is not None
    assert tasks.list_tasks(journey.ctx.as_actor(absent_on_paper)).items == []  # done in their place
    with pytest.raises(Conflict):
        sittings.enter_sitting_paper_ballot(journey.ctx.as_actor(counter), read_sitting_paper_ballot(sitting_id, paper))
    journey.session.rollback()
    _ballot(journey, nominee_member, sitting_id)  # absent, but votes in the system before the close
    _ballot(journey, sixth, sitting_id, Nguyễn_Thị_Tươi="no", Trần_Minh_Khoa="no")

    journey.ctx.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=LOCAL_TZ))
    sittings.close_sitting(journey.ctx.as_actor(secretary), read_sitting_close(sitting_id, {
        "held_at": "2026-11-26T08:30", "place": "Phòng họp số 2, UBND xã Bình Minh", "present": 4,
        "written_votes": 2, "absent_members": [absent_on_paper.id, nominee_member.id],
        "written_vote_members": [nominee_member.id]}))
    journey.session.commit()
    journey.reload()

    outcomes = {}
    for dossier_id in (first, second):
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == [("decide", tree.commune.id)]
        outcomes.update(journey.outcomes())
    assert outcomes == {
        "Nguyễn Thị Tươi": "pending",  # 4/6 meets "≥ 2/3" exactly (the paper ballot and the sixth said no)
        "Trần Minh Khoa": "rejected",  # 3/6
        "Lê Văn Hùng": "pending",  # 6/6
        "Phạm Văn An": "rejected",  # 5/6 = 83,33%: short of 90% by the written vote alone
        nominee_member.full_name: "rejected"}  # 5/6: not on their own name, still in the base
    results = {i.nomination_id: (i.yes, i.base) for s in journey.session.scalars(select(CouncilSession))
               for i in s.agenda}
    assert sorted(results.values()) == [(3, 6), (4, 6), (5, 6), (5, 6), (6, 6)]
    assert ballot_by_receipt(journey.ctx.as_actor(chair), cast["receipt"])["counted"]

    sitting = journey.session.get(CouncilSitting, sitting_id)
    assert (sitting.present, sitting.written_votes, sitting.status.value) == (4, 2, "tallied")
    process = journey.session.get(ProcessInstance, sitting.instance_id)
    assert process.status.value == "completed"  # the sitting's own process ran to its end
    assert '"votes"' not in process.state and '"choice"' not in process.state  # ballots never enter it
    minutes = _docx_text(sitting_document(journey.ctx.as_actor(chair), sitting_id, "minutes").content)
    assert "Phòng họp số 2, UBND xã Bình Minh" in minutes and "08 giờ 30 phút" in minutes
    assert "2 thành viên vắng mặt gửi phiếu bằng văn bản" in minutes
    assert "trình Chủ tịch UBND tỉnh" in minutes  # CSTD_TINH is the province's to award
    for name in ("Nguyễn Thị Tươi", "Trần Minh Khoa", "Lê Văn Hùng", "Phạm Văn An"):
        assert name in minutes
    counting = _docx_text(sitting_document(journey.ctx.as_actor(chair), sitting_id, "counting").content)
    assert "BIÊN BẢN KIỂM PHIẾU" in counting and "TRƯỞNG BAN KIỂM PHIẾU" in counting
    assert counter.full_name in counting and "2 phiếu bằng văn bản" in counting
    assert "Số trường hợp đạt: 1." in counting and "Số trường hợp không đạt: 2." in counting  # CSTD_TINH
