"""Council sessions and secret ballots.

A member's ballot is written to the ballot box (Ballot + BallotChoice: a digest of a random
receipt and the choices) and, separately, to participation (member, session). The box has no member
column, no timestamp and no sequential id; and since rows written in one transaction can still be
joined (PostgreSQL's xmin, insertion order), each choice rests sealed (engine/security.py
`seal_choice`): the database alone never shows how a member voted, even while the session is open.
Named votes exist only for agenda items the rules mark as open votes, and are shown as such.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import MemberPosition, RecusalBase, SessionStatus, VoteChoice, VoteClosing

if TYPE_CHECKING:
    from engine.models.org import Unit, User



class CouncilSession(Base):
    __tablename__ = "council_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    status: Mapped[SessionStatus] = mapped_column(value_enum(SessionStatus, "council_session_status", 20))
    rules_version: Mapped[str] = mapped_column(String(40))
    members_total: Mapped[int] = mapped_column(Integer)
    quorum: Mapped[str] = mapped_column(String(10))  # fraction of members present, e.g. "2/3"
    recusal_policy: Mapped[RecusalBase] = mapped_column(value_enum(RecusalBase, "recusal_base"))
    present: Mapped[int | None] = mapped_column(Integer)
    written_votes: Mapped[int | None] = mapped_column(Integer)
    closed_how: Mapped[VoteClosing | None] = mapped_column(value_enum(VoteClosing, "vote_closing"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))

    members: Mapped[list[SessionMember]] = relationship(cascade="all, delete-orphan")
    agenda: Mapped[list[AgendaItem]] = relationship(order_by="AgendaItem.id", cascade="all, delete-orphan")
    unit: Mapped[Unit] = relationship(viewonly=True)  # read-only, for reads


class SessionMember(Base):
    """The council as it stood when the session opened (later changes do not alter a session)."""

    __tablename__ = "council_session_member"

    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    position: Mapped[MemberPosition] = mapped_column(value_enum(MemberPosition, "council_member_position", 20))
    present: Mapped[bool | None] = mapped_column(Boolean)  # known once the vote is closed
    written_vote: Mapped[bool] = mapped_column(Boolean, default=False)  # absent, voted in writing

    user: Mapped[User] = relationship(viewonly=True)  # read-only, for reads


class AgendaItem(Base):
    """A nomination put to the vote, and its tally once the session is closed."""

    __tablename__ = "council_agenda_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    secret: Mapped[bool] = mapped_column(Boolean)
    threshold: Mapped[dict[str, Any]] = mapped_column(JSON)  # {op, percent, base}
    recused: Mapped[list[int]] = mapped_column(JSON)  # user ids recused from this item
    recusal_reason: Mapped[str | None] = mapped_column(Text)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    base: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)


class Participation(Base):
    """That a member voted in a session; never how."""

    __tablename__ = "council_participation"

    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)


class Ballot(Base):
    """A ballot in the box: identified only by its random receipt, of which the box keeps a digest
    (engine/operations/council/queries.py `receipt_digest`): the receipt itself is the member's alone."""

    __tablename__ = "council_ballot"

    receipt: Mapped[str] = mapped_column(String(40), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)

    choices: Mapped[list[BallotChoice]] = relationship(cascade="all, delete-orphan")


class BallotChoice(Base):
    __tablename__ = "council_ballot_choice"

    receipt: Mapped[str] = mapped_column(ForeignKey("council_ballot.receipt", ondelete="CASCADE"), primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda_item.id"), primary_key=True)
    # The VoteChoice, sealed (`b1.…`); rows written before sealing hold the plain code.
    choice: Mapped[str] = mapped_column(String(100))


class NamedVote(Base):
    """An open (not secret) vote, recorded with the member's name as the rules allow."""

    __tablename__ = "council_named_vote"

    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda_item.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    choice: Mapped[VoteChoice] = mapped_column(value_enum(VoteChoice, "vote_choice", 20))


class CouncilSitting(Base):
    """The one sitting of a unit's council for a review round: the office opens it once the round's
    cut-off has passed, with every dossier of the round waiting for the council at that level; each
    dossier's part of the agenda is a council session of its own (`sessions`, tallied as ever), and a
    member casts ONE ballot over all of them. The chair closes it with the real time and place."""

    __tablename__ = "council_sitting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_round.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[SessionStatus] = mapped_column(value_enum(SessionStatus, "council_sitting_status", 20))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the real time of the meeting, entered
    place: Mapped[str | None] = mapped_column(String(300))  # where it met, entered
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The sitting's own process (workflows/council_sitting.bpmn); None for a sitting opened before it
    # existed. A plain integer: SQLite cannot add a constraint to a table without copying it.
    instance_id: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)  # as the chair entered them at the close
    written_votes: Mapped[int | None] = mapped_column(Integer)
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))  # biên bản họp Hội đồng
    counting_sha256: Mapped[str | None] = mapped_column(String(64))  # biên bản kiểm phiếu

    sessions: Mapped[list[CouncilSession]] = relationship(secondary="council_sitting_session",
                                                          order_by="CouncilSession.id", viewonly=True)


class CountingBoardMember(Base):
    """A member of the sitting's ban kiểm phiếu (vote-counting board), designated at the opening: it
    enters the paper ballots of absent members and signs the biên bản kiểm phiếu."""

    __tablename__ = "council_counting_board"

    sitting_id: Mapped[int] = mapped_column(ForeignKey("council_sitting.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    head: Mapped[bool] = mapped_column(Boolean, default=False)  # trưởng ban


class SittingSession(Base):
    """A dossier's council session taken at a round's sitting."""

    __tablename__ = "council_sitting_session"

    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("council_sitting.id", ondelete="CASCADE"), index=True)
