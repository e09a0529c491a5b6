"""The head decides a review round (issue 13): every dossier of the round that waits at this level's
`decide` task is decided at once, in one transaction, and the round's decisions and tờ trình are made.

Each dossier's `level_review` instance keeps its own `decide` user task (after the round's sitting, or
after appraisal when no award type of the round needs a vote): the head's round decision completes
each of them through the ordinary task completion (`complete_task`: the same form check, the same
`decide_apply` rules, the same engine steps after it), so a dossier decided by the round and one
decided alone are indistinguishable to the process. Before completing them, the round's decisions are
issued — ONE per award type (as given, a lower form included) and issuer, its list annexed — and each
approved nomination is put in its decision, so `issue_at_level` and the văn thư's step find nothing
left to issue, and the proposer's message already carries the decision's number. After them, the
nominations forwarded go up with ONE tờ trình per level above (`RoundSubmission`), which the level
above finds on its round's page and on the dossiers it received.
"""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine import anchor, audit
from engine.clock import LOCAL_TZ, end_of_day, local_today
from engine.context import Context
from engine.documents import Awardee, AwardGroup, DecisionDocument, award_phrase, render_decision
from engine.documents.layout import vietnamese_date
from engine.documents.submission import SubmissionDocument, SubmittedGroup, SubmittedName, render_submission
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    AwardeeKind,
    CouncilSession,
    CouncilSitting,
    Decision,
    DecisionStatus,
    Dossier,
    HumanTask,
    HumanTaskState,
    Nomination,
    ReviewRound,
    Role,
    RoundEntry,
    RoundSubmission,
    SessionStatus,
    Unit,
    UnitLevel,
    User,
)
from engine.operations import award_tally as tally
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.award.decisions import (
    ON_BEHALF,
    _head_of,
    _position,
    head_title,
    reward_note,
    signer_title,
    store_issued,
    submitting_unit,
)
from engine.operations.award.inputs import read_round_decision
from engine.operations.award.level_review import check_decisions, choices
from engine.operations.award.queries import award_names, open_nominations, role_units, rules_of
from engine.operations.award.routing import next_reviewing_unit
from engine.operations.hooks import Outcome, before_complete, prefill
from engine.operations.numbering import next_number
from engine.operations.readmodels import Extended, by_id
from engine.operations.registry import identity
from engine.operations.registry.commands import find_or_create_awardee, record_awards, use_initiative_relied_on
from engine.operations.rounds.queries import get_round
from engine.operations.tasks import complete_task, complete_tasks
from engine.operations.timers import fire_due_of
from engine.rules import AwardKind
from engine.storage import DOCX, AttachmentStore, NamedFile
from engine.text import fold
from engine.vocabulary import AuditAction

_PEOPLE_COMMITTEE = "Ủy ban nhân dân "
ROUND_PROCESS = "review_round"  # the round's process (workflows/review_round.bpmn) and its `decide_round`


@dataclass(frozen=True)
class RoundItem:
    """A nomination of the round waiting for the head, with what the head may do with it."""
    nomination_id: int
    dossier_id: int
    nominee: str
    position: str | None
    proposing_unit: str
    award_type: str
    allowed: list[str]
    lower_awards: list[tuple[str, str]]  # (code, name) of the lower forms this level may give instead


@dataclass(frozen=True)
class RoundGroup:
    award_type: str
    award_name: str
    items: list[RoundItem]


@dataclass(frozen=True)
class RoundDecisionView(Extended[ReviewRound]):
    """The head's page of a round: the nominations waiting, by award type; the dossiers not at `decide`
    yet; the round's decisions and the tờ trình it sent up or received from below."""
    groups: list[RoundGroup]
    ready: list[int]
    not_ready: list[tuple[int, str]]
    decisions: list[Decision]
    sent: list[RoundSubmission]
    received: list[RoundSubmission]
    may_decide: bool


def _ready_tasks(ctx: Context, rnd: ReviewRound) -> list[HumanTask]:
    dossier_ids = select(RoundEntry.dossier_id).where(RoundEntry.round_id == rnd.id)
    return list(ctx.session.scalars(
        select(HumanTask).where(HumanTask.key == "decide", HumanTask.unit_id == rnd.unit_id,
                                HumanTask.state == HumanTaskState.READY, HumanTask.dossier_id.in_(dossier_ids))
        .order_by(HumanTask.dossier_id)))


