"""The organisation tree, users and the roles they hold at units; councils of reviewing units."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import Role, UnitLevel


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[UnitLevel] = mapped_column(value_enum(UnitLevel, "unit_level", 20))
    abbreviation: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    reviews_awards: Mapped[bool] = mapped_column(Boolean, default=False)
    # vùng sâu, vùng xa: longer complaint periods (Luật Khiếu nại 2011 Art. 28, 33, 37)
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")

    __table_args__ = (CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),)

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def spelled_name(self) -> str:
        """The name as documents write it: "UBND xã Bình Minh" → "Ủy ban nhân dân xã Bình Minh"."""
        return "Ủy ban nhân dân " + self.name[5:] if self.name.startswith("UBND ") else self.name

    @property
    def place_name(self) -> str:
        """The place name written before a document's date: the commune's or the province's own name."""
        node: Unit | None = self
        while node is not None:
            for marker in (" xã ", " phường ", " thị trấn ", " tỉnh ", " thành phố "):
                if marker in f" {node.name}":
                    return f" {node.name}".rsplit(marker, 1)[1]
            node = node.parent
        return self.name


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # set when an administrator resets the password: every page asks for a new one until it is changed
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(200))
    # the kinds of mail the user no longer wants (engine/operations/mail.py MailKind values)
    mail_unsubscribed: Mapped[list[str]] = mapped_column(JSON, default=list)

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")


class RoleGrant(Base):
    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(value_enum(Role, "role"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)

    user: Mapped[User] = relationship(back_populates="grants")
    unit: Mapped[Unit] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id", name="uq_role_grant_user_role_unit"),)


class Council(Base):
    """The Emulation and Commendation Council of a reviewing unit."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))

    unit: Mapped[Unit] = relationship()
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id])
    members: Mapped[list[CouncilMember]] = relationship(cascade="all, delete-orphan")


class CouncilMember(Base):
    __tablename__ = "council_member"

    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)

    user: Mapped[User] = relationship()


class CouncilChange(Base):
    """A change of a council's composition (kiện toàn) taking effect on `effective_on`: the history of
    who sat on the council when. A session opened on or after that day uses the new composition; the
    current rows (`council`, `council_member`) follow once the day has come (`applied_at`)."""

    __tablename__ = "council_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    # the decision that changed it, e.g. "Quyết định số 12/QĐ-UBND"
    reference: Mapped[str | None] = mapped_column(String(120))
    chair_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    members: Mapped[list[int]] = mapped_column(JSON)  # user ids, chair and secretary included
    before: Mapped[dict[str, Any]] = mapped_column(JSON)  # {chair, secretary, members} as it was when recorded
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
