"""Council voting at each level: secret ballots, the threshold with exact arithmetic, quorum,
recusal, receipts, and proof that no member is linked to a choice anywhere."""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from engine.db import Base
from engine.errors import Conflict, Forbidden, NotFound
from engine.models import (
    AuditEvent,
    CouncilSession,
    Decision,
    DossierStatus,
    NamedVote,
    ProcessInstance,
    User,
    VoteChoice,
)
from engine.operations import tasks
from engine.operations.council.queries import ballot_by_receipt, minutes_document, session_view
from engine.security import BallotSealError
from tests.workflows.journey import Journey


def _to_council(journey: Journey, office, *nominations) -> None:
    journey.complete(office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(office)


def _sessions(journey):
    return journey.session.scalars(select(CouncilSession).order_by(CouncilSession.id)).all()


def test_cstd_tinh_goes_through_the_commune_and_the_provincial_councils_by_secret_ballot(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    commune_receipts = journey.vote(tree.commune_council)
    [commune] = _sessions(journey)
    assert commune.closed_how == "all_voted" and commune.present == 5
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")

    _to_council(journey, tree.province_office)
    receipts = journey.vote(tree.province_council[:9]) + journey.vote(tree.province_council[9:], Nguyễn_Thị_Tươi="no")
    journey.decide(tree.province_head, Nguyễn_Thị_Tươi="approve")

    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved"}
    assert journey.dossier.status == DossierStatus.DECIDED
    province = _sessions(journey)[1]
    view = session_view(journey.ctx.as_actor(tree.province_office), province)
    assert view["agenda"][0]["results"] == {"yes": 9, "no": 1, "abstain": 0, "total_members": 10, "base": 10,
                                            "percent": "90,00%", "passed": True}  # 9 of 10 meets "at least 90%"
    assert view["agenda"][0]["named_votes"] is None
    assert all(r for r in receipts + commune_receipts)
    ballot = ballot_by_receipt(journey.ctx.as_actor(tree.proposer), receipts[-1])
    assert ballot["counted"] and [c["choice"] for c in ballot["choices"]] == ["no"]
    assert minutes_document(journey.ctx.as_actor(tree.province_office), province.id)[:2] == b"PK"
    assert journey.session.scalars(select(Decision.issuer_unit_id)).all() == [tree.province.id]


def test_eight_of_ten_does_not_meet_ninety_percent_and_the_head_cannot_approve(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    _to_council(journey, tree.province_office)
    journey.vote(tree.province_council[:8])
    journey.vote(tree.province_council[8:], Nguyễn_Thị_Tươi="abstain")
    nomination = journey.dossier.nominations[0]
    assert nomination.status.value == "rejected"
    assert nomination.outcome_note.startswith(
        "Hội đồng Thi đua - Khen thưởng không thông qua: 8/10 phiếu đồng ý (80,00%)")
    assert journey.open_tasks() == []  # nothing left for the head to decide
    assert journey.dossier.status == DossierStatus.DECIDED


def test_the_chair_closes_early_only_with_a_quorum(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    journey.vote(tree.commune_council[:3])
    chair = tree.commune_council[0]
    close = journey.task(chair, "close_vote")
    with pytest.raises(Conflict, match="có mặt 3/5, cần ít nhất 4"):
        tasks.complete_task(journey.ctx.as_actor(chair), close.id, {"present": 3, "written_votes": 0})
    journey.session.rollback()
    with pytest.raises(Forbidden):  # an ordinary member may not close the vote
        tasks.complete_task(journey.ctx.as_actor(tree.commune_council[2]), close.id, {"present": 4, "written_votes": 0})
    journey.session.rollback()
    journey.vote(tree.commune_council[3:4])
    journey.complete(chair, "close_vote", {"present": 4, "written_votes": 0})
    [session] = _sessions(journey)
    assert (session.closed_how, session.present) == ("closed_by_chair", 4)
    assert journey.dossier.nominations[0].status.value == "rejected"  # 4/5 is not 90%
    late = tree.commune_council[4]
    assert journey.open_tasks() == []
    assert [t for t in tasks.list_tasks(journey.ctx.as_actor(late)).items if t.key == "cast_ballot"] == []


def test_a_second_ballot_is_refused_and_a_non_member_may_not_vote(journey, tree):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    member = tree.commune_council[2]
    ballot_task = journey.task(member, "cast_ballot")
    journey.vote([member])
    nomination_id = journey.dossier.nominations[0].id
    with pytest.raises(Conflict):
        tasks.complete_task(journey.ctx.as_actor(member), ballot_task.id,
                            {"votes": [{"nomination_id": nomination_id, "choice": "no"}]})
    journey.session.rollback()
    other = journey.task(tree.commune_council[3], "cast_ballot")
    with pytest.raises(Forbidden):  # the commune office sees the unit's work but is not this member
        tasks.complete_task(journey.ctx.as_actor(tree.commune_office), other.id,
                            {"votes": [{"nomination_id": nomination_id, "choice": "yes"}]})
    journey.session.rollback()
    with pytest.raises(NotFound):  # someone with no role at the commune does not even see it
        tasks.complete_task(journey.ctx.as_actor(tree.province_office), other.id,
                            {"votes": [{"nomination_id": nomination_id, "choice": "yes"}]})
    journey.session.rollback()


def test_a_member_who_is_the_nominee_is_recused_and_the_base_stays_the_whole_council(journey, tree):
    nominee = tree.commune_council[4]
    journey.submit(("CSTD_CS", nominee.full_name), ("CSTD_CS", "Phạm Văn An"))
    _to_council(journey, tree.commune_office)
    assert [v["nominee"] for v in journey.prefill(nominee, "cast_ballot")["votes"]] == ["Phạm Văn An"]
    journey.vote(tree.commune_council)
    view = session_view(journey.ctx.as_actor(tree.commune_office), _sessions(journey)[0])
    recused = next(i for i in view["agenda"] if i["nominee"] == nominee.full_name)
    assert recused["recused"] == [nominee.full_name]
    # 4 of the whole council of 5 (the nominee did not vote) is more than half: passed
    assert recused["results"]["base"] == 5 and recused["results"]["yes"] == 4 and recused["results"]["passed"]


def test_the_council_is_skipped_when_nothing_needs_a_vote(journey, tree):
    journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))
    journey.pass_level(tree.commune_office, tree.commune_head, Nguyễn_Thị_Tươi="approve")
    assert _sessions(journey) == []
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved"}


def test_ten_members_voting_at_the_same_moment_are_all_counted(journey, tree, make_ctx):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    _to_council(journey, tree.province_office)
    nomination_id = journey.dossier.nominations[0].id
    task_ids = [journey.task(m, "cast_ballot").id for m in tree.province_council]
    journey.session.commit()
    barrier = threading.Barrier(10)

    def cast(i):
        ctx = make_ctx(tree.province_council[i])
        barrier.wait()
        done = tasks.complete_task(ctx, task_ids[i], {"votes": [{"nomination_id": nomination_id, "choice": "yes"}]})
        ctx.session.commit()
        return done.reply["receipt"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        receipts = list(pool.map(cast, range(10)))
    journey.reload()
    session = _sessions(journey)[1]
    assert len(set(receipts)) == 10 and session.closed_how == "all_voted"
    assert session.agenda[0].yes == 10 and session.agenda[0].passed
    assert all(ballot_by_receipt(journey.ctx.as_actor(tree.proposer), r)["counted"] for r in receipts)


def test_nothing_links_a_member_to_a_choice(journey, tree, db_engine):
    """A scan of every table, the serialized workflow state and the audit events of a finished session."""
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    journey.vote(tree.commune_council[:4])
    journey.vote(tree.commune_council[4:], Nguyễn_Thị_Tươi="no")
    members = {m.id for m in tree.commune_council}
    usernames = {m.username for m in tree.commune_council}
    choices = {c.value for c in VoteChoice}
    journey.session.commit()  # end the read: on SQLite an open transaction holds the write lock
    user_columns = {(fk.parent.table.name, fk.parent.name) for table in Base.metadata.tables.values()
                    for fk in table.foreign_keys if fk.column.table.name == User.__tablename__}
    with db_engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(table.select()).mappings().all()
            linked = [c for (t, c) in user_columns if t == table.name]
            for row in rows:
                holds_member = any(row[c] in members for c in linked) or any(
                    isinstance(v, str) and v in usernames for v in row.values())
                if holds_member and table.name != NamedVote.__tablename__:
                    assert not choices & {str(v) for v in row.values()}, (table.name, dict(row))
            if table.name in ("council_ballot", "council_ballot_choice"):
                assert not linked and not any(c.name.endswith(("_at", "_id")) and c.name != "session_id"
                                              and c.name != "agenda_item_id" for c in table.columns)
        assert conn.execute(text("SELECT count(*) FROM council_named_vote")).scalar() == 0  # secret items only
    state = journey.session.get(ProcessInstance, journey.dossier.instance_id).state
    assert '"votes"' not in state and '"choice"' not in state
    for event in journey.session.scalars(select(AuditEvent)):
        payload = json.dumps([event.before, event.after], ensure_ascii=False)
        assert '"votes"' not in payload and '"choice"' not in payload, event.action
        if event.action == "ballot_cast":
            assert event.after == {"voted": True}


@pytest.mark.postgres_only
def test_while_a_session_is_open_the_database_alone_links_no_member_to_a_choice(journey, tree, db_engine):
    """Issue 11: participation and ballot rows of one vote share PostgreSQL's xmin (one transaction),
    and both are written in voting order. Joined by xmin, by insertion order or by anything else, what
    a member's rows meet is a digest and sealed choices of one length; the receipt still finds it."""
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    receipts = journey.vote(tree.commune_council[:1], Nguyễn_Thị_Tươi="yes")
    receipts += journey.vote(tree.commune_council[1:2], Nguyễn_Thị_Tươi="no")
    receipts += journey.vote(tree.commune_council[2:3], Nguyễn_Thị_Tươi="abstain")
    [session] = _sessions(journey)
    assert session.status == "open"
    journey.session.commit()
    choices = {c.value for c in VoteChoice}
    with db_engine.connect() as conn:
        by_xmin = conn.execute(text(
            "SELECT p.user_id, b.receipt, c.choice FROM council_participation p "
            "JOIN council_ballot b ON b.xmin = p.xmin JOIN council_ballot_choice c ON c.xmin = p.xmin "
            "ORDER BY p.ctid")).all()
        assert len(by_xmin) == 3  # the join does reach one ballot per member …
        assert not {row.choice for row in by_xmin} & choices  # … and finds no choice in it
        assert len({len(row.choice) for row in by_xmin}) == 1  # yes, no and abstain look alike
        assert len({row.choice for row in by_xmin}) == 3  # and no two seal alike
        stored = set(conn.execute(text("SELECT receipt FROM council_ballot")).scalars())
        assert not stored & set(receipts)  # the box keeps digests, never a receipt
        in_order = conn.execute(text("SELECT choice FROM council_ballot_choice ORDER BY ctid")).scalars().all()
        assert not set(in_order) & choices
    seen = [ballot_by_receipt(journey.ctx.as_actor(member), receipt)["choices"][0]["choice"]
            for member, receipt in zip(tree.commune_council[:3], receipts, strict=True)]
    assert seen == ["yes", "no", "abstain"]


def test_a_sealed_choice_moved_to_another_ballot_does_not_open(journey, tree, db_engine):
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    first, second = journey.vote(tree.commune_council[:2])
    journey.session.commit()
    with db_engine.begin() as conn:
        rows = conn.execute(text("SELECT receipt, choice FROM council_ballot_choice ORDER BY receipt")).all()
        conn.execute(text("UPDATE council_ballot_choice SET choice = :c WHERE receipt = :r"),
                     {"c": rows[1].choice, "r": rows[0].receipt})
    journey.session.expire_all()
    with pytest.raises(BallotSealError, match="đã bị thay đổi"):
        for member, receipt in zip(tree.commune_council[:2], (first, second), strict=True):
            ballot_by_receipt(journey.ctx.as_actor(member), receipt)
