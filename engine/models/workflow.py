"""Process definitions (stored once per content hash), instances and their side tables."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Double, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import HumanTaskState, InstanceStatus, Role

if TYPE_CHECKING:
    from engine.models.dossier import Dossier
    from engine.models.org import Unit, User


class ProcessDefinition(Base):
    __tablename__ = "process_definition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_file: Mapped[str] = mapped_column(String(300))
    spec: Mapped[str] = mapped_column(Text)  # serialized specs (the process and what it calls)
    forms: Mapped[dict[str, Any]] = mapped_column(JSON)  # form file name -> JSON Schema
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessInstance(Base):
    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[InstanceStatus] = mapped_column(value_enum(InstanceStatus, "instance_status", 20))
    # Serialized workflow without its spec; deferred: read only when the cache misses.
    state: Mapped[str] = mapped_column(Text, deferred=True)
    serializer_version: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A random token written with every saved state: names that state in any copy of the database,
    # which a version number does not (engine/runtime/cache.py).
    revision: Mapped[str] = mapped_column(String(32), default="", server_default="")
    dossier_id: Mapped[int | None] = mapped_column(Integer, index=True)
    complaint_id: Mapped[int | None] = mapped_column(Integer, index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    definition: Mapped[ProcessDefinition] = relationship()


class ProcessStep(Base):
    """An element an instance completed whose task has left the saved state (engine/runtime/pruning.py):
    with the completed tasks still in the state, the path the instance took (Runtime.path_taken)."""

    __tablename__ = "process_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    finished_at: Mapped[float] = mapped_column(Double)  # the task's last state change (seconds since the epoch)
    process: Mapped[str] = mapped_column(String(100))
    run: Mapped[str] = mapped_column(String(40))
    caller: Mapped[str | None] = mapped_column(String(40))
    element: Mapped[str] = mapped_column(String(200))
    after: Mapped[str | None] = mapped_column(String(200))


class HumanTask(Base):
    """One row per user task that became READY; the inbox reads this, never the JSON state."""

    __tablename__ = "human_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    task_uuid: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(value_enum(Role, "role"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    form_name: Mapped[str] = mapped_column(String(200))
    prefill: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[HumanTaskState] = mapped_column(value_enum(HumanTaskState, "human_task_state", 20))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    dossier_id: Mapped[int | None] = mapped_column(Integer, index=True)
    complaint_id: Mapped[int | None] = mapped_column(Integer, index=True)

    instance: Mapped[ProcessInstance] = relationship()
    # Read-only, for reads and response schemas (`dossier_id` names a dossier without a foreign key).
    unit: Mapped[Unit] = relationship(viewonly=True)
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id], viewonly=True)
    dossier: Mapped[Dossier | None] = relationship(primaryjoin="foreign(HumanTask.dossier_id) == Dossier.id",
                                                   viewonly=True)

    __table_args__ = (
        UniqueConstraint("instance_id", "task_uuid", name="uq_human_task_instance_task"),
        Index("ix_human_task_inbox", "state", "role", "unit_id"),
        # An instance's tasks in one state (the forms it already completed, read at each completion): two
        # equalities, so SQLite's planner prefers it to the inbox index, whose `state` alone matches
        # every completed task of the registry.
        Index("ix_human_task_instance_state", "instance_id", "state", "form_name"),
    )


class Timer(Base):
    """A waiting timer event; the worker picks due rows."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    task_uuid: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    __table_args__ = (UniqueConstraint("instance_id", "task_uuid", name="uq_timer_instance_task"),)
