"""State-level awards (Prime Minister, President, the central level): the nominations the highest level of
the tree forwarded "outside the system" wait for the central decision; when it arrives, that level's
standing office records it (number, date, issuer, who received the award and who did not). The decision
becomes a registry decision and each award a registry award citing it, so later pre-checks read them.

The steps before the decision (the hiệp y consultation, the Party committee's opinion, the province's
submission) are the process `state_award.bpmn` (state_award.py); recording the decision ends it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import (
    Dossier,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    InstanceStatus,
    Nomination,
    NominationStatus,
    ProcessInstance,
    RegistryDecision,
    Role,
)
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.award.queries import visible_dossier
from engine.operations.award.routing import next_reviewing_unit
from engine.operations.inputs import Faults, day, text
from engine.operations.notifications import notify_proposers
from engine.operations.processes import cancel_process, send_message
from engine.operations.registry.commands import find_or_create_awardee, record_award
from engine.text import fold
from engine.vocabulary import AuditAction

MAX_NUMBER, MAX_ISSUER = 60, 300
PROCESS_KEY = "state_award"  # workflows/state_award.bpmn
DECISION_MESSAGE = "state_decision_recorded"


@dataclass(frozen=True)
class StateDecisionInput:
    number: str
    signed_on: date
    issuer: str
    awarded: frozenset[int]  # nomination ids; the other nominations waiting are not awarded


def waiting_outside(dossier: Dossier) -> list[Nomination]:
    """The nominations forwarded beyond the tree's highest level and still without a decision."""
    if dossier.status != DossierStatus.DECIDED or dossier.reviewing_unit is None:
        return []
    if next_reviewing_unit(dossier, dossier.reviewing_unit) is not None:
        return []
    return [n for n in dossier.nominations if n.status == NominationStatus.FORWARDED]


def can_record(ctx: Context, dossier: Dossier) -> bool:
    """The standing office of the level that forwarded them (or an administrator)."""
    user = require_actor(ctx.actor)
    return dossier.reviewing_unit_id is not None and (
        is_admin(ctx.session, user) or holds_role(ctx.session, user, Role.OFFICE, dossier.reviewing_unit_id))


def read_state_decision(ctx: Context, raw: dict[str, object]) -> StateDecisionInput:
    faults = Faults()
    number = text(raw.get("number"), "number", faults, high=MAX_NUMBER)
    signed_on = day(raw.get("signed_on"), "signed_on", faults, required=True, high=local_today(ctx.clock))
    issuer = text(raw.get("issuer"), "issuer", faults, high=MAX_ISSUER)
    awarded_raw = raw.get("awarded") or []
    awarded: set[int] = set()
    if not isinstance(awarded_raw, list) or not all(isinstance(i, int) or (isinstance(i, str) and i.isdigit())
                                                    for i in awarded_raw):
        faults.add("awarded", "Danh sách đề nghị được khen thưởng không hợp lệ.")
    else:
        awarded = {int(i) for i in awarded_raw}
    if faults.errors or number is None or signed_on is None or issuer is None:
        raise InvalidInput("Quyết định của cấp có thẩm quyền có thông tin không hợp lệ; xem lỗi từng trường.",
                           faults.errors)
    return StateDecisionInput(number, signed_on, issuer, frozenset(awarded))


def record_state_decision(ctx: Context, dossier_id: int, given: StateDecisionInput) -> RegistryDecision:
    """Record the central decision on the nominations waiting outside the system."""
    _, dossier = visible_dossier(ctx, dossier_id, for_update=True)
    if not can_record(ctx, dossier):
        raise Forbidden("Chỉ cơ quan thường trực của cấp đã trình mới ghi được quyết định của cấp có thẩm quyền.")
    waiting = waiting_outside(dossier)
    if not waiting:
        raise Conflict("Hồ sơ không có đề nghị nào đang chờ quyết định của cấp có thẩm quyền ngoài hệ thống.")
    unknown = given.awarded - {n.id for n in waiting}
    if unknown:
        raise InvalidInput("Có đề nghị không thuộc danh sách đang chờ quyết định.",
                           {"awarded": f"Không có đề nghị đang chờ số {', '.join(map(str, sorted(unknown)))}."})
    decision = ctx.session.scalars(select(RegistryDecision).where(
        RegistryDecision.number == given.number, RegistryDecision.signed_on == given.signed_on,
        RegistryDecision.issuer_folded == fold(given.issuer))).one_or_none()
    if decision is None:
        decision = RegistryDecision(number=given.number, signed_on=given.signed_on, issuer=given.issuer,
                                    issuer_folded=fold(given.issuer), created_at=ctx.clock.now())
        ctx.session.add(decision)
        ctx.session.flush()
        audit.record(ctx, AuditAction.REGISTRY_DECISION_RECORDED, "registry_decision", decision.id,
                     after={"number": decision.number, "signed_on": decision.signed_on.isoformat(),
                            "issuer": decision.issuer}, unit_id=dossier.reviewing_unit_id, dossier_id=dossier.id)
    outcomes: dict[int, str] = {}
    for nomination in waiting:
        if nomination.id in given.awarded:
            awardee = find_or_create_awardee(ctx, nomination.nominee_kind, nomination.nominee_name,
                                             dossier.proposing_unit_id, nomination.nominee_position,
                                             nomination.awardee_id)
            nomination.awardee_id = awardee.id
            award = record_award(ctx, awardee, nomination.award_type, dossier.year, dossier.kind, None, nomination.id)
            award.registry_decision_id = decision.id
            nomination.status = NominationStatus.APPROVED
            nomination.outcome_note = f"Được khen thưởng theo {decision.citation}."
        else:
            nomination.status = NominationStatus.REJECTED
            nomination.outcome_note = f"Không có tên trong {decision.citation}."
        outcomes[nomination.id] = nomination.status.value
    dossier.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.STATE_DECISION_RECORDED, "dossier", dossier.id,
                 after={"registry_decision_id": decision.id, "outcomes": outcomes},
                 role=Role.OFFICE, unit_id=dossier.reviewing_unit_id, dossier_id=dossier.id)
    notify_proposers(ctx, dossier, "Quyết định khen thưởng của cấp có thẩm quyền",
                     f"{decision.citation}: " + "; ".join(
                         f"{n.nominee_name}: {n.status.label}" for n in waiting) + ".")
    _end_tracking(ctx, dossier, decision)
    return decision


def _end_tracking(ctx: Context, dossier: Dossier, decision: RegistryDecision) -> None:
    """The decision ends the dossier's `state_award` process: at its wait, by its message; a step still
    open (the office had not recorded it) is cancelled with the decision as the reason."""
    instance = ctx.session.scalars(select(ProcessInstance).where(
        ProcessInstance.dossier_id == dossier.id, ProcessInstance.process_key == PROCESS_KEY,
        ProcessInstance.status == InstanceStatus.RUNNING)).first()
    if instance is None:  # forwarded before the process existed
        return
    open_steps = ctx.session.scalars(select(HumanTask.id).where(
        HumanTask.instance_id == instance.id, HumanTask.state == HumanTaskState.READY)).first()
    if open_steps is not None:
        cancel_process(ctx, instance.id, f"Đã có {decision.citation}.")
    else:
        send_message(ctx, instance.id, DECISION_MESSAGE, {"registry_decision_id": decision.id})
