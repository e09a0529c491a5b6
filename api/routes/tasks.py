"""Human tasks: the inbox, a task with its form, claim, unclaim, complete."""
from __future__ import annotations

from typing import Any

from api.blueprint import Blueprint, problems
from api.presenters import page_view, task_view
from api.schemas import (
    CompleteTaskSchema,
    CompletionSchema,
    TaskArgsSchema,
    TaskDetailSchema,
    TaskPageSchema,
    TaskSchema,
)
from api.unit_of_work import current_ctx
from engine.operations import tasks
from engine.operations.hooks import prefilled

blp = Blueprint("tasks", __name__, url_prefix="/api/v1",
                description="Nhiệm vụ trong quy trình: nhận, trả lại, hoàn thành.")


@blp.route("/tasks")
@blp.arguments(TaskArgsSchema, location="query")
@blp.response(200, TaskPageSchema)
def list_tasks(args: dict[str, Any]) -> dict[str, Any]:
    """Nhiệm vụ tôi có thể xử lý

    Chỉ các nhiệm vụ đang chờ xử lý (ready) mà tôi có vai trò tại đơn vị thực hiện; hạn gần nhất trước.
    """
    ctx = current_ctx()
    page = tasks.list_tasks(ctx, dossier_id=args.get("dossier"), key=args.get("key"), mine=args["mine"],
                            page=args["page"], per_page=args["per_page"])
    return page_view(page, lambda task: task_view(ctx.session, task))


@blp.route("/tasks/<id:task_id>")
@blp.response(200, TaskDetailSchema)
@problems(blp, 404)
def get_task(task_id: int) -> dict[str, Any]:
    """Chi tiết nhiệm vụ, kèm biểu mẫu và dữ liệu điền sẵn

    404 nếu không có nhiệm vụ hoặc tôi không có vai trò nào tại đơn vị thực hiện.
    """
    ctx = current_ctx()
    task = tasks.get_task(ctx, task_id)
    return {**task_view(ctx.session, task), "form": tasks.task_form(ctx, task), "data": prefilled(ctx, task)}


@blp.route("/tasks/<id:task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
@problems(blp, 403, 404, 409)
def claim_task(task_id: int) -> dict[str, Any]:
    """Nhận xử lý nhiệm vụ

    403 nếu tôi thấy nhiệm vụ nhưng không được xử lý; 409 nếu nhiệm vụ đã xong hoặc người khác đã nhận.
    """
    ctx = current_ctx()
    return task_view(ctx.session, tasks.claim_task(ctx, task_id))


@blp.route("/tasks/<id:task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
@problems(blp, 403, 404, 409)
def unclaim_task(task_id: int) -> dict[str, Any]:
    """Trả lại nhiệm vụ đã nhận"""
    ctx = current_ctx()
    return task_view(ctx.session, tasks.unclaim_task(ctx, task_id))


@blp.route("/tasks/<id:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema)
@blp.response(200, CompletionSchema)
@problems(blp, 403, 404, 409, 422)
def complete_task(args: dict[str, Any], task_id: int) -> dict[str, Any]:
    """Hoàn thành nhiệm vụ

    `data` được kiểm tra theo biểu mẫu của nhiệm vụ: 422 kèm lỗi từng trường. 409 nếu nhiệm vụ
    không còn chờ xử lý; 403 nếu tôi không được xử lý nhiệm vụ này.
    """
    ctx = current_ctx()
    done = tasks.complete_task(ctx, task_id, args["data"])
    return {"task": task_view(ctx.session, done.task),
            "next_tasks": [task_view(ctx.session, t) for t in done.next_tasks],
            "process_completed": done.process_completed, **done.reply}
