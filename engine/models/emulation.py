"""The emulation year before the dossier: a unit's annual plan and its tasks, the movements it launches
and the units that answer them, the titles units register for, and the clusters (cụm, khối) that
score and rank their members."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import AwardeeKind, ClusterKind, ClusterVoteStatus, MovementKind, VoteClosing

if TYPE_CHECKING:
    from engine.models.org import Unit


class EmulationPlan(Base):
    """A unit's emulation plan for one year (kế hoạch thi đua năm): the document and, for the units
    below, the day their registrations are due."""

    __tablename__ = "emulation_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    document_number: Mapped[str | None] = mapped_column(String(60))  # "15/KH-UBND"
    document_date: Mapped[date | None] = mapped_column(Date)
    registration_due_on: Mapped[date | None] = mapped_column(Date)  # for the units below
    # The plan as issued, in the attachment store (by SHA-256).
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_type: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)
    tasks: Mapped[list[PlanTask]] = relationship(order_by="(PlanTask.due_on, PlanTask.id)", viewonly=True)

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_emulation_plan_unit_year"),)


class PlanTask(Base):
    """One task of a plan, owned by a unit, due on a day; done on a day, with notes."""

    __tablename__ = "emulation_plan_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emulation_plan.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    owner_unit: Mapped[Unit] = relationship(viewonly=True)


class Movement(Base):
    """An emulation movement launched by a unit, possibly in answer to one launched above it."""

    __tablename__ = "movement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(value_enum(MovementKind, "movement_kind", 20))
    theme: Mapped[str] = mapped_column(String(500))
    content: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)
    parent: Mapped[Movement | None] = relationship(remote_side="Movement.id", viewonly=True)

    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="movement_ends_after_start"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="movement_not_own_parent"),
    )


class MovementResponse(Base):
    """A unit below the launching one answering a movement: it registers, later reports its results."""

    __tablename__ = "movement_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movement.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    commitment: Mapped[str | None] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    report: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)

    __table_args__ = (UniqueConstraint("movement_id", "unit_id", name="uq_movement_response_unit"),)


class Registration(Base):
    """One title a unit registers for a year (đăng ký thi đua): for the unit itself or a collective
    of it, or for one of its people. The pre-check of a nomination reads it."""

    __tablename__ = "emulation_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the registering unit
    year: Mapped[int] = mapped_column(Integer)
    nominee_kind: Mapped[AwardeeKind] = mapped_column(value_enum(AwardeeKind, "awardee_kind", 20))
    nominee_name: Mapped[str] = mapped_column(String(300))
    nominee_name_folded: Mapped[str] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(200))
    awardee_id: Mapped[int | None] = mapped_column(ForeignKey("awardee.id"), index=True)
    award_type: Mapped[str] = mapped_column(String(40))
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("unit_id", "year", "nominee_kind", "nominee_name_folded", "award_type",
                         name="uq_emulation_registration_title"),
    )


class Cluster(Base):
    """An emulation cluster or block organised by a unit (the province's cụm thi đua of its communes)."""

    __tablename__ = "emulation_cluster"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ClusterKind] = mapped_column(value_enum(ClusterKind, "cluster_kind", 20))
    organiser_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organiser_unit: Mapped[Unit] = relationship(viewonly=True)


