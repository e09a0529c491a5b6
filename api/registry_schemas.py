"""Schemas of the registry's office endpoints: history imports from Excel."""
from __future__ import annotations

from api.fields import BaseSchema, DateTime, Dict, Int, List, Raw, Str, derived, one_of
from engine.models import ImportStatus


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class HistoryImportSchema(BaseSchema):
    id = Int(required=True)
    filename = Str(required=True)
    sha256 = Str(required=True, metadata=_doc("SHA-256 của tệp."))
    status = Str(required=True, validate=one_of([s.value for s in ImportStatus]),
                 metadata=_doc("`previewed`: đã kiểm tra, chờ xác nhận; `imported`: đã nhập."))
    status_label = derived(Str, lambda record: record.status.label, required=True)
    rows_read = Int(required=True, metadata=_doc("Số dòng có dữ liệu."))
    rows_bad = Int(required=True, metadata=_doc("Số dòng không hợp lệ (không được nhập)."))
    added = Dict(keys=Str(), values=Int(), allow_none=True, metadata=_doc(
        "Đã thêm vào sổ theo dõi: people, memberships, decisions, awards, initiatives, grades (nhập lại cùng tệp: "
        "đều 0)."))
    problems = List(List(Raw()), allow_none=True, metadata=_doc(
        "Các dòng không hợp lệ (tối đa 2000): [số dòng, ô, thông báo]."))
    created_at = DateTime(required=True)
    imported_at = DateTime(allow_none=True)
