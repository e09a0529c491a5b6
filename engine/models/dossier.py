"""Dossiers (hồ sơ đề nghị khen thưởng), their nominations and attachments; decisions; notifications."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from engine.db import Base, UTCDateTime, value_enum
from engine.text import fold
from engine.vocabulary import (
    AttachmentKind,
    AwardeeKind,
    DecisionStatus,
    DossierKind,
    DossierStatus,
    Gender,
    NominationStatus,
)

if TYPE_CHECKING:
    from engine.models.org import Unit, User



def searchable(name: str, column: str) -> Index:
    """The index of a folded column searched with `LIKE '%…%'`: a trigram GIN index on PostgreSQL
    (pg_trgm, created by migration 0024), a plain index on SQLite (scanned instead of the table)."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


# The relationships to units and users are read-only: reads and response schemas follow them; the
# columns stay what operations write.


class Dossier(Base):
    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    title_folded: Mapped[str] = mapped_column(String(500))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[DossierKind] = mapped_column(value_enum(DossierKind, "dossier_kind"))
    status: Mapped[DossierStatus] = mapped_column(value_enum(DossierStatus, "dossier_status"), index=True)
    proposing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    reviewing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    rules_version: Mapped[str | None] = mapped_column(String(40))  # fixed at submission
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # statistics by period
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_on: Mapped[date | None] = mapped_column(Date)  # complete at the current level: the clock runs
    result_due_on: Mapped[date | None] = mapped_column(Date)  # appraisal deadline at the current level
    supplement_request: Mapped[str | None] = mapped_column(Text)  # what is missing, when asked
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)  # appraisal deadline passed (escalated)

    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="dossier", order_by="Nomination.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="dossier", order_by="Attachment.id")
    proposing_unit: Mapped[Unit] = relationship(foreign_keys=[proposing_unit_id], viewonly=True)
    reviewing_unit: Mapped[Unit | None] = relationship(foreign_keys=[reviewing_unit_id], viewonly=True)
    created_by: Mapped[User] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint("year BETWEEN 1945 AND 2200", name="plausible_year"),
        # The list's sort key (newest first: read backwards), so a page is read off the index.
        Index("ix_dossier_created_at_id", "created_at", "id"),
        searchable("ix_dossier_title_folded", "title_folded"),
        # The statistics' proposals of a period: read off the index, without the rows.
        Index("ix_dossier_submitted_scope", "submitted_at", "status", "proposing_unit_id", "overdue"),
        # A list filtered by status and year, and one unit's list: read off the index in its sort order
        # (newest first), not sorted from every matching row.
        Index("ix_dossier_status_year_created", "status", "year", "created_at", "id"),
        Index("ix_dossier_unit_created", "proposing_unit_id", "created_at", "id"),
    )


class Nomination(Base):
    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    award_type: Mapped[str] = mapped_column(String(40))
    # What was proposed when a level awarded a lower form instead (award_type is then what was given).
    proposed_award_type: Mapped[str | None] = mapped_column(String(40))
    nominee_kind: Mapped[AwardeeKind] = mapped_column(value_enum(AwardeeKind, "awardee_kind", 20))
    awardee_id: Mapped[int | None] = mapped_column(ForeignKey("awardee.id"), index=True)
    nominee_name: Mapped[str] = mapped_column(String(300))
    nominee_name_folded: Mapped[str] = mapped_column(String(300))  # fold(nominee_name), set with it
    nominee_position: Mapped[str | None] = mapped_column(String(200))
    nominee_unit: Mapped[str | None] = mapped_column(String(300))
    nominee_birth_date: Mapped[date | None] = mapped_column(Date)  # tells namesakes apart at submission
    nominee_gender: Mapped[Gender | None] = mapped_column(value_enum(Gender, "gender", 10))
    nominee_national_id_hash: Mapped[str | None] = mapped_column(String(64))  # keyed hash only (registry.md)
    achievements: Mapped[str] = mapped_column(Text)
    status: Mapped[NominationStatus] = mapped_column(value_enum(NominationStatus, "nomination_status"))
    deciding_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # None: beyond this tree
    eligible: Mapped[bool | None] = mapped_column(Boolean)  # the office's finding at `appraise`
    appraisal_note: Mapped[str | None] = mapped_column(Text)
    checks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # automatic pre-check shown at appraise
    outcome_note: Mapped[str | None] = mapped_column(Text)  # reason, required for a rejection
    decided_by_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    # The emulation movement the award rewards (a thematic award goes to the level that launched it).
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id"), index=True)

    dossier: Mapped[Dossier] = relationship(back_populates="nominations")
    deciding_unit: Mapped[Unit | None] = relationship(foreign_keys=[deciding_unit_id], viewonly=True)
    decided_by_unit: Mapped[Unit | None] = relationship(foreign_keys=[decided_by_unit_id], viewonly=True)

    __table_args__ = (
        CheckConstraint("status <> 'rejected' OR outcome_note IS NOT NULL", name="rejection_has_reason"),
        CheckConstraint("nominee_kind IN ('individual', 'collective', 'household')", name="known_nominee_kind"),
        searchable("ix_nomination_nominee_name_folded", "nominee_name_folded"),
        # A decision's nominations, and what the statistics group them by without reading the rows.
        Index("ix_nomination_decision_granted", "decision_id", "status", "award_type", "nominee_kind"),
        # A dossier's nominations with what the proposals by level group them by.
        Index("ix_nomination_dossier_outcome", "dossier_id", "deciding_unit_id", "status"),
        # A decision's nominations in id order: the public lookup walks decisions newest first (0050).
        Index("ix_nomination_decision_id", "decision_id", "id"),
    )

    @validates("nominee_name")
    def _fold_name(self, _key: str, name: str) -> str:
        """Whoever writes the name writes its folded form too, so the search never sees a stale one."""
        self.nominee_name_folded = fold(name)
        return name


