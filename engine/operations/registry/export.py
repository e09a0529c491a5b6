"""A person's or a unit's award history as an XLSX workbook: each award with its year (or school year),
kind and the decision behind it, and the person's units over time; what an officer attaches to a dossier
beside the printable page."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from engine.context import Context
from engine.errors import NotFound
from engine.models import Awardee, GrantedAward, Membership, Unit
from engine.operations.access import is_admin, require_actor, visible_units
from engine.operations.registry.queries import get_awardee
from engine.storage import XLSX, NamedFile
from engine.text import file_name

HEADERS = ("Họ tên, tên tập thể", "Ngày sinh", "Đơn vị hiện nay", "Năm", "Danh hiệu, hình thức khen thưởng",
           "Loại khen thưởng", "Quyết định", "Ghi chú")


def _rows(awardee: Awardee) -> list[list[object]]:
    return [[awardee.name, awardee.birth_date.strftime("%d/%m/%Y") if awardee.birth_date else "",
             awardee.unit.name if awardee.unit is not None else "", award.period or award.year, award.award_type,
             award.dossier_kind.label, award.citation or "Theo sổ theo dõi",
             "Đã thu hồi" if award.revoked_at is not None else ""] for award in awardee.awards]


def _book(title: str, people: list[Awardee]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Lý lịch khen thưởng"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for awardee in people:
        for values in _rows(awardee):
            sheet.append(values)
    for letter, width in zip("ABCDEFGH", (28, 12, 28, 10, 30, 16, 48, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    units = book.create_sheet("Quá trình công tác")
    units.append(["Họ tên, tên tập thể", "Đơn vị", "Từ ngày", "Đến ngày", "Chức vụ"])
    for awardee in people:
        for m in awardee.memberships:
            units.append([awardee.name, m.unit.name, m.from_date.strftime("%d/%m/%Y") if m.from_date else "Không rõ",
                          m.to_date.strftime("%d/%m/%Y") if m.to_date else "Nay", m.position or ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person_history(ctx: Context, awardee_id: int) -> NamedFile:
    awardee = get_awardee(ctx, awardee_id)
    return NamedFile(_book(f"Lý lịch khen thưởng: {awardee.name}", [awardee]),
                     file_name("Lý lịch khen thưởng", awardee.name, extension="xlsx"), XLSX)


def unit_history(ctx: Context, unit_id: int) -> NamedFile:
    """Everyone who is or was a member of the unit, with their whole history."""
    user = require_actor(ctx.actor)
    unit = ctx.session.get(Unit, unit_id)
    if unit is None or not (is_admin(ctx.session, user) or ctx.session.scalar(
            select(Unit.id).where(Unit.id == unit_id, Unit.id.in_(visible_units(user))))):
        raise NotFound(f"Không tìm thấy đơn vị số {unit_id}.")
    people = list(ctx.session.scalars(
        select(Awardee).where(Awardee.merged_into_id.is_(None),
                              or_(Awardee.unit_id == unit_id,
                                  Awardee.id.in_(select(Membership.awardee_id).where(Membership.unit_id == unit_id))))
        .order_by(Awardee.name_folded, Awardee.id)
        .options(selectinload(Awardee.awards).selectinload(GrantedAward.decision),
                 selectinload(Awardee.awards).selectinload(GrantedAward.registry_decision),
                 selectinload(Awardee.unit), selectinload(Awardee.memberships).selectinload(Membership.unit))))
    return NamedFile(_book(f"Lịch sử khen thưởng: {unit.name}", people),
                     file_name("Lịch sử khen thưởng", unit.name, extension="xlsx"), XLSX)
