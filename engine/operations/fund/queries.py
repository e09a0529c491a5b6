"""Reading the reward fund: who may see and keep it, its summary for a year (SQL sums, the balance
carried over from the years before), the payouts and entries, the issued decisions whose payouts are
not made yet, and the yearly report (XLSX)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, exists, func, select

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.errors import Forbidden, NotFound
from engine.models import (
    Decision,
    DecisionStatus,
    FundEntry,
    FundEntryKind,
    FundPayout,
    Nomination,
    NominationStatus,
    Role,
    RoleGrant,
    Unit,
    User,
)
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.paging import Page, paginate
from engine.storage import XLSX, NamedFile
from engine.text import file_name

READERS = (Role.OFFICE, Role.HEAD)


def may_keep(ctx: Context, user: User, unit_id: int) -> bool:
    """The standing office of the unit keeps its fund (and an administrator)."""
    return holds_role(ctx.session, user, Role.OFFICE, unit_id) or is_admin(ctx.session, user)


def may_read(ctx: Context, user: User, unit_id: int) -> bool:
    return any(holds_role(ctx.session, user, role, unit_id) for role in READERS) or is_admin(ctx.session, user)


def fund_unit(ctx: Context, unit_id: int, *, keep: bool = False) -> Unit:
    """The unit whose fund the caller reads (or keeps); NotFound / Forbidden otherwise."""
    user = require_actor(ctx.actor)
    unit = ctx.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị số {unit_id}.")
    if not (may_keep if keep else may_read)(ctx, user, unit_id):
        raise Forbidden("Chỉ cơ quan thường trực, thủ trưởng đơn vị được xem quỹ thi đua, khen thưởng."
                        if not keep else "Chỉ cơ quan thường trực của đơn vị được cập nhật quỹ thi đua, khen thưởng.")
    return unit


def fund_units(ctx: Context) -> list[Unit]:
    """The units whose fund the caller reads (standing office or head there), by name."""
    user = require_actor(ctx.actor)
    roles = [*READERS, Role.DEPUTY]
    return list(ctx.session.scalars(select(Unit).where(Unit.id.in_(
        select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id, RoleGrant.role.in_(roles)))).order_by(Unit.name)))


@dataclass(frozen=True)
class FundSummary:
    unit_id: int
    unit_name: str
    year: int
    budget: int  # money in from the budget this year
    income: int  # other income this year
    paid: int  # payouts of this year's decisions paid
    unpaid: int  # payouts of this year's decisions not paid yet (a revoked award's is no longer owed)
    payouts: int
    paid_count: int
    recovered: int = 0  # reward money recovered by revocations, booked this year
    carried_over: int = 0  # the balance at the end of the year before (every earlier year's in minus paid)

    @property
    def money_in(self) -> int:
        """This year's money in: budget, other income and recovered money."""
        return self.budget + self.income + self.recovered

    @property
    def balance(self) -> int:
        """What is left: the balance carried over, plus this year's money in, minus what has been paid;
        carried over to the next year."""
        return self.carried_over + self.money_in - self.paid

    @property
    def balance_after_unpaid(self) -> int:
        """What would be left once every payout owed is paid."""
        return self.balance - self.unpaid


def summary(ctx: Context, unit_id: int, year: int) -> FundSummary:
    """The fund of `unit_id` for `year`, summed in SQL (four statements, whatever the years behind)."""
    unit = fund_unit(ctx, unit_id)
    money = dict(ctx.session.execute(
        select(FundEntry.kind, func.coalesce(func.sum(FundEntry.amount), 0))
        .where(FundEntry.unit_id == unit_id, FundEntry.year == year).group_by(FundEntry.kind)).all())
    paid = FundPayout.paid_at.is_not(None)
    owed = FundPayout.paid_at.is_(None) & (Nomination.status != NominationStatus.REVOKED)
    row = ctx.session.execute(
        select(func.coalesce(func.sum(case((paid, FundPayout.amount), else_=0)), 0),
               func.coalesce(func.sum(case((owed, FundPayout.amount), else_=0)), 0),
               func.count(FundPayout.id), func.count(FundPayout.paid_at))
        .join(Nomination, Nomination.id == FundPayout.nomination_id)
        .where(FundPayout.unit_id == unit_id, FundPayout.year == year)).one()
    before_in = ctx.session.scalar(select(func.coalesce(func.sum(FundEntry.amount), 0))
                                   .where(FundEntry.unit_id == unit_id, FundEntry.year < year))
    before_paid = ctx.session.scalar(select(func.coalesce(func.sum(FundPayout.amount), 0))
                                     .where(FundPayout.unit_id == unit_id, FundPayout.year < year, paid))
    return FundSummary(unit.id, unit.name, year, int(money.get(FundEntryKind.BUDGET, 0)),
                       int(money.get(FundEntryKind.INCOME, 0)), int(row[0]), int(row[1]), int(row[2]), int(row[3]),
                       recovered=int(money.get(FundEntryKind.RECOVERED, 0)),
                       carried_over=int(before_in or 0) - int(before_paid or 0))


