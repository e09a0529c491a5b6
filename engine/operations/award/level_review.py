"""The script helpers and task hooks of `level_review.bpmn`: receiving a dossier at a level, the supplement
loop, returning it, the appraisal deadline, public disclosure; and the domain rules of its user tasks
beyond their forms (what `appraise` shows and accepts, what `decide` may do at this level, what a
supplement changes).

Helpers act through the Context of the operation running the engine (engine.context.bound), in the same
transaction; arguments are ids from task data, results plain JSON values.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from engine import audit
from engine.clock import LOCAL_TZ, end_of_day, local_today
from engine.context import Context, current_context
from engine.errors import Conflict, InvalidInput
from engine.models import (
    Decision,
    Disclosure,
    Dossier,
    DossierStatus,
    HumanTask,
    Nomination,
    NominationStatus,
    Role,
    Unit,
    UnitLevel,
)
from engine.operations.access import users_with_role
from engine.operations.award.award_dossier import outcome_line
from engine.operations.award.decisions import Registered, issue_for_dossier
from engine.operations.award.queries import award_names, load_dossier, open_nominations, rules_of
from engine.operations.award.routing import dossier_event, next_reviewing_unit, unit_of
from engine.operations.hooks import before_complete, prefill
from engine.operations.notifications import notify_heads, notify_office, notify_proposers
from engine.operations.numbering import lock_register
from engine.rules import load_layers, load_rules
from engine.rules.eligibility import check_nomination, eligibility_for
from engine.rules.emulation import emulation_checks
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction, Result


def _due_in_working_days(ctx: Context, calendar: Any, days: int) -> str:
    return end_of_day(calendar.add_working_days(local_today(ctx.clock), days)).isoformat()



def _appraisal_days(rules: Any, dossier: Dossier, unit: Unit) -> tuple[int, str | None]:
    """Working days for appraisal at this level (DOMAIN.md): more when the level submits upward; with the
    provincial layer's source when one set them."""
    table = rules.deadlines.appraisal
    if unit.level in (UnitLevel.CENTRAL, UnitLevel.STATE):
        key = "national"
    elif unit.level in (UnitLevel.PROVINCE, UnitLevel.MINISTRY, UnitLevel.DEPARTMENT):
        submits_up = any(n.deciding_unit_id != unit.id for n in open_nominations(dossier))
        key = "province_to_prime_minister" if submits_up else "province"
    else:
        key = "commune"
    return int(getattr(table, key)), rules.source_of(f"deadlines.appraisal.{key}")


def _level_note(source: str | None) -> str:
    return f" (mức theo {source})" if source else ""


@register()
def receive_dossier(dossier_id: int, reviewing_unit: int) -> str:
    """The dossier is complete: the clock starts. Returns the appraisal deadline (ISO time)."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, calendar = rules_of(ctx, dossier)
    unit = unit_of(reviewing_unit, dossier)
    days, source = _appraisal_days(rules, dossier, unit)
    dossier.status = DossierStatus.IN_REVIEW
    dossier.supplement_request = None
    dossier.received_on = local_today(ctx.clock)
    dossier.result_due_on = calendar.add_working_days(dossier.received_on, days)
    dossier_event(ctx, AuditAction.DOSSIER_RECEIVED, dossier, {
        "reviewing_unit": unit.code, "received_on": str(dossier.received_on),
        "result_due_on": str(dossier.result_due_on), "working_days": days,
        **({"source": source} if source else {}),
    }, unit_id=unit.id)
    notify_proposers(ctx, dossier, "Hồ sơ đã được tiếp nhận",
                     f"{unit.name} đã tiếp nhận hồ sơ «{dossier.title}». Hạn trả kết quả thẩm định: "
                     f"{dossier.result_due_on:%d/%m/%Y}{_level_note(source)}.")
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
    days, source = int(rules.deadlines.supplement), rules.source_of("deadlines.supplement")
    due = _due_in_working_days(ctx, calendar, days)
    dossier_event(ctx, AuditAction.DOSSIER_SUPPLEMENT_REQUESTED, dossier,
                  {"missing": missing, "due": due, "working_days": days, **({"source": source} if source else {})},
                  unit_id=unit.id)
    notify_proposers(ctx, dossier, "Yêu cầu bổ sung hồ sơ",
                     f"{unit.name} yêu cầu bổ sung hồ sơ «{dossier.title}»: {missing}")
    return due


@register()
def alert_supplement_overdue(dossier_id: int, reviewing_unit: int) -> None:
    """The supplement deadline passed: record it and tell the reviewing unit's office."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    dossier_event(ctx, AuditAction.DOSSIER_SUPPLEMENT_OVERDUE, dossier, {}, unit_id=reviewing_unit)
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
    dossier_event(ctx, AuditAction.DOSSIER_RETURNED, dossier, {"reason": reason}, unit_id=reviewing_unit, reason=reason)