def may_decide_round(ctx: Context, rnd: ReviewRound) -> bool:
    return ctx.actor is not None and holds_role(ctx.session, ctx.actor, Role.HEAD, rnd.unit_id)


def received_submissions(ctx: Context, unit_id: int, dossier_ids: set[int]) -> list[RoundSubmission]:
    """The tờ trình the levels below sent to `unit_id` with any of these dossiers."""
    rows = ctx.session.scalars(select(RoundSubmission).where(RoundSubmission.to_unit_id == unit_id)
                               .order_by(RoundSubmission.id))
    return [s for s in rows if dossier_ids & set(s.dossier_ids)]


def round_decision_view(ctx: Context, round_id: int) -> RoundDecisionView:
    rnd = get_round(ctx, round_id)
    unit = ctx.session.get(Unit, rnd.unit_id)
    assert unit is not None
    tasks = _ready_tasks(ctx, rnd)
    entries = list(ctx.session.scalars(select(RoundEntry).where(RoundEntry.round_id == rnd.id)))
    dossiers = by_id(ctx.session, Dossier, (e.dossier_id for e in entries))
    ready = [t.dossier_id for t in tasks if t.dossier_id is not None]
    names = award_names(ctx)
    by_type: dict[str, list[RoundItem]] = defaultdict(list)
    for dossier_id in ready:
        dossier = dossiers[dossier_id]
        for n in open_nominations(dossier):
            allowed, lower = choices(ctx, n, unit)
            by_type[n.award_type].append(RoundItem(
                n.id, dossier.id, n.nominee_name, _position(ctx, n, dossier.proposing_unit),
                dossier.proposing_unit.name,
                n.award_type, allowed, [(c, names.get(c, c)) for c in lower]))
    not_ready = [(d.id, d.title) for d in dossiers.values()
                 if d.id not in ready and d.reviewing_unit_id == unit.id and open_nominations(d)]
    decisions = list(ctx.session.scalars(select(Decision).where(Decision.round_id == rnd.id).order_by(Decision.id)))
    sent = list(ctx.session.scalars(select(RoundSubmission).where(RoundSubmission.round_id == rnd.id)
                                    .order_by(RoundSubmission.id)))
    return RoundDecisionView(
        rnd, [RoundGroup(code, names.get(code, code), items) for code, items in sorted(by_type.items())],
        ready, sorted(not_ready), decisions, sent, received_submissions(ctx, unit.id, set(dossiers)),
        may_decide_round(ctx, rnd) and bool(ready) and _open_to_decision(ctx, rnd))


def _open_to_decision(ctx: Context, rnd: ReviewRound) -> bool:
    """The round's process is at the head's task (or is there as soon as its due cut-off timer fires,
    which the decision does first); a round without a process is decided as before."""
    if rnd.instance_id is None or round_task(ctx, rnd) is not None:
        return True
    return rnd.intake_closed_at is None and ctx.clock.now() > end_of_day(rnd.cutoff_on)


@dataclass
class RoundOutcome:
    decisions: list[Decision] = field(default_factory=list)
    submissions: list[RoundSubmission] = field(default_factory=list)
    dossiers: list[int] = field(default_factory=list)


