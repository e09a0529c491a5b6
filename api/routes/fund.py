"""The reward fund (quỹ thi đua, khen thưởng) of an issuing unit (docs/fund.md): money in, payouts
from issued decisions, paid once each, the summary and the yearly report (XLSX). For the standing
office of the unit (its head reads)."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.downloads import send_document
from api.public_schemas import (
    EntryInSchema,
    EntrySchema,
    FundArgsSchema,
    FundSummarySchema,
    PayoutArgsSchema,
    PayoutPageSchema,
    PayoutSchema,
)
from api.unit_of_work import current_ctx
from engine.models import FundEntry, FundPayout
from engine.operations.fund import commands, queries
from engine.operations.fund.inputs import read_entry
from engine.operations.fund.queries import FundSummary
from engine.operations.paging import Page
from engine.storage import XLSX

blp = Blueprint("fund", __name__, url_prefix="/api/v1/fund", description="Quỹ thi đua, khen thưởng của đơn vị.")


@blp.route("/units/<id:unit_id>")
@blp.arguments(FundArgsSchema, location="query")
@blp.response(200, FundSummarySchema)
@problems(blp, 403, 404)
def fund_summary(args: dict[str, Any], unit_id: int) -> FundSummary:
    """Quỹ của đơn vị trong năm: nguồn, đã chi, còn phải chi, số dư"""
    return queries.summary(current_ctx(), unit_id, args["year"])


@blp.route("/units/<id:unit_id>/entries")
@blp.arguments(FundArgsSchema, location="query")
@blp.response(200, EntrySchema(many=True))
@problems(blp, 403, 404)
def list_entries(args: dict[str, Any], unit_id: int) -> list[FundEntry]:
    """Các khoản nguồn của quỹ trong năm"""
    return queries.entries(current_ctx(), unit_id, args["year"])


@blp.route("/entries", methods=["POST"])
@blp.doc(requestBody=json_request_body(EntryInSchema))
@blp.response(201, EntrySchema)
@problems(blp, 403, 404, 422)
def add_entry() -> FundEntry:
    """Ghi một khoản nguồn của quỹ (dự toán được giao, nguồn thu khác)"""
    return commands.add_entry(current_ctx(), read_entry(json_body(EntryInSchema)))


@blp.route("/units/<id:unit_id>/payouts")
@blp.arguments(PayoutArgsSchema, location="query")
@blp.response(200, PayoutPageSchema)
@problems(blp, 403, 404)
def list_payouts(args: dict[str, Any], unit_id: int) -> Page:
    """Các khoản chi tiền thưởng theo quyết định của đơn vị trong năm (lọc đã chi / chưa chi)"""
    return queries.payouts(current_ctx(), unit_id, args["year"], paid=args.get("paid"), decision=args.get("decision"),
                           page=args["page"], per_page=args["per_page"])


@blp.route("/decisions/<id:decision_id>/payouts", methods=["POST"])
@blp.response(201, PayoutSchema(many=True))
@problems(blp, 403, 404)
def create_payouts(decision_id: int) -> list[FundPayout]:
    """Lập danh sách chi tiền thưởng của một quyết định đã ban hành

    Mỗi cá nhân, tập thể có hình thức khen thưởng kèm tiền thưởng (rewards.yaml, mức tại ngày ký) một
    khoản; gọi lại không lập trùng. Trả về các khoản vừa lập."""
    return commands.create_payouts(current_ctx(), decision_id)


@blp.route("/payouts/<id:payout_id>/paid", methods=["POST"])
@blp.response(200, PayoutSchema)
@problems(blp, 403, 404, 409)
def mark_paid(payout_id: int) -> FundPayout:
    """Ghi đã chi tiền thưởng (một lần: lần ghi thứ hai bị từ chối, 409)"""
    return commands.mark_paid(current_ctx(), payout_id)


@blp.route("/units/<id:unit_id>/report.xlsx")
@blp.arguments(FundArgsSchema, location="query")
@blp.doc(responses={"200": {"description": "Báo cáo quỹ năm (XLSX).",
                            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 403, 404)
def yearly_report(args: dict[str, Any], unit_id: int) -> Response:
    """Báo cáo quỹ thi đua, khen thưởng của năm (XLSX)"""
    return send_document(queries.yearly_report(current_ctx(), unit_id, args["year"]))
