"""The sample process walked over HTTP, bad input refused without a trace, and who may do what."""
from __future__ import annotations

from datetime import timedelta

import pytest

from api.errors import PROBLEM_JSON
from engine.models import HumanTaskState
from engine.operations import tasks
from engine.operations.processes import start_process
from tests.api.helpers import audit_count, instance_version, task_row
from tests.engine.helpers import start_sample

API = "/api/v1"


def test_the_sample_process_walked_over_http(client, world, ctx, clock, bearer, db):
    start_process(ctx, "sample_review", {
        "proposing_unit": world.school.id, "reviewing_unit": world.commune.id,
        "review_due": (clock.now() + timedelta(days=3)).isoformat(),
        "members": [m.id for m in world.members], "title": "Bản nháp của trường",
    })
    ctx.session.commit()
    proposer, office = bearer(world.proposer), bearer(world.office)

    inbox = client.get(f"{API}/tasks", headers=proposer)
    assert inbox.status_code == 200
    assert (inbox.json["total"], inbox.json["page"], inbox.json["per_page"]) == (1, 1, 20)
    (prepare,) = inbox.json["items"]
    assert prepare["key"] == "prepare" and prepare["role"] == "proposer" and prepare["state"] == "ready"
    assert prepare["unit"] == {"id": world.school.id, "code": "T-X1-TH", "name": "Đơn vị T-X1-TH"}
    assert prepare["claimed_by"] is None and prepare["due_at"] is None

    detail = client.get(f"{API}/tasks/{prepare['id']}", headers=proposer)
    assert detail.status_code == 200
    assert detail.json["form"]["title"] == "Lập hồ sơ"
    assert detail.json["form"]["required"] == ["title", "amount"]
    assert detail.json["data"] == {"title": "Bản nháp của trường"}

    done = client.post(f"{API}/tasks/{prepare['id']}/complete", headers=proposer,
                       json={"data": {"title": "Hồ sơ năm 2026", "amount": 2}})
    assert done.status_code == 200
    assert done.json["task"]["state"] == "completed"
    assert done.json["process_completed"] is False
    (review,) = done.json["next_tasks"]
    assert review["key"] == "review" and review["unit"]["id"] == world.commune.id
    assert review["due_at"] == "2026-11-26T02:00:00+00:00"

    assert client.get(f"{API}/tasks", headers=proposer).json["total"] == 0
    assert [t["id"] for t in client.get(f"{API}/tasks", headers=office).json["items"]] == [review["id"]]

    claimed = client.post(f"{API}/tasks/{review['id']}/claim", headers=office)
    assert claimed.status_code == 200 and claimed.json["claimed_by"]["username"] == "xa.vanphong"
    assert client.get(f"{API}/tasks?mine=1", headers=office).json["total"] == 1
    assert client.get(f"{API}/tasks?mine=1", headers=bearer(world.colleague)).json["total"] == 0
    unclaimed = client.post(f"{API}/tasks/{review['id']}/unclaim", headers=office)
    assert unclaimed.status_code == 200 and unclaimed.json["claimed_by"] is None

    approved = client.post(f"{API}/tasks/{review['id']}/complete", headers=office,
                           json={"data": {"outcome": "approve", "note": "Đủ điều kiện"}})
    assert approved.status_code == 200
    votes = approved.json["next_tasks"]
    assert sorted(v["assignee_id"] for v in votes) == sorted(m.id for m in world.members)

    for member in world.members:
        (vote,) = client.get(f"{API}/tasks?key=vote", headers=bearer(member)).json["items"]
        cast = client.post(f"{API}/tasks/{vote['id']}/complete", headers=bearer(member),
                           json={"data": {"choice": "yes"}})
        assert cast.status_code == 200
    assert task_row(db, review["id"]).state is HumanTaskState.COMPLETED
    verified = client.get(f"{API}/audit/verify", headers=bearer(world.admin))
    assert verified.status_code == 200 and verified.json["ok"] is True


def test_the_inbox_filters_and_pages(client, world, ctx, clock, bearer):
    for _ in range(3):
        start_sample(ctx, world, clock)
    proposer = bearer(world.proposer)
    page = client.get(f"{API}/tasks?per_page=2&page=2", headers=proposer).json
    assert (page["total"], len(page["items"]), page["page"], page["per_page"]) == (3, 1, 2, 2)
    assert client.get(f"{API}/tasks?key=review", headers=proposer).json["total"] == 0
    assert client.get(f"{API}/tasks?dossier=999", headers=proposer).json["total"] == 0