def decide_round(ctx: Context, round_id: int, rows: list[dict[str, Any]]) -> RoundOutcome:
    """The head's choice for every nomination waiting at `decide` in the round (`rows`: nomination_id,
    action approve | forward | reject | lower_award, note, lower_award), checked whole — 422 naming
    `nominations[i].…` or the names missing — then the decisions, the dossiers' tasks, the tờ trình: the
    completion of the round's `decide_round` task (review_round.bpmn), whose hook does all of it."""
    require_actor(ctx.actor)
    rnd = get_round(ctx, round_id)
    if not may_decide_round(ctx, rnd):
        raise Forbidden("Chỉ thủ trưởng (hoặc cấp phó) của đơn vị quyết định đợt xét khen thưởng.")
    if rnd.instance_id is None:  # a round opened before it had a process (migration 0046): as before
        return _decide_without_process(ctx, rnd, rows)
    task = round_task(ctx, rnd)
    if task is None:
        fire_due_of(ctx, rnd.instance_id)  # the cut-off passed and the worker has not ended the intake yet
        task = round_task(ctx, rnd)
    if task is None:
        if _ready_tasks(ctx, rnd) and rnd.intake_closed_at is not None:
            raise Conflict("Đợt xét đang chờ kết quả phiên họp Hội đồng Thi đua - Khen thưởng.")
        if _ready_tasks(ctx, rnd):
            raise Conflict(f"Đợt xét còn nhận hồ sơ đến hết ngày {rnd.cutoff_on:%d/%m/%Y}.")
        raise Conflict("Chưa có hồ sơ nào của đợt xét chờ thủ trưởng quyết định.")
    with audit.batched(ctx):  # hundreds of events (names, awards, tasks): chained and appended at once
        done = complete_task(ctx, task.id, {"nominations": [
            {k: v for k, v in row.items() if k in _ROW_FIELDS} for row in rows]})
    return RoundOutcome(
        decisions=[d for i in done.reply["decisions"] if (d := ctx.session.get(Decision, i)) is not None],
        submissions=[s for i in done.reply["submissions"] if (s := ctx.session.get(RoundSubmission, i)) is not None],
        dossiers=list(done.reply["dossiers"]))


_ROW_FIELDS = ("nomination_id", "action", "note", "lower_award")


def round_task(ctx: Context, rnd: ReviewRound) -> HumanTask | None:
    """The round's `decide_round` task when its process has reached it."""
    if rnd.instance_id is None:
        return None
    return ctx.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == rnd.instance_id, HumanTask.key == "decide_round",
        HumanTask.state == HumanTaskState.READY)).first()


def _decide_ready(ctx: Context, rnd: ReviewRound, user: User, rows: list[dict[str, Any]]) -> RoundOutcome:
    """The dossiers of the round waiting at `decide`, checked whole against `rows`, then decided."""
    unit = ctx.session.get(Unit, rnd.unit_id)
    assert unit is not None
    tasks = _ready_tasks(ctx, rnd)
    if not tasks:
        raise Conflict("Chưa có hồ sơ nào của đợt xét chờ thủ trưởng quyết định.")
    plan = _checked(ctx, unit, tasks, rows)
    with audit.batched(ctx):
        return _decide(ctx, rnd, unit, user, tasks, plan)


def _decide_without_process(ctx: Context, rnd: ReviewRound, rows: list[dict[str, Any]]) -> RoundOutcome:
    return _decide_ready(ctx, rnd, require_actor(ctx.actor), rows)


def round_of_task(ctx: Context, task: HumanTask) -> ReviewRound | None:
    """The round whose `decide_round` this task is (the inbox's link goes to the round's decision page)."""
    if task.key != "decide_round":
        return None
    return ctx.session.scalars(select(ReviewRound).where(ReviewRound.instance_id == task.instance_id)).first()


def _round_of_task(ctx: Context, task: HumanTask) -> ReviewRound:
    rnd = ctx.session.scalars(select(ReviewRound).where(ReviewRound.instance_id == task.instance_id)).one()
    return rnd


@before_complete(ROUND_PROCESS, "decide_round")
def decide_round_apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    """The round's decision: the rows read and checked whole, then the decisions, each dossier's `decide`
    completed, the tờ trình upward (`_decide`). Only a summary enters the round's process."""
    user = require_actor(ctx.actor)
    rnd = _round_of_task(ctx, task)
    if not may_decide_round(ctx, rnd):
        raise Forbidden("Chỉ thủ trưởng (hoặc cấp phó) của đơn vị quyết định đợt xét khen thưởng.")
    rows = read_round_decision({"nominations": [{k: v for k, v in row.items() if k in _ROW_FIELDS}
                                                for row in data.get("nominations", [])]})
    outcome = _decide_ready(ctx, rnd, user, rows)
    summary = {"dossiers": outcome.dossiers, "decisions": [d.id for d in outcome.decisions],
               "submissions": [s.id for s in outcome.submissions]}
    return Outcome(data={"decided": summary}, reply=summary)


