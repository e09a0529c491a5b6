"""In-app notifications of the signed-in user."""
from __future__ import annotations

from typing import Any

from api.blueprint import Blueprint, problems
from api.dossier_schemas import NotificationArgsSchema, NotificationPageSchema, NotificationSchema
from api.unit_of_work import current_ctx
from engine.models import Notification
from engine.operations import notifications
from engine.operations.paging import Page

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Thông báo của tôi.")


@blp.route("/notifications")
@blp.arguments(NotificationArgsSchema, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args: dict[str, Any]) -> Page:
    """Thông báo của tôi, mới nhất trước"""
    return notifications.list_notifications(current_ctx(), unread_only=args["unread"], page=args["page"],
                                            per_page=args["per_page"])


@blp.route("/notifications/<id:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@problems(blp, 404)
def mark_read(notification_id: int) -> Notification:
    """Đánh dấu đã đọc"""
    return notifications.mark_read(current_ctx(), notification_id)
