"""What the sitting's process does once the chair has closed it (workflows/council_sitting.bpmn): the
count of every dossier's part of the agenda in a few queries (`tally_sitting`), one biên bản họp and
one biên bản kiểm phiếu for the whole sitting (`store_sitting_minutes`; a dossier's own minutes are
rendered when someone asks for them), the message `round_sitting_closed` to each dossier's
process (`notify_sitting_dossiers`) and `round_sitting_counted` to the round's (`notify_sitting_round`).
Results only: never who voted what."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from engine import audit
from engine.context import Context, current_context
from engine.models import (
    AgendaItem,
    Ballot,
    BallotChoice,
    CouncilSession,
    CouncilSitting,
    Dossier,
    NamedVote,
    NominationStatus,
    ReviewRound,
    SessionMember,
    SessionStatus,
    SittingSession,
    VoteChoice,
)
from engine.operations.ballot_box import open_sealed
from engine.operations.council.council_vote import count_item
from engine.operations.council.sitting import MESSAGE, live_session_ids, nominations_of
from engine.operations.council.sitting_minutes import render_counting_minutes, render_sitting_minutes
from engine.operations.processes import send_message_if_waiting, send_messages
from engine.rules import load_rules
from engine.runtime.helpers import register
from engine.storage import attachment_store
from engine.vocabulary import AuditAction

ROUND_MESSAGE = "round_sitting_counted"  # to the round's process (review_round.bpmn)


def _sitting(ctx: Context, sitting_id: int) -> CouncilSitting:
    sitting = ctx.session.get(CouncilSitting, int(sitting_id))
    assert sitting is not None
    return sitting


@register()
def notify_sitting_round(sitting_id: int) -> None:
    """The round's process, when it waits for its sitting, receives `round_sitting_counted`: the head's
    round decision comes next (review_round.bpmn). A round that has not ended its intake yet finds the
    sitting counted when it does; a round opened before it had a process has nothing to tell."""
    ctx = current_context()
    sitting = _sitting(ctx, sitting_id)
    instance_id = ctx.session.scalar(select(ReviewRound.instance_id).where(ReviewRound.id == sitting.round_id))
    if instance_id is not None:
        send_message_if_waiting(ctx, instance_id, ROUND_MESSAGE, {"sitting": sitting.id})


def _closed_sessions(ctx: Context, sitting: CouncilSitting) -> list[CouncilSession]:
    """The live sessions the chair's close took (closed, not yet tallied), with their agenda."""
    ids = live_session_ids(ctx, sitting)
    return list(ctx.session.scalars(select(CouncilSession).where(
        CouncilSession.id.in_(ids), CouncilSession.closed_how.is_not(None),
        CouncilSession.status == SessionStatus.OPEN).options(selectinload(CouncilSession.agenda))
        .order_by(CouncilSession.id)))


def _attendance(ctx: Context, sitting: CouncilSitting) -> dict[int, tuple[set[int], set[int]]]:
    """session id -> (every member, those who took part in person or in writing), as plain rows."""
    out: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for session_id, user_id, present, written in ctx.session.execute(
            select(SessionMember.session_id, SessionMember.user_id, SessionMember.present, SessionMember.written_vote)
            .join(SittingSession, SittingSession.session_id == SessionMember.session_id)
            .where(SittingSession.sitting_id == sitting.id)):
        everyone, taking_part = out[session_id]
        everyone.add(user_id)
        if present or written:
            taking_part.add(user_id)
    return out


