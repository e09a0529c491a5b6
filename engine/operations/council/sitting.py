"""The council's one sitting for a review round (issue 13), a process of its own
(workflows/council_sitting.bpmn): every dossier of the round waits for it at its level instead of
holding a session of its own.

A dossier of a round reaching the council stage of `level_review` opens its session as ever
(`open_council_session`: its agenda, thresholds and recusals), but where the dossier is in a round
of that level whose sitting has not been held (`join_round_sitting`) it does not call `council_vote`:
it waits for the message `round_sitting_closed`. The standing office (or the chair) opens the round's
sitting once the cut-off has passed (`open_sitting`), with its ban kiểm phiếu: it takes every such
session, and any session opened while it sits, and starts the sitting's process — one ballot task per
member and the chair's closing task. A member casts ONE ballot over the whole agenda (the task's hook,
`cast_sitting_ballot`): checked whole, it goes into the box as ONE sealed ballot with ONE receipt, and
the member's participation is recorded in each dossier's session. The ban kiểm phiếu enters the paper
ballot of an absent member the same way and completes that member's task (`enter_sitting_paper_ballot`).
The chair or secretary closes the sitting with the real time and place of the meeting (`close_sitting`);
the process then counts (engine/operations/council/sitting_count.py), stores the minutes and tells each
dossier. A round whose sitting was held takes no more: a dossier reaching the council later holds its
own session, as a dossier outside any round does.
"""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import selectinload

from engine import audit
from engine.clock import local_today
from engine.context import Context, current_context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    AgendaItem,
    Ballot,
    BallotChoice,
    Council,
    CouncilSession,
    CouncilSitting,
    CountingBoardMember,
    Dossier,
    HumanTask,
    HumanTaskState,
    InstanceStatus,
    MemberPosition,
    NamedVote,
    Nomination,
    NominationStatus,
    Participation,
    ProcessInstance,
    ReviewRound,
    Role,
    RoundEntry,
    SessionMember,
    SessionStatus,
    SittingSession,
    User,
    VoteChoice,
)
from engine.operations import tasks
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.administration import apply_due_council_changes
from engine.operations.ballot_box import seal_ballot
from engine.operations.council.council_vote import close_session_vote, recusal_of
from engine.operations.council.inputs import SittingBallot, SittingClose, SittingPaperBallot, read_sitting_close
from engine.operations.hooks import Outcome, before_complete
from engine.operations.processes import checkout, start_process
from engine.operations.readmodels import by_id
from engine.rules import load_rules
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction

PROCESS = "council_sitting"
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
    if sitting is not None:  # the sitting's council, not the one this session snapshot (a member since replaced)
        first = _first_session(ctx, sitting)
        council_id = ctx.session.scalar(select(CouncilSession.council_id).where(CouncilSession.id == first))
        assert council_id is not None
        _seat(ctx, session, council_id, [(m.user_id, m.position) for m in _council_of(ctx, sitting)], sitting)
        ctx.session.add(SittingSession(session_id=session.id, sitting_id=sitting.id))
        ctx.session.flush()
    return rnd.id


def _roster_on_opening(ctx: Context, unit_id: int) -> tuple[int, list[tuple[int, MemberPosition]]]:
    """The council of the level on the day its sitting opens (a kiện toàn whose day has come applied
    first), as (council id, [(member, seat)]). A unit has one council (`council.unit_id` is unique, and
    the org chart import writes one per reviewing unit), so the sitting needs no choice among several."""
    council = ctx.session.scalars(select(Council).where(Council.unit_id == unit_id)).one_or_none()
    if council is not None:
        apply_due_council_changes(ctx, council.id)
    if council is None or not council.members:
        raise Conflict("Đơn vị xét duyệt chưa có Hội đồng Thi đua - Khen thưởng: cần khai báo Hội đồng trước.")
    return council.id, sorted(
        (m.user_id, MemberPosition.CHAIR if m.user_id == council.chair_id else
         MemberPosition.SECRETARY if m.user_id == council.secretary_id else MemberPosition.MEMBER)
        for m in council.members)


