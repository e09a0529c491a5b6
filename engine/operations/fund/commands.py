"""Changes to the reward fund, each audited: money in, the payouts of an issued decision (its reward
amounts as rewards.yaml gave them on its signing date), a payout paid (once: of two officers at once,
one wins)."""
from __future__ import annotations

from sqlalchemy import select, update

from engine import audit
from engine.context import Context
from engine.errors import Conflict, NotFound
from engine.models import (
    AuditAction,
    AwardeeKind,
    Decision,
    DecisionStatus,
    FundEntry,
    FundPayout,
    Nomination,
    NominationStatus,
)
from engine.operations.access import require_actor
from engine.operations.fund.inputs import EntryInput
from engine.operations.fund.queries import fund_unit
from engine.rules import load_rewards


def add_entry(ctx: Context, given: EntryInput) -> FundEntry:
    fund_unit(ctx, given.unit_id, keep=True)
    user = require_actor(ctx.actor)
    row = FundEntry(unit_id=given.unit_id, year=given.year, kind=given.kind, amount=given.amount,
                    entered_on=given.entered_on, note=given.note, created_by_id=user.id, created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, AuditAction.FUND_ENTRY_ADDED, "fund_entry", row.id, unit_id=row.unit_id,
                 after={"year": row.year, "kind": row.kind.value, "amount": row.amount, "note": row.note})
    return row


def create_payouts(ctx: Context, decision_id: int) -> list[FundPayout]:
    """One payout per awardee of an issued decision whose award carries money, from the issuer's fund;
    those already made are kept (running it again adds nothing). Returns the payouts made now."""
    decision = ctx.session.get(Decision, decision_id)
    if decision is None or decision.status != DecisionStatus.ISSUED or decision.dossier_id is None:
        raise NotFound(f"Không tìm thấy quyết định khen thưởng đã ban hành số {decision_id}.")
    fund_unit(ctx, decision.issuer_unit_id, keep=True)
    table = load_rewards(ctx.settings.rules_dir)
    made = set(ctx.session.scalars(select(FundPayout.nomination_id).where(FundPayout.decision_id == decision.id)))
    created = []
    for nomination in ctx.session.scalars(
            select(Nomination).where(Nomination.decision_id == decision.id,
                                     Nomination.status == NominationStatus.APPROVED).order_by(Nomination.id)):
        if nomination.id in made:
            continue
        reward = table.reward(nomination.award_type, AwardeeKind(nomination.nominee_kind), decision.signed_on)
        if reward is None:
            continue
        payout = FundPayout(unit_id=decision.issuer_unit_id, year=decision.year, decision_id=decision.id,
                            nomination_id=nomination.id, awardee_name=nomination.nominee_name,
                            award_type=nomination.award_type, amount=reward.amount, created_at=ctx.clock.now())
        ctx.session.add(payout)
        created.append(payout)
    ctx.session.flush()
    if created:
        audit.record(ctx, AuditAction.FUND_PAYOUTS_CREATED, "decision", decision.id, unit_id=decision.issuer_unit_id,
                     after={"payouts": len(created), "amount": sum(p.amount for p in created)})
    return created


def mark_paid(ctx: Context, payout_id: int) -> FundPayout:
    """Record that the money of a payout was handed over. One conditional UPDATE: of two officers
    marking it at once, the second finds it paid and is refused (Conflict), nothing counted twice."""
    payout = ctx.session.get(FundPayout, payout_id)
    if payout is None:
        raise NotFound(f"Không tìm thấy khoản chi số {payout_id}.")
    fund_unit(ctx, payout.unit_id, keep=True)
    user = require_actor(ctx.actor)
    done = ctx.session.execute(
        update(FundPayout).where(FundPayout.id == payout_id, FundPayout.paid_at.is_(None))
        .values(paid_at=ctx.clock.now(), paid_by_id=user.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"Khoản chi tiền thưởng cho {payout.awardee_name} đã được ghi là đã chi.")
    ctx.session.refresh(payout)
    audit.record(ctx, AuditAction.FUND_PAYOUT_PAID, "fund_payout", payout.id, unit_id=payout.unit_id,
                 after={"decision": payout.decision_id, "nomination": payout.nomination_id, "amount": payout.amount})
    return payout
