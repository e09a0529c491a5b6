"""The registry: people and collectives, the awards they hold and their recognised initiatives."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import AwardeeKind, BarReason, DossierKind, Gender, ImportStatus, InitiativeLevel, TaskGrade

if TYPE_CHECKING:
    from engine.models.dossier import Decision
    from engine.models.org import Unit


# Kinds of award the history may record; only regular awards count toward later ones (ND 98 Art. 4(3)).
RECORDED_AWARD_KINDS = (DossierKind.REGULAR, DossierKind.AD_HOC, DossierKind.THEMATIC)


class Awardee(Base):
    """A person or a collective that can be nominated and hold awards."""

    __tablename__ = "awardee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[AwardeeKind] = mapped_column(value_enum(AwardeeKind, "awardee_kind", 20))
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300), index=True)  # lower case, no diacritics
    position: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)  # the current unit
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Telling namesakes apart (engine/operations/registry/identity.py).
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[Gender | None] = mapped_column(value_enum(Gender, "gender", 10))
    # HMAC-SHA256 of the national ID number (CCCD) under KHENTHUONG_IDENTITY_KEY; never the number itself.
    national_id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # A duplicate merged into another record: hidden from lists and matching until the merge is undone.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("awardee.id"), index=True)

    awards: Mapped[list[GrantedAward]] = relationship(back_populates="awardee", order_by="GrantedAward.year")
    initiatives: Mapped[list[Initiative]] = relationship(back_populates="awardee", order_by="Initiative.year")
    unit: Mapped[Unit | None] = relationship(viewonly=True)  # read-only, for reads and response schemas
    memberships: Mapped[list[Membership]] = relationship(
        viewonly=True, order_by="(Membership.from_date, Membership.id)")
    grades: Mapped[list[YearlyGrade]] = relationship(viewonly=True, order_by="YearlyGrade.year")
    bars: Mapped[list[RegistryBar]] = relationship(viewonly=True, order_by="(RegistryBar.from_date, RegistryBar.id)")


class Membership(Base):
    """A person (or collective) in a unit from one date to another: people move between units, and the
    history follows the person, not the unit. `to_date` None: still there."""

    __tablename__ = "awardee_membership"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    awardee_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    position: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)


class RegistryDecision(Base):
    """A decision recorded in the registry as it was issued (often before this system, by any issuer):
    number as written, date and issuer, so later checks cite "QĐ số … ngày …". Its natural key is the
    number, the date and the folded issuer."""

    __tablename__ = "registry_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(60))  # "12/QĐ-UBND"
    signed_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(300))
    issuer_folded: Mapped[str] = mapped_column(String(300))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("history_import.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("number", "signed_on", "issuer_folded", name="uq_registry_decision_key"),)

    @property
    def citation(self) -> str:
        return f"QĐ số {self.number} ngày {self.signed_on:%d/%m/%Y} của {self.issuer}"


class GrantedAward(Base):
    """An award held; from the org-chart import (history) or from a decision issued here."""

    __tablename__ = "granted_award"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    awardee_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"), index=True)
    award_type: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    # Ad-hoc and thematic awards do not count toward later ones.
    dossier_kind: Mapped[DossierKind] = mapped_column(value_enum(DossierKind, "dossier_kind", 20),
                                                      default=DossierKind.REGULAR)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # revoked awards no longer count
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A decision recorded in the registry (imported history); `decision_id` is one issued here.
    registry_decision_id: Mapped[int | None] = mapped_column(ForeignKey("registry_decision.id"), index=True)
    period: Mapped[str | None] = mapped_column(String(9))  # a school year "2023-2024" (then `year` is 2024)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("history_import.id"), index=True)

    awardee: Mapped[Awardee] = relationship(back_populates="awards")
    decision: Mapped[Decision | None] = relationship(viewonly=True)  # read-only, for reads
    registry_decision: Mapped[RegistryDecision | None] = relationship(viewonly=True)

    @property
    def citation(self) -> str | None:
        """The decision behind the award, as a check or a page cites it."""
        if self.registry_decision is not None:
            return self.registry_decision.citation
        if self.decision is not None:
            return f"QĐ số {self.decision.label} ngày {self.decision.signed_on:%d/%m/%Y}"
        return None


class Initiative(Base):
    """A recognised initiative (sáng kiến); usable once, for one title or one form."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    awardee_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[InitiativeLevel] = mapped_column(value_enum(InitiativeLevel, "initiative_level", 20))
    year: Mapped[int] = mapped_column(Integer)
    used_by_nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    import_id: Mapped[int | None] = mapped_column(ForeignKey("history_import.id"), index=True)

    awardee: Mapped[Awardee] = relationship(back_populates="initiatives")


class YearlyGrade(Base):
    """The yearly grade (xếp loại) of a person or collective for one year (or school year, `period`):
    what criteria such as "hoàn thành tốt nhiệm vụ 5 năm liên tục" read. One per awardee and year."""

    __tablename__ = "yearly_grade"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    awardee_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str | None] = mapped_column(String(9))
    grade: Mapped[TaskGrade] = mapped_column(value_enum(TaskGrade, "task_grade", 20))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("history_import.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("awardee_id", "year", name="uq_yearly_grade_awardee_year"),)


class RegistryBar(Base):
    """A dated flag on a registry entry: under disciplinary review, investigation or inspection, or with a
    petition under verification, the person or collective may not be proposed (NĐ 98/2023 Art. 4(4)).
    Set and lifted by the standing office, each with its reason; a lifted flag stays as history."""

    __tablename__ = "registry_bar"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    awardee_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"), index=True)
    reason: Mapped[BarReason] = mapped_column(value_enum(BarReason, "bar_reason", 30))
    from_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)  # the office's reason, e.g. the document that opened the review
    set_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lift_note: Mapped[str | None] = mapped_column(Text)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def in_force_on(self, day: date) -> bool:
        return self.from_date <= day and (self.lifted_on is None or day < self.lifted_on)


class HistoryImport(Base):
    """One Excel file of award history: previewed (bad rows listed), then imported. The file itself is
    kept under the instance folder by its SHA-256 until it is imported."""

    __tablename__ = "history_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[ImportStatus] = mapped_column(value_enum(ImportStatus, "import_status", 20))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_bad: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[dict[str, int] | None] = mapped_column(JSON)  # what the import added, by kind of record
    problems: Mapped[list[Any] | None] = mapped_column(JSON)  # the first bad rows: [row, column, message]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AwardeeMerge(Base):
    """A duplicate record merged into the one kept, with every row it moved, so the merge can be undone."""

    __tablename__ = "awardee_merge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("awardee.id"), index=True)
    moved: Mapped[dict[str, list[int]]] = mapped_column(JSON)  # table → ids moved from merged to kept
    before: Mapped[dict[str, Any]] = mapped_column(JSON)  # the kept record's identity fields before
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_awardee_name_birth", Awardee.name_folded, Awardee.birth_date)