@prefill(ROUND_PROCESS, "decide_round")
def decide_round_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """Every nomination of the round waiting at `decide`, with what the head may do with it."""
    view = round_decision_view(ctx, _round_of_task(ctx, task).id)
    return {"nominations": [
        {"nomination_id": i.nomination_id, "dossier_id": i.dossier_id, "award_type": i.award_type,
         "nominee": i.nominee, "allowed": i.allowed, "lower_awards": [c for c, _ in i.lower_awards]}
        for g in view.groups for i in g.items]}


def _decide(ctx: Context, rnd: ReviewRound, unit: Unit, user: User, tasks: list[HumanTask],
            plan: _Plan) -> RoundOutcome:
    outcome = RoundOutcome(dossiers=[t.dossier_id for t in tasks if t.dossier_id is not None])
    given: dict[str, list[Nomination]] = defaultdict(list)
    forwarded = []
    for nomination_id, row in plan.rows.items():
        nomination = plan.waiting[nomination_id]
        if row["action"] == "forward":
            forwarded.append(nomination)
        elif row["action"] in ("approve", "lower_award"):
            code = str(row["lower_award"]) if row["action"] == "lower_award" else nomination.award_type
            given[code].append(nomination)
    for code, nominations in sorted(given.items()):
        outcome.decisions.append(issue_round_decision(ctx, rnd, unit, user, code, nominations))
    # Each dossier's `decide`, as its head would complete it alone (the same checks, hooks and engine
    # steps, the same events in the same order), the dossiers' workflows locked and saved together.
    complete_tasks(ctx, [(task.id, plan.data[task.id]) for task in tasks])
    upward: dict[int, list[Nomination]] = defaultdict(list)
    for nomination in forwarded:
        above = next_reviewing_unit(nomination.dossier, unit)
        if above is not None:
            upward[above.id].append(nomination)
    for above_id, nominations in sorted(upward.items()):
        above_unit = ctx.session.get(Unit, above_id)
        assert above_unit is not None
        outcome.submissions.append(submit_upward(ctx, rnd, unit, above_unit, user, nominations))
    audit.record(ctx, AuditAction.ROUND_DECIDED, "review_round", rnd.id, after={
        "dossiers": outcome.dossiers, "decisions": [d.label for d in outcome.decisions],
        "forwarded": [n.id for n in forwarded], "submissions": [s.id for s in outcome.submissions],
    }, unit_id=unit.id)
    return outcome


@dataclass(frozen=True)
class _Plan:
    rows: dict[int, dict[str, Any]]  # nomination id -> the head's row
    waiting: dict[int, Nomination]
    data: dict[int, dict[str, Any]]  # task id -> the `decide` form data of that dossier


def _checked(ctx: Context, unit: Unit, tasks: list[HumanTask], rows: list[dict[str, Any]]) -> _Plan:
    """The round's rows split into each dossier's `decide` data and checked by the rules `decide` applies
    (`check_decisions`), the errors named by the row of the round; every waiting name exactly once."""
    index_of: dict[int, int] = {}
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        if row["nomination_id"] in index_of:
            errors[f"nominations[{index}].nomination_id"] = "Đề nghị bị lặp lại."
        index_of.setdefault(row["nomination_id"], index)
    data: dict[int, dict[str, Any]] = {}
    waiting: dict[int, Nomination] = {}
    dossiers = by_id(ctx.session, Dossier, (t.dossier_id for t in tasks), selectinload(Dossier.nominations))
    for task in tasks:
        dossier = dossiers[task.dossier_id]  # type: ignore[index]
        nominations = open_nominations(dossier)
        waiting.update((n.id, n) for n in nominations)
        mine = [n for n in nominations if n.id in index_of]
        data[task.id] = {"nominations": [
            {"id": n.id, **{k: v for k, v in rows[index_of[n.id]].items()
                            if k in ("action", "note", "lower_award") and v not in (None, "")}} for n in mine]}
        try:
            check_decisions(ctx, unit, nominations, data[task.id])
        except InvalidInput as bad:
            for key, message in bad.errors.items():
                if key != "nominations":  # the missing names are counted over the whole round below
                    position, _, rest = key.removeprefix("nominations[").partition("]")
                    errors[f"nominations[{index_of[mine[int(position)].id]}]{rest}"] = message
    for index, row in enumerate(rows):
        if row["nomination_id"] not in waiting:
            errors[f"nominations[{index}].nomination_id"] = "Đề nghị này không thuộc đợt xét hoặc không chờ quyết định."
    missing = sorted(set(waiting) - set(index_of))
    if missing:
        errors["nominations"] = "Còn thiếu quyết định cho: " + ", ".join(waiting[i].nominee_name for i in missing) + "."
    if errors:
        raise InvalidInput("Quyết định đợt xét chưa hợp lệ.", errors)
    return _Plan({i: rows[index] for i, index in index_of.items() if i in waiting}, waiting, data)