@pytest.mark.parametrize(("data", "errors"), [
    ({"outcome": 5, "note": 7}, {"outcome": "Sai kiểu dữ liệu: cần chuỗi ký tự.",
                                 "note": "Sai kiểu dữ liệu: cần chuỗi ký tự."}),
    ({"outcome": "maybe"}, {"outcome": "Giá trị không hợp lệ; chọn một trong: approve, reject."}),
    ({"note": "thiếu kết quả"}, {"outcome": "Bắt buộc nhập."}),
    ({"outcome": "approve", "details": {"typename": "BpmnWorkflow"}},
     {"details.typename": "Tên trường 'typename' không được phép."}),
    ({"outcome": "approve", "typename": "x"}, {"typename": "Tên trường 'typename' không được phép."}),
], ids=["wrong-types", "not-in-enum", "missing", "nested-typename", "top-typename"])
def test_invalid_task_data_is_422_and_nothing_is_saved(client, world, review_task, bearer, db, data, errors):
    version, events = instance_version(db, review_task), audit_count(db)
    response = client.post(f"{API}/tasks/{review_task}/complete", headers=bearer(world.office),
                           json={"data": data})
    assert response.status_code == 422
    assert response.content_type == PROBLEM_JSON
    for path, message in errors.items():
        assert response.json["errors"][path] == message
    assert instance_version(db, review_task) == version
    assert audit_count(db) == events
    assert task_row(db, review_task).state is HumanTaskState.READY


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"data": "Bắt buộc nhập."}),
    ({"data": [1, 2]}, {"data": "Cần một đối tượng JSON."}),
    ({"data": {"outcome": "approve"}, "extra": 1}, {"extra": "Trường không được hỗ trợ."}),
], ids=["no-data", "data-not-object", "unknown-field"])
def test_a_malformed_completion_body_is_422(client, world, review_task, bearer, db, body, errors):
    response = client.post(f"{API}/tasks/{review_task}/complete", headers=bearer(world.office), json=body)
    assert response.status_code == 422
    assert response.json["errors"] == errors
    assert task_row(db, review_task).state is HumanTaskState.READY


def test_completing_twice_is_409(client, world, review_task, bearer, db):
    office = bearer(world.office)
    body = {"data": {"outcome": "reject"}}
    assert client.post(f"{API}/tasks/{review_task}/complete", headers=office, json=body).status_code == 200
    events = audit_count(db)
    again = client.post(f"{API}/tasks/{review_task}/complete", headers=office, json=body)
    assert again.status_code == 409
    assert again.content_type == PROBLEM_JSON
    assert again.json["title"] == "Xung đột trạng thái"
    assert audit_count(db) == events


# ---- who may do what ----------------------------------------------------------------------------
# Against the office's `review` task at the commune: 404 when the caller holds no role at the
# commune, 403 when they hold one but not the task's, 409 when the task's state forbids it.

HIDDEN = (404, 404, 404)
VISIBLE_ONLY = (200, 403, 403)
MATRIX = {
    "ready": {"office": (200, 200, 200), "head": VISIBLE_ONLY},
    "claimed_by_colleague": {"office": (200, 409, 409), "head": VISIBLE_ONLY},
    "completed": {"office": (200, 409, 409), "head": VISIBLE_ONLY},
}
ACTORS = ("office", "other_office", "head", "proposer", "member", "outsider", "admin")
CASES = [(state, actor, MATRIX[state].get(actor, HIDDEN)) for state in MATRIX for actor in ACTORS]


@pytest.mark.parametrize(("state", "actor", "expected"), CASES, ids=[f"{s}-{a}" for s, a, _ in CASES])
def test_permission_matrix_on_the_review_task(client, world, ctx, review_task, bearer, db, state, actor,
                                              expected):
    colleague = ctx.as_actor(world.colleague)
    if state == "claimed_by_colleague":
        tasks.claim_task(colleague, review_task)
    elif state == "completed":
        tasks.complete_task(colleague, review_task, {"outcome": "reject"})
    ctx.session.commit()
    caller = world.members[0] if actor == "member" else getattr(world, actor)
    headers = bearer(caller)
    before = task_row(db, review_task)

    got = client.get(f"{API}/tasks/{review_task}", headers=headers)
    claim = client.post(f"{API}/tasks/{review_task}/claim", headers=headers)
    if claim.status_code != 200:
        after = task_row(db, review_task)
        assert (after.state, after.claimed_by_id) == (before.state, before.claimed_by_id)
    complete = client.post(f"{API}/tasks/{review_task}/complete", headers=headers,
                           json={"data": {"outcome": "reject"}})

    assert (got.status_code, claim.status_code, complete.status_code) == expected
    for response in (got, claim, complete):
        if response.status_code >= 400:
            assert response.content_type == PROBLEM_JSON
    if expected[2] != 200:
        assert task_row(db, review_task).state == before.state


@pytest.mark.parametrize(("actor", "expected"), [
    ("own_member", (200, 200, 200)),
    ("other_member", HIDDEN),
    ("head", VISIBLE_ONLY),
    ("office", VISIBLE_ONLY),
])
def test_permission_matrix_on_a_personal_vote_task(client, world, ctx, review_task, bearer, actor, expected):
    done = tasks.complete_task(ctx.as_actor(world.colleague), review_task, {"outcome": "approve"})
    ctx.session.commit()
    vote = next(t for t in done.next_tasks if t.assignee_id == world.members[0].id)
    members = {"own_member": world.members[0], "other_member": world.members[1]}
    headers = bearer(members.get(actor) or getattr(world, actor))
    url = f"{API}/tasks/{vote.id}"
    statuses = (
        client.get(url, headers=headers).status_code,
        client.post(f"{url}/claim", headers=headers).status_code,
        client.post(f"{url}/complete", headers=headers, json={"data": {"choice": "no"}}).status_code,
    )
    assert statuses == expected


