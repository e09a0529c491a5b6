"""The council's one sitting for a review round (issue 13): every dossier of the round waits for it at
its level instead of holding a session of its own.

A dossier of a round reaching the council stage of `level_review` opens its session as ever
(`open_council_session`: its agenda, thresholds and recusals), but where the dossier is in a round
of that level whose sitting has not been held (`join_round_sitting`) it does not call `council_vote`:
it waits for the message `round_sitting_closed`. The standing office (or the chair) opens the round's
sitting once the cut-off has passed (`open_sitting`): it takes every such session, and any session
opened while it sits. A member casts ONE ballot over the whole agenda (`cast_sitting_ballot`): it is
checked whole, then each dossier's part goes into that session's ballot box as a ballot cast in the
session would (sealed, a receipt per dossier with a secret part). The chair or secretary closes the
sitting with the real time and place of the meeting (`close_sitting`): each session is closed with
the sitting's attendance, tallied against its thresholds (`tally_session`, the rules data), its
minutes stored, and the dossier's process resumed to `decide`, the rejected nominations rejected.
A round whose sitting was held takes no more: a dossier reaching the council later holds its own
session, as a dossier outside any round does.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context, bound, current_context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Council,
    CouncilSession,
    CouncilSitting,
    Dossier,
    InstanceStatus,
    MemberPosition,
    Participation,
    ProcessInstance,
    ReviewRound,
    Role,
    RoundEntry,
    SessionMember,
    SessionStatus,
    SittingSession,
)
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.council.council_vote import _frozen, _into_box, _nomination, close_session_vote, tally_session
from engine.operations.council.inputs import SittingBallot, SittingClose
from engine.operations.processes import send_message
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction

MESSAGE = "round_sitting_closed"


def _round_of(ctx: Context, dossier_id: int, unit_id: int) -> ReviewRound | None:
    return ctx.session.scalars(select(ReviewRound).join(RoundEntry, RoundEntry.round_id == ReviewRound.id)
                               .where(RoundEntry.dossier_id == dossier_id, RoundEntry.unit_id == unit_id)).first()


def _sitting_of_round(ctx: Context, round_id: int) -> CouncilSitting | None:
    return ctx.session.scalars(select(CouncilSitting).where(CouncilSitting.round_id == round_id)).one_or_none()


@register()
def join_round_sitting(session_id: int) -> int | None:
    """The round whose sitting this dossier's session waits for (taken into the sitting at once if it
    is open), or None: not in a round of this level, or the round's sitting was held already."""
    ctx = current_context()
    session = ctx.session.get(CouncilSession, int(session_id))
    assert session is not None
    rnd = _round_of(ctx, session.dossier_id, session.unit_id)
    if rnd is None:
        return None
    sitting = _sitting_of_round(ctx, rnd.id)
    if sitting is not None and sitting.status is not SessionStatus.OPEN:
        return None
    if sitting is not None:
        ctx.session.add(SittingSession(session_id=session.id, sitting_id=sitting.id))
        ctx.session.flush()
    return rnd.id


def _waiting_sessions(ctx: Context, rnd: ReviewRound) -> list[CouncilSession]:
    """Open sessions of the round's dossiers at its level, taken by no sitting."""
    taken = select(SittingSession.session_id)
    return list(ctx.session.scalars(
        select(CouncilSession).join(RoundEntry, (RoundEntry.dossier_id == CouncilSession.dossier_id)
                                    & (RoundEntry.unit_id == CouncilSession.unit_id))
        .where(RoundEntry.round_id == rnd.id, CouncilSession.unit_id == rnd.unit_id,
               CouncilSession.status == SessionStatus.OPEN, CouncilSession.closed_how.is_(None),
               CouncilSession.id.not_in(taken))
        .order_by(CouncilSession.id)))


def sitting_of_round(ctx: Context, round_id: int) -> CouncilSitting | None:
    return _sitting_of_round(ctx, round_id)


def is_member(ctx: Context, sitting: CouncilSitting) -> bool:
    user = require_actor(ctx.actor)
    return any(ctx.session.get(SessionMember, (s.id, user.id)) is not None for s in sitting.sessions)


