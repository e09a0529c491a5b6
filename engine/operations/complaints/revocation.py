"""Revocation of awards (Luật Thi đua, khen thưởng 2022, Art. 93(2)): prepare, decide, record the cancellation, confirm
recovery."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context, current_context
from engine.documents import CancellationDocument, RevokedAward, render_cancellation
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import (
    Decision,
    DecisionStatus,
    GrantedAward,
    HumanTask,
    Nomination,
    NominationStatus,
    Revocation,
    RevocationGround,
    RevocationStatus,
    Role,
    Unit,
    User,
)
from engine.operations import award_tally as tally
from engine.operations.access import holds_role, require_actor
from engine.operations.award.queries import get_decision, load_dossier, rules_of
from engine.operations.hooks import Outcome, before_complete, prefill
from engine.operations.numbering import next_number
from engine.operations.processes import start_process
from engine.operations.recovery import recovered
from engine.runtime.helpers import register
from engine.storage import attachment_store
from engine.vocabulary import AuditAction

# The point of Luật Thi đua, khen thưởng 2022, Art. 93(2), each ground is (its label is that point's words).
LEGAL_POINTS = {RevocationGround.FALSE_DECLARATION: "a", RevocationGround.FORGED_DOCUMENTS: "b",
                RevocationGround.WRONG_PROCEDURE: "c", RevocationGround.CRITERIA_NOT_MET: "d"}


def legal_point(ground: RevocationGround) -> str:
    """Where the law states the ground, as a decision cites it: "điểm b khoản 2 Điều 93"."""
    return f"điểm {LEGAL_POINTS[ground]} khoản 2 Điều 93"


def start_revocation(ctx: Context, decision_id: int, nomination_ids: list[int], ground: RevocationGround | str,
                     reason: str, *, complaint_id: int | None = None) -> Revocation:
    """Open a revocation of some awards of a decision; the office of the granting unit prepares it."""
    decision = ctx.session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"Không có quyết định số {decision_id}.")
    if complaint_id is None:  # started by hand: only the office of the unit that granted the awards
        user = require_actor(ctx.actor)
        if not holds_role(ctx.session, user, Role.OFFICE, decision.issuer_unit_id):
            raise Forbidden("Chỉ cơ quan thường trực của đơn vị đã khen thưởng được đề nghị hủy bỏ.")
    revocation = Revocation(decision_id=decision.id, granting_unit_id=decision.issuer_unit_id,
                            complaint_id=complaint_id, ground=RevocationGround(ground), nomination_ids=nomination_ids,
                            reason=reason, status=RevocationStatus.PREPARING,
                            created_by_id=ctx.actor.id if ctx.actor else None, created_at=ctx.clock.now())
    _check_nominations(ctx, revocation, nomination_ids, "nomination_ids")
    ctx.session.add(revocation)
    ctx.session.flush()
    audit.record(ctx, AuditAction.REVOCATION_STARTED, "revocation", revocation.id, unit_id=revocation.granting_unit_id,
                 complaint_id=complaint_id, after={"decision": decision.label, "nominations": nomination_ids,
                                                   "ground": revocation.ground.value if revocation.ground else None})
    instance, _ = start_process(ctx, "revocation", {"revocation_id": revocation.id,
                                                    "granting_unit": revocation.granting_unit_id})
    revocation.instance_id = instance.id
    return revocation


def _check_nominations(ctx: Context, revocation: Revocation, ids: list[int], field: str) -> None:
    granted = {n.id for n in ctx.session.scalars(select(Nomination).where(
        Nomination.decision_id == revocation.decision_id, Nomination.status == NominationStatus.APPROVED))}
    if not ids or not set(ids) <= granted:
        raise InvalidInput("Danh sách khen thưởng cần hủy bỏ không hợp lệ.", {field: (
            "Chỉ được hủy bỏ các trường hợp đã được khen thưởng theo quyết định này: "
            + (", ".join(map(str, sorted(granted))) or "không có") + ".")})


def _revocation(ctx: Context, revocation_id: int) -> Revocation:
    revocation = ctx.session.get(Revocation, int(revocation_id))
    if revocation is None:
        raise NotFound(f"Không có hồ sơ hủy bỏ số {revocation_id}.")
    return revocation


def _of_task(ctx: Context, task: HumanTask) -> Revocation:
    revocation = ctx.session.scalars(select(Revocation).where(Revocation.instance_id == task.instance_id)).one()
    return revocation


@prefill("revocation", "prepare_revocation")
def _prepare_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    revocation = _of_task(ctx, task)
    return {"ground": revocation.ground.value if revocation.ground else None,
            "nomination_ids": revocation.nomination_ids, "reason": revocation.reason}


@before_complete("revocation", "prepare_revocation")
def _prepare(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    revocation = _of_task(ctx, task)
    _check_nominations(ctx, revocation, data["nomination_ids"], "nomination_ids")
    revocation.ground, revocation.nomination_ids = RevocationGround(data["ground"]), data["nomination_ids"]
    revocation.reason = data["reason"]
    return Outcome(data)


@before_complete("revocation", "confirm_recovery")
def _confirm(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    revocation = _of_task(ctx, task)
    parts = [("đã" if data["certificate_recovered"] else "chưa") + " thu hồi hiện vật",
             ("đã" if data["money_recovered"] else "chưa") + " thu hồi tiền thưởng"]
    revocation.recovery_note = "; ".join(parts) + (f". {data['note']}" if data.get("note") else ".")
    recovered(ctx, revocation, money=bool(data["money_recovered"]))  # the fund books the money back
    return Outcome(data)


@register()
def record_revocation(revocation_id: int) -> None:
    """Cancel the awards: a numbered cancellation decision, nominations revoked, registry entries void."""
    ctx = current_context()
    revocation = _revocation(ctx, revocation_id)
    original = ctx.session.get(Decision, revocation.decision_id)
    issuer = ctx.session.get(Unit, revocation.granting_unit_id)
    assert original is not None and issuer is not None
    today = local_today(ctx.clock)
    signer = _signer(ctx, revocation)
    cancellation = Decision(issuer_unit_id=issuer.id, year=today.year, number=next_number(ctx, issuer.id, today.year),
                            symbol=original.symbol, signed_on=today, signer_name=signer.full_name if signer else None,
                            signer_title=original.signer_title, dossier_id=original.dossier_id,
                            rules_version=original.rules_version, status=DecisionStatus.ISSUED,
                            created_at=ctx.clock.now())
    ctx.session.add(cancellation)
    ctx.session.flush()
    nominations = [ctx.session.get(Nomination, i) for i in revocation.nomination_ids]
    for nomination in nominations:
        assert nomination is not None
        nomination.status = NominationStatus.REVOKED
        for award in ctx.session.scalars(select(GrantedAward).where(GrantedAward.nomination_id == nomination.id)):
            award.revoked_at = ctx.clock.now()  # no longer counts toward later criteria
    tally.count_revoked(ctx, original, nominations)  # type: ignore[arg-type]  # the statistics' summary
    remaining = ctx.session.scalars(select(Nomination).where(Nomination.decision_id == original.id,
                                                             Nomination.status == NominationStatus.APPROVED)).all()
    if not remaining:
        original.status = DecisionStatus.CANCELLED
    revocation.cancellation_decision_id = cancellation.id
    revocation.status = RevocationStatus.RECOVERING

    store_cancellation(ctx, revocation, original, cancellation, issuer, nominations)  # type: ignore[arg-type]
    audit.record(ctx, AuditAction.AWARDS_REVOKED, "revocation", revocation.id, unit_id=issuer.id,
                 complaint_id=revocation.complaint_id, dossier_id=original.dossier_id,
                 after={"decision": original.label, "cancellation": cancellation.label,
                        "nominations": revocation.nomination_ids}, reason=revocation.reason)


def _signer(ctx: Context, revocation: Revocation) -> User | None:
    task = ctx.session.scalars(select(HumanTask).where(HumanTask.instance_id == revocation.instance_id,
                                                       HumanTask.key == "decide_revocation",
                                                       HumanTask.completed_by_id.is_not(None))).first()
    return ctx.session.get(User, task.completed_by_id) if task and task.completed_by_id else None


@register()
def close_revocation(revocation_id: int) -> None:
    """The award items and money are recovered: the revocation is closed."""
    ctx = current_context()
    revocation = _revocation(ctx, revocation_id)
    revocation.status, revocation.recovered_at = RevocationStatus.CLOSED, ctx.clock.now()
    audit.record(ctx, AuditAction.REVOCATION_RECOVERED, "revocation", revocation.id,
                 unit_id=revocation.granting_unit_id, complaint_id=revocation.complaint_id,
                 after={"note": revocation.recovery_note})


@register()
def reject_revocation(revocation_id: int) -> None:
    """The head decided not to revoke: the revocation ends with nothing changed."""
    ctx = current_context()
    revocation = _revocation(ctx, revocation_id)
    revocation.status = RevocationStatus.REJECTED
    audit.record(ctx, AuditAction.REVOCATION_REJECTED, "revocation", revocation.id, unit_id=revocation.granting_unit_id,
                 complaint_id=revocation.complaint_id)


def get_revocation(ctx: Context, revocation_id: int) -> Revocation:

    revocation = _revocation(ctx, revocation_id)
    get_decision(ctx, revocation.decision_id)  # visible to those who may see the decision
    return revocation


def store_cancellation(ctx: Context, revocation: Revocation, original: Decision, cancellation: Decision,
                       issuer: Unit, nominations: list[Nomination]) -> None:

    assert original.dossier_id is not None and revocation.ground is not None
    rules, _ = rules_of(ctx, load_dossier(ctx, original.dossier_id))
    name = issuer.spelled_name
    title = cancellation.signer_title or "CHỦ TỊCH"
    document = render_cancellation(CancellationDocument(
        governing_body=None, issuer=name.upper(), issuer_short=issuer.abbreviation or "UBND",
        number=cancellation.number, year=cancellation.year, place=issuer.place_name,
        signed_on=cancellation.signed_on, authority=f"{title} {name.upper()}", legal_bases=list(rules.legal_bases),
        original_decision=(f"Quyết định số {original.label} ngày {original.signed_on:%d/%m/%Y} của "
                           f"{title.capitalize()} {name}"),
        ground=(f"{revocation.ground.label} ({legal_point(revocation.ground)} Luật Thi đua, khen thưởng năm "
                "2022)"),
        finding=revocation.reason or revocation.ground.label,
        awards=[RevokedAward(name=n.nominee_name, position=n.nominee_position,
                             award_name=rules.award_type(n.award_type).name) for n in nominations],
        recovery=("Cơ quan thường trực Hội đồng Thi đua - Khen thưởng thu hồi bằng, giấy khen, hiện vật và tiền "
                  "thưởng đã nhận theo quy định."),
        executors=(f"Văn phòng {name}, thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân, tập thể có tên "
                   "tại Điều 1 chịu trách nhiệm thi hành Quyết định này."),
        signer_capacity=None, signer_title=title, signer_name=cancellation.signer_name or "",
        recipients=["Như Điều 3;", "Lưu: VT, TĐKT."]))
    cancellation.document_sha256 = attachment_store(ctx.settings).put_bytes(document)
