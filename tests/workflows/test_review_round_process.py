"""The round as a process of its own (review_round.bpmn, issue 13), warm and cold (cold: a new process
reading only the database between steps): opened → its cut-off day ends (the worker fires the timer on
a fake clock) and the intake is recorded closed → it waits for the council's sitting → once the sitting
has counted, the head's `decide_round` task is in the head's inbox → decided (the round decision's
code, as the page and the API call it) → the round's process completed and the round closed. A round
whose types need no vote goes straight to `decide_round` when the office closes it early; a round
opened before its process existed (migration 0046) is decided as before."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask, HumanTaskState, InstanceStatus, ProcessInstance, ReviewRound, Timer
from engine.operations import tasks
from engine.operations.award import round_decision as rounds_decide
from engine.operations.council import sitting as sittings
from engine.operations.council.inputs import read_sitting_ballot, read_sitting_close
from engine.operations.rounds import commands as rounds
from engine.operations.rounds.inputs import read_round
from tests.workflows.journey import check_prefill
from tests.workflows.test_round_sitting import _submit as submitted
from tests.workflows.test_round_sitting import _to_council


def _open_round(journey, tree, cutoff=date(2026, 11, 25)):
    rnd = rounds.create_round(journey.ctx.as_actor(tree.commune_office), read_round(
        {"unit_id": tree.commune.id, "title": "Đợt xét tổng kết năm học 2025-2026", "kind": "school_year",
         "cutoff_on": str(cutoff)}))
    journey.session.commit()
    journey.reload()
    return rnd.id


def _submit(journey, tree, *nominations):
    """Submitted, admitted at the commune and appraised: at the council stage (or at `decide`)."""
    dossier_id = submitted(journey, tree, *nominations)
    _to_council(journey, tree, dossier_id)
    return dossier_id


def _round(journey, round_id):
    return journey.session.get(ReviewRound, round_id)


def _round_tasks(journey, round_id):
    rnd = _round(journey, round_id)
    return journey.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == rnd.instance_id, HumanTask.state == HumanTaskState.READY)).all()


def _inbox(journey, user, key="decide_round"):
    page = tasks.list_tasks(journey.ctx.as_actor(user), key=key)
    return [t for t in page.items if t.key == key]


def _instance(journey, round_id):
    return journey.session.get(ProcessInstance, _round(journey, round_id).instance_id)


def _hold_sitting(journey, tree, round_id):
    journey.ctx.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ))
    sitting_id = sittings.open_sitting(journey.ctx.as_actor(tree.commune_office), round_id).id
    journey.session.commit()
    journey.reload()
    for member in tree.commune_council:
        page = sittings.sitting_ballot(journey.ctx.as_actor(member), sitting_id)
        votes = [{"nomination_id": i["nomination_id"], "choice": "yes"} for g in page["groups"] for i in g["items"]]
        sittings.cast_sitting_ballot(journey.ctx.as_actor(member), read_sitting_ballot(sitting_id, {"votes": votes}))
        journey.session.commit()
        journey.reload()
    journey.ctx.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=LOCAL_TZ))
    sittings.close_sitting(journey.ctx.as_actor(tree.commune_council[0]), read_sitting_close(sitting_id, {
        "held_at": "2026-11-26T08:30", "place": "Hội trường", "present": len(tree.commune_council),
        "written_votes": 0}))
    journey.session.commit()
    journey.reload()  # the restart between the sitting's close and the head's decision


def _rows(journey, head, round_id, action="forward"):
    view = rounds_decide.round_decision_view(journey.ctx.as_actor(head), round_id)
    return [{"nomination_id": i.nomination_id, "action": action} for g in view.groups for i in g.items]


def test_a_round_runs_from_its_cutoff_through_its_sitting_to_the_heads_decision(journey, tree):
    round_id = _open_round(journey, tree)
    rnd = _round(journey, round_id)
    assert rnd.instance_id is not None and rnd.intake_closed_at is None
    [timer] = journey.session.scalars(select(Timer).where(Timer.instance_id == rnd.instance_id)).all()
    assert timer.key == "intake_deadline" and timer.due_at == datetime(2026, 11, 25, 23, 59, 59, tzinfo=LOCAL_TZ)
    dossiers = [_submit(journey, tree, ("CSTD_TINH", "Nguyễn Thị Tươi"), ("CSTD_TINH", "Trần Minh Khoa")),
                _submit(journey, tree, ("CSTD_TINH", "Phạm Văn An"))]

    assert journey.fire_timers(datetime(2026, 11, 25, 23, 0, tzinfo=LOCAL_TZ)) == []  # the cut-off day goes on
    assert journey.fire_timers(datetime(2026, 11, 26, 0, 5, tzinfo=LOCAL_TZ)) == ["intake_deadline"]
    rnd = _round(journey, round_id)
    assert rnd.intake_closed_at == datetime(2026, 11, 26, 0, 5, tzinfo=LOCAL_TZ)
    assert rnd.status.value == "open"  # late dossiers are still refused with its date, as its policy says
    closed = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "round_intake_closed")).one()
    assert closed.after["by"] == "cutoff" and closed.after["awaits_sitting"] is True
    assert sorted(closed.after["dossiers"]) == sorted(dossiers)
    assert _round_tasks(journey, round_id) == [] and _inbox(journey, tree.commune_head) == []  # the sitting first
    with pytest.raises(Conflict):
        rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id, [])
    journey.session.rollback()

    _hold_sitting(journey, tree, round_id)
    [task] = _inbox(journey, tree.commune_head)  # the sitting told the round: the head's task, in the inbox
    assert (task.unit_id, task.role.value, task.name) == (tree.commune.id, "head", "Quyết định khen thưởng của đợt xét")
    check_prefill(journey.ctx.as_actor(tree.commune_head), task)
    assert _inbox(journey, tree.commune_office) == []  # the head's, not the office's

    rows = _rows(journey, tree.commune_head, round_id)
    assert len(rows) == 3
    outcome = rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id, rows)
    journey.session.commit()
    journey.reload()
    assert sorted(outcome.dossiers) == sorted(dossiers) and len(outcome.submissions) == 1
    assert _instance(journey, round_id).status is InstanceStatus.COMPLETED
    rnd = _round(journey, round_id)
    assert rnd.status.value == "closed" and rnd.closed_at is not None
    assert _inbox(journey, tree.commune_head) == []
    for dossier_id in dossiers:
        journey.dossier_id = dossier_id
        # every dossier's `decide` completed by the round's task: forwarded, it is at the province now
        assert journey.open_tasks() == [("check_completeness", tree.province.id)]
    with pytest.raises(Conflict):  # deciding twice
        rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id, rows)
    journey.session.rollback()


def test_the_office_closing_a_round_with_no_council_leads_straight_to_the_heads_task(journey, tree):
    round_id = _open_round(journey, tree)
    dossiers = [_submit(journey, tree, *[("GIAY_KHEN", f"Giáo viên {d}-{i}") for i in range(1, 4)])
                for d in range(1, 3)]
    assert _inbox(journey, tree.commune_head) == []  # the round takes dossiers until 25/11/2026
    rounds.close_round(journey.ctx.as_actor(tree.commune_office), round_id)  # before its cut-off
    journey.session.commit()
    journey.reload()
    rnd = _round(journey, round_id)
    assert rnd.status.value == "closed" and rnd.intake_closed_at is not None
    assert journey.session.scalars(select(Timer).where(Timer.instance_id == rnd.instance_id)).all() == []
    closed = journey.session.scalars(select(AuditEvent).where(AuditEvent.action == "round_intake_closed")).one()
    assert closed.after["by"] == "office" and closed.after["awaits_sitting"] is False  # Giấy khen: no vote
    [task] = _inbox(journey, tree.commune_head)
    check_prefill(journey.ctx.as_actor(tree.commune_head), task)
    outcome = rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id,
                                         _rows(journey, tree.commune_head, round_id, "approve"))
    journey.session.commit()
    journey.reload()
    assert len(outcome.decisions) == 1 and sorted(outcome.dossiers) == sorted(dossiers)
    assert _instance(journey, round_id).status is InstanceStatus.COMPLETED


def test_a_round_decided_before_the_worker_ends_its_intake_catches_up(journey, tree):
    """The worker has not fired the cut-off yet when the head decides after the sitting: the round's due
    timer is fired first, and its process finds the sitting counted (no wait)."""
    round_id = _open_round(journey, tree)
    _submit(journey, tree, ("CSTD_TINH", "Lê Văn Hùng"))
    _hold_sitting(journey, tree, round_id)  # the cut-off has passed; no worker ran
    assert _round(journey, round_id).intake_closed_at is None and _inbox(journey, tree.commune_head) == []
    rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id,
                               _rows(journey, tree.commune_head, round_id))
    journey.session.commit()
    journey.reload()
    assert _instance(journey, round_id).status is InstanceStatus.COMPLETED


def test_a_round_opened_before_its_process_existed_is_decided_as_before(journey, tree):
    """Migration 0046 leaves a round's `instance_id` NULL: its head's decision completes the dossiers'
    tasks directly, as it did before the round had a process."""
    round_id = _open_round(journey, tree)
    _submit(journey, tree, ("GIAY_KHEN", "Đỗ Thị Mơ"))
    rnd = _round(journey, round_id)
    rounds_instance = rnd.instance_id
    rnd.instance_id = None  # as the upgrade leaves an older round
    journey.session.commit()
    journey.reload()
    outcome = rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id,
                                         _rows(journey, tree.commune_head, round_id, "approve"))
    journey.session.commit()
    journey.reload()
    assert len(outcome.decisions) == 1
    assert journey.session.get(ProcessInstance, rounds_instance).status is InstanceStatus.RUNNING  # untouched
    with pytest.raises(Conflict):
        rounds_decide.decide_round(journey.ctx.as_actor(tree.commune_head), round_id, [])
    journey.session.rollback()