def _seat(ctx: Context, session: CouncilSession, council_id: int, roster: list[tuple[int, MemberPosition]],
          sitting: CouncilSitting | None) -> None:
    """Make a dossier's session sit with the sitting's council: its members and seats (the base of its
    thresholds) and each item's recusals (a nominee who is a member still does not vote on their own
    name) follow the roster; audited when they change. Nothing has been voted in a waiting session."""
    roster = sorted(roster)
    before = sorted((m.user_id, m.position) for m in session.members)
    if before == roster and session.council_id == council_id:
        return
    seats = dict(roster)
    for member in list(session.members):
        if member.user_id not in seats:
            session.members.remove(member)
        else:
            member.position = seats.pop(member.user_id)
    session.members.extend(SessionMember(user_id=uid, position=seat) for uid, seat in sorted(seats.items()))
    session.council_id, session.members_total = council_id, len(roster)
    same_unit = load_rules(ctx.settings.rules_dir)[0].version(session.rules_version).recusal.same_unit
    users = by_id(ctx.session, User, (uid for uid, _ in roster))
    nominations = nominations_of(ctx, [session])
    for item in session.agenda:
        recused = {uid: why for uid, _ in roster
                   if (why := recusal_of(ctx, users[uid], nominations[item.nomination_id], same_unit))}
        item.recused = sorted(recused)
        item.recusal_reason = "; ".join(sorted(set(recused.values()))) or None
    ctx.session.flush()
    audit.record(ctx, AuditAction.COUNCIL_SESSION_MEMBERS_SET, "council_session", session.id, unit_id=session.unit_id,
                 dossier_id=session.dossier_id,
                 before={"members": [uid for uid, _ in before]},
                 after={"members": [uid for uid, _ in roster], "members_total": len(roster),
                        "sitting": sitting.id if sitting is not None else None})


def _waiting_sessions(ctx: Context, rnd: ReviewRound) -> list[CouncilSession]:
    """Open sessions of the round's dossiers at its level, taken by no sitting."""
    taken = select(SittingSession.session_id)
    return list(ctx.session.scalars(
        select(CouncilSession).join(RoundEntry, (RoundEntry.dossier_id == CouncilSession.dossier_id)
                                    & (RoundEntry.unit_id == CouncilSession.unit_id))
        .where(RoundEntry.round_id == rnd.id, CouncilSession.unit_id == rnd.unit_id,
               CouncilSession.status == SessionStatus.OPEN, CouncilSession.closed_how.is_(None),
               CouncilSession.id.not_in(taken))
        .options(selectinload(CouncilSession.agenda), selectinload(CouncilSession.members))
        .order_by(CouncilSession.id)))


def sitting_of_round(ctx: Context, round_id: int) -> CouncilSitting | None:
    return _sitting_of_round(ctx, round_id)


def _first_session(ctx: Context, sitting: CouncilSitting) -> int | None:
    return ctx.session.scalar(select(SittingSession.session_id).where(SittingSession.sitting_id == sitting.id)
                              .order_by(SittingSession.session_id).limit(1))


def _council_of(ctx: Context, sitting: CouncilSitting) -> list[SessionMember]:
    """The council as the sitting's sessions hold it (the same council for all: the first session's)."""
    first = _first_session(ctx, sitting)
    return list(ctx.session.scalars(select(SessionMember).where(SessionMember.session_id == first)
                                    .options(selectinload(SessionMember.user)).order_by(SessionMember.user_id)))


def council_members(ctx: Context, sitting: CouncilSitting) -> list[SessionMember]:
    return _council_of(ctx, sitting)


def council_of_round(ctx: Context, round_id: int) -> list[tuple[int, str, bool]]:
    """The council of the round's unit as the opening form offers it for the ban kiểm phiếu:
    (user id, name, chair or secretary: checked by default)."""
    rnd = ctx.session.get(ReviewRound, round_id)
    council = (ctx.session.scalars(select(Council).where(Council.unit_id == rnd.unit_id)).one_or_none()
               if rnd is not None else None)
    if council is None:
        return []
    board = (council.chair_id, council.secretary_id)
    return sorted(((m.user_id, m.user.full_name, m.user_id in board) for m in council.members),
                  key=lambda row: (not row[2], board.index(row[0]) if row[2] else 0, row[1]))