@register()
def escalate_appraisal(dossier_id: int, reviewing_unit: int) -> None:
    """The appraisal deadline passed: flag the dossier and tell the head."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    dossier.overdue = True
    dossier_event(ctx, AuditAction.DOSSIER_ESCALATED, dossier, {"result_due_on": str(dossier.result_due_on)},
                  unit_id=reviewing_unit)
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
    here = [n for n in open_nominations(dossier)
            if n.deciding_unit_id == reviewing_unit or (n.deciding_unit_id is None and top)]
    level = unit_of(reviewing_unit, dossier).level
    days, source = max(((rules.award_type(n.award_type).disclosure_days_at(level),
                         rules.source_of(f"award_types.{n.award_type}.disclosure_days")
                         or rules.source_of(f"award_types.{n.award_type}.disclosure") or "") for n in here),
                       default=(0, ""))
    if days <= 0:
        return None
    until = _due_in_working_days(ctx, calendar, days)
    # The list the public pages show (/cong-khai): these nominations, at this level, until then.
    ctx.session.add(Disclosure(dossier_id=dossier.id, unit_id=reviewing_unit, nomination_ids=[n.id for n in here],
                               opened_at=ctx.clock.now(), until=datetime.fromisoformat(until)))
    dossier_event(ctx, AuditAction.DOSSIER_PUBLISHED, dossier,
                  {"working_days": days, "until": until, **({"source": source} if source else {})},
                  unit_id=reviewing_unit)
    return until


@register()
def issue_level_decisions(dossier_id: int, reviewing_unit: int) -> list[int]:
    """The head of this level has decided: its decision is issued now, numbered and dated today, not
    when the nominations it forwarded are decided above. When some go on to the level above, the
    proposer is told now what this level decided. Returns the ids of the decisions issued."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    unit = unit_of(reviewing_unit, dossier)
    issued = issue_for_dossier(ctx, dossier, unit_id=unit.id)
    decided = [n for n in dossier.nominations
               if n.decided_by_unit_id == unit.id and n.status != NominationStatus.FORWARDED]
    goes_on = any(n.status == NominationStatus.FORWARDED for n in dossier.nominations)
    if decided and goes_on and next_reviewing_unit(dossier, unit) is not None:
        ids = {n.decision_id for n in decided if n.decision_id is not None}  # issued now or by the văn thư
        labels = {d.id: f"{d.label} ngày {d.signed_on:%d/%m/%Y}"
                  for d in ctx.session.scalars(select(Decision).where(Decision.id.in_(ids)))}
        names = award_names(ctx)
        lines = [outcome_line(n, names)
                 + (f" Quyết định số {labels[n.decision_id]}." if n.decision_id in labels else "")
                 for n in decided]
        notify_proposers(ctx, dossier, f"Kết quả xét khen thưởng tại {unit.name}",
                         f"{unit.name} đã quyết định đối với hồ sơ «{dossier.title}»:\n" + "\n".join(lines)
                         + "\nCác đề nghị còn lại được trình cấp trên xét tiếp.")
    return [d.id for d in issued]


