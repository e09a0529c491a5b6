"""Human tasks: the inbox, a task with its form, claim, unclaim, complete."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app

from api.blueprint import Blueprint, problems
from api.schemas import (
    CompleteTaskSchema,
    CompletionSchema,
    TaskArgsSchema,
    TaskDetailSchema,
    TaskPageSchema,
    TaskSchema,
)
from api.unit_of_work import current_ctx
from engine.models import HumanTask
from engine.operations import tasks
from engine.operations.paging import Page

blp = Blueprint("tasks", __name__, url_prefix="/api/v1",
                description="Nhiệm vụ trong quy trình: nhận, trả lại, hoàn thành.")


@blp.route("/tasks")
@blp.arguments(TaskArgsSchema, location="query")
@blp.response(200, TaskPageSchema)
def list_tasks(args: dict[str, Any]) -> Page:
    """Nhiệm vụ tôi có thể xử lý

    Chỉ các nhiệm vụ đang chờ xử lý (ready) mà tôi có vai trò tại đơn vị thực hiện; hạn gần nhất trước.
    """
    return tasks.list_tasks(current_ctx(), dossier_id=args.get("dossier"), key=args.get("key"), mine=args["mine"],
                            page=args["page"], per_page=args["per_page"])


@blp.route("/tasks/<id:task_id>")
@blp.response(200, TaskDetailSchema)
@problems(blp, 404)
def get_task(task_id: int) -> tasks.TaskDetail:
    """Chi tiết nhiệm vụ, kèm biểu mẫu và dữ liệu điền sẵn

    404 nếu không có nhiệm vụ hoặc tôi không có vai trò nào tại đơn vị thực hiện.
    """
    return tasks.task_detail(current_ctx(), task_id)


@blp.route("/tasks/<id:task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
@problems(blp, 403, 404, 409)
def claim_task(task_id: int) -> HumanTask:
    """Nhận xử lý nhiệm vụ

    403 nếu tôi thấy nhiệm vụ nhưng không được xử lý; 409 nếu nhiệm vụ đã xong hoặc người khác đã nhận.
    """
    return tasks.claim_task(current_ctx(), task_id)


@blp.route("/tasks/<id:task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
@problems(blp, 403, 404, 409)
def unclaim_task(task_id: int) -> HumanTask:
    """Trả lại nhiệm vụ đã nhận"""
    return tasks.unclaim_task(current_ctx(), task_id)


@blp.route("/tasks/<id:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema)
@blp.response(200, CompletionSchema)
@problems(blp, 403, 404, 409, 422)
def complete_task(args: dict[str, Any], task_id: int) -> Response:
    """Hoàn thành nhiệm vụ

    `data` được kiểm tra theo biểu mẫu của nhiệm vụ: 422 kèm lỗi từng trường. 409 nếu nhiệm vụ
    không còn chờ xử lý; 403 nếu tôi không được xử lý nhiệm vụ này.
    """
    ctx = current_ctx()
    # CompletionSchema documents the answer; the hottest request of the API writes it without marshmallow
    # (a fifth of the HTTP layer's CPU), the same JSON (tests/api/test_tasks_api.py compares the two).
    return current_app.json.response(completion_answer(tasks.with_units(ctx, tasks.complete_task(
        ctx, task_id, args["data"]))))


def completion_answer(completion: tasks.Completion) -> dict[str, Any]:
    """What CompletionSchema dumps of a completion."""
    units = completion.units
    answer: dict[str, Any] = {"task": _task_answer(completion.task, units),
                              "next_tasks": [_task_answer(t, units) for t in completion.next_tasks],
                              "process_completed": completion.process_completed}
    if "receipt" in completion.reply:
        answer["receipt"] = None if completion.reply["receipt"] is None else str(completion.reply["receipt"])
    return answer


def _task_answer(task: HumanTask, units: dict[int, tasks.UnitName]) -> dict[str, Any]:
    """What TaskSchema dumps of a task (its unit from `units` when read there)."""
    claimed = task.claimed_by if task.claimed_by_id is not None else None
    unit = units.get(task.unit_id) or task.unit
    return {"id": task.id, "key": task.key, "name": task.name, "state": str(task.state),
            "dossier_id": task.dossier_id, "complaint_id": task.complaint_id,
            "unit": {"id": unit.id, "code": unit.code, "name": unit.name}, "role": task.role,
            "assignee_id": task.assignee_id, "due_at": _moment(task.due_at),
            "claimed_by": None if claimed is None else {"id": claimed.id, "username": claimed.username,
                                                       "full_name": claimed.full_name},
            "created_at": _moment(task.created_at), "completed_at": _moment(task.completed_at)}


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
