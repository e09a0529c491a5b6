"""The statistics' summary of granted awards, kept with the events that change it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, value_enum
from engine.vocabulary import AwardeeKind


class AwardTally(Base):
    """How many awards of one type, to one kind of awardee, the decisions one unit signed in one month
    granted on dossiers one unit proposed, and how many of them were revoked since. Written in the
    transaction that issues a decision or revokes its awards (engine/operations/statistics/tally.py);
    `khenthuong statistics rebuild` recounts it from the nominations."""

    __tablename__ = "award_tally"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the signing month
    proposing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    award_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    nominee_kind: Mapped[AwardeeKind] = mapped_column(value_enum(AwardeeKind, "awardee_kind", 20), primary_key=True)
    granted: Mapped[int] = mapped_column(Integer, default=0)
    revoked: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = ({"sqlite_with_rowid": False},)