def _round_year(nominations: list[Nomination]) -> int:
    return max(n.dossier.year for n in nominations)


def versions_of(ctx: Context, nominations: list[Nomination]) -> dict[int, Any]:
    """dossier id -> the rules version that dossier keeps (with its layers): each name of a round is
    judged by its own dossier's version, which a new version taking effect during the round leaves alone."""
    found: dict[int, Any] = {}
    for n in nominations:
        if n.dossier_id not in found:
            found[n.dossier_id] = rules_of(ctx, n.dossier)[0]
    return found


def document_rules(versions: Any) -> Any:
    """The version a round's document (decision, tờ trình) speaks by: the newest of the versions its names
    were judged by — it holds every award type the document gives (each name's own version holds the type it
    proposed or the lower form offered), and its legal bases are the ones those names were reviewed under
    (docs/rules.md, "A round of two versions")."""
    return max(versions, key=lambda v: v.effective_from)


def issue_round_decision(ctx: Context, rnd: ReviewRound, issuer: Unit, signer: User, code: str,
                         nominations: list[Nomination]) -> Decision:
    """ONE decision of the round for one award type (as given) by this issuer, numbered by the unit's
    register (the app's counter), its list annexed; each nomination is put in it and in the registry."""
    today = local_today(ctx.clock)
    own = versions_of(ctx, nominations)
    rules = document_rules(own.values())
    decision = Decision(
        issuer_unit_id=issuer.id, year=today.year, number=next_number(ctx, issuer.id, today.year),
        symbol=f"QĐ-{issuer.abbreviation or 'UBND'}", signed_on=today, signer_name=signer.full_name,
        signer_title=signer_title(ctx, signer, issuer), dossier_id=None, round_id=rnd.id,
        rules_version=rules.id, status=DecisionStatus.ISSUED, created_at=ctx.clock.now())
    ctx.session.add(decision)
    ctx.session.flush()
    awards: list[tuple[Any, str, int, str, int | None, Nomination | None]] = []
    pool = identity.Pool.load(ctx.session, {fold(" ".join(n.nominee_name.split())) for n in nominations})
    for nomination in nominations:
        dossier = nomination.dossier
        nomination.decision_id = decision.id
        awardee = find_or_create_awardee(ctx, nomination.nominee_kind, nomination.nominee_name,
                                         dossier.proposing_unit_id, position=nomination.nominee_position,
                                         person_id=nomination.awardee_id, pool=pool)
        nomination.awardee_id = awardee.id
        awards.append((awardee, code, dossier.year, dossier.kind.value, decision.id, nomination))
    record_awards(ctx, awards)
    for nomination in nominations:
        if code == nomination.award_type:  # a lower form given instead does not rest on the initiative
            use_initiative_relied_on(ctx, nomination, nomination.dossier.year)
    # The statistics' summary, as given: a lower form is applied to the nominations when their tasks complete.
    tally.count_granted(ctx, decision, nominations, award_type=code)
    document = _render(ctx, rnd, decision, issuer, code, nominations, rules, own)
    store_issued(ctx, decision, document, issuer)
    audit.record(ctx, AuditAction.DECISION_ISSUED, "decision", decision.id,
                 after={"number": decision.label, "issuer": issuer.code, "round": rnd.id, "award_type": code,
                        "nominations": [n.id for n in nominations], "docx_sha256": decision.document_sha256,
                        "pdf_sha256": decision.pdf_sha256},
                 unit_id=issuer.id)
    anchor.checkpoint(ctx)
    return decision