def _choices(ctx: Context, sitting: CouncilSitting) -> tuple[dict[int, list[VoteChoice]], dict[int, list[VoteChoice]]]:
    """Every choice of the sitting in two queries: agenda item -> the box's choices opened with the
    application's key, agenda item -> named (open) votes."""
    of_sitting = (select(AgendaItem.id).join(SittingSession, SittingSession.session_id == AgendaItem.session_id)
                  .where(SittingSession.sitting_id == sitting.id))
    secret: dict[int, list[VoteChoice]] = defaultdict(list)
    for digest, item_id, sealed in ctx.session.execute(
            select(BallotChoice.receipt, BallotChoice.agenda_item_id, BallotChoice.choice)
            .where(BallotChoice.agenda_item_id.in_(of_sitting))):
        secret[item_id].append(VoteChoice(open_sealed(ctx.settings, digest, item_id, sealed)))
    named: dict[int, list[VoteChoice]] = defaultdict(list)
    for item_id, choice in ctx.session.execute(select(NamedVote.agenda_item_id, NamedVote.choice)
                                               .where(NamedVote.agenda_item_id.in_(of_sitting))):
        named[item_id].append(choice)
    return secret, named


@register()
def tally_sitting(sitting_id: int) -> None:
    """Count every item of the sitting against its threshold (exact arithmetic); reject what failed."""
    ctx = current_context()
    sitting = _sitting(ctx, sitting_id)
    sessions = _closed_sessions(ctx, sitting)
    nominations = nominations_of(ctx, sessions)
    catalogue, _ = load_rules(ctx.settings.rules_dir)
    secret, named = _choices(ctx, sitting)
    attendance = _attendance(ctx, sitting)
    now = ctx.clock.now()
    with audit.batched(ctx):  # one event per session: chained and appended at once
        for session in sessions:
            rules = catalogue.version(session.rules_version)
            everyone, taking_part = attendance[session.id]
            results = {}
            for item in session.agenda:
                nomination = nominations[item.nomination_id]
                if nomination.status == NominationStatus.FROZEN:
                    continue  # not tallied: it stays frozen until the complaint is resolved
                counted = secret.get(item.id, []) if item.secret else named.get(item.id, [])
                results[item.nomination_id] = count_item(rules, session, item, nomination, counted, everyone,
                                                         taking_part)
            session.status, session.closed_at = SessionStatus.TALLIED, now
            audit.record(ctx, AuditAction.COUNCIL_SESSION_TALLIED, "council_session", session.id,
                         unit_id=session.unit_id, dossier_id=session.dossier_id,
                         after={"closed": session.closed_how, "present": session.present, "sitting": sitting.id,
                                "results": results})
    ctx.session.execute(update(Ballot).where(Ballot.session_id.in_(
        select(SittingSession.session_id).where(SittingSession.sitting_id == sitting.id))).values(counted=True))
    sitting.status, sitting.closed_at = SessionStatus.TALLIED, now
    ctx.session.flush()


@register()
def store_sitting_minutes(sitting_id: int) -> None:
    """One biên bản họp Hội đồng and one biên bản kiểm phiếu for the whole sitting."""
    ctx = current_context()
    sitting = _sitting(ctx, sitting_id)
    store = attachment_store(ctx.settings)
    sitting.minutes_sha256 = store.put_bytes(render_sitting_minutes(ctx, sitting))
    counting = render_counting_minutes(ctx, sitting)
    sitting.counting_sha256 = store.put_bytes(counting) if counting is not None else None
    ctx.session.flush()


@register()
def notify_sitting_dossiers(sitting_id: int) -> None:
    """Each dossier of the sitting receives `round_sitting_closed`: it goes on to `decide`."""
    ctx = current_context()
    sitting = _sitting(ctx, sitting_id)
    rows = ctx.session.execute(
        select(CouncilSession.id, Dossier.instance_id).join(Dossier, Dossier.id == CouncilSession.dossier_id)
        .where(CouncilSession.id.in_(live_session_ids(ctx, sitting)), CouncilSession.status == SessionStatus.TALLIED)
        .order_by(CouncilSession.id)).all()
    deliveries = []
    for session_id, instance_id in rows:
        assert instance_id is not None  # a live session's dossier runs its process
        deliveries.append((instance_id, {"sitting": sitting.id, "session": session_id}))
    # Every dossier's process resumed in one go: locked together, each run to `decide`, saved together.
    send_messages(ctx, MESSAGE, deliveries)
