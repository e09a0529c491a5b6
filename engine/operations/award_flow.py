"""The steps of `award_dossier` and `level_review` that the engine runs itself (BPMN script tasks).

Each function here is registered as a helper a BPMN script may call; it acts through the
Context of the operation that is running the engine (engine.context.bound), in the same
transaction. Arguments are ids from task data; results are plain JSON values.
"""
from __future__ import annotations

from typing import Any

from engine import audit
from engine.clock import end_of_day, local_today
from engine.context import Context, current_context
from engine.models import Dossier, DossierStatus, NominationStatus, Unit, UnitLevel
from engine.operations.award_routing import (
    deciding_unit,
    load_dossier,
    next_reviewing_unit,
    open_nominations,
    require_route,
    unit_of,
)
from engine.operations.notifications import notify_heads, notify_office, notify_proposers
from engine.runtime.helpers import register


def rules_of(ctx: Context, dossier: Dossier) -> Any:
    """The rules version the dossier was submitted under, and the working-day calendar."""
    from engine.rules import load_rules

    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    rules = catalogue.version(dossier.rules_version) if dossier.rules_version else catalogue.on(local_today(ctx.clock))
    return rules, calendar


def _due_in_working_days(ctx: Context, calendar: Any, days: int) -> str:
    return end_of_day(calendar.add_working_days(local_today(ctx.clock), days)).isoformat()


def _event(ctx: Context, action: str, dossier: Dossier, after: dict[str, Any], unit_id: int | None = None,
           reason: str | None = None) -> None:
    audit.record(ctx, action, "dossier", dossier.id, after=after, reason=reason, unit_id=unit_id,
                 dossier_id=dossier.id)


@register()
def route_dossier(dossier_id: int) -> int:
    """Fix each nomination's deciding unit and send the dossier to the first reviewing unit."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, _ = rules_of(ctx, dossier)
    proposing = unit_of(dossier.proposing_unit_id, dossier)
    first = require_route(dossier)
    for nomination in dossier.nominations:
        unit = deciding_unit(proposing, rules.award_type(nomination.award_type).deciding_level)
        nomination.deciding_unit_id = unit.id if unit else None
    _enter_level(ctx, dossier, first)
    return first.id


def _enter_level(ctx: Context, dossier: Dossier, unit: Unit) -> None:
    dossier.reviewing_unit_id = unit.id
    dossier.status = DossierStatus.IN_REVIEW
    dossier.received_on = dossier.result_due_on = None
    dossier.overdue = False
    dossier.updated_at = ctx.clock.now()
    _event(ctx, "dossier_routed", dossier, {"reviewing_unit": unit.code,
                                            "nominations": [n.id for n in open_nominations(dossier)]},
           unit_id=unit.id)


@register()
def forward_to_next(dossier_id: int, reviewing_unit: int) -> bool:
    """Nominations were forwarded and there is a reviewing unit above to take them."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    forwarded = any(n.status == NominationStatus.FORWARDED for n in dossier.nominations)
    return forwarded and next_reviewing_unit(dossier, unit_of(reviewing_unit, dossier)) is not None


@register()
def climb_level(dossier_id: int, reviewing_unit: int) -> int:
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    above = next_reviewing_unit(dossier, unit_of(reviewing_unit, dossier))
    assert above is not None  # guarded by forward_to_next
    for nomination in dossier.nominations:
        if nomination.status == NominationStatus.FORWARDED:
            nomination.status = NominationStatus.PENDING
    _enter_level(ctx, dossier, above)
    return above.id


def _appraisal_days(rules: Any, dossier: Dossier, unit: Unit) -> int:
    """Working days for appraisal at this level (DOMAIN.md): more when the level submits upward."""
    table = rules.deadlines.appraisal
    if unit.level in (UnitLevel.CENTRAL, UnitLevel.STATE):
        return int(table.national)
    if unit.level in (UnitLevel.PROVINCE, UnitLevel.MINISTRY, UnitLevel.DEPARTMENT):
        submits_up = any(n.deciding_unit_id != unit.id for n in open_nominations(dossier))
        return int(table.province_to_prime_minister if submits_up else table.province)
    return int(table.commune)