@dataclass(frozen=True)
class _Given:
    """A nomination as the decision gives it (a lower form's code in place of what was proposed)."""
    award_type: str
    nominee_kind: AwardeeKind


def _render(ctx: Context, rnd: ReviewRound, decision: Decision, issuer: Unit, code: str,
            nominations: list[Nomination], rules: Any, own: dict[int, Any]) -> bytes:
    award_type = rules.award_type(code)
    printed = award_type.printed_name(issuer.level)
    year = _round_year(nominations)
    recipients = []
    submitters: dict[int, Unit] = {}
    for n in nominations:
        proposing = n.dossier.proposing_unit
        submitter = submitting_unit(proposing, issuer)
        submitters.setdefault(submitter.id, submitter)
        note = f"Đề nghị: {own[n.dossier_id].award_type(n.award_type).name}" if n.award_type != code else None
        recipients.append(Awardee(name=n.nominee_name, position=_position(ctx, n, proposing), achievement=None,
                                  note=note, collective=n.nominee_kind == AwardeeKind.COLLECTIVE))
    group = AwardGroup(award_name=printed, phrase=award_phrase(printed, award_type.kind == AwardKind.TITLE, year),
                       recipients=recipients)
    issuer_name = issuer.spelled_name
    parent_name = issuer.parent.spelled_name if issuer.parent else ""
    title = head_title(issuer)
    signed_as = decision.signer_title or title
    wording = rules.documents
    standing = wording.standing_office.get(issuer.level)
    units = list(submitters.values())
    heads = "; ".join(_head_of(u) for u in units) if len(units) <= 3 else \
        "Thủ trưởng các cơ quan, đơn vị có tên trong danh sách kèm theo"
    proposal = f"Xét đề nghị của {heads}" + (
        f" và của {standing} (cơ quan thường trực Hội đồng Thi đua - Khen thưởng)." if standing else ".")
    officials = list(dict.fromkeys(o for o in (wording.office_chief.get(issuer.level), standing) if o))
    given = [_Given(code, n.nominee_kind) for n in nominations]
    return render_decision(DecisionDocument(
        governing_body=parent_name.upper() if issuer.level == UnitLevel.DEPARTMENT and parent_name else None,
        issuer=issuer_name.upper(), issuer_short=issuer.abbreviation or "UBND", number=decision.number,
        year=decision.year, place=issuer.place_name, signed_on=decision.signed_on,
        summary=(f"Về việc công nhận danh hiệu thi đua năm {year}" if award_type.kind == AwardKind.TITLE
                 else f"Về việc tặng {printed}") + f" ({rnd.title})",
        authority=f"{title} {issuer_name.upper()}",
        legal_bases=[*wording.competence_bases(issuer.level, issuer_name, parent_name), *rules.legal_bases,
                     *_sitting_basis(ctx, rnd, issuer, award_type.council_vote)],
        proposal=proposal, groups=[group],
        reward_note=reward_note(ctx, issuer, given, rules, decision.signed_on),  # type: ignore[arg-type]
        executors=("Quyết định này có hiệu lực kể từ ngày ký. " + ", ".join([*officials, "thủ trưởng các cơ quan, "
                   "đơn vị có liên quan và các cá nhân, tập thể có tên trong danh sách kèm theo chịu trách nhiệm "
                   "thi hành Quyết định này."])),
        signer_capacity=ON_BEHALF + title if signed_as != title else None, signer_title=signed_as,
        signer_name=decision.signer_name or "",
        recipients=[*(f"{u.spelled_name};" for u in units[:5]),
                    *(["Các đơn vị có tên trong danh sách kèm theo;"] if len(units) > 5 else []), "Lưu: VT, TĐKT."],
        annexed=True, signer_body=f"{title.capitalize()} {issuer_name}",
    ))


