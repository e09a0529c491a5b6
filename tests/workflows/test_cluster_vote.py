"""Every path of cluster_vote.bpmn and cluster_ballots.bpmn: the cluster of three communes scored and
ranked with a disputed score; its vote by secret ballot proposing the leading commune for the flag and
another for the Bằng khen; that proposal a dossier of the head commune which, completed and submitted,
joins the province's open round; a vote closed early by the head; a vote electing no one; secrecy."""
from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from engine.db import Base
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    AuditEvent,
    ClusterVote,
    Dossier,
    DossierStatus,
    ProcessInstance,
    RoundEntry,
    RoundKind,
    Unit,
    User,
)
from engine.operations import tasks
from engine.operations.award import commands as award
from engine.operations.emulation import cluster_vote, commands, queries
from engine.operations.emulation.cluster_vote import open_vote
from engine.operations.emulation.inputs import AdjustInput, ClusterInput, Criterion, ScoreLine
from engine.operations.rounds.commands import create_round
from engine.operations.rounds.inputs import RoundInput
from engine.vocabulary import ClusterKind, ClusterVoteChoice, LatePolicy, Role
from tests.factories import make_unit, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cluster(journey, tree, settings):
    """The cluster of three communes of the province, head: the tree's commune; scored and ranked, the
    second commune's score disputed by the head. Returns (cluster year id, communes, heads, offices)."""
    session = journey.session
    second = make_unit(session, "HBX-X02", parent=tree.province, level="commune", name="UBND xã Hòa Lạc")
    third = make_unit(session, "HBX-X03", parent=tree.province, level="commune", name="UBND xã Tân Tiến")
    heads = [tree.commune_head, make_user(session, settings, "x2.chutich", (Role.HEAD, second)),
             make_user(session, settings, "x3.chutich", (Role.HEAD, third))]
    offices = [tree.commune_office, make_user(session, settings, "x2.vanphong", (Role.OFFICE, second)),
               make_user(session, settings, "x3.vanphong", (Role.OFFICE, third))]
    session.commit()
    communes = [tree.commune, second, third]
    ctx = journey.ctx.as_actor(tree.province_office)
    row = commands.set_cluster_year(ctx, ClusterInput(
        "Cụm thi đua các xã", ClusterKind.CLUSTER, tree.province.id, 2026, [c.id for c in communes], communes[0].id,
        communes[1].id, "01/GƯ-CTĐ", date(2026, 2, 10), [
            Criterion("A1", "Kinh tế", "Thu ngân sách đạt kế hoạch", Decimal(40), "score", False),
            Criterion("B1", "Xã hội", "Nông thôn mới nâng cao", Decimal(30), "score", True)]))
    for office, unit, lines in zip(offices, communes, [[("A1", 38), ("B1", 25)], [("A1", 40), ("B1", 30)],
                                                        [("A1", 30)]], strict=True):
        commands.self_score(journey.ctx.as_actor(office), row.id, unit.id,
                            [ScoreLine(c, Decimal(p), "Báo cáo số 12/BC-UBND") for c, p in lines])
    commands.adjust_score(journey.ctx.as_actor(tree.commune_office), row.id, AdjustInput(
        second.id, "B1", Decimal(20), "Chưa có quyết định công nhận xã nông thôn mới nâng cao."))
    session.commit()
    journey.reload()
    return row.id, communes, heads, offices


def _ballot(journey, head, **choices) -> str:
    """The head casts its unit's ballot: unit code → choice (none when not named); the receipt."""
    votes = [{"unit_id": v["unit_id"], "choice": choices.get(_code(journey, v["unit_id"]), "none")}
             for v in journey.prefill(head, "cast_cluster_ballot")["votes"]]
    return journey.complete(head, "cast_cluster_ballot", {"votes": votes}).reply["receipt"]


def _code(journey, unit_id) -> str:
    return journey.session.get(Unit, unit_id).code.replace("-", "_")


def _vote(journey, cluster_year_id) -> ClusterVote:
    return journey.session.scalars(select(ClusterVote).where(ClusterVote.cluster_year_id == cluster_year_id)).one()