def is_board(ctx: Context, sitting: CouncilSitting) -> bool:
    """The chair or the secretary, who close the sitting."""
    user = require_actor(ctx.actor)
    board = [ctx.session.get(SessionMember, (s.id, user.id)) for s in sitting.sessions]
    return bool(board) and all(m is not None and m.position is not MemberPosition.MEMBER for m in board)


def get_sitting(ctx: Context, sitting_id: int) -> CouncilSitting:
    """The sitting, for its council's members, the unit's office, head and deputy, and administrators;
    to anyone else it does not exist."""
    user = require_actor(ctx.actor)
    sitting = ctx.session.get(CouncilSitting, sitting_id)
    if sitting is None or not (
            is_admin(ctx.session, user) or is_member(ctx, sitting)
            or any(holds_role(ctx.session, user, role, sitting.unit_id) for role in (Role.OFFICE, Role.HEAD,
                                                                                   Role.DEPUTY))):
        raise NotFound(f"Không có phiên họp số {sitting_id}.")
    return sitting


def _may_open(ctx: Context, rnd: ReviewRound) -> bool:
    user = require_actor(ctx.actor)
    council = ctx.session.scalars(select(Council).where(Council.unit_id == rnd.unit_id)).one_or_none()
    return holds_role(ctx.session, user, Role.OFFICE, rnd.unit_id) or (council is not None
                                                                      and council.chair_id == user.id)


def can_open_sitting(ctx: Context, round_id: int) -> bool:
    """What the round's page offers: the office or chair, after the cut-off, no sitting yet."""
    rnd = ctx.session.get(ReviewRound, round_id)
    return (rnd is not None and _sitting_of_round(ctx, rnd.id) is None and local_today(ctx.clock) > rnd.cutoff_on
            and _may_open(ctx, rnd))


def open_sitting(ctx: Context, round_id: int) -> CouncilSitting:
    """The office (or the council's chair) opens the round's one sitting once its cut-off has passed."""
    user = require_actor(ctx.actor)
    rnd = ctx.session.get(ReviewRound, round_id)
    if rnd is None:
        raise NotFound(f"Không có đợt xét số {round_id}.")
    if not _may_open(ctx, rnd):
        raise Forbidden("Chỉ Cơ quan thường trực hoặc Chủ tịch Hội đồng của đơn vị được mở phiên họp của đợt xét.")
    if _sitting_of_round(ctx, rnd.id) is not None:
        raise Conflict("Đợt xét đã có phiên họp Hội đồng.")
    if local_today(ctx.clock) <= rnd.cutoff_on:
        raise Conflict(f"Chưa hết hạn nhận hồ sơ của đợt xét ({rnd.cutoff_on:%d/%m/%Y}): "
                       "chỉ mở phiên họp sau ngày này.")
    sessions = _waiting_sessions(ctx, rnd)
    if not sessions:
        raise Conflict("Chưa có hồ sơ nào của đợt xét chờ Hội đồng biểu quyết.")
    sitting = CouncilSitting(round_id=rnd.id, unit_id=rnd.unit_id, status=SessionStatus.OPEN,
                             opened_by_id=user.id, opened_at=ctx.clock.now())
    ctx.session.add(sitting)
    ctx.session.flush()
    ctx.session.add_all(SittingSession(session_id=s.id, sitting_id=sitting.id) for s in sessions)
    ctx.session.flush()
    ctx.session.expire(sitting, ["sessions"])
    audit.record(ctx, AuditAction.COUNCIL_SITTING_OPENED, "council_sitting", sitting.id, unit_id=rnd.unit_id,
                 after={"round": rnd.id, "sessions": [s.id for s in sessions],
                        "dossiers": [s.dossier_id for s in sessions]})
    return sitting


