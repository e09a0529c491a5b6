"""Issuing decisions: one per deciding unit, numbered gaplessly per issuer per year, written to the
award registry, and generated as a DOCX in the Nghị định 30/2020 layout."""
from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from engine import anchor, audit
from engine.clock import local_today
from engine.context import Context
from engine.documents import Awardee, AwardGroup, DecisionDocument, render_decision
from engine.models import (
    Decision,
    DecisionStatus,
    Dossier,
    HumanTask,
    Nomination,
    NominationStatus,
    Unit,
    UnitLevel,
    User,
)
from engine.operations.award.queries import rules_of
from engine.operations.numbering import next_number
from engine.operations.registry.commands import find_or_create_awardee, record_award
from engine.storage import AttachmentStore
from engine.vocabulary import AuditAction

HEAD_TITLES = {UnitLevel.DEPARTMENT: "GIÁM ĐỐC", UnitLevel.MINISTRY: "BỘ TRƯỞNG", UnitLevel.CENTRAL: "THỦ TƯỚNG"}



def issue_for_dossier(ctx: Context, dossier: Dossier) -> list[Decision]:
    groups: dict[int, list[Nomination]] = defaultdict(list)
    for nomination in dossier.nominations:
        if nomination.status == NominationStatus.APPROVED and nomination.decision_id is None:
            assert nomination.decided_by_unit_id is not None
            groups[nomination.decided_by_unit_id].append(nomination)
    return [_issue(ctx, dossier, ctx.session.get(Unit, unit_id), nominations)  # type: ignore[arg-type]
            for unit_id, nominations in sorted(groups.items())]


def _signer(ctx: Context, dossier: Dossier, unit_id: int) -> User | None:
    """The head who decided at that level signs."""
    task = ctx.session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.key == "decide",
                                HumanTask.unit_id == unit_id, HumanTask.completed_by_id.is_not(None))
        .order_by(HumanTask.id.desc())
    ).first()
    return ctx.session.get(User, task.completed_by_id) if task and task.completed_by_id else None


def _issue(ctx: Context, dossier: Dossier, issuer: Unit, nominations: list[Nomination]) -> Decision:

    today = local_today(ctx.clock)
    rules, _ = rules_of(ctx, dossier)
    signer = _signer(ctx, dossier, issuer.id)
    decision = Decision(
        issuer_unit_id=issuer.id, year=today.year, number=next_number(ctx, issuer.id, today.year),
        symbol=f"QĐ-{issuer.abbreviation or 'UBND'}", signed_on=today,
        signer_name=signer.full_name if signer else None, signer_title=HEAD_TITLES.get(issuer.level, "CHỦ TỊCH"),
        dossier_id=dossier.id, rules_version=rules.id, status=DecisionStatus.ISSUED, created_at=ctx.clock.now(),
    )
    ctx.session.add(decision)
    ctx.session.flush()
    for nomination in nominations:
        nomination.decision_id = decision.id
        awardee = find_or_create_awardee(ctx, nomination.nominee_kind, nomination.nominee_name,
                                         dossier.proposing_unit_id, position=nomination.nominee_position,
                                         person_id=nomination.awardee_id)
        nomination.awardee_id = awardee.id
        record_award(ctx, awardee, nomination.award_type, dossier.year, dossier.kind.value, decision.id,
                     nomination.id)
    document = render(ctx, decision, dossier, issuer, nominations, rules)
    decision.document_sha256, _ = AttachmentStore(ctx.settings.attachment_root).put(
        io.BytesIO(document), ctx.settings.max_upload_bytes * 10)
    audit.record(ctx, AuditAction.DECISION_ISSUED, "decision", decision.id,
                 after={"number": decision.label, "issuer": issuer.code, "nominations": [n.id for n in nominations]},
                 unit_id=issuer.id, dossier_id=dossier.id)
    # Sign the chain's head with the decision in it, in the decision's own transaction: under the chain
    # lock held to the commit, so the signed head is exactly what commits, and a rollback takes both.
    anchor.checkpoint(ctx)
    return decision



def render(ctx: Context, decision: Decision, dossier: Dossier, issuer: Unit, nominations: list[Nomination],
           rules: Any) -> bytes:

    proposing = ctx.session.get(Unit, dossier.proposing_unit_id)
    assert proposing is not None
    by_type: dict[str, list[Nomination]] = defaultdict(list)
    for nomination in nominations:
        by_type[nomination.award_type].append(nomination)
    groups = [AwardGroup(award_name=rules.award_type(code).name, recipients=[
        Awardee(name=n.nominee_name,
                position=", ".join(p for p in (n.nominee_position, n.nominee_unit) if p) or None,
                achievement=None) for n in items]) for code, items in by_type.items()]
    issuer_name = issuer.spelled_name
    governing = issuer.parent.spelled_name.upper() if issuer.level == UnitLevel.DEPARTMENT and issuer.parent else None
    title = decision.signer_title or "CHỦ TỊCH"
    return render_decision(DecisionDocument(
        governing_body=governing, issuer=issuer_name.upper(), issuer_short=issuer.abbreviation or "UBND",
        number=decision.number, year=decision.year, place=issuer.place_name, signed_on=decision.signed_on,
        summary="Về việc khen thưởng", authority=f"{title} {issuer_name.upper()}",
        legal_bases=list(rules.legal_bases),
        proposal=f"Xét đề nghị của {proposing.name} và của cơ quan thường trực Hội đồng Thi đua - Khen thưởng.",
        groups=groups, reward_note=None,
        executors=(f"Văn phòng {issuer_name}, thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân, "
                   "tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."),
        signer_capacity=None, signer_title=title, signer_name=decision.signer_name or "",
        recipients=["Như Điều 3;", f"{proposing.name};", "Lưu: VT, TĐKT."],
    ))
