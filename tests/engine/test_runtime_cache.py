"""The per-process caches never serve what the database no longer says: a workflow cached before a
restore, a definition row id that names another process after one; and what a workflow kept in memory
holds is what a new process would load (issue 10). Between the steps of every warm path test,
tests/cache_check.py also compares each cached workflow with its row."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select

from engine.context import Context
from engine.db import Base
from engine.errors import ScriptError
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, Timer
from engine.operations import tasks
from engine.operations.processes import start_process
from tests.engine.helpers import build_world, start_sample

PROCESS_TABLES = ("timer", "human_task", "process_instance")  # children first


def _backup(session) -> dict[str, list[dict]]:
    return {name: [dict(row._mapping) for row in session.execute(select(Base.metadata.tables[name]))]
            for name in PROCESS_TABLES}


def _restore(session, backup: dict[str, list[dict]]) -> None:
    for name in PROCESS_TABLES:
        session.execute(delete(Base.metadata.tables[name]))
    for name in reversed(PROCESS_TABLES):
        if backup[name]:
            session.execute(insert(Base.metadata.tables[name]), backup[name])
    session.commit()


def _complete_prepare(ctx: Context, user, title: str) -> None:
    [prepare] = tasks.list_tasks(ctx.as_actor(user), key="prepare").items
    tasks.complete_task(ctx.as_actor(user), prepare.id, {"title": title, "amount": 1})
    ctx.session.commit()


def test_after_a_restore_the_same_instance_at_the_same_version_is_read_again(ctx, settings, clock, session,
                                                                              runtime, new_runtime):
    world = build_world(session, settings)
    instance_id = start_sample(ctx, world, clock)
    backup = _backup(session)  # last night's copy
    _complete_prepare(ctx, world.proposer, "Trước khi khôi phục")
    version = session.get(ProcessInstance, instance_id).version
    assert instance_id in runtime.cached_ids()

    _restore(session, backup)
    other_process = Context(session=session, settings=settings, clock=clock, runtime=new_runtime())
    _complete_prepare(other_process, world.proposer, "Sau khi khôi phục")
    session.expire_all()
    instance = session.get(ProcessInstance, instance_id)
    assert instance.version == version  # same id, same version, another state

    assert runtime.read(session, instance_id, lambda workflow: workflow.last_task.data["title"]) == \
        "Sau khi khôi phục"
    live = runtime.open(session, runtime.lock(session, instance_id), clock)
    assert runtime.data(live)["title"] == "Sau khi khôi phục"
    session.rollback()


def test_a_definition_row_id_that_names_another_process_after_a_restore_is_not_mistaken(ctx, settings, clock,
                                                                                         session, runtime):
    world = build_world(session, settings)
    first = session.get(ProcessInstance, start_sample(ctx, world, clock))
    assert runtime.definition_of(session, first).key == "sample_review"
    row_id = first.definition_id

    for table in (Timer, HumanTask, ProcessInstance, ProcessDefinition):
        session.execute(delete(table))
    council = runtime.definitions["council_vote"]
    session.add(ProcessDefinition(id=row_id, key=council.key, name=council.name, content_hash=council.content_hash,
                                  source_file=council.source_file, spec=council.serialized_spec, forms=council.forms,
                                  deployed_at=clock.now()))
    session.commit()
    instance, result = start_process(ctx, "council_vote", {"reviewing_unit": world.commune.id,
                                                           "council_members": [m.id for m in world.members]})
    session.commit()

    assert instance.definition_id == row_id
    assert runtime.definition_of(session, instance).key == "council_vote"
    assert sorted(t.key for t in result.opened) == ["cast_ballot"] * len(world.members) + ["close_vote"]
    live = runtime.open(session, runtime.lock(session, instance.id), clock)
    assert sorted(runtime.ready_tasks(live)) == ["cast_ballot"] * len(world.members) + ["close_vote"]
    session.rollback()


def test_what_a_script_leaves_in_the_data_is_what_the_database_gives_back(runtime):
    """Values are turned into their stored form as the script ends, so the next step sees the same
    thing whether its process kept the workflow in memory or loaded it."""
    env = runtime.script_engine.environment
    data: dict = {"kept": [1]}
    env.execute("pair = (1, 2)\nby_id = {7: 'a'}\nrows = [(1, 'x')]\nkept.append((2, 3))", data)
    assert data == {"kept": [1, [2, 3]], "pair": [1, 2], "by_id": {"7": "a"}, "rows": [[1, "x"]]}


def test_a_value_that_cannot_be_stored_is_refused_at_its_step(runtime):
    with pytest.raises(ScriptError, match="'seen'.*set"):
        runtime.script_engine.environment.execute("seen = {1, 2}", {})
