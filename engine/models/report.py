"""Periodic reports (báo cáo sơ kết, tổng kết) a unit sends to the level above."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import ReportKind, ReportStatus

if TYPE_CHECKING:
    from engine.models.org import Unit


class PeriodicReport(Base):
    """One unit's report for one year and kind; the level above reads it once submitted."""

    __tablename__ = "periodic_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)  # the level above
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ReportKind] = mapped_column(value_enum(ReportKind, "report_kind", 20))
    status: Mapped[ReportStatus] = mapped_column(value_enum(ReportStatus, "report_status", 20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    body: Mapped[str | None] = mapped_column(Text)  # drafted from the figures, then the office's text
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the totals the draft was made from
    remarks: Mapped[str | None] = mapped_column(Text)  # the head's, when the report was returned
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    document_sha256: Mapped[str | None] = mapped_column(String(64))  # the DOCX as submitted
    due_on: Mapped[date | None] = mapped_column(Date)  # the last day to submit, fixed when it starts
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the process's timer flagged it late

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], viewonly=True)

    __table_args__ = (UniqueConstraint("unit_id", "year", "kind", name="uq_periodic_report_unit_year_kind"),)


class ReportDeadline(Base):
    """The last day the units directly below `unit_id` submit their report of a year and kind, set by
    the standing office of `unit_id` (the level above); without one, the default of reports.deadline."""

    __tablename__ = "report_deadline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the level above, which receives the reports
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ReportKind] = mapped_column(value_enum(ReportKind, "report_kind", 20))
    due_on: Mapped[date] = mapped_column(Date)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("unit_id", "year", "kind", name="uq_report_deadline_unit_year_kind"),)
