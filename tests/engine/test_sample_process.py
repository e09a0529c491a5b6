"""The test process walked through every path; each path test runs warm (one process, its cache
checked against the database after every step) and cold (a new process for every step)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.audit import verify_chain
from engine.models import AuditEvent, HumanTask, HumanTaskState, InstanceStatus, ProcessInstance, Timer
from engine.operations import tasks
from engine.operations.processes import send_message
from engine.operations.timers import fire_next_due
from tests.engine.helpers import build_world, start_sample


def _only_task(ctx, user, key):
    items = tasks.list_tasks(ctx.as_actor(user), key=key).items
    assert len(items) == 1, [t.key for t in items]
    return items[0]


def test_approved_path_with_votes_and_confirmation(ctx, settings, clock, session, next_step):
    world = build_world(session, settings)
    next_step(ctx)
    instance_id = start_sample(ctx, world, clock)
    next_step(ctx)

    prepare = _only_task(ctx, world.proposer, "prepare")
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Đề nghị khen", "amount": 2})
    session.commit()
    next_step(ctx)

    review = _only_task(ctx, world.office, "review")
    assert review.due_at is not None and review.unit_id == world.commune.id
    completion = tasks.complete_task(ctx.as_actor(world.office), review.id, {"outcome": "approve"})
    session.commit()
    assert sorted(t.assignee_id for t in completion.next_tasks) == sorted(m.id for m in world.members)
    next_step(ctx)

    for member, choice in zip(world.members, ["yes", "no", "yes"], strict=True):
        vote = _only_task(ctx, member, "vote")
        tasks.complete_task(ctx.as_actor(member), vote.id, {"choice": choice})
        session.commit()
        next_step(ctx)

    result = send_message(ctx, instance_id, "confirmation", {"ok": True})
    session.commit()
    assert result.completed
    next_step(ctx)

    instance = session.get(ProcessInstance, instance_id)
    assert instance.status == InstanceStatus.COMPLETED and instance.completed_at is not None
    live = ctx.runtime.open(session, instance, clock)
    final = ctx.runtime.data(live)
    assert final["yes_count"] == 2 and sorted(final["choices"]) == ["no", "yes", "yes"]
    assert "overdue" not in final  # the timer never fired on this path
    assert session.scalar(select(func.count()).select_from(Timer)) == 0
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions == ["process_started"] + ["task_completed"] * 5 + ["message_received", "process_completed"]
    assert verify_chain(ctx).ok


def test_rejected_path_ends_without_vote(ctx, settings, clock, session, next_step):
    world = build_world(session, settings)
    next_step(ctx)
    instance_id = start_sample(ctx, world, clock)
    next_step(ctx)
    prepare = _only_task(ctx, world.proposer, "prepare")
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    next_step(ctx)
    review = _only_task(ctx, world.office, "review")
    completion = tasks.complete_task(ctx.as_actor(world.office), review.id, {"outcome": "reject", "note": "Thiếu"})
    session.commit()
    assert completion.process_completed and completion.next_tasks == []
    assert session.get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
    # The boundary timer was cancelled with its task: nothing left for the worker.
    assert session.scalar(select(func.count()).select_from(Timer)) == 0


def test_boundary_timer_fires_by_injected_clock_and_review_stays_open(ctx, settings, clock, session, next_step):
    world = build_world(session, settings)
    next_step(ctx)
    instance_id = start_sample(ctx, world, clock, review_days=3)
    next_step(ctx)
    prepare = _only_task(ctx, world.proposer, "prepare")
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    timer = session.scalars(select(Timer)).one()
    assert timer.key == "review_overdue"

    assert fire_next_due(ctx) is None  # not due yet: no sleeping, no firing
    clock.advance(days=3, seconds=1)
    next_step(ctx)
    fired = fire_next_due(ctx)
    session.commit()
    assert fired is not None and fired.keys == ["review_overdue"] and fired.instance_id == instance_id
    assert fire_next_due(ctx) is None
    assert session.scalar(select(func.count()).select_from(Timer)) == 0

    # Non-interrupting: the review is still waiting for the office, and finishing it works.
    next_step(ctx)
    review = _only_task(ctx, world.office, "review")
    tasks.complete_task(ctx.as_actor(world.office), review.id, {"outcome": "reject"})
    session.commit()
    next_step(ctx)
    live = ctx.runtime.open(session, session.get(ProcessInstance, instance_id), clock)
    assert ctx.runtime.data(live)["overdue"] is True
    assert session.get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
    assert "timer_fired" in session.scalars(select(AuditEvent.action)).all()


def test_message_not_awaited_is_a_conflict(ctx, settings, clock, session):
    import pytest

    from engine.errors import Conflict

    world = build_world(session, settings)
    instance_id = start_sample(ctx, world, clock)
    with pytest.raises(Conflict):
        send_message(ctx, instance_id, "confirmation", {})
    session.rollback()
    assert session.scalars(select(HumanTask.state)).all() == [HumanTaskState.READY]


def test_running_instance_keeps_its_definition_version(ctx, settings, clock, session, runtime):
    """An instance restores the spec it started with from the database, not the current file."""
    world = build_world(session, settings)
    instance_id = start_sample(ctx, world, clock)
    instance = session.get(ProcessInstance, instance_id)
    definition = runtime.definitions["sample_review"]
    assert instance.definition.content_hash == definition.content_hash
    # Simulate a redeploy: the current definition changes hash; the stored row still serves.
    from engine.runtime import Runtime

    other = Runtime.load(settings)
    other.definitions["sample_review"].content_hash = "0" * 64
    other._by_hash = {}
    live = other.open(session, instance, clock)
    assert other.ready_tasks(live) == ["prepare"]
    assert live.definition is not definition


def test_cache_keeps_running_workflows_within_its_size_and_drops_finished_ones(parsed_definitions, settings,
                                                                            clock, session):
    from dataclasses import replace

    from engine.context import Context
    from engine.runtime import Runtime

    runtime = Runtime(parsed_definitions, replace(settings, workflow_cache_size=2))
    ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime)
    world = build_world(session, settings)
    ids = [start_sample(ctx, world, clock) for _ in range(3)]
    assert runtime.cached_ids() == ids[1:]  # least recently used evicted

    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items
    review_of = {}
    for task in prepare:
        done = tasks.complete_task(ctx.as_actor(world.proposer), task.id, {"title": "Hồ sơ", "amount": 1})
        session.commit()
        review_of[task.instance_id] = done.next_tasks[0].id
    tasks.complete_task(ctx.as_actor(world.office), review_of[ids[2]], {"outcome": "reject"})
    session.commit()
    assert ids[2] not in runtime.cached_ids() and len(runtime.cached_ids()) <= 2


def test_a_new_runtime_runs_the_stored_specs_already_wired(new_runtime, runtime):
    """The specs workflows run on are rebuilt from the stored text (a lossless round trip), with every
    multi-instance task wired to merge its children before any child exists in this process; two
    runtimes built from one parse share no spec object."""
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

    other = new_runtime()
    assert all(other.definitions[k].spec is not d.spec for k, d in runtime.definitions.items())
    runtime = new_runtime()
    loops = 0
    for definition in runtime.definitions.values():
        assert runtime.serializer.dump_specs(definition.spec, definition.subprocess_specs) == definition.serialized_spec
        for spec in (definition.spec, *definition.subprocess_specs.values()):
            for loop in (t for t in spec.task_specs.values() if isinstance(t, LoopTask)):
                assert spec.task_specs[loop.task_spec].completed_event.is_connected(loop.merge_child), loop.name
                loops += 1
    assert loops >= 2  # council_vote's cast_ballot (in three definitions) and sample_review's vote