class ClusterYear(Base):
    """A cluster in one year: its members, head and deputy (rotating by year), the signed pact and the
    scoring sheet as data (groups of criteria with maximum points, bonus and penalty items, whether
    evidence is required), versioned: a changed sheet is a new version."""

    __tablename__ = "emulation_cluster_year"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("emulation_cluster.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    head_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    deputy_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    members: Mapped[list[int]] = mapped_column(JSON)  # unit ids
    pact_number: Mapped[str | None] = mapped_column(String(60))
    pact_signed_on: Mapped[date | None] = mapped_column(Date)
    sheet: Mapped[dict[str, Any]] = mapped_column(JSON)
    sheet_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    cluster: Mapped[Cluster] = relationship(viewonly=True)
    head_unit: Mapped[Unit] = relationship(foreign_keys=[head_unit_id], viewonly=True)
    deputy_unit: Mapped[Unit | None] = relationship(foreign_keys=[deputy_unit_id], viewonly=True)

    __table_args__ = (
        UniqueConstraint("cluster_id", "year", name="uq_emulation_cluster_year"),
        CheckConstraint("deputy_unit_id IS NULL OR deputy_unit_id <> head_unit_id", name="head_not_deputy"),
    )


class ClusterScore(Base):
    """A member's points on one criterion of the sheet: its own, with evidence; the head's, with a reason."""

    __tablename__ = "emulation_cluster_score"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_year_id: Mapped[int] = mapped_column(ForeignKey("emulation_cluster_year.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    criterion: Mapped[str] = mapped_column(String(40))
    self_points: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    evidence: Mapped[str | None] = mapped_column(Text)
    adjusted_points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    adjust_reason: Mapped[str | None] = mapped_column(Text)
    sheet_version: Mapped[int] = mapped_column(Integer)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    adjusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("cluster_year_id", "unit_id", "criterion", name="uq_emulation_cluster_score"),
        CheckConstraint("adjusted_points IS NULL OR adjust_reason IS NOT NULL", name="adjusted_with_reason"),
    )

    @property
    def points(self) -> Decimal:
        return self.adjusted_points if self.adjusted_points is not None else self.self_points


class ClusterVote(Base):
    """The cluster's vote of a year (suy tôn): the head opens it once the members are scored and ranked;
    each member unit casts one secret ballot choosing, for each ranked member, the award to propose
    (Cờ thi đua, Bằng khen) or none; the head closes it; the tally against the threshold of the rules in
    force elects the units proposed, and the proposal becomes a dossier of the head unit."""

    __tablename__ = "emulation_cluster_vote"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_year_id: Mapped[int] = mapped_column(ForeignKey("emulation_cluster_year.id"), unique=True)
    status: Mapped[ClusterVoteStatus] = mapped_column(value_enum(ClusterVoteStatus, "cluster_vote_status", 20))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{unit_id, rank, total}] as ranked
    voters: Mapped[list[int]] = mapped_column(JSON)  # the member units, one ballot each
    awards: Mapped[dict[str, str]] = mapped_column(JSON)  # choice → award code ({"flag": "CO_TINH", …})
    threshold: Mapped[dict[str, Any]] = mapped_column(JSON)  # {op, percent | fraction, base}
    limits: Mapped[dict[str, int]] = mapped_column(JSON)  # choice → at most so many units
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # per candidate, once tallied
    closed_how: Mapped[VoteClosing | None] = mapped_column(value_enum(VoteClosing, "vote_closing"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    cluster_year: Mapped[ClusterYear] = relationship(viewonly=True)


class ClusterVoteParticipation(Base):
    """That a member unit voted: never what it chose (that is in the box, under a receipt)."""

    __tablename__ = "emulation_cluster_vote_participation"

    vote_id: Mapped[int] = mapped_column(ForeignKey("emulation_cluster_vote.id", ondelete="CASCADE"),
                                         primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class ClusterBallot(Base):
    """A ballot in the box: the digest of its receipt (never the receipt) and its sealed choices; nothing
    names the unit or the person who cast it."""

    __tablename__ = "emulation_cluster_ballot"

    receipt: Mapped[str] = mapped_column(String(40), primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("emulation_cluster_vote.id", ondelete="CASCADE"), index=True)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)

    choices: Mapped[list[ClusterBallotChoice]] = relationship(cascade="all, delete-orphan")


class ClusterBallotChoice(Base):
    """One candidate's choice on a ballot, sealed with the application's key and bound to its ballot and
    candidate (engine/operations/ballot_box.py)."""

    __tablename__ = "emulation_cluster_ballot_choice"

    receipt: Mapped[str] = mapped_column(ForeignKey("emulation_cluster_ballot.receipt", ondelete="CASCADE"),
                                         primary_key=True)
    candidate_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    choice: Mapped[str] = mapped_column(String(100))
