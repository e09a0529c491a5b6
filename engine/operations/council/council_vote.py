"""The council stage of `level_review`: opening a session, secret ballots, closing, the tally.

Secrecy: a ballot goes to the box (Ballot/BallotChoice: a digest of the receipt and the choices,
each sealed) and, separately, participation records that the member voted. Both are written in the
member's transaction, so the database can join them (PostgreSQL's xmin, insertion order): what it
joins is a digest and sealed choices of one length, which only the application's key opens, at the
tally and for the holder of the receipt. The `cast_ballot` hook hands the workflow and the audit
trail nothing of the choices; the reply carries the receipt to the member alone.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import exists, select

from engine import audit
from engine.context import Context, current_context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    AgendaItem,
    Ballot,
    BallotChoice,
    Council,
    CouncilSession,
    HumanTask,
    HumanTaskState,
    MemberPosition,
    NamedVote,
    Nomination,
    NominationStatus,
    Participation,
    Role,
    RoleGrant,
    SessionMember,
    SessionStatus,
    User,
    VoteChoice,
)
from engine.operations.access import require_actor
from engine.operations.administration import apply_due_council_changes
from engine.operations.award.queries import load_dossier, rules_of
from engine.operations.ballot_box import open_sealed, seal_ballot
from engine.operations.council.inputs import PaperBallot
from engine.operations.council.minutes import store_minutes
from engine.operations.council.texts import percent_text, threshold_text
from engine.operations.hooks import Outcome, before_complete, prefill
from engine.rules.catalogue import Threshold, VoteBase, passes
from engine.runtime.helpers import register
from engine.text import fold
from engine.vocabulary import AuditAction, AwardeeKind, VoteClosing

PROCESS = "council_vote"  # hooks are keyed by the process defining the task, whoever calls it


def _agenda_candidates(ctx: Context, dossier_id: int) -> list[tuple[Nomination, Any]]:
    """Nominations open at this level (not frozen) whose award type needs a council vote: never one on the
    simplified procedure of the dossier's rules version (an ad-hoc Giấy khen, thủ tục đơn giản)."""
    dossier = load_dossier(ctx, dossier_id)
    rules, _ = rules_of(ctx, dossier)
    return [(n, rules.award_type(n.award_type)) for n in dossier.nominations
            if n.status == NominationStatus.PENDING and rules.needs_council(dossier.kind, n.award_type)]


@register()
def needs_council(dossier_id: int, reviewing_unit: int) -> bool:
    """Some nomination open at this level is of an award type its council must vote on."""
    return bool(_agenda_candidates(current_context(), dossier_id))


def recusal_of(ctx: Context, user: User, nomination: Nomination, same_unit: bool) -> str | None:
    if nomination.nominee_kind == AwardeeKind.INDIVIDUAL and fold(user.full_name) == fold(nomination.nominee_name):
        return "là người được đề nghị"
    if same_unit and ctx.session.scalar(select(exists().where(
            RoleGrant.user_id == user.id, RoleGrant.unit_id == nomination.dossier.proposing_unit_id))):
        return "công tác tại đơn vị đề nghị"
    return None


