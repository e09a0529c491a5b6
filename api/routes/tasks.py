"""Human tasks: the inbox, a task with its form, claim, unclaim, complete."""
from __future__ import annotations

from typing import Any

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
def complete_task(args: dict[str, Any], task_id: int) -> tasks.Completion:
    """Hoàn thành nhiệm vụ

    `data` được kiểm tra theo biểu mẫu của nhiệm vụ: 422 kèm lỗi từng trường. 409 nếu nhiệm vụ
    không còn chờ xử lý; 403 nếu tôi không được xử lý nhiệm vụ này.
    """
    ctx = current_ctx()
    return tasks.with_units(ctx, tasks.complete_task(ctx, task_id, args["data"]))