@register()
def clerk_registers(dossier_id: int, reviewing_unit: int) -> bool:
    """This level approved nominations and its org chart names a văn thư: the clerk numbers and dates
    the decision from the agency's register (`register_decision`); otherwise the app's register does."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    approved = any(n.status == NominationStatus.APPROVED and n.decided_by_unit_id == reviewing_unit
                   and n.decision_id is None for n in dossier.nominations)
    return approved and bool(users_with_role(ctx, Role.CLERK, reviewing_unit))


@register()
def has_pending(dossier_id: int) -> bool:
    """Some nomination of the dossier is still open at the current level."""
    return bool(open_nominations(load_dossier(current_context(), dossier_id)))


PROCESS = "level_review"  # hooks are keyed by the process defining the task, whoever calls it


def _open_here(ctx: Context, task: HumanTask) -> list[Nomination]:
    assert task.dossier_id is not None
    return open_nominations(load_dossier(ctx, task.dossier_id))


def _match(data: dict[str, Any], nominations: list[Nomination]) -> tuple[dict[int, dict[str, Any]], dict[str, str]]:
    """Pair the submitted rows with the nominations open at this level; every one exactly once."""
    rows: dict[int, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    known = {n.id for n in nominations}
    for index, row in enumerate(data.get("nominations", [])):
        if row["id"] not in known:
            errors[f"nominations[{index}].id"] = "Đề nghị này không thuộc hồ sơ hoặc không còn chờ xét ở cấp này."
        elif row["id"] in rows:
            errors[f"nominations[{index}].id"] = "Đề nghị bị lặp lại."
        else:
            rows[row["id"]] = row
    missing = sorted(known - set(rows))
    if missing:
        errors["nominations"] = "Còn thiếu kết quả cho đề nghị số: " + ", ".join(map(str, missing)) + "."
    return rows, errors


def _summary(nomination: Nomination) -> dict[str, Any]:
    return {"id": nomination.id, "award_type": nomination.award_type, "nominee": nomination.nominee_name}


def _award_namer(names: dict[str, str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A check's label and detail with award names in place of their codes ("CSTD_CS" → "Chiến sĩ thi đua
    cơ sở"): a clerk reads names."""
    if not names:
        return lambda check: check
    pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(
        re.escape(code) for code in sorted(names, key=len, reverse=True)) + r")(?![A-Za-z0-9_])")

    def named(check: dict[str, Any]) -> dict[str, Any]:
        return {**check, **{key: pattern.sub(lambda m: names[m.group(1)], check[key])
                            for key in ("label", "detail") if isinstance(check.get(key), str)}}
    return named


@prefill(PROCESS, "appraise")
def appraise_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """The automatic eligibility pre-check of every nomination open here: it informs, the officer decides."""
    items = []
    catalogue, layers = load_rules(ctx.settings.rules_dir)[0], load_layers(ctx.settings.rules_dir)
    named = _award_namer(award_names(ctx))
    for nomination in _open_here(ctx, task):
        year = nomination.dossier.year
        rules = eligibility_for(nomination.dossier, catalogue, layers)
        found = check_nomination(ctx.session, nomination, year=year, rules=rules) + emulation_checks(
            ctx.session, nomination, year=year, rules_dir=ctx.settings.rules_dir, on=local_today(ctx.clock))
        checks = [named(c.as_dict()) for c in found]
        items.append({**_summary(nomination), "checks": checks,
                      "eligible": all(c["result"] != Result.NOT_MET or c.get("blocking") is False for c in checks)})
    return {"nominations": items}


@before_complete(PROCESS, "appraise")
def appraise_apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    nominations = _open_here(ctx, task)
    rows, errors = _match(data, nominations)
    for index, row in enumerate(data.get("nominations", [])):
        if row.get("eligible") is False and not (row.get("note") or "").strip():
            errors[f"nominations[{index}].note"] = "Cần nêu lý do không đủ điều kiện."
    if errors:
        raise InvalidInput("Kết quả thẩm định chưa hợp lệ.", errors)
    prefilled = {item["id"]: item["checks"] for item in appraise_prefill(ctx, task)["nominations"]}
    for nomination in nominations:
        row = rows[nomination.id]
        nomination.eligible = row["eligible"]
        nomination.appraisal_note = row.get("note")
        nomination.checks = prefilled.get(nomination.id)
        if not row["eligible"]:
            nomination.status = NominationStatus.REJECTED
            nomination.outcome_note = f"Không đủ điều kiện: {row['note']}"
            nomination.decided_by_unit_id = task.unit_id


def _allowed(nomination: Nomination, unit_id: int) -> list[str]:
    """Approve only within this level's authority; forward only beyond it; reject always."""
    if nomination.status == NominationStatus.FROZEN:
        return []
    return ["approve", "reject"] if nomination.deciding_unit_id == unit_id else ["forward", "reject"]


@prefill(PROCESS, "decide")
def decide_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    return {"nominations": [{**_summary(n), "allowed": _allowed(n, task.unit_id)} for n in _open_here(ctx, task)]}


_REFUSED = {
    "approve": "Cấp này không có thẩm quyền khen thưởng loại này: chỉ có thể trình cấp trên hoặc không khen thưởng.",
    "forward": "Loại khen thưởng này thuộc thẩm quyền của cấp này: chỉ có thể khen thưởng hoặc không khen thưởng.",
}