@register()
def open_council_session(dossier_id: int, reviewing_unit: int) -> int:
    """Open a session of the reviewing unit's council with everything that needs its vote."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    council = ctx.session.scalars(select(Council).where(Council.unit_id == reviewing_unit)).one_or_none()
    if council is not None:  # a kiện toàn whose day has come is the composition this session uses
        apply_due_council_changes(ctx, council.id)
    if council is None or not council.members:
        raise Conflict("Đơn vị xét duyệt chưa có Hội đồng Thi đua - Khen thưởng: cần khai báo Hội đồng trước.")
    rules, _ = rules_of(ctx, dossier)
    session = CouncilSession(council_id=council.id, unit_id=reviewing_unit, dossier_id=dossier.id,
                             status=SessionStatus.OPEN, rules_version=rules.id, members_total=len(council.members),
                             quorum=str(rules.quorum.fraction), recusal_policy=rules.recusal.base,
                             opened_at=ctx.clock.now())
    for member in council.members:
        position = (MemberPosition.CHAIR if member.user_id == council.chair_id else
                    MemberPosition.SECRETARY if member.user_id == council.secretary_id else MemberPosition.MEMBER)
        session.members.append(SessionMember(user_id=member.user_id, position=position))
    level = council.unit.level
    for nomination, award in _agenda_candidates(ctx, dossier_id):
        recused = {m.user_id: why for m in council.members
                   if (why := recusal_of(ctx, m.user, nomination, rules.recusal.same_unit))}
        threshold = award.threshold_at(level)  # the rules may give a level's council its own threshold
        assert threshold is not None  # an award type put to a vote has one (checked as the rules load)
        session.agenda.append(AgendaItem(
            nomination_id=nomination.id, secret=award.secret_ballot, recused=sorted(recused),
            recusal_reason="; ".join(sorted(set(recused.values()))) or None,
            threshold=_stored_threshold(rules, award.code, threshold)))
    ctx.session.add(session)
    ctx.session.flush()
    audit.record(ctx, AuditAction.COUNCIL_SESSION_OPENED, "council_session", session.id, unit_id=reviewing_unit,
                 dossier_id=dossier.id, after={"members": session.members_total,
                                               "agenda": [i.nomination_id for i in session.agenda]})
    return session.id


def _required(threshold: dict[str, Any]) -> str:
    """"từ 90% trở lên tổng số thành viên hội đồng", and the layer's source in its own case."""
    source = threshold.get("source")
    return threshold_text({**threshold, "source": None}).lower() + (f" (mức theo {source})" if source else "")


def _stored_threshold(rules: Any, code: str, threshold: Threshold) -> dict[str, Any]:
    """What the agenda item keeps of its threshold: with the provincial layer's source when one set it."""
    stored = threshold.as_json()
    if source := rules.source_of(f"award_types.{code}.approval_threshold"):
        stored["source"] = source
    return stored


@register()
def session_voters(session_id: int) -> list[int]:
    """Members with at least one agenda item to vote on (one ballot task each)."""
    session = _session(current_context(), session_id)
    return [m.user_id for m in sorted(session.members, key=lambda m: m.user_id)
            if any(m.user_id not in item.recused for item in session.agenda)]


def _session(ctx: Context, session_id: int) -> CouncilSession:
    session = ctx.session.get(CouncilSession, int(session_id))
    if session is None:
        raise NotFound(f"Không có phiên họp số {session_id}.")
    return session


def _open_session(ctx: Context, task: HumanTask) -> CouncilSession | None:
    return ctx.session.scalars(
        select(CouncilSession).where(CouncilSession.dossier_id == task.dossier_id,
                                     CouncilSession.unit_id == task.unit_id,
                                     CouncilSession.status == SessionStatus.OPEN)
        .order_by(CouncilSession.id.desc())).first()


def _open_session_of(ctx: Context, task: HumanTask) -> CouncilSession:
    session = _open_session(ctx, task)
    if session is None:
        raise Conflict("Phiên họp Hội đồng đã kết thúc.")
    return session


@prefill(PROCESS, "cast_ballot")
def ballot_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """The agenda to vote on while the task and its session are open; nothing once the ballot is cast
    (its choice is never shown again) or the session tallied (there is nothing left to vote on)."""
    session = _open_session(ctx, task) if task.state == HumanTaskState.READY else None
    if session is None:
        return {}
    return {"votes": [{"nomination_id": item.nomination_id, "nominee": _nomination(ctx, item).nominee_name,
                       "award_type": _nomination(ctx, item).award_type, "secret": item.secret}
                      for item in session.agenda if task.assignee_id not in item.recused and not _frozen(ctx, item)]}


def _frozen(ctx: Context, item: AgendaItem) -> bool:
    """A nomination frozen by a complaint or denunciation cannot be voted on."""
    return _nomination(ctx, item).status == NominationStatus.FROZEN


def _nomination(ctx: Context, item: AgendaItem) -> Nomination:
    nomination = ctx.session.get(Nomination, item.nomination_id)
    assert nomination is not None
    return nomination