@register()
def receive_dossier(dossier_id: int, reviewing_unit: int) -> str:
    """The dossier is complete: the clock starts. Returns the appraisal deadline (ISO time)."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, calendar = rules_of(ctx, dossier)
    unit = unit_of(reviewing_unit, dossier)
    days = _appraisal_days(rules, dossier, unit)
    dossier.status = DossierStatus.IN_REVIEW
    dossier.supplement_request = None
    dossier.received_on = local_today(ctx.clock)
    dossier.result_due_on = calendar.add_working_days(dossier.received_on, days)
    _event(ctx, "dossier_received", dossier, {"reviewing_unit": unit.code, "received_on": str(dossier.received_on),
                                              "result_due_on": str(dossier.result_due_on), "working_days": days},
           unit_id=unit.id)
    notify_proposers(ctx, dossier, "Hồ sơ đã được tiếp nhận",
                     f"{unit.name} đã tiếp nhận hồ sơ «{dossier.title}». Hạn trả kết quả thẩm định: "
                     f"{dossier.result_due_on:%d/%m/%Y}.")
    return end_of_day(dossier.result_due_on).isoformat()


@register()
def request_supplement(dossier_id: int, reviewing_unit: int, missing: str) -> str:
    """Ask the proposer once for what is missing; the clock does not run meanwhile."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, calendar = rules_of(ctx, dossier)
    unit = unit_of(reviewing_unit, dossier)
    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED
    dossier.supplement_request = missing
    dossier.updated_at = ctx.clock.now()
    due = _due_in_working_days(ctx, calendar, int(rules.deadlines.supplement))
    _event(ctx, "dossier_supplement_requested", dossier, {"missing": missing, "due": due}, unit_id=unit.id)
    notify_proposers(ctx, dossier, "Yêu cầu bổ sung hồ sơ",
                     f"{unit.name} yêu cầu bổ sung hồ sơ «{dossier.title}»: {missing}")
    return due


@register()
def alert_supplement_overdue(dossier_id: int, reviewing_unit: int) -> None:
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    _event(ctx, "dossier_supplement_overdue", dossier, {}, unit_id=reviewing_unit)
    notify_office(ctx, dossier, reviewing_unit, "Quá hạn bổ sung hồ sơ",
                  f"Đơn vị đề nghị chưa bổ sung hồ sơ «{dossier.title}» trong thời hạn.")


@register()
def return_dossier(dossier_id: int, reviewing_unit: int, reason: str) -> None:
    """The office returns the dossier: every nomination still open here is not approved."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    for nomination in open_nominations(dossier):
        nomination.status = NominationStatus.REJECTED
        nomination.outcome_note = f"Hồ sơ bị trả lại: {reason}"
        nomination.decided_by_unit_id = reviewing_unit
    _event(ctx, "dossier_returned", dossier, {"reason": reason}, unit_id=reviewing_unit, reason=reason)


@register()
def escalate_appraisal(dossier_id: int, reviewing_unit: int) -> None:
    """The appraisal deadline passed: flag the dossier and tell the head."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    dossier.overdue = True
    _event(ctx, "dossier_escalated", dossier, {"result_due_on": str(dossier.result_due_on)}, unit_id=reviewing_unit)
    notify_heads(ctx, dossier, reviewing_unit, "Quá hạn thẩm định hồ sơ",
                 f"Hồ sơ «{dossier.title}» đã quá hạn thẩm định ({dossier.result_due_on:%d/%m/%Y}).")


@register()
def plan_disclosure(dossier_id: int, reviewing_unit: int) -> str | None:
    """Publish the list for the award types that require it, at the level that decides them (or
    sends them beyond this tree). Returns the end of the disclosure period, or None."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, calendar = rules_of(ctx, dossier)
    top = next_reviewing_unit(dossier, unit_of(reviewing_unit, dossier)) is None
    days = max((rules.award_type(n.award_type).disclosure_days for n in open_nominations(dossier)
                if n.deciding_unit_id == reviewing_unit or (n.deciding_unit_id is None and top)), default=0)
    if days <= 0:
        return None
    until = _due_in_working_days(ctx, calendar, days)
    _event(ctx, "dossier_published", dossier, {"working_days": days, "until": until}, unit_id=reviewing_unit)
    return until


@register()
def has_pending(dossier_id: int) -> bool:
    return bool(open_nominations(load_dossier(current_context(), dossier_id)))


@register()
def issue_decisions(dossier_id: int) -> list[int]:
    from engine.operations.decisions import issue_for_dossier

    ctx = current_context()
    return [d.id for d in issue_for_dossier(ctx, load_dossier(ctx, dossier_id))]


@register()
def notify_result(dossier_id: int) -> None:
    """Close the dossier and tell the proposer every outcome, with reasons for what was not approved."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    dossier.status = DossierStatus.DECIDED
    dossier.decided_at = dossier.updated_at = ctx.clock.now()
    lines = [_outcome_line(n) for n in dossier.nominations]
    _event(ctx, "dossier_decided", dossier, {"outcomes": {n.id: n.status.value for n in dossier.nominations}})
    notify_proposers(ctx, dossier, "Kết quả xét khen thưởng", f"Kết quả hồ sơ «{dossier.title}»:\n" + "\n".join(lines))


_OUTCOME_TEXT = {
    NominationStatus.APPROVED: "được khen thưởng",
    NominationStatus.REJECTED: "không được khen thưởng",
    NominationStatus.FORWARDED: "đã được trình cấp có thẩm quyền ngoài hệ thống",
}


def _outcome_line(nomination: Any) -> str:
    text = _OUTCOME_TEXT.get(nomination.status, nomination.status.value)
    reason = f" Lý do: {nomination.outcome_note}" if nomination.status == NominationStatus.REJECTED else ""
    return f"- {nomination.nominee_name} ({nomination.award_type}): {text}.{reason}"