def test_the_cluster_elects_its_leading_commune_for_the_flag_and_the_proposal_joins_the_provincial_round(
        journey, tree, cluster, settings):
    cid, communes, heads, _offices = cluster
    ranking = queries.get_cluster_year(journey.ctx.as_actor(tree.province_office), cid).ranking
    assert [(s.rank, s.unit_id, s.disputed) for s in ranking] == [(1, communes[0].id, 0), (2, communes[1].id, 1),
                                                                  (3, communes[2].id, 0)]
    rnd = create_round(journey.ctx.as_actor(tree.province_office), RoundInput(
        tree.province.id, "Đợt xét khen thưởng tổng kết năm 2026", RoundKind.ANNUAL, None, ("CO_TINH", "BK_TINH"),
        date(2026, 12, 20), None, LatePolicy.REFUSE))
    journey.session.commit()

    with pytest.raises(Forbidden):  # only the head commune (or the organiser's office) opens it
        open_vote(journey.ctx.as_actor(heads[1]), cid)
    journey.session.rollback()
    vote_id = open_vote(journey.ctx.as_actor(tree.commune_head), cid).id
    journey.session.commit()
    journey.reload()
    with pytest.raises(Conflict):
        open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.rollback()
    prefill = journey.prefill(heads[2], "cast_cluster_ballot")["votes"]
    assert [(v["unit"], v["rank"], v["total"]) for v in prefill] == [
        ("UBND xã Bình Minh", 1, "63.00"), ("UBND xã Hòa Lạc", 2, "60.00"), ("UBND xã Tân Tiến", 3, "30.00")]

    # A ballot proposing two units for the one flag is refused, naming the limit; nothing is cast.
    task = journey.task(heads[1], "cast_cluster_ballot")
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(journey.ctx.as_actor(heads[1]), task.id, {"votes": [
            {"unit_id": communes[0].id, "choice": "flag"}, {"unit_id": communes[1].id, "choice": "flag"},
            {"unit_id": communes[2].id, "choice": "none"}]})
    assert refused.value.errors == {"votes": "Mỗi phiếu chọn tối đa 1 đơn vị để đề nghị tặng Cờ thi đua."}
    journey.session.rollback()

    receipts = [_ballot(journey, heads[0], HBX_X01="flag", HBX_X02="merit"),
                _ballot(journey, heads[1], HBX_X01="flag", HBX_X02="merit"),
                _ballot(journey, heads[2], HBX_X02="flag")]
    vote = _vote(journey, cid)
    assert vote.status == "tallied" and vote.closed_how == "all_voted"
    assert [(r["unit_id"], r["flag"], r["merit"], r["none"], r["elected"]) for r in vote.results] == [
        (communes[0].id, 2, 0, 1, "flag"), (communes[1].id, 1, 2, 0, "merit"), (communes[2].id, 0, 0, 3, None)]

    # Each member checks its ballot by its receipt; no one else's choices are shown.
    ballot = cluster_vote.cluster_ballot_by_receipt(journey.ctx.as_actor(heads[2]), receipts[2].lower())
    assert ballot["counted"] and [c["choice"] for c in ballot["choices"]] == ["none", "flag", "none"]

    # The proposal: a draft dossier of the head commune, a flag for the first, a Bằng khen for the second.
    dossier = journey.session.get(Dossier, vote.dossier_id)
    assert dossier.status == DossierStatus.DRAFT and dossier.proposing_unit_id == communes[0].id
    assert [(n.award_type, n.nominee_kind, n.nominee_name) for n in dossier.nominations] == [
        ("CO_TINH", "collective", "UBND xã Bình Minh"), ("BK_TINH", "collective", "UBND xã Hòa Lạc")]
    assert "được 2/3 đơn vị thành viên suy tôn Cờ thi đua" in dossier.nominations[0].achievements
    assert "được 3/3 đơn vị thành viên suy tôn Bằng khen" in dossier.nominations[1].achievements

    # The tally attached the tờ trình and the biên bản (test_cluster_proposal_documents.py reads them); the
    # commune's proposer adds the báo cáo thành tích and submits it: it joins the province's open round.
    assert sorted(a.kind.value for a in dossier.attachments) == ["council_minutes", "submission"]
    proposer = make_user(journey.session, settings, "x1.denghi", (Role.PROPOSER, communes[0]))
    journey.session.commit()
    as_proposer = journey.ctx.as_actor(proposer)
    for n in dossier.nominations:
        award.add_attachment(as_proposer, dossier.id, io.BytesIO(PDF), f"bao-cao-{n.id}.pdf", "achievement_report",
                             n.id)
    award.submit_dossier(as_proposer, dossier.id)
    journey.session.commit()
    journey.reload()
    entry = journey.session.scalars(select(RoundEntry).where(RoundEntry.dossier_id == dossier.id)).one()
    assert (entry.round_id, entry.unit_id) == (rnd.id, tree.province.id)
    view = cluster_vote.vote_view(journey.ctx.as_actor(tree.province_office), cid)
    assert [u.id for u in view.voted] == sorted([c.id for c in communes], key=lambda u: journey.session.get(
        Unit, u).name) and view.not_voted == [] and view.base == 3
    assert [(line.unit_id, line.award_type) for line in view.lines if line.elected] == [
        (communes[0].id, "CO_TINH"), (communes[1].id, "BK_TINH")]
    actions = journey.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "emulation_cluster_vote").order_by(AuditEvent.seq)).all()
    assert actions == ["cluster_vote_opened", *["cluster_ballot_cast"] * 3, "cluster_vote_tallied",
                       "cluster_proposal_created"]
    assert vote_id == vote.id