def _live_sessions(ctx: Context, sitting: CouncilSitting) -> list[CouncilSession]:
    """The sitting's sessions whose dossier still waits for it (not withdrawn: its process runs)."""
    out = []
    for session in sitting.sessions:
        dossier = ctx.session.get(Dossier, session.dossier_id)
        instance = ctx.session.get(ProcessInstance, dossier.instance_id) if dossier and dossier.instance_id else None
        if instance is not None and instance.status is InstanceStatus.RUNNING:
            out.append(session)
    return out


def _member_sessions(ctx: Context, sitting: CouncilSitting, user_id: int) -> list[CouncilSession]:
    sessions = [s for s in _live_sessions(ctx, sitting) if ctx.session.get(SessionMember, (s.id, user_id)) is not None]
    if not sessions:
        raise Forbidden("Chỉ thành viên Hội đồng bỏ phiếu trong phiên họp này.")
    return sessions


def _ballot_items(ctx: Context, sitting: CouncilSitting, user_id: int) -> dict[int, tuple[CouncilSession, Any]]:
    """nomination id -> (session, agenda item) of what the member still has to vote on."""
    out = {}
    for session in _member_sessions(ctx, sitting, user_id):
        if ctx.session.get(Participation, (session.id, user_id)) is not None:
            continue
        for item in session.agenda:
            if user_id not in item.recused and not _frozen(ctx, item):
                out[item.nomination_id] = (session, item)
    return out


def sitting_ballot(ctx: Context, sitting_id: int) -> dict[str, Any]:
    """The member's ballot over the whole agenda, grouped by award type (the page's "đồng ý tất cả" per
    group); empty once cast or once the sitting is closed."""
    user = require_actor(ctx.actor)
    sitting = get_sitting(ctx, sitting_id)
    items = _ballot_items(ctx, sitting, user.id) if sitting.status is SessionStatus.OPEN else {}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for nomination_id, (session, item) in items.items():
        nomination = _nomination(ctx, item)
        groups[nomination.award_type].append({
            "nomination_id": nomination_id, "nominee": nomination.nominee_name,
            "nominee_unit": nomination.nominee_unit, "dossier_id": session.dossier_id, "secret": item.secret})
    return {"sitting_id": sitting.id, "round_id": sitting.round_id, "status": sitting.status.value,
            "groups": [{"award_type": code, "items": rows} for code, rows in sorted(groups.items())]}


def cast_sitting_ballot(ctx: Context, ballot: SittingBallot) -> dict[str, Any]:
    """ONE ballot over the whole agenda, in one request: checked whole (every name on the member's part,
    each once), then each dossier's part into its session's box as a ballot cast there would go."""
    user = require_actor(ctx.actor)
    sitting = get_sitting(ctx, ballot.sitting_id)
    if sitting.status is not SessionStatus.OPEN:
        raise Conflict("Phiên họp đã kết thúc bỏ phiếu.")
    items = _ballot_items(ctx, sitting, user.id)
    if not items:
        raise Conflict("Bạn đã bỏ phiếu trong phiên họp này.")
    errors: dict[str, str] = {}
    chosen: dict[int, str] = {}
    for index, (nomination_id, choice) in enumerate(ballot.votes):
        if nomination_id not in items:
            errors[f"votes[{index}].nomination_id"] = "Đề nghị này không có trong phần được bỏ phiếu."
        elif nomination_id in chosen:
            errors[f"votes[{index}].nomination_id"] = "Mỗi đề nghị chỉ bỏ một phiếu."
        else:
            chosen[nomination_id] = choice.value
    if missing := sorted(set(items) - set(chosen)):
        errors["votes"] = "Còn thiếu ý kiến cho đề nghị số: " + ", ".join(map(str, missing)) + "."
    if errors:
        raise InvalidInput("Phiếu bầu chưa hợp lệ.", errors)
    by_session: dict[int, list[dict[str, Any]]] = defaultdict(list)
    sessions = {}
    for nomination_id, choice_value in chosen.items():
        session = items[nomination_id][0]
        sessions[session.id] = session
        by_session[session.id].append({"nomination_id": nomination_id, "choice": choice_value})
    receipts = []
    for session_id, votes in sorted(by_session.items()):
        receipt = _into_box(ctx, sessions[session_id], user.id, votes)
        if receipt:
            receipts.append({"dossier_id": sessions[session_id].dossier_id, "receipt": receipt})
    audit.record(ctx, AuditAction.BALLOT_CAST, "council_sitting", sitting.id, role=Role.COUNCIL,
                 unit_id=sitting.unit_id, after={"voted": True, "sessions": sorted(by_session)})  # never how
    return {"sitting_id": sitting.id, "receipts": receipts}


