"""Many instances advanced in one transaction (`tasks.complete_tasks`, `processes.send_messages`, on
Runtime.checkout_many): what a batch leaves is exactly what completing the same tasks one by one
leaves — the next tasks, the side rows, the instances, the audit events in the same order — and a
failure in any dossier's step leaves nothing of the batch written. On PostgreSQL, a batch and a
single completion of one of its tasks at once: one wins, the other gets 409, nothing half-written."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import audit
from engine.errors import Conflict, InvalidInput, ProcessError
from engine.models import AuditEvent, Decision, HumanTask, HumanTaskState, ProcessInstance, Timer, User
from engine.operations import tasks
from engine.runtime import Runtime
from tests.workflows.journey import Journey


def _at_decide(journey: Journey, tree: Any, count: int, first: int = 0) -> list[int]:
    """`count` dossiers of a Giấy khen and a Bằng khen of the province, waiting at the commune's `decide`."""
    dossiers = []
    for i in range(first, first + count):
        dossiers.append(journey.submit(("GIAY_KHEN", f"Nguyễn Văn {i:02d}"), ("BK_TINH", f"Trần Thị {i:02d}")))
        journey.complete(tree.commune_office, "check_completeness", {"outcome": "complete"})
        journey.all_eligible(tree.commune_office)
    return dossiers


def _decide_task(journey: Journey, dossier_id: int) -> HumanTask:
    [task] = journey.session.scalars(select(HumanTask).where(
        HumanTask.dossier_id == dossier_id, HumanTask.key == "decide", HumanTask.state == HumanTaskState.READY))
    return task


def _choices(journey: Journey, dossier_id: int, lower: str | None = None) -> dict[str, Any]:
    rows = []
    for n in sorted(journey.session.get(HumanTask, _decide_task(journey, dossier_id).id).dossier.nominations,
                    key=lambda n: n.position):
        if n.award_type == "GIAY_KHEN":
            rows.append({"id": n.id, "action": "approve"})
        elif lower:
            rows.append({"id": n.id, "action": "lower_award", "lower_award": lower})
        else:
            rows.append({"id": n.id, "action": "forward"})
    return {"nominations": rows}


def _left(journey: Journey, dossier_id: int) -> dict[str, Any]:
    """What the dossier's process left, without the ids and tokens that differ between two dossiers."""
    session = journey.session
    task = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier_id)).first()
    assert task is not None
    instance = session.get(ProcessInstance, task.instance_id)
    assert instance is not None
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id))
    timers = session.execute(select(Timer.key, Timer.due_at).where(Timer.instance_id == instance.id)
                             .order_by(Timer.key)).all()
    dossier = journey.session.get(type(task.dossier), dossier_id)
    return {
        "instance": (instance.status, instance.version, instance.completed_at),
        "tasks": [(t.key, t.unit_id, t.role, t.state, t.completed_by_id, t.completed_at, t.assignee_id,
                   sorted(t.prefill)) for t in rows],
        "timers": [tuple(t) for t in timers],
        "dossier": (dossier.status, dossier.reviewing_unit_id),
        "nominations": sorted((n.position, n.status, n.award_type, n.decision_id is not None)
                              for n in dossier.nominations),
    }


def _events_after(journey: Journey, seq: int) -> list[tuple[str, str, int | None]]:
    rows = journey.session.execute(select(AuditEvent.action, AuditEvent.entity_type, AuditEvent.dossier_id)
                                   .where(AuditEvent.seq > seq).order_by(AuditEvent.seq)).all()
    return [tuple(r) for r in rows]


def _head(journey: Journey) -> int:
    return journey.session.scalar(select(func.max(AuditEvent.seq))) or 0


def test_a_batch_leaves_exactly_what_one_by_one_completions_leave(journey, tree):
    alone = _at_decide(journey, tree, 3)
    batch = _at_decide(journey, tree, 3, first=3)
    head = tree.commune_head

    before_alone = _head(journey)
    for dossier_id in alone:
        tasks.complete_task(journey.ctx.as_actor(head), _decide_task(journey, dossier_id).id,
                            _choices(journey, dossier_id))
        journey.session.commit()
        journey.reload()
    events_alone = _events_after(journey, before_alone)

    before_batch = _head(journey)
    done = tasks.complete_tasks(journey.ctx.as_actor(head), [
        (_decide_task(journey, dossier_id).id, _choices(journey, dossier_id)) for dossier_id in batch])
    assert [[t.key for t in c.next_tasks] for c in done] == [["check_completeness"]] * 3  # climbed to the province
    assert all(c.task.state == HumanTaskState.COMPLETED and not c.process_completed for c in done)
    journey.session.commit()
    journey.reload()
    events_batch = _events_after(journey, before_batch)

    for one, other in zip(alone, batch, strict=True):
        assert _left(journey, one) == _left(journey, other)
    # The same events in the same order, each dossier's in one run as when completed alone.
    rename = dict(zip(alone, batch, strict=True))
    assert [(a, e, rename.get(d, d)) for a, e, d in events_alone] == events_batch
    assert ("task_completed", "human_task", batch[0]) in events_batch and len(events_batch) > 3 * 5
    assert audit.verify_chain(journey.ctx).ok