def _sitting_basis(ctx: Context, rnd: ReviewRound, issuer: Unit, voted: bool) -> list[str]:
    """The council's sitting for the round, when the award type is voted: a basis of the decision."""
    if not voted:
        return []
    sitting = ctx.session.scalars(select(CouncilSitting).where(CouncilSitting.round_id == rnd.id,
                                                               CouncilSitting.held_at.is_not(None))).first()
    if sitting is None or sitting.held_at is None:
        return []
    council = issuer.spelled_name.removeprefix(_PEOPLE_COMMITTEE)
    return [f"Căn cứ kết quả biểu quyết của Hội đồng Thi đua - Khen thưởng {council} tại phiên họp "
            f"{vietnamese_date(sitting.held_at.astimezone(LOCAL_TZ).date())};"]


def submit_upward(ctx: Context, rnd: ReviewRound, unit: Unit, above: Unit, signer: User,
                  nominations: list[Nomination]) -> RoundSubmission:
    """The tờ trình of the round to the level above, listing the nominations it forwards, with the
    minutes of this level's council on their dossiers attached (named in it; downloadable with it)."""
    own = versions_of(ctx, nominations)
    rules = document_rules(own.values())
    by_type: dict[str, list[Nomination]] = defaultdict(list)
    for n in nominations:
        by_type[n.award_type].append(n)
    groups = [SubmittedGroup(document_rules(own[n.dossier_id] for n in items).award_type(code)
                             .printed_name(above.level),
                             [SubmittedName(n.nominee_name, _position(ctx, n, n.dossier.proposing_unit),
                                            n.dossier.proposing_unit.name,
                                            collective=n.nominee_kind == AwardeeKind.COLLECTIVE) for n in items])
              for code, items in sorted(by_type.items())]
    dossier_ids = sorted({n.dossier_id for n in nominations})
    minutes = minutes_of(ctx, unit.id, dossier_ids)
    sitting = ctx.session.scalars(select(CouncilSitting).where(CouncilSitting.round_id == rnd.id)).first()
    bases = [f"Căn cứ {rules.legal_bases[0].removeprefix('Căn cứ ')}" if rules.legal_bases else ""]
    if sitting is not None and sitting.held_at is not None:
        bases.append(f"Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng "
                     f"{unit.spelled_name.removeprefix(_PEOPLE_COMMITTEE)} "
                     f"{vietnamese_date(sitting.held_at.astimezone(LOCAL_TZ).date())};")
    attached = ["Danh sách đề nghị khen thưởng"]
    if sitting is not None and sitting.held_at is not None:  # one biên bản for the round's sitting
        attached[:0] = [f"Biên bản họp Hội đồng Thi đua - Khen thưởng {unit.spelled_name} ngày "
                        f"{sitting.held_at.astimezone(LOCAL_TZ).date():%d/%m/%Y}", "Biên bản kiểm phiếu"]
    elif minutes:
        attached.insert(0, f"Biên bản họp Hội đồng Thi đua - Khen thưởng {unit.spelled_name} ({len(minutes)} biên bản)")
    today = local_today(ctx.clock)
    document = render_submission(SubmissionDocument(
        governing_body=None, issuer=unit.spelled_name.upper(), issuer_short=unit.abbreviation or "UBND",
        issuer_name=unit.spelled_name, place=unit.place_name, signed_on=today, round_title=rnd.title,
        addressee=_head_of(above), bases=[b for b in bases if b], groups=groups, attached=attached,
        signer_title=signer_title(ctx, signer, unit), signer_name=signer.full_name))
    sha, _ = AttachmentStore(ctx.settings.attachment_root).put(io.BytesIO(document), ctx.settings.max_upload_bytes * 10)
    submission = RoundSubmission(round_id=rnd.id, unit_id=unit.id, to_unit_id=above.id, signed_on=today,
                                 signer_name=signer.full_name, dossier_ids=dossier_ids,
                                 nomination_ids=[n.id for n in nominations], document_sha256=sha,
                                 created_at=ctx.clock.now())
    ctx.session.add(submission)
    ctx.session.flush()
    audit.record(ctx, AuditAction.ROUND_SUBMITTED, "review_round", rnd.id, after={
        "submission": submission.id, "to_unit": above.code, "nominations": submission.nomination_ids,
        "docx_sha256": sha}, unit_id=unit.id)
    return submission


