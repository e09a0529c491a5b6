"""Complaints (khiếu nại) and denunciations (tố cáo), and revocations of awards (thu hồi)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import ComplaintKind, ComplaintOutcome, ComplaintStatus, RevocationGround, RevocationStatus

if TYPE_CHECKING:
    from engine.models.org import Unit


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ComplaintKind] = mapped_column(value_enum(ComplaintKind, "complaint_kind"))
    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)
    instance_level: Mapped[int] = mapped_column(Integer, default=1)  # 1 first instance, 2 second instance
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))  # the first-instance complaint
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    handling_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_contact: Mapped[str] = mapped_column(String(300))
    complainant_address: Mapped[str | None] = mapped_column(String(300))  # required of every filing since 0026
    complainant_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # filed through the public endpoint
    # SHA-256 of the secret a public filer was shown once, which with the tracking code lets them escalate
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False)
    complex: Mapped[bool] = mapped_column(Boolean, default=False)
    especially_complex: Mapped[bool] = mapped_column(Boolean, default=False)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ComplaintStatus] = mapped_column(value_enum(ComplaintStatus, "complaint_status"), index=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # when the complainant received or learned of the decision (given at filing, checked at acceptance):
    # the filing window runs from it (Luật Khiếu nại 2011 Art. 9)
    learned_on: Mapped[date | None] = mapped_column(Date)
    acceptance_due_on: Mapped[date | None] = mapped_column(Date)  # to accept or refuse, counted from receipt
    acceptance_overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[ComplaintOutcome | None] = mapped_column(value_enum(ComplaintOutcome, "complaint_outcome"))
    revoke: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)  # of the refusal or the resolution
    froze_nomination: Mapped[bool] = mapped_column(Boolean, default=False)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    handling_unit: Mapped[Unit] = relationship(viewonly=True)  # read-only, for reads and response schemas
    attachments: Mapped[list[ComplaintAttachment]] = relationship(
        order_by="ComplaintAttachment.id", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        CheckConstraint("decision_id IS NOT NULL OR nomination_id IS NOT NULL OR dossier_id IS NOT NULL",
                        name="has_subject"),
    )


class ComplaintAttachment(Base):
    """A document filed with a complaint; the bytes live in the attachment store, named by SHA-256."""

    __tablename__ = "complaint_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Revocation(Base):
    __tablename__ = "revocation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    granting_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    ground: Mapped[RevocationGround | None] = mapped_column(value_enum(RevocationGround, "revocation_ground"))
    nomination_ids: Mapped[list[int]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RevocationStatus] = mapped_column(value_enum(RevocationStatus, "revocation_status"))
    cancellation_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    recovery_note: Mapped[str | None] = mapped_column(Text)
    recovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