def _position(ctx: Context, sitting: CouncilSitting, user_id: int) -> MemberPosition | None:
    """The member's seat on the sitting's council (one indexed row), None for anyone else."""
    return ctx.session.scalar(select(SessionMember.position).where(
        SessionMember.session_id == _first_session(ctx, sitting), SessionMember.user_id == user_id))


def is_member(ctx: Context, sitting: CouncilSitting) -> bool:
    return _position(ctx, sitting, require_actor(ctx.actor).id) is not None


def is_board(ctx: Context, sitting: CouncilSitting) -> bool:
    """The chair or the secretary, who close the sitting."""
    return _position(ctx, sitting, require_actor(ctx.actor).id) in (MemberPosition.CHAIR, MemberPosition.SECRETARY)


def counting_board(ctx: Context, sitting: CouncilSitting) -> list[CountingBoardMember]:
    """The ban kiểm phiếu, its head first; for a sitting opened before it was designated, the chair and
    the secretary."""
    board = list(ctx.session.scalars(select(CountingBoardMember).where(CountingBoardMember.sitting_id == sitting.id)
                                     .order_by(CountingBoardMember.head.desc(), CountingBoardMember.user_id)))
    if board:
        return board
    return [CountingBoardMember(sitting_id=sitting.id, user_id=m.user_id, head=m.position is MemberPosition.CHAIR)
            for m in _council_of(ctx, sitting) if m.position is not MemberPosition.MEMBER]


def is_counting_board(ctx: Context, sitting: CouncilSitting) -> bool:
    user = require_actor(ctx.actor)
    return any(m.user_id == user.id for m in counting_board(ctx, sitting))


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


def open_sitting(ctx: Context, round_id: int, board: tuple[int, ...] | None = None) -> CouncilSitting:
    """The office (or the council's chair) opens the round's one sitting once its cut-off has passed,
    designating its ban kiểm phiếu among the council's members (the first named heads it; by default
    the chair and the secretary), and the sitting's process starts."""
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
    council_id, roster = _roster_on_opening(ctx, rnd.unit_id)
    members = sorted(roster, key=lambda m: (list(MemberPosition).index(m[1]), m[0]))
    if board is None:
        board = tuple(uid for uid, seat in members if seat is not MemberPosition.MEMBER)
    if unknown := sorted(set(board) - {uid for uid, _ in members}):
        raise InvalidInput("Ban kiểm phiếu chưa hợp lệ.", {"counting_board": "Không phải thành viên Hội đồng: "
                                                            + ", ".join(map(str, unknown)) + "."})
    if not board:
        raise InvalidInput("Ban kiểm phiếu chưa hợp lệ.", {"counting_board": "Cần chỉ định Ban kiểm phiếu."})
    sitting = CouncilSitting(round_id=rnd.id, unit_id=rnd.unit_id, status=SessionStatus.OPEN,
                             opened_by_id=user.id, opened_at=ctx.clock.now())
    ctx.session.add(sitting)
    ctx.session.flush()
    for session in sessions:  # one council for the whole sitting: the level's on the day it opens
        _seat(ctx, session, council_id, roster, sitting)
    ctx.session.add_all(SittingSession(session_id=s.id, sitting_id=sitting.id) for s in sessions)
    ctx.session.add_all(CountingBoardMember(sitting_id=sitting.id, user_id=uid, head=index == 0)
                        for index, uid in enumerate(dict.fromkeys(board)))
    ctx.session.flush()
    ctx.session.expire(sitting, ["sessions"])
    _start(ctx, sitting, sorted({m.user_id for s in sessions for m in s.members
                                 if any(m.user_id not in item.recused for item in s.agenda)}))
    audit.record(ctx, AuditAction.COUNCIL_SITTING_OPENED, "council_sitting", sitting.id, unit_id=rnd.unit_id,
                 after={"round": rnd.id, "sessions": [s.id for s in sessions], "counting_board": list(board),
                        "dossiers": [s.dossier_id for s in sessions], "members": [uid for uid, _ in roster]})
    return sitting


