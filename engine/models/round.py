"""Review rounds (đợt xét khen thưởng) of a level and the dossiers that joined them.

A round belongs to one reviewing unit: its standing office opens it with a cut-off date for dossiers
and the award types it takes; a dossier reaching that unit joins the open round it fits (one entry
per dossier and unit). A dossier arriving after the cut-off is refused or waits for the next round,
as the round says: a waiting entry has no round yet and joins the next round opened at that unit.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import LatePolicy, RoundKind, RoundStatus

if TYPE_CHECKING:
    from engine.models.dossier import Dossier
    from engine.models.org import Unit


class ReviewRound(Base):
    __tablename__ = "review_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[RoundKind] = mapped_column(value_enum(RoundKind, "round_kind", 20))
    movement: Mapped[str | None] = mapped_column(String(300))  # the emulation movement it closes, if any
    award_types: Mapped[list[str]] = mapped_column(JSON)  # catalogue codes; [] takes every type
    cutoff_on: Mapped[date] = mapped_column(Date)  # the last day dossiers are received
    council_on: Mapped[date | None] = mapped_column(Date)  # the planned council sitting
    late_policy: Mapped[LatePolicy] = mapped_column(value_enum(LatePolicy, "round_late_policy", 20))
    status: Mapped[RoundStatus] = mapped_column(value_enum(RoundStatus, "round_status", 20), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The round's own process (workflows/review_round.bpmn); NULL for a round opened before it existed.
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    # When its process recorded the intake closed (the cut-off day ended, or the office closed it).
    intake_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)  # read-only, for reads and response schemas

    __table_args__ = (
        CheckConstraint("council_on IS NULL OR council_on >= cutoff_on", name="council_after_cutoff"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
    )


class RoundEntry(Base):
    """A dossier at a reviewing unit that runs rounds: in a round, or (round_id NULL) waiting for the
    next one because it came after the cut-off of a round that sends late dossiers on."""

    __tablename__ = "review_round_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # came after the cut-off of an earlier round
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when it joined its round

    dossier: Mapped[Dossier] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("dossier_id", "unit_id", name="uq_review_round_entry_dossier_unit"),
        CheckConstraint("(round_id IS NULL) = (joined_at IS NULL)", name="joined_has_time"),
    )


class RoundSubmission(Base):
    """The tờ trình a level's round sends up with the nominations it forwards: the list, as a document,
    and which dossiers it carries, so the level above finds it on their dossiers and its own round."""

    __tablename__ = "review_round_submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the level that submits
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the level above
    signed_on: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    dossier_ids: Mapped[list[int]] = mapped_column(JSON)
    nomination_ids: Mapped[list[int]] = mapped_column(JSON)
    document_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], viewonly=True)
