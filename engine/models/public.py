"""What the public sees and says: lists under public disclosure (công khai) and the comments citizens
send about them, and the registry of exemplary people and models (điển hình tiên tiến, người tốt việc tốt)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import ExemplarKind


class Disclosure(Base):
    """A list published by a level for public comment (level_review's `plan_disclosure`): the
    nominations it names, the level, and the end of the period."""

    __tablename__ = "disclosure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the level that publishes
    nomination_ids: Mapped[list[int]] = mapped_column(JSON)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DisclosureComment(Base):
    """A comment sent from the public pages about a disclosed list (or one nomination of it); when it
    alleges wrongdoing it was also filed as a complaint or denunciation (`complaint_id`)."""

    __tablename__ = "disclosure_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="SET NULL"))
    author: Mapped[str | None] = mapped_column(String(200))  # as the commenter gave it, optional
    content: Mapped[str] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Exemplar(Base):
    """An exemplary person, collective or model the office curates and publishes."""

    __tablename__ = "exemplar"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the curating unit
    kind: Mapped[ExemplarKind] = mapped_column(value_enum(ExemplarKind, "exemplar_kind", 20))
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300), index=True)
    awardee_id: Mapped[int | None] = mapped_column(ForeignKey("awardee.id"))  # from the registry, when known
    movement: Mapped[str | None] = mapped_column(String(300))  # the emulation movement it came from
    year: Mapped[int] = mapped_column(Integer)
    story: Mapped[str] = mapped_column(Text)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    photo_type: Mapped[str | None] = mapped_column(String(100))
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def as_public(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "name": self.name, "movement": self.movement,
                "year": self.year, "story": self.story, "has_photo": self.photo_sha256 is not None}
