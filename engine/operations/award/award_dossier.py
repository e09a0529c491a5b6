"""The script helpers of `award_dossier.bpmn`: routing a submitted dossier, climbing to the next level,
issuing the decisions, telling the proposer, and freezing or releasing a nomination when a complaint
about it is accepted or resolved (messages `nomination_frozen` / `nomination_released`).

Each helper acts through the Context of the operation running the engine (engine.context.bound), in
the same transaction; arguments are ids from task data, results plain JSON values.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from engine import audit
from engine.context import current_context
from engine.models import DossierStatus, NominationStatus, Role, Unit
from engine.operations.access import users_with_role
from engine.operations.admission import admit
from engine.operations.award.decisions import issue_for_dossier
from engine.operations.award.queries import award_names, load_dossier, rules_of
from engine.operations.award.routing import (
    deciding_unit,
    dossier_event,
    enter_level,
    next_reviewing_unit,
    require_route,
    unit_of,
)
from engine.operations.award.state_award import start_state_award
from engine.operations.notifications import notify, notify_proposers
from engine.rules import RulesVersion
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction


def _may_decide(rules: RulesVersion, code: str, unit: Unit) -> bool:
    return rules.may_decide(unit.level, code)


@register()
def route_dossier(dossier_id: int) -> int:
    """Fix each nomination's deciding unit and send the dossier to the first reviewing unit."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, _ = rules_of(ctx, dossier)
    proposing = unit_of(dossier.proposing_unit_id, dossier)
    first = require_route(dossier)
    for nomination in dossier.nominations:
        code = nomination.award_type
        unit = deciding_unit(proposing, rules.award_type(code).deciding_level, partial(_may_decide, rules, code))
        nomination.deciding_unit_id = unit.id if unit else None
    enter_level(ctx, dossier, first)
    return first.id


@register()
def forward_to_next(dossier_id: int, reviewing_unit: int) -> bool:
    """Nominations were forwarded and there is a reviewing unit above to take them."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    forwarded = any(n.status == NominationStatus.FORWARDED for n in dossier.nominations)
    return forwarded and next_reviewing_unit(dossier, unit_of(reviewing_unit, dossier)) is not None


@register()
def climb_level(dossier_id: int, reviewing_unit: int) -> int:
    """Send the forwarded nominations to the next reviewing unit up the tree; returns its id."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    above = next_reviewing_unit(dossier, unit_of(reviewing_unit, dossier))
    assert above is not None  # guarded by forward_to_next
    for nomination in dossier.nominations:
        if nomination.status == NominationStatus.FORWARDED:
            nomination.status = NominationStatus.PENDING
    enter_level(ctx, dossier, above)
    admit(ctx, dossier, above, submitting=False)  # joins a review round open there, if one fits
    return above.id


@register()
def issue_decisions(dossier_id: int) -> list[int]:
    """One numbered decision (DOCX) per unit that approved nominations not yet in a decision; returns their ids."""
    ctx = current_context()
    return [d.id for d in issue_for_dossier(ctx, load_dossier(ctx, dossier_id))]


@register()
def notify_result(dossier_id: int) -> None:
    """Close the dossier and tell the proposer every outcome, with reasons for what was not approved; what
    was forwarded beyond the tree is tracked from here on (state_award.bpmn)."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    dossier.status = DossierStatus.DECIDED
    dossier.decided_at = dossier.updated_at = ctx.clock.now()
    names = award_names(ctx)  # a clerk reads award names, not codes
    lines = [outcome_line(n, names) for n in dossier.nominations]
    dossier_event(ctx, AuditAction.DOSSIER_DECIDED, dossier,
                  {"outcomes": {n.id: n.status.value for n in dossier.nominations}})
    notify_proposers(ctx, dossier, "Kết quả xét khen thưởng", f"Kết quả hồ sơ «{dossier.title}»:\n" + "\n".join(lines))
    start_state_award(ctx, dossier)  # what was forwarded beyond the tree: state_award.bpmn


# What the proposer is told besides the outcome itself.
_OUTCOME_NOTE = {NominationStatus.FORWARDED: " Cấp có thẩm quyền xét tiếp ngoài hệ thống."}


def outcome_line(nomination: Any, names: dict[str, str]) -> str:
    status = NominationStatus(nomination.status)
    note = _OUTCOME_NOTE.get(status, "")
    if status == NominationStatus.REJECTED:
        note = f" Lý do: {nomination.outcome_note}"
    award = names.get(nomination.award_type, nomination.award_type)
    return f"- {nomination.nominee_name} ({award}): {status.label}.{note}"


@register()
def freeze_nomination(dossier_id: int, message: dict[str, Any]) -> None:
    """A complaint or denunciation names a nomination under review: stop its review until resolved."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    nomination = next((n for n in dossier.nominations if n.id == message["nomination_id"]), None)
    if nomination is None or nomination.status != NominationStatus.PENDING:
        return
    nomination.status = NominationStatus.FROZEN
    audit.record(ctx, AuditAction.NOMINATION_FROZEN, "nomination", nomination.id,
                 before={"status": NominationStatus.PENDING.value}, after={"status": NominationStatus.FROZEN.value},
                 dossier_id=dossier.id, complaint_id=message.get("complaint_id"))
    if dossier.reviewing_unit_id:
        notify(ctx, users_with_role(ctx, Role.OFFICE, dossier.reviewing_unit_id), dossier, "Tạm dừng xét đề nghị",
               f"Đề nghị khen thưởng {nomination.nominee_name} tạm dừng xét do có khiếu nại, tố cáo.")


@register()
def release_nomination(dossier_id: int, message: dict[str, Any]) -> None:
    """The complaint or denunciation is resolved: resume the nomination's review, or reject it if upheld."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    nomination = next((n for n in dossier.nominations if n.id == message["nomination_id"]), None)
    if nomination is None or nomination.status != NominationStatus.FROZEN:
        return
    if message.get("reject"):
        nomination.status = NominationStatus.REJECTED
        nomination.outcome_note = message.get("reason") or "Khiếu nại, tố cáo được kết luận đúng."
        nomination.decided_by_unit_id = dossier.reviewing_unit_id
    else:
        nomination.status = NominationStatus.PENDING
    audit.record(ctx, AuditAction.NOMINATION_RELEASED, "nomination", nomination.id,
                 before={"status": NominationStatus.FROZEN.value}, after={"status": nomination.status.value},
                 reason=nomination.outcome_note,
                 dossier_id=dossier.id, complaint_id=message.get("complaint_id"))
