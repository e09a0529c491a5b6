"""level_review's `public_disclosure` task ("Ghi nhận ý kiến sau công khai"): the comments citizens
sent from the public pages while the list was disclosed come pre-filled in its form, so the office
sees them on the task page and records what it makes of them."""
from __future__ import annotations

from typing import Any

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.models import HumanTask
from engine.operations.hooks import prefill
from engine.operations.public.queries import DISCLOSURE_TASK, comments_for_task

PUBLIC_SOURCE = "Người dân qua trang công khai"


@prefill(*DISCLOSURE_TASK)
def public_comments(ctx: Context, task: HumanTask) -> dict[str, Any]:
    items = []
    for row in comments_for_task(ctx, task):
        source = f"{PUBLIC_SOURCE} ({row.author or 'không ghi tên'}, {row.created_at.astimezone(LOCAL_TZ):%d/%m/%Y})"
        if row.complaint_id is not None:
            source += ", đã chuyển thành đơn tố cáo/khiếu nại"
        item: dict[str, Any] = {"source": source[:300], "content": row.content}
        if row.nomination_id is not None:
            item["nomination_id"] = row.nomination_id
        items.append(item)
    return {"comments": items}
