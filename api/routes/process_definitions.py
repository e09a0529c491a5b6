"""Deployed process versions and the instances still running on each."""
from __future__ import annotations

from api.blueprint import Blueprint
from api.schemas import DeployedVersionSchema
from api.unit_of_work import current_ctx
from engine.operations.definitions import DeployedVersion, list_definitions

blp = Blueprint("process_definitions", __name__, url_prefix="/api/v1",
                description="Các phiên bản quy trình đã triển khai.")


@blp.route("/process-definitions")
@blp.response(200, DeployedVersionSchema(many=True))
def definitions() -> list[DeployedVersion]:
    """Phiên bản quy trình và số quy trình đang chạy trên mỗi phiên bản"""
    return list_definitions(current_ctx())
