"""Form data is validated against the task's JSON Schema; bad data changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent, HumanTask, HumanTaskState, ProcessInstance
from engine.operations import tasks
from engine.operations.forms import validate_form_data
from tests.engine.helpers import build_world, start_sample


@pytest.fixture
def prepared(ctx, settings, clock, session):
    world = build_world(session, settings)
    instance_id = start_sample(ctx, world, clock)
    task = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]
    session.commit()
    return world, instance_id, task


def _state(session, instance_id):
    session.expire_all()
    instance = session.get(ProcessInstance, instance_id)
    return (instance.version, instance.state, session.scalar(select(func.count()).select_from(AuditEvent)),
            session.scalars(select(HumanTask.state)).all())


@pytest.mark.parametrize(("data", "errors"), [
    ({"title": "Hồ sơ", "amount": "hai"}, {"amount": "Sai kiểu dữ liệu: cần số nguyên."}),
    ({"title": "Hồ sơ"}, {"amount": "Bắt buộc nhập."}),
    ({"title": "", "amount": 0}, {"title": "Cần ít nhất 1 ký tự.", "amount": "Không được nhỏ hơn 1."}),
    ({"title": "Hồ sơ", "amount": 1, "reviewing_unit": 99},
     {"data": "Trường không có trong biểu mẫu: reviewing_unit."}),
    (["not", "an", "object"], {"data": "Cần một đối tượng JSON."}),
])
def test_wrong_data_is_refused_with_field_errors_and_nothing_saved(ctx, session, prepared, data, errors):
    world, instance_id, task = prepared
    before = _state(session, instance_id)
    with pytest.raises(InvalidInput) as caught:
        tasks.complete_task(ctx.as_actor(world.proposer), task.id, data)
    session.rollback()
    assert caught.value.errors == errors
    assert _state(session, instance_id) == before


def test_typename_anywhere_is_refused(ctx, session, settings, clock):
    world = build_world(session, settings)
    start_sample(ctx, world, clock)
    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    review = tasks.list_tasks(ctx.as_actor(world.office)).items[0]
    with pytest.raises(InvalidInput) as caught:
        tasks.complete_task(ctx.as_actor(world.office), review.id,
                            {"outcome": "approve", "details": {"typename": "BpmnWorkflow"}})
    session.rollback()
    assert caught.value.errors == {"details.typename": "Tên trường 'typename' không được phép."}
    assert session.get(HumanTask, review.id).state == HumanTaskState.READY


def test_validator_reports_nested_paths():
    schema = {"type": "object", "properties": {"items": {"type": "array", "items": {
        "type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}}}}
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(schema, {"items": [{"id": 1}, {"id": "x"}, {}]})
    assert caught.value.errors == {"items[1].id": "Sai kiểu dữ liệu: cần số nguyên.",
                                   "items[2].id": "Bắt buộc nhập."}


def test_a_stranger_gets_not_found_and_a_colleague_forbidden(ctx, session, settings, prepared):
    from engine.models import Role
    from tests.factories import make_user

    world, _, task = prepared
    school_head = make_user(session, settings, "truong.hieutruong", (Role.HEAD, world.school))
    session.commit()
    with pytest.raises(NotFound):  # no role at the school: the task does not exist for them
        tasks.complete_task(ctx.as_actor(world.other_office), task.id, {"title": "x", "amount": 1})
    with pytest.raises(Forbidden):  # works at the school, but the lane is the proposer's
        tasks.complete_task(ctx.as_actor(school_head), task.id, {"title": "x", "amount": 1})