def test_a_member_votes_once_and_an_outsider_not_at_all(journey, tree, cluster, settings):
    cid, communes, heads, _offices = cluster
    outsider_unit = make_unit(journey.session, "HBX-X09", parent=tree.province, level="commune")
    outsider = make_user(journey.session, settings, "x9.chutich", (Role.HEAD, outsider_unit))
    journey.session.commit()
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    task = journey.task(heads[1], "cast_cluster_ballot")
    _ballot(journey, heads[1], HBX_X01="flag")
    with pytest.raises(Conflict):  # the same unit again: its ballot task is done
        tasks.complete_task(journey.ctx.as_actor(heads[1]), task.id, {"votes": [
            {"unit_id": c.id, "choice": "none"} for c in communes]})
    journey.session.rollback()
    with pytest.raises((Forbidden, NotFound)):  # a unit outside the cluster holds no ballot of it
        tasks.complete_task(journey.ctx.as_actor(outsider), journey.task(heads[2], "cast_cluster_ballot").id,
                            {"votes": [{"unit_id": c.id, "choice": "flag"} for c in communes[:1]]})
    journey.session.rollback()
    assert not [t for t in tasks.list_tasks(journey.ctx.as_actor(outsider), per_page=200).items
                if t.key == "cast_cluster_ballot"]


def test_the_head_closes_early_and_the_missing_ballot_counts_against(journey, tree, cluster):
    """Two of three voted flag for the second commune; with the threshold over half of all members (the
    rules in force) it passes: the third never voted, the head closed the vote."""
    cid, communes, heads, _offices = cluster
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    _ballot(journey, heads[1], HBX_X02="flag")
    _ballot(journey, heads[2], HBX_X02="flag", HBX_X03="merit")
    journey.complete(tree.commune_head, "close_cluster_vote", {"note": "Xã Bình Minh vắng mặt."})
    vote = _vote(journey, cid)
    assert vote.closed_how == "closed_by_chair" and vote.status == "tallied"
    assert {r["unit_id"]: r["elected"] for r in vote.results} == {communes[0].id: None, communes[1].id: "flag",
                                                                  communes[2].id: None}
    dossier = journey.session.get(Dossier, vote.dossier_id)
    assert [(n.award_type, n.nominee_name) for n in dossier.nominations] == [("CO_TINH", "UBND xã Hòa Lạc")]
    assert journey.open_tasks() == []


