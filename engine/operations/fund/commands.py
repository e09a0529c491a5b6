"""Changes to the reward fund, each audited: money in, the payouts of an issued decision (its reward
amounts as rewards.yaml gave them on its signing date), a payout paid (once: of two officers at once,
one wins), the reward money a revocation recovered booked back as money in."""
from __future__ import annotations

from sqlalchemy import func, select, update

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, NotFound
from engine.models import (
    AuditAction,
    AwardeeKind,
    Decision,
    DecisionStatus,
    FundEntry,
    FundEntryKind,
    FundPayout,
    Nomination,
    NominationStatus,
    Revocation,
)
from engine.operations.access import require_actor
from engine.operations.fund.inputs import EntryInput
from engine.operations.fund.queries import fund_unit
from engine.operations.recovery import on_recovery
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
    if ctx.session.scalar(select(Nomination.status).where(Nomination.id == payout.nomination_id)) \
            == NominationStatus.REVOKED:
        raise Conflict(f"Khen thưởng của {payout.awardee_name} đã bị hủy bỏ: không chi tiền thưởng.")
    done = ctx.session.execute(
        update(FundPayout).where(FundPayout.id == payout_id, FundPayout.paid_at.is_(None))
        .values(paid_at=ctx.clock.now(), paid_by_id=user.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"Khoản chi tiền thưởng cho {payout.awardee_name} đã được ghi là đã chi.")
    ctx.session.refresh(payout)
    audit.record(ctx, AuditAction.FUND_PAYOUT_PAID, "fund_payout", payout.id, unit_id=payout.unit_id,
                 after={"decision": payout.decision_id, "nomination": payout.nomination_id, "amount": payout.amount})
    return payout


@on_recovery
def book_recovered_money(ctx: Context, revocation: Revocation, money: bool) -> list[FundEntry]:
    """The reward money a revocation recovered goes back into the fund that paid it: one entry of money
    in per fund, this year, for what had been paid to the revoked awardees (nothing was paid: nothing to
    book; a payout not paid yet is simply no longer owed, fund.queries). The officer confirming the
    recovery books it: no fund right is checked (the revocation's task already is)."""
    if not money or not revocation.nomination_ids:
        return []
    paid = ctx.session.execute(
        select(FundPayout.unit_id, func.sum(FundPayout.amount), func.count())
        .where(FundPayout.nomination_id.in_(revocation.nomination_ids), FundPayout.paid_at.is_not(None))
        .group_by(FundPayout.unit_id).order_by(FundPayout.unit_id)).all()
    user = require_actor(ctx.actor)
    today = local_today(ctx.clock)
    cancellation = ctx.session.get(Decision, revocation.cancellation_decision_id) \
        if revocation.cancellation_decision_id else None
    original = ctx.session.get(Decision, revocation.decision_id)
    why = (f"Thu hồi tiền thưởng theo Quyết định số {cancellation.label} hủy bỏ khen thưởng"
           if cancellation else "Thu hồi tiền thưởng do hủy bỏ khen thưởng")
    made = []
    for unit_id, amount, count in paid:
        note = f"{why} tại Quyết định số {original.label} ({count} người, tập thể)." if original else f"{why}."
        row = FundEntry(unit_id=unit_id, year=today.year, kind=FundEntryKind.RECOVERED, amount=int(amount),
                        entered_on=today, note=note[:500], created_by_id=user.id, created_at=ctx.clock.now())
        ctx.session.add(row)
        ctx.session.flush()
        audit.record(ctx, AuditAction.FUND_ENTRY_ADDED, "fund_entry", row.id, unit_id=unit_id,
                     complaint_id=revocation.complaint_id,
                     after={"year": row.year, "kind": row.kind.value, "amount": row.amount, "note": row.note,
                            "revocation": revocation.id})
        made.append(row)
    return made
