"""The registry: people and collectives, the awards they hold and their recognised initiatives."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import AwardeeKind, DossierKind, InitiativeLevel

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
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    awards: Mapped[list[GrantedAward]] = relationship(back_populates="awardee", order_by="GrantedAward.year")
    initiatives: Mapped[list[Initiative]] = relationship(back_populates="awardee", order_by="Initiative.year")
    unit: Mapped[Unit | None] = relationship(viewonly=True)  # read-only, for reads and response schemas


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

    awardee: Mapped[Awardee] = relationship(back_populates="awards")
    decision: Mapped[Decision | None] = relationship(viewonly=True)  # read-only, for reads


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

    awardee: Mapped[Awardee] = relationship(back_populates="initiatives")
