"""Domain rules of the user tasks of `level_review` beyond their forms: what `appraise` shows and
accepts, what `decide` may do at this level, what a supplement changes."""
from __future__ import annotations

from typing import Any

from engine import audit
from engine.context import Context
from engine.errors import Conflict, InvalidInput
from engine.models import DossierStatus, HumanTask, Nomination, NominationStatus
from engine.operations.award_routing import load_dossier, open_nominations
from engine.operations.hooks import before_complete, prefill

PROCESS = "award_dossier"  # level_review runs inside it: tasks belong to the award_dossier instance


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


@prefill(PROCESS, "appraise")
def appraise_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """The automatic eligibility pre-check of every nomination open here: it informs, the officer decides."""
    from engine.rules.eligibility import check_nomination

    items = []
    for nomination in _open_here(ctx, task):
        checks = [c.as_dict() for c in check_nomination(ctx.session, nomination, year=nomination.dossier.year)]
        items.append({**_summary(nomination), "checks": checks,
                      "eligible": all(c["result"] != "not_met" for c in checks)})
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
    status = {"approve": NominationStatus.APPROVED, "reject": NominationStatus.REJECTED,
              "forward": NominationStatus.FORWARDED}
    for nomination in nominations:
        row = rows[nomination.id]
        nomination.status = status[row["action"]]
        nomination.outcome_note = row.get("note") or None
        nomination.decided_by_unit_id = task.unit_id
        audit.record(ctx, f"nomination_{nomination.status.value}", "nomination", nomination.id,
                     before={"status": "pending"}, after={"status": nomination.status.value,
                                                          "award_type": nomination.award_type},
                     reason=nomination.outcome_note, role=task.role, unit_id=task.unit_id,
                     dossier_id=nomination.dossier_id)


@before_complete(PROCESS, "supplement_dossier")
def supplement_apply(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    assert task.dossier_id is not None
    dossier = load_dossier(ctx, task.dossier_id)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        raise Conflict("Hồ sơ không ở trạng thái chờ bổ sung.")
    dossier.status = DossierStatus.IN_REVIEW
    dossier.updated_at = ctx.clock.now()
    audit.record(ctx, "dossier_supplemented", "dossier", dossier.id, after={"note": data["note"]},
                 role=task.role, unit_id=task.unit_id, dossier_id=dossier.id)