def _into_box(ctx: Context, session: CouncilSession, user_id: int, votes: list[dict[str, Any]]) -> str | None:
    """Check a member's votes against their part of the agenda and put them in the box (secret items)
    or on the record (open items), with the member's participation; the receipt of the secret part."""
    if ctx.session.get(Participation, (session.id, user_id)) is not None:
        raise Conflict("Thành viên này đã bỏ phiếu trong phiên họp.")
    items = {item.nomination_id: item for item in session.agenda
             if user_id not in item.recused and not _frozen(ctx, item)}
    choices: dict[int, VoteChoice] = {}
    errors: dict[str, str] = {}
    for index, vote in enumerate(votes):
        if vote["nomination_id"] not in items:
            errors[f"votes[{index}].nomination_id"] = "Đề nghị này không có trong phần được bỏ phiếu."
        elif vote["nomination_id"] in choices:
            errors[f"votes[{index}].nomination_id"] = "Mỗi đề nghị chỉ bỏ một phiếu."
        else:
            choices[vote["nomination_id"]] = VoteChoice(vote["choice"])
    if missing := sorted(set(items) - set(choices)):
        errors["votes"] = "Còn thiếu ý kiến cho đề nghị số: " + ", ".join(map(str, missing)) + "."
    if errors:
        raise InvalidInput("Phiếu bầu chưa hợp lệ.", errors)
    ctx.session.add(Participation(session_id=session.id, user_id=user_id))
    receipt = None
    secret = {items[n].id: c.value for n, c in choices.items() if items[n].secret}
    if secret:
        sealed = seal_ballot(ctx.settings, secret)
        receipt = sealed.receipt
        ctx.session.add(Ballot(receipt=sealed.digest, session_id=session.id, counted=False, choices=[
            BallotChoice(agenda_item_id=item_id, choice=value) for item_id, value in sealed.choices.items()]))
    for nomination_id, choice in choices.items():
        if not items[nomination_id].secret:
            ctx.session.add(NamedVote(agenda_item_id=items[nomination_id].id, user_id=user_id, choice=choice))
    ctx.session.flush()
    return receipt


