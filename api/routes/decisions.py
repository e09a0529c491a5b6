"""Decisions on awards (quyết định khen thưởng) and their documents."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, problems
from api.dossier_schemas import DecisionArgsSchema, DecisionPageSchema, DecisionSchema
from api.downloads import send_document
from api.presenters import page_view
from api.routes.dossiers import decision_ref, nominee_view
from api.unit_of_work import current_ctx
from engine.context import Context
from engine.models import Decision
from engine.operations.award import queries as access
from engine.storage import DOCX

blp = Blueprint("decisions", __name__, url_prefix="/api/v1", description="Quyết định khen thưởng.")

_DOCX_RESPONSE = {"200": {"description": "Quyết định (DOCX, thể thức Nghị định 30/2020/NĐ-CP).",
                          "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}}


def decision_view(ctx: Context, decision: Decision) -> dict[str, Any]:
    nominations = [{"id": n.id, "dossier_id": n.dossier_id, "award_type": n.award_type,
                    "nominee": nominee_view(n), "status": n.status.value}
                   for n in access.decision_nominations(ctx, decision)]
    return {**decision_ref(ctx.session, decision), "year": decision.year, "signer_name": decision.signer_name,
            "signer_title": decision.signer_title, "dossier_id": decision.dossier_id,
            "rules_version": decision.rules_version, "has_document": decision.document_sha256 is not None,
            "nominations": nominations}


@blp.route("/decisions")
@blp.arguments(DecisionArgsSchema, location="query")
@blp.response(200, DecisionPageSchema)
def list_decisions(args: dict[str, Any]) -> dict[str, Any]:
    """Quyết định tôi được xem, mới nhất trước"""
    ctx = current_ctx()
    page = access.list_decisions(ctx, issuer=args.get("issuer"), year=args.get("year"), dossier=args.get("dossier"),
                                 page=args["page"], per_page=args["per_page"])
    return page_view(page, lambda d: decision_view(ctx, d))


@blp.route("/decisions/<id:decision_id>")
@blp.response(200, DecisionSchema)
@problems(blp, 404)
def get_decision(decision_id: int) -> dict[str, Any]:
    """Chi tiết quyết định: số, cơ quan ban hành, ngày ký, các đề nghị được khen thưởng"""
    ctx = current_ctx()
    return decision_view(ctx, access.get_decision(ctx, decision_id))


@blp.route("/decisions/<id:decision_id>/document.docx")
@blp.doc(responses=_DOCX_RESPONSE)
@problems(blp, 404)
def decision_document(decision_id: int) -> Response:
    """Tải văn bản quyết định (DOCX)"""
    return send_document(access.decision_file(current_ctx(), decision_id))
