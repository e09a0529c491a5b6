"""Reading council sessions, ballots by receipt and minutes; results only, never who voted what."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engine.context import Context
from engine.errors import NotFound
from engine.models import (
    AgendaItem,
    Ballot,
    CouncilSession,
    NamedVote,
    Nomination,
    Participation,
    SessionMember,
    SessionStatus,
    Unit,
    User,
)
from engine.operations.access import require_actor
from engine.operations.award.queries import visible_dossier
from engine.operations.ballot_box import canonical_receipt, open_sealed, receipt_digest
from engine.operations.council.minutes import render_session_minutes
from engine.operations.council.texts import percent_text, threshold_text
from engine.storage import DOCX, NamedFile, attachment_store
from engine.text import file_name


def get_session(ctx: Context, session_id: int) -> CouncilSession:
    session = ctx.session.get(CouncilSession, session_id)
    if session is None:
        raise NotFound(f"Không có phiên họp số {session_id}.")
    visible_dossier(ctx, session.dossier_id)  # those who may see the dossier may see its sessions
    return session


def session_members(ctx: Context, session: CouncilSession) -> list[SessionMember]:
    """The session's members with their users loaded in the same round trip."""
    return list(ctx.session.scalars(select(SessionMember).where(SessionMember.session_id == session.id)
                                    .options(selectinload(SessionMember.user))))


def ballots_cast(ctx: Context, session: CouncilSession) -> int:
    """How many members have voted so far (participation only: never who chose what)."""
    return ctx.session.scalar(select(func.count()).select_from(Participation)
                              .where(Participation.session_id == session.id)) or 0


def voters(ctx: Context, session: CouncilSession) -> set[int]:
    """The members who have voted so far (participation only: never who chose what); only the council
    and the standing office read this (the close-vote form)."""
    return set(ctx.session.scalars(select(Participation.user_id).where(Participation.session_id == session.id)))


def list_sessions(ctx: Context, dossier_id: int) -> list[CouncilSession]:
    visible_dossier(ctx, dossier_id)
    return list(ctx.session.scalars(select(CouncilSession).where(CouncilSession.dossier_id == dossier_id)
                                    .order_by(CouncilSession.id)))


@dataclass(frozen=True)
class CouncilResult:
    """A council's result on one nomination, as the head reads it before deciding: "Đạt 9/9"."""

    session_id: int
    passed: bool
    yes: int
    base: int
    has_minutes: bool

    @property
    def text(self) -> str:
        return f"{'Đạt' if self.passed else 'Không đạt'} {self.yes}/{self.base}"


def results_by_nomination(ctx: Context, dossier_id: int, unit_id: int) -> dict[int, CouncilResult]:
    """The latest tallied result of the council of `unit_id` on each nomination of the dossier."""
    visible_dossier(ctx, dossier_id)
    rows = ctx.session.execute(
        select(AgendaItem, CouncilSession).join(CouncilSession, AgendaItem.session_id == CouncilSession.id)
        .where(CouncilSession.dossier_id == dossier_id, CouncilSession.unit_id == unit_id,
               CouncilSession.status == SessionStatus.TALLIED, AgendaItem.passed.is_not(None))
        .order_by(CouncilSession.id))
    return {item.nomination_id: CouncilResult(session.id, bool(item.passed), item.yes or 0, item.base or 0,
                                              True) for item, session in rows}  # tallied: minutes exist or render