@before_complete(PROCESS, "cast_ballot")
def cast_ballot(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    user = ctx.actor
    assert user is not None
    session = _open_session_of(ctx, task)
    if ctx.session.get(Participation, (session.id, user.id)) is not None:
        raise Conflict("Bạn đã bỏ phiếu trong phiên họp này.")
    receipt = _into_box(ctx, session, user.id, data["votes"])
    audit.record(ctx, AuditAction.BALLOT_CAST, "council_session", session.id, role=task.role, unit_id=task.unit_id,
                 dossier_id=task.dossier_id, after={"voted": True})  # that the member voted, never how
    return Outcome(data={}, reply={"receipt": receipt} if receipt else {})


def enter_paper_ballot(ctx: Context, ballot: PaperBallot) -> dict[str, Any]:
    """The vote-counting board (the chair or the secretary) enters the written ballot of an absent member
    while the vote is open ("nếu thành viên vắng mặt thì lấy ý kiến bằng văn bản"): it goes into the box as
    the member's own would, the member counts as absent and voting in writing, and the receipt of its
    secret part is handed back for the member. The member's own ballot task then refuses a second vote."""
    user = require_actor(ctx.actor)
    session = _session(ctx, ballot.session_id)
    if session.status is not SessionStatus.OPEN or session.closed_how is not None:
        raise Conflict("Phiên họp đã kết thúc bỏ phiếu.")
    board = ctx.session.get(SessionMember, (session.id, user.id))
    if board is None or board.position is MemberPosition.MEMBER:
        raise Forbidden("Chỉ Chủ tịch hoặc Thư ký Hội đồng (Ban kiểm phiếu) được nhập phiếu bằng văn bản.")
    member = ctx.session.get(SessionMember, (session.id, ballot.member_id))
    if member is None:
        raise InvalidInput("Không phải thành viên phiên họp.", {"member_id": "Không phải thành viên phiên họp."})
    if member.user_id == user.id:
        raise InvalidInput("Thành viên có mặt tự bỏ phiếu.", {"member_id": "Bạn tự bỏ phiếu của mình."})
    receipt = _into_box(ctx, session, member.user_id, [{"nomination_id": n, "choice": c.value}
                                                        for n, c in ballot.votes])
    member.written_vote = True
    ctx.session.flush()
    audit.record(ctx, AuditAction.BALLOT_CAST, "council_session", session.id, role=Role.COUNCIL_CHAIR,
                 unit_id=session.unit_id, dossier_id=session.dossier_id,
                 after={"voted": True, "in_writing": True, "member": member.user_id})  # never how
    return {"session_id": session.id, "member_id": member.user_id, "receipt": receipt}


@before_complete(PROCESS, "close_vote")
def close_vote(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    user = ctx.actor
    assert user is not None
    session = _open_session_of(ctx, task)
    present, written = close_session_vote(ctx, session, user, data)
    audit.record(ctx, AuditAction.COUNCIL_VOTE_CLOSED, "council_session", session.id, role=task.role,
                 unit_id=task.unit_id, dossier_id=task.dossier_id,
                 after={"present": present, "written_votes": written})
    return Outcome(data={"present": present, "written_votes": written})


def close_session_vote(ctx: Context, session: CouncilSession, user: User, data: dict[str, Any]) -> tuple[int, int]:
    """The chair or secretary ends the vote of a session: attendance checked and recorded, the quorum
    required; the tally comes next. Returns (present, written votes)."""
    member = ctx.session.get(SessionMember, (session.id, user.id))
    if member is None or member.position is MemberPosition.MEMBER:
        raise Forbidden("Chỉ Chủ tịch hoặc Thư ký Hội đồng được kết thúc bỏ phiếu.")
    present, written = data["present"], data["written_votes"]
    if present > session.members_total:
        raise InvalidInput("Số thành viên có mặt không hợp lệ.",
                           {"present": f"Hội đồng chỉ có {session.members_total} thành viên."})
    if written > session.members_total - present:
        raise InvalidInput("Số phiếu gửi bằng văn bản không hợp lệ.",
                           {"written_votes": f"Chỉ có {session.members_total - present} thành viên vắng mặt."})
    attendance = _attendance(ctx, session, present, written, data)
    quorum = Fraction(session.quorum)
    if present * quorum.denominator < quorum.numerator * session.members_total:
        needed = -(-quorum.numerator * session.members_total // quorum.denominator)
        raise Conflict(f"Chưa đủ số thành viên để kết thúc phiên họp: có mặt {present}/{session.members_total}, "
                       f"cần ít nhất {needed} ({session.quorum} tổng số thành viên).")
    session.present, session.written_votes = present, written
    session.closed_how, session.closed_by_id = VoteClosing.CLOSED_BY_CHAIR, user.id
    for one in session.members:
        one.present, one.written_vote = attendance[one.user_id]
    return present, written


def _attendance(ctx: Context, session: CouncilSession, present: int, written: int,
                data: dict[str, Any]) -> dict[int, tuple[bool, bool]]:
    """Who was present and who voted in writing, by member: as listed, or else inferred from who voted."""
    ids = {m.user_id for m in session.members}
    voted = set(ctx.session.scalars(select(Participation.user_id).where(Participation.session_id == session.id)))
    on_paper = {m.user_id for m in session.members if m.written_vote}  # entered by the vote-counting board
    absent = set(data.get("absent_members") or ((ids - voted) | on_paper if "absent_members" not in data else []))
    in_writing = set(data.get("written_vote_members") or []) | on_paper
    errors = {}
    if unknown := sorted((absent | in_writing) - ids):
        errors["absent_members"] = "Không phải thành viên phiên họp: " + ", ".join(map(str, unknown)) + "."
    elif voted_absent := sorted((absent - in_writing) & voted):
        names = {m.user_id: m.user.full_name for m in session.members}
        errors["absent_members"] = ("Thành viên đã bỏ phiếu nên không thể vắng mặt: "
                                    + ", ".join(names[uid] for uid in voted_absent) + ".")
    elif len(absent) != session.members_total - present:
        errors["absent_members"] = (f"Cần liệt kê đúng {session.members_total - present} thành viên vắng mặt "
                                    f"(đang có {len(absent)}).")
    elif not in_writing <= absent or len(in_writing) != written:
        errors["written_vote_members"] = f"Cần liệt kê đúng {written} thành viên vắng mặt gửi phiếu bằng văn bản."
    if errors:
        raise InvalidInput("Danh sách có mặt chưa khớp với số liệu.", errors)
    return {uid: (uid not in absent, uid in in_writing) for uid in ids}



def _secret_choices(ctx: Context, session: CouncilSession, item: AgendaItem) -> list[VoteChoice]:
    """The item's choices from the box, each opened with the application's key."""
    rows = ctx.session.execute(select(BallotChoice.receipt, BallotChoice.choice)  # an item is of one session
                               .where(BallotChoice.agenda_item_id == item.id))
    return [VoteChoice(open_sealed(ctx.settings, digest, item.id, sealed)) for digest, sealed in rows]


def count_item(rules: Any, session: CouncilSession, item: AgendaItem, nomination: Nomination,
               counted: list[VoteChoice], everyone: set[int], taking_part: set[int]) -> dict[str, Any]:
    """Count one agenda item against its threshold with exact arithmetic; reject the nomination if it failed."""
    item.yes, item.no = counted.count(VoteChoice.YES), counted.count(VoteChoice.NO)
    item.abstain = counted.count(VoteChoice.ABSTAIN)
    threshold = Threshold.from_json(item.threshold)
    # members: the whole council (the law's default); present: those who took part, in person or in
    # writing. A recused member shrinks either only where the rules version says so.
    pool = taking_part if threshold.base is VoteBase.PRESENT else everyone
    item.base = rules.recusal.denominator(len(pool), len(set(item.recused) & pool))
    item.passed = item.base > 0 and passes(threshold, item.yes, item.base)
    if not item.passed:
        nomination.status = NominationStatus.REJECTED
        nomination.decided_by_unit_id = session.unit_id
        nomination.outcome_note = (f"Hội đồng Thi đua - Khen thưởng không thông qua: {item.yes}/{item.base} "
                                   f"phiếu đồng ý ({percent_text(item.yes, item.base)}), yêu cầu "
                                   f"{_required(item.threshold)}.")
    return {"yes": item.yes, "no": item.no, "abstain": item.abstain, "base": item.base, "passed": item.passed}


@register()
def tally_session(session_id: int) -> None:
    """Count each agenda item against its threshold with exact arithmetic; reject what failed."""
    ctx = current_context()
    session = _session(ctx, session_id)
    rules, _ = rules_of(ctx, load_dossier(ctx, session.dossier_id))
    if session.closed_how is None:  # closed by itself: everyone with something to vote on has voted
        session.closed_how, session.present, session.written_votes = VoteClosing.ALL_VOTED, session.members_total, 0
        for member in session.members:
            member.present, member.written_vote = True, False
    results = {}
    everyone = {m.user_id for m in session.members}
    taking_part = {m.user_id for m in session.members if m.present or m.written_vote}
    for item in session.agenda:
        if _frozen(ctx, item):
            continue  # not tallied: it stays frozen until the complaint is resolved
        counted = _secret_choices(ctx, session, item) if item.secret else list(
            ctx.session.scalars(select(NamedVote.choice).where(NamedVote.agenda_item_id == item.id)))
        results[item.nomination_id] = count_item(rules, session, item, _nomination(ctx, item), counted,
                                                 everyone, taking_part)
    for ballot in ctx.session.scalars(select(Ballot).where(Ballot.session_id == session.id)):
        ballot.counted = True
    session.status, session.closed_at = SessionStatus.TALLIED, ctx.clock.now()
    ctx.session.flush()
    store_minutes(ctx, session)
    audit.record(ctx, AuditAction.COUNCIL_SESSION_TALLIED, "council_session", session.id, unit_id=session.unit_id,
                 dossier_id=session.dossier_id, after={"closed": session.closed_how, "present": session.present,
                                                       "results": results})