def test_a_failure_in_one_dossier_leaves_nothing_of_the_batch(journey, tree, monkeypatch):
    dossiers = _at_decide(journey, tree, 3)
    head = tree.commune_head
    session = journey.session

    def snapshot() -> tuple[Any, ...]:
        session.expire_all()
        return (_head(journey), [_left(journey, d) for d in dossiers],
                session.scalar(select(func.count()).select_from(Decision)),
                sorted(session.execute(select(ProcessInstance.id, ProcessInstance.revision)).all()))

    before = snapshot()
    # The last dossier's data is refused by its hook (a lower form this level may not give): 422.
    plan = [(_decide_task(journey, d).id, _choices(journey, d, lower="CSTD_TQ" if d == dossiers[-1] else None))
            for d in dossiers]
    with pytest.raises(InvalidInput):
        tasks.complete_tasks(journey.ctx.as_actor(head), plan)
    session.rollback()
    journey.reload()
    assert snapshot() == before

    # The second dossier's engine steps fail (an error in its process): the first is not written either.
    failing = _decide_task(journey, dossiers[1]).instance_id
    real = Runtime.complete_user_task

    def broken(self: Runtime, live: Any, task_uuid: str, data: dict[str, Any]) -> None:
        real(self, live, task_uuid, data)
        if live.instance.id == failing:
            raise ProcessError("Quy trình gặp lỗi (thử nghiệm).")

    monkeypatch.setattr(Runtime, "complete_user_task", broken)
    plan = [(_decide_task(journey, d).id, _choices(journey, d)) for d in dossiers]
    with pytest.raises(ProcessError):
        tasks.complete_tasks(journey.ctx.as_actor(head), plan)
    session.rollback()
    journey.reload()
    assert snapshot() == before
    monkeypatch.undo()

    # Nothing left behind in a cache either: the same batch then goes through.
    plan = [(_decide_task(journey, d).id, _choices(journey, d)) for d in dossiers]
    tasks.complete_tasks(journey.ctx.as_actor(head), plan)
    session.commit()
    journey.reload()
    for dossier_id in dossiers:
        journey.dossier_id = dossier_id
        assert journey.open_tasks() == [("check_completeness", tree.province.id)]
    assert audit.verify_chain(journey.ctx).ok


def _together(n: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except Conflict as refused:
            return refused

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.postgres_only  # SQLite serializes every writer: the race is PostgreSQL's
def test_a_batch_and_a_single_completion_at_once_one_wins(ctx, make_ctx, tree, session):
    journey = Journey(ctx, tree)
    dossiers = _at_decide(journey, tree, 4)
    plan = [(_decide_task(journey, d).id, _choices(journey, d)) for d in dossiers]
    contested = plan[2]
    head_id = tree.commune_head.id
    session.commit()

    def work(i: int) -> str:
        own = make_ctx()  # each thread its own session: the head read in it, not through the test's
        worker = own.as_actor(own.session.get(User, head_id))
        try:
            if i == 0:
                tasks.complete_tasks(worker, plan)
            else:
                tasks.complete_task(worker, *contested)
            worker.session.commit()
            return "batch" if i == 0 else "single"
        except BaseException:
            worker.session.rollback()
            raise

    outcomes = _together(2, work)
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    won = next(o for o in outcomes if isinstance(o, str))
    session.expire_all()
    completed = [session.get(HumanTask, task_id).state == HumanTaskState.COMPLETED for task_id, _ in plan]
    # The batch all or nothing: the others stay at `decide` when the single completion won.
    assert completed == ([True] * 4 if won == "batch" else [False, False, True, False])
    decided = session.scalars(select(HumanTask.dossier_id).where(
        HumanTask.key == "check_completeness", HumanTask.unit_id == tree.province.id)).all()
    assert sorted(decided) == (sorted(dossiers) if won == "batch" else [dossiers[2]])
    assert audit.verify_chain(ctx).ok