def session_view(ctx: Context, session: CouncilSession) -> dict[str, Any]:
    names = {m.user_id: _name(ctx, m.user_id) for m in session.members}
    tallied = session.status == SessionStatus.TALLIED
    agenda = []
    for item in session.agenda:
        nomination = ctx.session.get(Nomination, item.nomination_id)
        assert nomination is not None
        entry: dict[str, Any] = {
            "nomination_id": item.nomination_id, "nominee": nomination.nominee_name,
            "award_type": nomination.award_type, "secret": item.secret,
            "threshold": threshold_text(item.threshold), "recused": [names[u] for u in item.recused],
            "results": None, "named_votes": None}
        if tallied:
            entry["results"] = {"yes": item.yes, "no": item.no, "abstain": item.abstain,
                                "total_members": session.members_total, "base": item.base,
                                "percent": percent_text(item.yes or 0, item.base or 0), "passed": item.passed}
            if not item.secret:  # an open vote: named votes are part of the record, shown as such
                entry["named_votes"] = [{"member": names[v.user_id], "choice": v.choice.value} for v in
                                        ctx.session.scalars(select(NamedVote).where(NamedVote.agenda_item_id == item.id)
                                                            .order_by(NamedVote.user_id))]
        agenda.append(entry)
    return {"id": session.id, "dossier_id": session.dossier_id, "unit_id": session.unit_id,
            "status": session.status.value, "opened_at": session.opened_at, "closed_at": session.closed_at,
            "closed_how": session.closed_how, "members_total": session.members_total, "quorum": session.quorum,
            "present": session.present, "written_votes": session.written_votes,
            "members": [{"name": names[m.user_id], "position": m.position.value, "present": m.present}
                        for m in session.members],
            "agenda": agenda, "has_minutes": tallied}


def _name(ctx: Context, user_id: int) -> str:
    user = ctx.session.get(User, user_id)
    return user.full_name if user else str(user_id)


def ballot_by_receipt(ctx: Context, receipt: str) -> dict[str, Any]:
    """Whoever holds the receipt sees that ballot and whether it was counted."""
    require_actor(ctx.actor)
    receipt = canonical_receipt(receipt)
    ballot = ctx.session.get(Ballot, receipt_digest(receipt))
    if ballot is None and len(receipt) < 40:  # cast before receipts were kept as digests (never a digest itself)
        ballot = ctx.session.get(Ballot, receipt)
    if ballot is None:
        raise NotFound("Không có phiếu bầu với biên nhận này.")
    session = ctx.session.get(CouncilSession, ballot.session_id)
    assert session is not None
    # a sitting's one ballot spans the agenda of every dossier of the sitting: its items are read by id
    items = {item.id: item for item in ctx.session.scalars(select(AgendaItem).where(
        AgendaItem.id.in_([c.agenda_item_id for c in ballot.choices])))}
    nominations = {n.id: n for n in ctx.session.scalars(select(Nomination).where(
        Nomination.id.in_([item.nomination_id for item in items.values()])))}
    choices = []
    for choice in sorted(ballot.choices, key=lambda c: c.agenda_item_id):
        nomination = nominations[items[choice.agenda_item_id].nomination_id]
        choices.append({"nomination_id": nomination.id, "nominee": nomination.nominee_name,
                        "award_type": nomination.award_type,
                        "choice": open_sealed(ctx.settings, ballot.receipt, choice.agenda_item_id, choice.choice)})
    return {"receipt": receipt, "session_id": session.id, "counted": ballot.counted, "choices": choices}


def minutes_document(ctx: Context, session_id: int) -> bytes:
    return _minutes_of(ctx, get_session(ctx, session_id))


def _minutes_of(ctx: Context, session: CouncilSession) -> bytes:
    if session.minutes_sha256 is not None:
        return attachment_store(ctx.settings).read(session.minutes_sha256)
    if session.status is SessionStatus.TALLIED:  # a dossier's part of a round's sitting: rendered when asked
        return render_session_minutes(ctx, session)
    raise NotFound("Phiên họp chưa có biên bản (chưa kiểm phiếu).")


def minutes_file(ctx: Context, session_id: int) -> NamedFile:
    """The minutes, named by the council's unit and the session:
    "Biên-bản-họp-Hội-đồng-UBND-xã-Bình-Minh-phiên-3.docx"."""
    session = get_session(ctx, session_id)
    unit = ctx.session.get(Unit, session.unit_id)
    assert unit is not None
    name = file_name("Biên bản họp Hội đồng", unit.name, f"phiên {session.id}", extension="docx")
    return NamedFile(_minutes_of(ctx, session), name, DOCX)