class Attachment(Base):
    """Metadata of an uploaded file; the bytes live in the attachment store, named by SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="SET NULL"))
    kind: Mapped[AttachmentKind] = mapped_column(value_enum(AttachmentKind, "attachment_kind"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship(viewonly=True)


class RemovedAttachment(Base):
    """An attachment the proposer removed or replaced while the dossier could change: its metadata as it
    was, and who removed it when. The bytes stay in the store (named by `sha256`, which backups follow)."""

    __tablename__ = "removed_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attachment_id: Mapped[int] = mapped_column(Integer)  # the id the attachment had
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[AttachmentKind] = mapped_column(value_enum(AttachmentKind, "attachment_kind"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_by_id: Mapped[int | None] = mapped_column(Integer)  # the attachment that replaced it, if any


class Decision(Base):
    """A numbered decision (quyết định) of an issuing unit; numbers are gapless per issuer per year."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40))  # e.g. "QĐ-UBND"
    signed_on: Mapped[date] = mapped_column(Date, index=True)  # statistics by period
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    # A round's decision (one per award type and issuer, its list annexed) has no dossier of its own.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("review_round.id"), index=True)
    rules_version: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[DecisionStatus] = mapped_column(value_enum(DecisionStatus, "decision_status"))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # the issued PDF (signed when configured)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Unit] = relationship(viewonly=True)
    dossier: Mapped[Dossier | None] = relationship(viewonly=True)
    nominations: Mapped[list[Nomination]] = relationship(
        viewonly=True, order_by=lambda: (Nomination.dossier_id, Nomination.position))

    __table_args__ = (
        UniqueConstraint("issuer_unit_id", "year", "number", name="uq_decision_issuer_year_number"),
        # The statistics' time to decision of a period, read off the index with the dossier's row only.
        Index("ix_decision_signed_timing", "signed_on", "issuer_unit_id", "dossier_id", "created_at"),
        # The public pages (0050): issued decisions newest first, overall and per issuer; by number.
        Index("ix_decision_status_signed_id", "status", "signed_on", "id"),
        Index("ix_decision_issuer_signed_id", "issuer_unit_id", "status", "signed_on", "id"),
        Index("ix_decision_number_year", "number", "year", "status", "signed_on", "id"),
    )

    @property
    def label(self) -> str:
        return self.label_of(self.number, self.symbol)

    @staticmethod
    def label_of(number: int, symbol: str) -> str:
        """A decision's label from its number and symbol (for rows read without the ORM)."""
        return f"{number:02d}/{symbol}"


class DecisionCounter(Base):
    """The last number used by an issuer in a year; its row lock makes numbering gapless."""

    __tablename__ = "decision_counter"

    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    """An in-app message to one user (e.g. the proposer told the outcome, with reasons)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # sent by e-mail (or passed over: no address, unsubscribed) by the worker's mail job; NULL: not yet
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