def test_unknown_task_is_404(client, world, bearer):
    response = client.get(f"{API}/tasks/987654", headers=bearer(world.office))
    assert response.status_code == 404
    assert response.json["detail"] == "Không tìm thấy nhiệm vụ số 987654."


# Counted 2026-12-01 (issue 18): 10 on SQLite (its BEGIN IMMEDIATE is counted) — the token's check; the
# task, its instance locked with its state, the task re-read under that lock and the caller's right to act,
# in one statement; the task's UPDATE, the next tasks' and timers' INSERTs, the instance's UPDATE, the audit
# chain's head, its event, and the answer's units in one query. 5 on PostgreSQL, where the save's four
# writes are one statement which also reads the next tasks' units (engine/runtime/combined.py), and the
# chain's lock and head another (migration 0052). A ceiling to bring down, never to raise unnoticed.
HTTP_COMPLETION_CEILING = {"postgresql": 5, "sqlite": 10}


def test_a_completion_over_http_stays_within_its_statement_ceiling(app, client, world, ctx, clock, bearer):
    from tests.web.test_list_cost import statements

    start_sample(ctx, world, clock)
    (prepare,) = tasks.list_tasks(ctx.as_actor(world.proposer)).items
    ctx.session.commit()
    headers = bearer(world.proposer)
    with statements(app) as seen:
        done = client.post(f"{API}/tasks/{prepare.id}/complete", headers=headers,
                           json={"data": {"title": "Hồ sơ năm 2026", "amount": 2}})
    assert done.status_code == 200, done.json
    assert [(t["key"], t["unit"]) for t in done.json["next_tasks"]] == [
        ("review", {"id": world.commune.id, "code": world.commune.code, "name": world.commune.name})]
    assert done.json["task"]["unit"] == {"id": world.school.id, "code": world.school.code, "name": world.school.name}
    assert len(seen) <= HTTP_COMPLETION_CEILING[ctx.session.get_bind().dialect.name], "\n".join(seen)


def test_a_completion_whose_next_tasks_share_its_unit_reads_no_unit_apart(app, client, world, ctx, clock, bearer):
    """The completed task's unit is read with the statement that locks the task; the review opens the
    council's votes at the review's own unit, so its answer names that unit without a query of units."""
    from tests.web.test_list_cost import statements

    start_sample(ctx, world, clock)
    (prepare,) = tasks.list_tasks(ctx.as_actor(world.proposer)).items
    ctx.session.commit()
    first = client.post(f"{API}/tasks/{prepare.id}/complete", headers=bearer(world.proposer),
                        json={"data": {"title": "Hồ sơ năm 2026", "amount": 2}})
    (review_id,) = [t["id"] for t in first.json["next_tasks"] if t["key"] == "review"]
    with statements(app) as seen:
        done = client.post(f"{API}/tasks/{review_id}/complete", headers=bearer(world.office),
                           json={"data": {"outcome": "approve"}})
    assert done.status_code == 200, done.json
    named = [t["unit"] for t in (done.json["task"], *done.json["next_tasks"])]
    assert len(named) > 1
    assert named == [{"id": world.commune.id, "code": world.commune.code, "name": world.commune.name}] * len(named)
    assert not [s for s in seen if s.lstrip().startswith("SELECT unit.id")], "\n".join(seen)


def test_the_completion_answer_is_what_its_schema_dumps(app, world, ctx, clock):
    """The completion route writes its answer by hand (api/routes/tasks.py: completion_answer); it must be
    what CompletionSchema, which documents it, would write: a claimed task, next tasks with and without a
    due date, a receipt or none."""
    from api.routes.tasks import completion_answer
    from api.schemas import CompletionSchema

    start_sample(ctx, world, clock)
    [prepare] = tasks.list_tasks(ctx.as_actor(world.proposer), key="prepare").items
    tasks.claim_task(ctx.as_actor(world.proposer), prepare.id)
    first = tasks.with_units(ctx, tasks.complete_task(ctx.as_actor(world.proposer), prepare.id,
                                                      {"title": "Hồ sơ", "amount": 1}))
    [review] = first.next_tasks
    second = tasks.with_units(ctx, tasks.complete_task(ctx.as_actor(world.office), review.id,
                                                       {"outcome": "approve"}))
    ctx.session.commit()
    assert first.task.claimed_by_id == world.proposer.id and review.due_at is not None
    assert second.next_tasks and all(t.due_at is None for t in second.next_tasks)
    schema = CompletionSchema()
    with app.app_context():
        for completion in (first, second, tasks.Completion(second.task, second.next_tasks, True, {"receipt": "PB-1"}),
                           tasks.Completion(second.task, [], False, {"other": 1})):
            assert completion_answer(completion) == schema.dump(completion)
