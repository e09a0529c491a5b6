"""The reward fund (quỹ thi đua, khen thưởng) of an issuing unit: money in (budget, other income)
and payouts of the issued decisions' reward amounts, each paid once."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import FundEntryKind


class FundEntry(Base):
    __tablename__ = "fund_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[FundEntryKind] = mapped_column(value_enum(FundEntryKind, "fund_entry_kind", 20))
    amount: Mapped[int] = mapped_column(BigInteger)  # đồng
    entered_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint("amount > 0", name="positive_amount"),)


class FundPayout(Base):
    """The reward money of one awardee of an issued decision, from its issuer's fund."""

    __tablename__ = "fund_payout"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the issuer, whose fund pays
    year: Mapped[int] = mapped_column(Integer)  # the decision's year
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"))
    awardee_name: Mapped[str] = mapped_column(String(300))
    award_type: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)  # đồng
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("nomination_id", name="uq_fund_payout_nomination"),
                      CheckConstraint("amount > 0", name="positive_amount"),
                      CheckConstraint("(paid_at IS NULL) = (paid_by_id IS NULL)", name="paid_by_whom"))
