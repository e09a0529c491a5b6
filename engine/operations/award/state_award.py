"""`state_award.bpmn`: what the forwarding level (the province) does for the nominations it forwards
beyond the tree, before the central decision: the consultation (hiệp y) of the agencies concerned, the
opinion of the provincial Party committee's standing board where the rules version requires it for the
award, the submission (tờ trình and list) to the central level; then the process waits for the decision,
which `state_awards.record_state_decision` records and which ends it. Periods: `state_award` in the
rules version the dossier was submitted under (workflows/rules/catalogue.yaml)."""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.clock import end_of_day, local_today
from engine.context import Context, current_context
from engine.documents.state_submission import render_state_submission
from engine.errors import InvalidInput
from engine.models import Dossier, HumanTask, Unit
from engine.operations.award.queries import load_dossier, rules_of
from engine.operations.award.routing import dossier_event
from engine.operations.award.state_awards import PROCESS_KEY, waiting_outside
from engine.operations.award.state_submission import submission_of
from engine.operations.hooks import before_complete
from engine.operations.notifications import notify_office
from engine.operations.processes import start_process
from engine.runtime.helpers import register
from engine.storage import attachment_store
from engine.text import file_name
from engine.vocabulary import AuditAction

# The steps, in their order, with what the office is told when one is overdue.
STEP_LABELS = {
    "consultation": "Lấy ý kiến hiệp y",
    "party_opinion": "Ý kiến của Ban Thường vụ Tỉnh ủy",
    "submission": "Tờ trình đề nghị khen thưởng cấp Nhà nước",
}


def start_state_award(ctx: Context, dossier: Dossier) -> int | None:
    """Open the tracking of the nominations the dossier's last level forwarded beyond the tree (none
    waiting, or a rules version without `state_award`: nothing to track). Returns the instance id."""
    waiting = waiting_outside(dossier)
    rules, _ = rules_of(ctx, dossier)
    if not waiting or rules.state_award is None or dossier.reviewing_unit_id is None:
        return None
    instance, _ = start_process(ctx, PROCESS_KEY, {"dossier_id": dossier.id,
                                                   "forwarding_unit": dossier.reviewing_unit_id},
                               dossier_id=dossier.id)
    return instance.id


@register()
def plan_state_award(dossier_id: int, forwarding_unit: int) -> dict[str, Any]:
    """The due day of each step (ISO time, end of that day in Vietnam), each period counted from the
    day the step before was due, and whether the Party committee's opinion is required."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    rules, calendar = rules_of(ctx, dossier)
    steps = rules.state_award
    assert steps is not None  # guarded by start_state_award
    codes = sorted({n.award_type for n in waiting_outside(dossier)})
    party_required = any(code in steps.party_award_types for code in codes)
    day = local_today(ctx.clock)
    due: dict[str, date] = {}
    for key in ("consultation", "party_opinion", "submission"):
        if key == "party_opinion" and not party_required:
            continue
        day = due[key] = getattr(steps, key).period.last_day(day, calendar)
    dossier_event(ctx, AuditAction.STATE_AWARD_STARTED, dossier, {
        "award_types": codes, "party_opinion_required": party_required,
        "due": {key: value.isoformat() for key, value in due.items()},
    }, unit_id=forwarding_unit)
    plan: dict[str, Any] = {f"{key}_due": end_of_day(value).isoformat() for key, value in due.items()}
    plan["party_opinion_required"] = party_required
    plan.setdefault("party_opinion_due", None)
    return plan


@register()
def alert_state_step_overdue(dossier_id: int, forwarding_unit: int, step: str) -> None:
    """A step's due day passed with the step not recorded: audit it and tell the office."""
    ctx = current_context()
    dossier = load_dossier(ctx, dossier_id)
    dossier_event(ctx, AuditAction.STATE_AWARD_STEP_OVERDUE, dossier, {"step": step}, unit_id=forwarding_unit)
    notify_office(ctx, dossier, forwarding_unit, f"Quá hạn: {STEP_LABELS[step]}",
                  f"Hồ sơ «{dossier.title}»: bước «{STEP_LABELS[step]}» đã quá hạn mà chưa được ghi nhận.")


def _past_day(ctx: Context, data: dict[str, Any], field: str, errors: dict[str, str]) -> None:
    try:
        day = date.fromisoformat(str(data.get(field)))
    except ValueError:
        errors[field] = "Ngày không hợp lệ."
        return
    if day > local_today(ctx.clock):
        errors[field] = "Ngày không được sau hôm nay."


def _record_step(step: str, *dates: str) -> Any:
    def apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
        errors: dict[str, str] = {}
        for field in dates:
            _past_day(ctx, data, field, errors)
        if errors:
            raise InvalidInput(f"{STEP_LABELS[step]}: thông tin không hợp lệ; xem lỗi từng trường.", errors)
        assert task.dossier_id is not None
        dossier = load_dossier(ctx, task.dossier_id)
        dossier_event(ctx, AuditAction.STATE_AWARD_STEP_RECORDED, dossier, {"step": step, **data},
                      unit_id=task.unit_id)

    apply.__name__ = apply.__qualname__ = f"record_{step}"
    return apply


before_complete(PROCESS_KEY, "consult_agencies")(_record_step("consultation", "requested_on"))
before_complete(PROCESS_KEY, "party_opinion")(_record_step("party_opinion", "signed_on"))

@before_complete(PROCESS_KEY, "submit_to_central")
def record_submission(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    """The submission is recorded and its tờ trình, with the list of the nominations waiting, generated:
    stored in the attachment store, named in the audit event (state_awards.state_submission_file)."""
    errors: dict[str, str] = {}
    _past_day(ctx, data, "signed_on", errors)
    if errors:
        raise InvalidInput(f"{STEP_LABELS['submission']}: thông tin không hợp lệ; xem lỗi từng trường.", errors)
    _record_step("submission")(ctx, task, {**data, "document": _submission_document(ctx, task, data)})


def _submission_document(ctx: Context, task: HumanTask, data: dict[str, Any]) -> dict[str, str]:
    assert task.dossier_id is not None and task.unit_id is not None
    dossier = load_dossier(ctx, task.dossier_id)
    unit = ctx.session.get(Unit, task.unit_id)
    assert unit is not None
    content = render_state_submission(submission_of(ctx, dossier, unit, str(data["number"]),
                                                    date.fromisoformat(str(data["signed_on"])),
                                                    str(data.get("recipient") or "")))
    sha256 = attachment_store(ctx.settings).put_bytes(content)
    return {"sha256": sha256, "filename": file_name("Tờ-trình", str(data["number"]), unit.name, extension="docx"),
            "size": str(len(content))}