def payouts(ctx: Context, unit_id: int, year: int, *, paid: bool | None = None, decision: int | None = None,
            page: int = 1, per_page: int = 50) -> Page:
    fund_unit(ctx, unit_id)
    stmt = select(FundPayout).where(FundPayout.unit_id == unit_id, FundPayout.year == year)
    if paid is not None:
        stmt = stmt.where(FundPayout.paid_at.is_not(None) if paid else FundPayout.paid_at.is_(None))
    if decision is not None:
        stmt = stmt.where(FundPayout.decision_id == decision)
    return paginate(ctx.session, stmt.order_by(FundPayout.decision_id, FundPayout.id), page, min(per_page, 200))


def entries(ctx: Context, unit_id: int, year: int) -> list[FundEntry]:
    fund_unit(ctx, unit_id)
    return list(ctx.session.scalars(select(FundEntry).where(FundEntry.unit_id == unit_id, FundEntry.year == year)
                                    .order_by(FundEntry.entered_on, FundEntry.id)))


def decisions_without_payouts(ctx: Context, unit_id: int, year: int) -> list[Decision]:
    """Issued award decisions of the unit in `year` with no payout made yet."""
    fund_unit(ctx, unit_id)
    return list(ctx.session.scalars(
        select(Decision).where(Decision.issuer_unit_id == unit_id, Decision.year == year,
                               Decision.status == DecisionStatus.ISSUED, Decision.dossier_id.is_not(None),
                               ~exists().where(FundPayout.decision_id == Decision.id))
        .order_by(Decision.number)))


def yearly_report(ctx: Context, unit_id: int, year: int) -> NamedFile:
    """The fund's report for the year (XLSX): the summary, the money in, every payout with its decision
    and whether it was paid."""
    total = summary(ctx, unit_id, year)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    bold = Font(bold=True)
    sheet.append([f"BÁO CÁO QUỸ THI ĐUA, KHEN THƯỞNG NĂM {year}"])
    sheet.append([total.unit_name])
    sheet.append([])
    for label, value in ((f"Số dư năm {year - 1} chuyển sang", total.carried_over),
                         ("Dự toán ngân sách giao", total.budget), ("Nguồn thu khác", total.income),
                         ("Tiền thưởng thu hồi", total.recovered),
                         ("Tổng nguồn", total.money_in), ("Đã chi tiền thưởng", total.paid),
                         ("Còn phải chi", total.unpaid), ("Số dư", total.balance),
                         (f"Chuyển sang năm {year + 1}", total.balance),
                         ("Số dư sau khi chi hết", total.balance_after_unpaid)):
        sheet.append([label, value])
    sheet["A1"].font = bold
    for row in sheet.iter_rows(min_row=4, min_col=2, max_col=2):
        row[0].number_format = "#,##0"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 20

    money_in = book.create_sheet("Nguồn quỹ")
    money_in.append(["Ngày", "Loại", "Số tiền (đồng)", "Nội dung"])
    for entry in entries(ctx, unit_id, year):
        money_in.append([entry.entered_on.strftime("%d/%m/%Y"), entry.kind.label, entry.amount, entry.note])
    out = book.create_sheet("Chi tiền thưởng")
    out.append(["Quyết định", "Ngày ký", "Người, tập thể", "Hình thức", "Số tiền (đồng)", "Đã chi", "Ngày chi"])
    rows = ctx.session.execute(select(FundPayout, Decision).join(Decision, Decision.id == FundPayout.decision_id)
                               .where(FundPayout.unit_id == unit_id, FundPayout.year == year)
                               .order_by(Decision.number, FundPayout.id))
    for payout, decision in rows:
        paid_on = payout.paid_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y") if payout.paid_at else ""
        out.append([decision.label, decision.signed_on.strftime("%d/%m/%Y"), payout.awardee_name, payout.award_type,
                    payout.amount, "Đã chi" if payout.paid_at else "Chưa chi", paid_on])
    for sheet_ in (money_in, out):
        for cell in sheet_[1]:
            cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return NamedFile(buffer.getvalue(), file_name("Bao-cao-quy-thi-dua-khen-thuong", str(year), total.unit_name,
                                                  extension="xlsx"), XLSX)


def today_year(ctx: Context) -> int:
    return ctx.clock.now().astimezone(LOCAL_TZ).year