def close_sitting(ctx: Context, close: SittingClose) -> CouncilSitting:
    """The chair or secretary closes the sitting with its real time and place: every session closed
    with the sitting's attendance, tallied, its minutes stored, and its dossier's process resumed."""
    user = require_actor(ctx.actor)
    sitting = get_sitting(ctx, close.sitting_id)
    if sitting.status is not SessionStatus.OPEN:
        raise Conflict("Phiên họp đã kết thúc.")
    sessions = _live_sessions(ctx, sitting)  # a withdrawn dossier's session stays as it was left
    board = [ctx.session.get(SessionMember, (s.id, user.id)) for s in sessions]
    if not board or any(m is None or m.position is MemberPosition.MEMBER for m in board):
        raise Forbidden("Chỉ Chủ tịch hoặc Thư ký Hội đồng được kết thúc phiên họp.")
    if close.held_at > ctx.clock.now():
        raise InvalidInput("Thời gian họp chưa đến.", {"held_at": "Thời gian họp không được sau thời điểm hiện tại."})
    if close.held_at.date() < sitting.opened_at.date():
        raise InvalidInput("Thời gian họp không hợp lệ.",
                           {"held_at": f"Phiên họp mở ngày {sitting.opened_at:%d/%m/%Y}: họp không thể trước đó."})
    voted = set(ctx.session.scalars(select(Participation.user_id).where(
        Participation.session_id.in_([s.id for s in sessions]))))
    on_paper = {m.user_id for s in sessions for m in s.members if m.written_vote}
    members = {m.user_id for s in sessions for m in s.members}
    absent = set(close.absent_members) if close.absent_members is not None else (members - voted) | on_paper
    in_writing = set(close.written_vote_members or []) | on_paper
    data = {"present": close.present, "written_votes": close.written_votes,
            "absent_members": sorted(absent), "written_vote_members": sorted(in_writing)}
    for session in sessions:
        close_session_vote(ctx, session, user, data)
    sitting.held_at, sitting.place = close.held_at, close.place
    sitting.status, sitting.closed_by_id, sitting.closed_at = SessionStatus.TALLIED, user.id, ctx.clock.now()
    with bound(ctx):
        for session in sessions:
            tally_session(session.id)
    ctx.session.flush()
    audit.record(ctx, AuditAction.COUNCIL_SITTING_CLOSED, "council_sitting", sitting.id, unit_id=sitting.unit_id,
                 after={"held_at": close.held_at.isoformat(), "place": close.place, "present": close.present,
                        "written_votes": close.written_votes, "sessions": [s.id for s in sessions]})
    for session in sessions:
        dossier = ctx.session.get(Dossier, session.dossier_id)
        assert dossier is not None and dossier.instance_id is not None
        send_message(ctx, dossier.instance_id, MESSAGE, {"sitting": sitting.id, "session": session.id})
    return sitting


def sitting_view(ctx: Context, sitting: CouncilSitting) -> dict[str, Any]:
    return {"id": sitting.id, "round_id": sitting.round_id, "unit_id": sitting.unit_id,
            "status": sitting.status.value, "opened_at": sitting.opened_at, "held_at": sitting.held_at,
            "place": sitting.place, "closed_at": sitting.closed_at,
            "sessions": [{"id": s.id, "dossier_id": s.dossier_id, "status": s.status.value,
                          "agenda": [{"nomination_id": i.nomination_id, "yes": i.yes, "no": i.no,
                                      "abstain": i.abstain, "base": i.base, "passed": i.passed}
                                     for i in s.agenda]}
                         for s in sitting.sessions]}