def test_no_unit_passes_and_no_dossier_is_made(journey, tree, cluster):
    cid, _communes, heads, _offices = cluster
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    _ballot(journey, heads[0], HBX_X01="flag")
    _ballot(journey, heads[1], HBX_X02="flag")
    _ballot(journey, heads[2], HBX_X03="flag")
    vote = _vote(journey, cid)
    assert vote.status == "tallied" and vote.dossier_id is None
    assert all(r["elected"] is None for r in vote.results)
    assert journey.session.scalar(select(Dossier.id)) is None


def test_nothing_links_a_member_unit_to_its_choices(journey, tree, cluster, db_engine):
    """A scan of every table, the serialized workflow state and the audit events of a finished vote."""
    cid, communes, heads, _offices = cluster
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    receipts = [_ballot(journey, heads[0], HBX_X01="flag"), _ballot(journey, heads[1], HBX_X01="merit"),
                _ballot(journey, heads[2])]
    vote = _vote(journey, cid)
    members = {h.id for h in heads}
    member_units = sorted(c.id for c in communes)
    choices = {c.value for c in ClusterVoteChoice}
    journey.session.commit()
    user_columns = {(fk.parent.table.name, fk.parent.name) for table in Base.metadata.tables.values()
                    for fk in table.foreign_keys if fk.column.table.name == User.__tablename__}
    with db_engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            linked = [c for (t, c) in user_columns if t == table.name]
            for row in conn.execute(table.select()).mappings().all():
                if any(row[c] in members for c in linked):
                    assert not choices & {str(v) for v in row.values()}, (table.name, dict(row))
        participation = conn.execute(text("SELECT vote_id, unit_id FROM emulation_cluster_vote_participation")).all()
        assert sorted(u for _, u in participation) == member_units
        sealed = conn.execute(text("SELECT receipt, choice FROM emulation_cluster_ballot_choice")).all()
        assert len(sealed) == 9 and not {s.choice for s in sealed} & choices
        assert len({len(s.choice) for s in sealed}) == 1  # flag, merit and none look alike
        stored = set(conn.execute(text("SELECT receipt FROM emulation_cluster_ballot")).scalars())
        assert len(stored) == 3 and not stored & set(receipts)  # digests, never a receipt
        ballot_columns = {c.name for c in Base.metadata.tables["emulation_cluster_ballot"].columns}
        assert ballot_columns == {"receipt", "vote_id", "counted"}
    state = journey.session.get(ProcessInstance, vote.instance_id).state
    assert '"votes"' not in state and '"choice"' not in state
    for event in journey.session.scalars(select(AuditEvent)):
        payload = json.dumps([event.before, event.after], ensure_ascii=False)
        assert '"votes"' not in payload and '"choice"' not in payload, event.action
        if event.action == "cluster_ballot_cast":
            assert event.after == {"voted": True}


@pytest.mark.postgres_only
def test_while_the_vote_is_open_the_database_alone_links_no_unit_to_a_choice(journey, tree, cluster, db_engine):
    """Participation and ballot rows of one ballot share PostgreSQL's xmin (one transaction): joined by it,
    what a unit's row meets is a digest and sealed choices of one length; the receipt still opens them."""
    cid, _communes, heads, _offices = cluster
    open_vote(journey.ctx.as_actor(tree.commune_head), cid)
    journey.session.commit()
    journey.reload()
    receipts = [_ballot(journey, heads[1], HBX_X01="flag"), _ballot(journey, heads[2], HBX_X02="merit")]
    journey.session.commit()
    choices = {c.value for c in ClusterVoteChoice}
    with db_engine.connect() as conn:
        joined = conn.execute(text(
            "SELECT p.unit_id, c.choice FROM emulation_cluster_vote_participation p "
            "JOIN emulation_cluster_ballot_choice c ON c.xmin = p.xmin")).all()
        assert len(joined) == 6 and not {row.choice for row in joined} & choices
        assert len({len(row.choice) for row in joined}) == 1
    seen = [[c["choice"] for c in cluster_vote.cluster_ballot_by_receipt(journey.ctx.as_actor(head), r)["choices"]]
            for head, r in zip(heads[1:], receipts, strict=True)]
    assert seen == [["flag", "none", "none"], ["none", "merit", "none"]]