def minutes_of(ctx: Context, unit_id: int, dossier_ids: list[int]) -> list[CouncilSession]:
    """The minutes of a level's council on these dossiers: its tallied sessions (a dossier's part of a
    round's sitting has its minutes rendered when asked for)."""
    return list(ctx.session.scalars(
        select(CouncilSession).where(CouncilSession.unit_id == unit_id, CouncilSession.dossier_id.in_(dossier_ids),
                                     CouncilSession.status == SessionStatus.TALLIED).order_by(CouncilSession.id)))


def get_submission(ctx: Context, submission_id: int) -> RoundSubmission:
    """A tờ trình, to the level that sent it and the levels above it is addressed to (not to the
    proposers: it is a paper between reviewing levels)."""
    user = require_actor(ctx.actor)
    submission = ctx.session.get(RoundSubmission, submission_id)
    to_unit = ctx.session.get(Unit, submission.to_unit_id) if submission is not None else None
    readers = ({submission.unit_id, to_unit.id, *(u.id for u in to_unit.ancestors())}
               if submission and to_unit else set())
    if submission is None or not (role_units(ctx.session, user) & readers or is_admin(ctx.session, user)):
        raise NotFound(f"Không có tờ trình số {submission_id}.")
    return submission


def submission_file(ctx: Context, submission_id: int) -> NamedFile:
    submission = get_submission(ctx, submission_id)
    unit = ctx.session.get(Unit, submission.unit_id)
    assert unit is not None
    name = f"To-trinh-{unit.code}-{submission.signed_on:%Y%m%d}-{submission.id}.docx"
    return NamedFile(AttachmentStore(ctx.settings.attachment_root).read(submission.document_sha256), name, DOCX)


def submission_view(ctx: Context, submission: RoundSubmission) -> dict[str, Any]:
    """A tờ trình as the round pages and the API show it: who sent it to whom, with which minutes."""
    units = by_id(ctx.session, Unit, (submission.unit_id, submission.to_unit_id))
    return {"id": submission.id, "round_id": submission.round_id, "unit": units[submission.unit_id].name,
            "to_unit": units[submission.to_unit_id].name, "signed_on": submission.signed_on,
            "signer_name": submission.signer_name, "dossier_ids": submission.dossier_ids,
            "nomination_count": len(submission.nomination_ids),
            "minutes": [{"session_id": s.id, "dossier_id": s.dossier_id}
                        for s in minutes_of(ctx, submission.unit_id, submission.dossier_ids)]}


def decision_view(decision: Decision) -> dict[str, Any]:
    return {"id": decision.id, "number": decision.label, "signed_on": decision.signed_on,
            "award_type": decision.nominations[0].award_type if decision.nominations else None,
            "nomination_count": len(decision.nominations)}


def round_decision_data(ctx: Context, view: RoundDecisionView) -> dict[str, Any]:
    """The head's round page as data (the API's answer)."""
    return {
        "round_id": view.id, "title": view.title, "may_decide": view.may_decide, "ready": view.ready,
        "not_ready": [{"dossier_id": i, "title": t} for i, t in view.not_ready],
        "groups": [{"award_type": g.award_type, "award_name": g.award_name, "items": [
            {"nomination_id": i.nomination_id, "dossier_id": i.dossier_id, "nominee": i.nominee,
             "position": i.position, "proposing_unit": i.proposing_unit, "allowed": i.allowed,
             "lower_awards": [{"code": c, "name": n} for c, n in i.lower_awards]} for i in g.items]}
            for g in view.groups],
        "decisions": [decision_view(d) for d in view.decisions],
        "sent": [submission_view(ctx, s) for s in view.sent],
        "received": [submission_view(ctx, s) for s in view.received],
    }


def outcome_data(ctx: Context, outcome: RoundOutcome) -> dict[str, Any]:
    return {"dossiers": outcome.dossiers, "decisions": [decision_view(d) for d in outcome.decisions],
            "submissions": [submission_view(ctx, s) for s in outcome.submissions]}