# What each choice of the `decide` form makes of a nomination, and the event that records it.
_DECIDED = {
    "approve": (NominationStatus.APPROVED, AuditAction.NOMINATION_APPROVED),
    "reject": (NominationStatus.REJECTED, AuditAction.NOMINATION_REJECTED),
    "forward": (NominationStatus.FORWARDED, AuditAction.NOMINATION_FORWARDED),
}


@before_complete(PROCESS, "decide")
def decide_apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    nominations = _open_here(ctx, task)
    rows, errors = _match(data, nominations)
    frozen = [n.id for n in nominations if n.status == NominationStatus.FROZEN]
    if frozen:
        raise Conflict("Có đề nghị đang tạm dừng do khiếu nại, tố cáo: " + ", ".join(map(str, frozen)) + ".")
    by_id = {n.id: n for n in nominations}
    for index, row in enumerate(data.get("nominations", [])):
        nomination = by_id.get(row["id"])
        if nomination is None:
            continue
        if row["action"] not in _allowed(nomination, task.unit_id):
            errors[f"nominations[{index}].action"] = _REFUSED[row["action"]]
        if row["action"] == "reject" and not (row.get("note") or "").strip():
            errors[f"nominations[{index}].note"] = "Không khen thưởng phải nêu lý do."
    if errors:
        raise InvalidInput("Quyết định chưa hợp lệ.", errors)
    for nomination in nominations:
        row = rows[nomination.id]
        nomination.status, action = _DECIDED[row["action"]]
        nomination.outcome_note = row.get("note") or None
        nomination.decided_by_unit_id = task.unit_id
        audit.record(ctx, action, "nomination", nomination.id,
                     before={"status": NominationStatus.PENDING.value}, after={"status": nomination.status.value,
                                                          "award_type": nomination.award_type},
                     reason=nomination.outcome_note, role=task.role, unit_id=task.unit_id,
                     dossier_id=nomination.dossier_id)


@prefill(PROCESS, "register_decision")
def register_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """Today as the date; the number is the clerk's, from the agency's register."""
    return {"signed_on": local_today(ctx.clock).isoformat()}


@before_complete(PROCESS, "register_decision")
def register_apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    """Issue the level's decision under the number and date the văn thư entered: the number must be
    free in this unit's register for that year, the date neither in the future nor before the head decided."""
    assert task.dossier_id is not None
    dossier = load_dossier(ctx, task.dossier_id)
    signed_on = date.fromisoformat(data["signed_on"])
    errors: dict[str, str] = {}
    today = local_today(ctx.clock)
    if signed_on > today:
        errors["signed_on"] = f"Ngày ban hành không được sau hôm nay ({today:%d/%m/%Y})."
    decided_on = task.created_at.astimezone(LOCAL_TZ).date()  # the head's decision opened this task
    if signed_on < decided_on:
        errors["signed_on"] = f"Ngày ban hành không được trước ngày thủ trưởng quyết định ({decided_on:%d/%m/%Y})."
    lock_register(ctx, task.unit_id, signed_on.year)  # two clerks typing one number: the second is told it is taken
    taken = ctx.session.scalar(select(Decision.id).where(Decision.issuer_unit_id == task.unit_id,
                                                         Decision.year == signed_on.year,
                                                         Decision.number == data["number"]))
    if taken is not None:
        errors["number"] = f"Số {data['number']:02d} năm {signed_on.year} đã được dùng cho quyết định khác của đơn vị."
    if errors:
        raise InvalidInput("Số, ngày quyết định chưa hợp lệ.", errors)
    issue_for_dossier(ctx, dossier, unit_id=task.unit_id, registered=Registered(data["number"], signed_on))


@before_complete(PROCESS, "supplement_dossier")
def supplement_apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    assert task.dossier_id is not None
    dossier = load_dossier(ctx, task.dossier_id)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        raise Conflict("Hồ sơ không ở trạng thái chờ bổ sung.")
    dossier.status = DossierStatus.IN_REVIEW
    dossier.updated_at = ctx.clock.now()
    audit.record(ctx, AuditAction.DOSSIER_SUPPLEMENTED, "dossier", dossier.id, after={"note": data["note"]},
                 role=task.role, unit_id=task.unit_id, dossier_id=dossier.id)
