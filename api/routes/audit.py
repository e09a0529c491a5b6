"""The audit trail: filtered reading and the chain check (administrators only)."""
from __future__ import annotations

from typing import Any

from api.blueprint import Blueprint, problems
from api.schemas import AuditArgsSchema, AuditPageSchema, ChainReportSchema
from api.unit_of_work import current_ctx
from engine.operations import auditlog
from engine.operations.paging import Page

blp = Blueprint("audit", __name__, url_prefix="/api/v1",
                description="Nhật ký kiểm tra (chỉ quản trị hệ thống).")


@blp.route("/audit")
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
@problems(blp, 403)
def events(args: dict[str, Any]) -> Page:
    """Sự kiện nhật ký, mới nhất trước"""
    return auditlog.list_events(current_ctx(), entity=args.get("entity"), actor=args.get("actor"),
                                action=args.get("action"), since=args.get("since"), page=args["page"],
                                per_page=args["per_page"])


@blp.route("/audit/verify")
@blp.response(200, ChainReportSchema)
@problems(blp, 403)
def verify() -> dict[str, Any]:
    """Kiểm tra tính toàn vẹn của chuỗi băm nhật ký"""
    return auditlog.verify(current_ctx()).as_dict()