def _start(ctx: Context, sitting: CouncilSitting, voters: list[int]) -> None:
    instance, _ = start_process(ctx, PROCESS, {"sitting_id": sitting.id, "reviewing_unit": sitting.unit_id,
                                               "council_members": voters})
    sitting.instance_id = instance.id


def _ensure_process(ctx: Context, sitting: CouncilSitting) -> None:
    """A sitting opened before it had a process of its own gets it now: a ballot task for each member
    who has not voted yet and the chair's closing task."""
    if sitting.instance_id is None and sitting.status is SessionStatus.OPEN:
        voted = set(ctx.session.scalars(select(Participation.user_id).join(
            SittingSession, SittingSession.session_id == Participation.session_id)
            .where(SittingSession.sitting_id == sitting.id)))
        _start(ctx, sitting, [m.user_id for m in _council_of(ctx, sitting) if m.user_id not in voted])


def live_session_ids(ctx: Context, sitting: CouncilSitting) -> list[int]:
    """The sitting's sessions whose dossier still waits for it (not withdrawn: its process runs)."""
    return list(ctx.session.scalars(
        select(CouncilSession.id).join(SittingSession, SittingSession.session_id == CouncilSession.id)
        .join(Dossier, Dossier.id == CouncilSession.dossier_id)
        .join(ProcessInstance, ProcessInstance.id == Dossier.instance_id)
        .where(SittingSession.sitting_id == sitting.id, ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(CouncilSession.id)))


def nominations_of(ctx: Context, sessions: list[CouncilSession]) -> dict[int, Nomination]:
    ids = [item.nomination_id for s in sessions for item in s.agenda]
    found: dict[int, Nomination] = {}
    for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit, with room
        found.update((n.id, n) for n in ctx.session.scalars(select(Nomination).where(
            Nomination.id.in_(ids[start:start + 900]))))
    return found


class _Part:
    """What a member still has to vote on, read in two queries of plain rows (a thousand names: no ORM
    objects): `items` nomination id -> row (agenda item id, session id, dossier id, secret, nominee, unit,
    award type); `sessions` the live sessions the member has not voted in yet."""

    def __init__(self, ctx: Context, sitting: CouncilSitting, user_id: int) -> None:
        if _position(ctx, sitting, user_id) is None:
            raise Forbidden("Chỉ thành viên Hội đồng bỏ phiếu trong phiên họp này.")
        done = select(Participation.session_id).where(Participation.user_id == user_id)
        rows = ctx.session.execute(
            select(AgendaItem.id, AgendaItem.session_id, CouncilSession.dossier_id, AgendaItem.secret,
                   AgendaItem.recused, AgendaItem.nomination_id, Nomination.status, Nomination.nominee_name,
                   Nomination.nominee_unit, Nomination.award_type)
            .join(CouncilSession, CouncilSession.id == AgendaItem.session_id)
            .join(SittingSession, SittingSession.session_id == CouncilSession.id)
            .join(Dossier, Dossier.id == CouncilSession.dossier_id)
            .join(ProcessInstance, ProcessInstance.id == Dossier.instance_id)
            .join(Nomination, Nomination.id == AgendaItem.nomination_id)
            .where(SittingSession.sitting_id == sitting.id, ProcessInstance.status == InstanceStatus.RUNNING,
                   CouncilSession.id.not_in(done))
            .order_by(AgendaItem.session_id, AgendaItem.id)).all()
        self.sessions = sorted({row.session_id for row in rows})
        self.items = {row.nomination_id: row for row in rows
                      if user_id not in row.recused and row.status != NominationStatus.FROZEN}


def sitting_ballot(ctx: Context, sitting_id: int, member_id: int | None = None) -> dict[str, Any]:
    """The member's ballot over the whole agenda, grouped by award type (the page's "đồng ý tất cả" per
    group); empty once cast or once the sitting is closed. With `member_id`: an absent member's part, for
    the ban kiểm phiếu entering their paper ballot."""
    user = require_actor(ctx.actor)
    sitting = get_sitting(ctx, sitting_id)
    if member_id is not None and not is_counting_board(ctx, sitting):
        raise Forbidden("Chỉ Ban kiểm phiếu được nhập phiếu bằng văn bản của thành viên vắng mặt.")
    part = _Part(ctx, sitting, member_id or user.id) if sitting.status is SessionStatus.OPEN else None
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for nomination_id, row in (part.items.items() if part else ()):
        groups[row.award_type].append({"nomination_id": nomination_id, "nominee": row.nominee_name,
                                       "nominee_unit": row.nominee_unit, "dossier_id": row.dossier_id,
                                       "secret": row.secret})
    return {"sitting_id": sitting.id, "round_id": sitting.round_id, "status": sitting.status.value,
            "groups": [{"award_type": code, "items": rows} for code, rows in sorted(groups.items())]}


def members_without_ballot(ctx: Context, sitting: CouncilSitting) -> list[SessionMember]:
    """The council's members with no ballot yet (those whose paper ballot the ban kiểm phiếu may enter):
    participation only, never how anyone voted."""
    voted = set(ctx.session.scalars(select(Participation.user_id).join(
        SittingSession, SittingSession.session_id == Participation.session_id)
        .where(SittingSession.sitting_id == sitting.id)))
    return [m for m in _council_of(ctx, sitting) if m.user_id not in voted]


def sitting_of_task(ctx: Context, task: HumanTask) -> CouncilSitting | None:
    """The sitting a task of its process belongs to (the inbox's link goes to the sitting's page)."""
    if task.key not in ("cast_sitting_ballot", "close_sitting"):
        return None
    return ctx.session.scalars(select(CouncilSitting).where(CouncilSitting.instance_id == task.instance_id)).first()


def _checked(part: _Part, votes: tuple[tuple[int, VoteChoice], ...]) -> dict[int, VoteChoice]:
    errors: dict[str, str] = {}
    chosen: dict[int, VoteChoice] = {}
    for index, (nomination_id, choice) in enumerate(votes):
        if nomination_id not in part.items:
            errors[f"votes[{index}].nomination_id"] = "Đề nghị này không có trong phần được bỏ phiếu."
        elif nomination_id in chosen:
            errors[f"votes[{index}].nomination_id"] = "Mỗi đề nghị chỉ bỏ một phiếu."
        else:
            chosen[nomination_id] = choice
    if missing := sorted(set(part.items) - set(chosen)):
        errors["votes"] = "Còn thiếu ý kiến cho đề nghị số: " + ", ".join(map(str, missing)) + "."
    if errors:
        raise InvalidInput("Phiếu bầu chưa hợp lệ.", errors)
    return chosen


def _into_box(ctx: Context, sitting: CouncilSitting, user_id: int, votes: tuple[tuple[int, VoteChoice], ...],
              *, in_writing: bool) -> str | None:
    """A member's ONE ballot over the whole agenda, checked whole: the secret part as one sealed ballot
    under one receipt (filed with the first session it covers; each choice bound to its agenda item),
    the open part on the record, and the member's participation in each session. Returns the receipt."""
    if sitting.status is not SessionStatus.OPEN:
        raise Conflict("Phiên họp đã kết thúc bỏ phiếu.")
    part = _Part(ctx, sitting, user_id)
    if not part.items:
        raise Conflict("Thành viên này đã bỏ phiếu trong phiên họp." if in_writing
                       else "Bạn đã bỏ phiếu trong phiên họp này.")
    chosen = _checked(part, votes)
    # Plain inserts, a few statements for a thousand names; the box and the participation are written
    # in the member's transaction, as a ballot cast in a session of its own is.
    ctx.session.execute(insert(Participation), [{"session_id": sid, "user_id": user_id} for sid in part.sessions])
    if in_writing:
        ctx.session.execute(update(SessionMember).where(SessionMember.user_id == user_id,
                                                        SessionMember.session_id.in_(part.sessions))
                            .values(written_vote=True))
    secret = [(part.items[n], c) for n, c in chosen.items() if part.items[n].secret]
    receipt = None
    if secret:
        sealed = seal_ballot(ctx.settings, {row.id: choice.value for row, choice in secret})
        receipt = sealed.receipt
        ctx.session.execute(insert(Ballot).values(receipt=sealed.digest, session_id=secret[0][0].session_id,
                                                  counted=False))
        ctx.session.execute(insert(BallotChoice), [
            {"receipt": sealed.digest, "agenda_item_id": item_id, "choice": value}
            for item_id, value in sealed.choices.items()])
    named = [{"agenda_item_id": part.items[n].id, "user_id": user_id, "choice": c}
             for n, c in chosen.items() if not part.items[n].secret]
    if named:
        ctx.session.execute(insert(NamedVote), named)
    return receipt


def _sitting_of_task(ctx: Context, task: HumanTask) -> CouncilSitting:
    sitting = ctx.session.scalars(select(CouncilSitting).where(CouncilSitting.instance_id == task.instance_id)).one()
    return sitting


def _open_task(ctx: Context, sitting: CouncilSitting, key: str, assignee_id: int | None = None) -> HumanTask | None:
    if sitting.instance_id is None:
        return None
    query = select(HumanTask).where(HumanTask.instance_id == sitting.instance_id, HumanTask.key == key,
                                    HumanTask.state == HumanTaskState.READY)
    if assignee_id is not None:
        query = query.where(HumanTask.assignee_id == assignee_id)
    return ctx.session.scalars(query).first()


@before_complete(PROCESS, "cast_sitting_ballot")
def _cast_hook(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    """The ballot goes to the box, never into the process; the reply carries the receipt to the member."""
    user = require_actor(ctx.actor)
    sitting = _sitting_of_task(ctx, task)
    votes = tuple((int(v["nomination_id"]), VoteChoice(v["choice"])) for v in data["votes"])
    receipt = _into_box(ctx, sitting, user.id, votes, in_writing=False)
    audit.record(ctx, AuditAction.BALLOT_CAST, "council_sitting", sitting.id, role=Role.COUNCIL,
                 unit_id=sitting.unit_id, after={"voted": True})  # that the member voted, never how
    return Outcome(data={}, reply={"sitting_id": sitting.id, "receipt": receipt})


def cast_sitting_ballot(ctx: Context, ballot: SittingBallot) -> dict[str, Any]:
    """ONE ballot over the whole agenda, in one request: the member's task of the sitting's process."""
    user = require_actor(ctx.actor)
    sitting = get_sitting(ctx, ballot.sitting_id)
    if sitting.status is not SessionStatus.OPEN:
        raise Conflict("Phiên họp đã kết thúc bỏ phiếu.")
    _ensure_process(ctx, sitting)
    task = _open_task(ctx, sitting, "cast_sitting_ballot", user.id)
    if task is None:
        _Part(ctx, sitting, user.id)  # 403 for a non-member
        raise Conflict("Bạn đã bỏ phiếu trong phiên họp này.")
    done = tasks.complete_task(ctx, task.id, {"votes": [{"nomination_id": n, "choice": c.value}
                                                        for n, c in ballot.votes]})
    return done.reply


def enter_sitting_paper_ballot(ctx: Context, ballot: SittingPaperBallot) -> dict[str, Any]:
    """The ban kiểm phiếu enters the written ballot of an absent member for the whole sitting ("nếu thành
    viên vắng mặt thì lấy ý kiến bằng văn bản"): into the box as the member's own would go, the member
    counted as absent voting in writing, the member's ballot task completed in their place; the receipt
    is handed back for the member."""
    user = require_actor(ctx.actor)
    sitting = get_sitting(ctx, ballot.sitting_id)
    if sitting.status is not SessionStatus.OPEN:
        raise Conflict("Phiên họp đã kết thúc bỏ phiếu.")
    if not is_counting_board(ctx, sitting):
        raise Forbidden("Chỉ Ban kiểm phiếu được nhập phiếu bằng văn bản của thành viên vắng mặt.")
    if _position(ctx, sitting, ballot.member_id) is None:
        raise InvalidInput("Không phải thành viên Hội đồng.", {"member_id": "Không phải thành viên Hội đồng."})
    if ballot.member_id == user.id:
        raise InvalidInput("Thành viên có mặt tự bỏ phiếu.", {"member_id": "Bạn tự bỏ phiếu của mình."})
    _ensure_process(ctx, sitting)
    receipt = _into_box(ctx, sitting, ballot.member_id, ballot.votes, in_writing=True)
    task = _open_task(ctx, sitting, "cast_sitting_ballot", ballot.member_id)
    if task is not None:
        assert ctx.runtime is not None and sitting.instance_id is not None
        with checkout(ctx, sitting.instance_id) as live:
            task.completed_by_id = user.id
            ctx.runtime.complete_user_task(live, task.task_uuid, {})
    audit.record(ctx, AuditAction.BALLOT_CAST, "council_sitting", sitting.id, role=Role.COUNCIL,
                 unit_id=sitting.unit_id, after={"voted": True, "in_writing": True, "member": ballot.member_id})
    return {"sitting_id": sitting.id, "member_id": ballot.member_id, "receipt": receipt}


def _close(ctx: Context, sitting: CouncilSitting, close: SittingClose) -> None:
    """Checks and records the sitting's attendance and real time and place; every live session closed
    with it (quorum checked). The count comes next (the process's script tasks)."""
    user = require_actor(ctx.actor)
    if sitting.status is not SessionStatus.OPEN or sitting.held_at is not None:
        raise Conflict("Phiên họp đã kết thúc.")
    if _position(ctx, sitting, user.id) in (None, MemberPosition.MEMBER):
        raise Forbidden("Chỉ Chủ tịch hoặc Thư ký Hội đồng được kết thúc phiên họp.")
    if close.held_at > ctx.clock.now():
        raise InvalidInput("Thời gian họp chưa đến.", {"held_at": "Thời gian họp không được sau thời điểm hiện tại."})
    if close.held_at.date() < sitting.opened_at.date():
        raise InvalidInput("Thời gian họp không hợp lệ.",
                           {"held_at": f"Phiên họp mở ngày {sitting.opened_at:%d/%m/%Y}: họp không thể trước đó."})
    sessions = live_session_ids(ctx, sitting)  # a withdrawn dossier's session stays as it was left
    if not sessions:
        raise Conflict("Không còn hồ sơ nào chờ kết quả phiên họp.")
    voted = set(ctx.session.scalars(select(Participation.user_id).join(
        SittingSession, SittingSession.session_id == Participation.session_id)
        .where(SittingSession.sitting_id == sitting.id)))
    # The sessions share the council; where their rules versions ask different quorums, the strictest
    # holds for the sitting (checked on that session, the first of them on a tie).
    live = list(ctx.session.scalars(select(CouncilSession).where(CouncilSession.id.in_(sessions))
                                    .order_by(CouncilSession.id)))
    first = max(live, key=lambda one: Fraction(one.quorum))
    sessions = [first.id, *(one.id for one in live if one.id != first.id)]
    on_paper = {m.user_id for m in first.members if m.written_vote}
    members = {m.user_id for m in first.members}
    absent = set(close.absent_members) if close.absent_members is not None else (members - voted) | on_paper
    in_writing = set(close.written_vote_members or []) | on_paper
    data = {"present": close.present, "written_votes": close.written_votes,
            "absent_members": sorted(absent), "written_vote_members": sorted(in_writing)}
    # The sessions share the council and its attendance: checked and recorded on the first (the quorum
    # included), then written to the others in three statements.
    close_session_vote(ctx, first, user, data)
    ctx.session.flush()
    others = sessions[1:]
    if others:
        ctx.session.execute(update(CouncilSession).where(CouncilSession.id.in_(others)).values(
            present=first.present, written_votes=first.written_votes, closed_how=first.closed_how,
            closed_by_id=user.id), execution_options={"synchronize_session": False})
        for one in first.members:
            ctx.session.execute(update(SessionMember).where(SessionMember.session_id.in_(others),
                                                            SessionMember.user_id == one.user_id)
                                .values(present=one.present, written_vote=one.written_vote),
                                execution_options={"synchronize_session": False})
    sitting.held_at, sitting.place = close.held_at, close.place
    sitting.present, sitting.written_votes = close.present, close.written_votes
    sitting.closed_by_id = user.id
    ctx.session.flush()
    audit.record(ctx, AuditAction.COUNCIL_SITTING_CLOSED, "council_sitting", sitting.id, unit_id=sitting.unit_id,
                 after={"held_at": close.held_at.isoformat(), "place": close.place, "present": close.present,
                        "written_votes": close.written_votes, "sessions": sessions})


@before_complete(PROCESS, "close_sitting")
def _close_hook(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    sitting = _sitting_of_task(ctx, task)
    _close(ctx, sitting, read_sitting_close(sitting.id, data))
    return Outcome(data={"held_at": data["held_at"], "place": data["place"], "present": data["present"],
                         "written_votes": data["written_votes"]})


def close_sitting(ctx: Context, close: SittingClose) -> CouncilSitting:
    """The chair or secretary closes the sitting with its real time and place: the closing task of the
    sitting's process, which then counts, writes the minutes and resumes every dossier's process."""
    sitting = get_sitting(ctx, close.sitting_id)
    if sitting.status is not SessionStatus.OPEN:
        raise Conflict("Phiên họp đã kết thúc.")
    _ensure_process(ctx, sitting)
    task = _open_task(ctx, sitting, "close_sitting")
    if task is None:
        raise Conflict("Phiên họp đã kết thúc.")
    if _position(ctx, sitting, require_actor(ctx.actor).id) in (None, MemberPosition.MEMBER):
        raise Forbidden("Chỉ Chủ tịch hoặc Thư ký Hội đồng được kết thúc phiên họp.")
    raw: dict[str, Any] = {"held_at": close.held_at.isoformat(), "place": close.place, "present": close.present,
                           "written_votes": close.written_votes}
    if close.absent_members is not None:
        raw["absent_members"] = list(close.absent_members)
    if close.written_vote_members is not None:
        raw["written_vote_members"] = list(close.written_vote_members)
    tasks.complete_task(ctx, task.id, raw)
    ctx.session.refresh(sitting)
    return sitting


def sitting_view(ctx: Context, sitting: CouncilSitting) -> dict[str, Any]:
    sessions = list(ctx.session.scalars(
        select(CouncilSession).join(SittingSession, SittingSession.session_id == CouncilSession.id)
        .where(SittingSession.sitting_id == sitting.id).options(selectinload(CouncilSession.agenda))
        .order_by(CouncilSession.id)))
    return {"id": sitting.id, "round_id": sitting.round_id, "unit_id": sitting.unit_id,
            "status": sitting.status.value, "opened_at": sitting.opened_at, "held_at": sitting.held_at,
            "place": sitting.place, "closed_at": sitting.closed_at, "present": sitting.present,
            "written_votes": sitting.written_votes,
            "counting_board": [m.user_id for m in counting_board(ctx, sitting)],
            "has_minutes": sitting.minutes_sha256 is not None,
            "sessions": [{"id": s.id, "dossier_id": s.dossier_id, "status": s.status.value,
                          "agenda": [{"nomination_id": i.nomination_id, "yes": i.yes, "no": i.no,
                                      "abstain": i.abstain, "base": i.base, "passed": i.passed}
                                     for i in s.agenda]}
                         for s in sessions]}
