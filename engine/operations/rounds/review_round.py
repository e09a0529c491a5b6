"""The round as a process of its own (workflows/review_round.bpmn): started when the office opens the
round; its intake ends at the end of the cut-off day (a timer) or when the office closes the round (the
message `round_intake_closed`); where a nomination of the round needs the council's vote it waits for
the round's sitting (`round_sitting_counted`, sent by council_sitting.bpmn once it has counted); then
the head's `decide_round` task (its hook is the round decision, engine/operations/award/round_decision.py),
again while dossiers of the round are still on their way to their `decide`; then the round is closed.

The process keeps only ids; the round's status and its intake's end are the round's own columns, kept
in step by these steps. A round opened before the process existed (migration 0046, `instance_id` NULL)
runs without it: its head's decision takes the path it took before.
"""
from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.clock import end_of_day
from engine.context import Context, current_context
from engine.models import (
    CouncilSitting,
    Dossier,
    InstanceStatus,
    ProcessInstance,
    ReviewRound,
    RoundEntry,
    RoundStatus,
    SessionStatus,
)
from engine.operations.award.queries import open_nominations, rules_of
from engine.operations.processes import send_message_if_waiting, start_process
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction

PROCESS = "review_round"
INTAKE_CLOSED = "round_intake_closed"


def start_round_process(ctx: Context, rnd: ReviewRound) -> None:
    """The round's process, started with the round: it waits for the end of the cut-off day."""
    instance, _ = start_process(ctx, PROCESS, {"round_id": rnd.id, "reviewing_unit": rnd.unit_id,
                                               "intake_until": end_of_day(rnd.cutoff_on).isoformat()})
    rnd.instance_id = instance.id
    ctx.session.flush()


def end_intake(ctx: Context, rnd: ReviewRound) -> None:
    """The office closed the round: its process stops waiting for the cut-off (when it still does)."""
    if rnd.instance_id is not None:
        send_message_if_waiting(ctx, rnd.instance_id, INTAKE_CLOSED, {"closed_by": rnd.closed_by_id})


def _round(ctx: Context, round_id: int) -> ReviewRound:
    rnd = ctx.session.get(ReviewRound, int(round_id))
    assert rnd is not None
    return rnd


def _live_dossiers(ctx: Context, rnd: ReviewRound) -> list[Dossier]:
    """The round's dossiers still under review at its level (their process runs)."""
    return list(ctx.session.scalars(
        select(Dossier).join(RoundEntry, RoundEntry.dossier_id == Dossier.id)
        .join(ProcessInstance, ProcessInstance.id == Dossier.instance_id)
        .where(RoundEntry.round_id == rnd.id, Dossier.reviewing_unit_id == rnd.unit_id,
               ProcessInstance.status == InstanceStatus.RUNNING).order_by(Dossier.id)))


def _needs_council(ctx: Context, dossier: Dossier) -> bool:
    rules, _ = rules_of(ctx, dossier)
    return any(rules.needs_council(dossier.kind, n.award_type) for n in open_nominations(dossier))


@register()
def close_round_intake(round_id: int) -> bool:
    """The intake ended (the cut-off day is over, or the office closed the round): recorded on the round.
    Late dossiers are refused or wait for the next round as the round's late policy says (admission).
    True when the round waits for its council's sitting: a nomination of it needs a vote and the
    sitting has not counted yet."""
    ctx = current_context()
    rnd = _round(ctx, round_id)
    rnd.intake_closed_at = ctx.clock.now()
    sitting = ctx.session.scalars(select(CouncilSitting).where(CouncilSitting.round_id == rnd.id)).one_or_none()
    counted = sitting is not None and sitting.status is not SessionStatus.OPEN
    dossiers = _live_dossiers(ctx, rnd)
    awaits = not counted and any(_needs_council(ctx, d) for d in dossiers)
    ctx.session.flush()
    audit.record(ctx, AuditAction.ROUND_INTAKE_CLOSED, "review_round", rnd.id, unit_id=rnd.unit_id, after={
        "by": "office" if rnd.status is RoundStatus.CLOSED else "cutoff", "late_policy": rnd.late_policy.value,
        "dossiers": [d.id for d in dossiers], "awaits_sitting": awaits})
    return awaits


@register()
def round_pending(round_id: int) -> bool:
    """Dossiers of the round still to be decided at its level (on their way to `decide`, or there)."""
    ctx = current_context()
    return any(open_nominations(d) for d in _live_dossiers(ctx, _round(ctx, round_id)))


@register()
def finish_round(round_id: int) -> None:
    """The head has decided every dossier of the round: the round ends closed (no dossier joins it)."""
    ctx = current_context()
    rnd = _round(ctx, round_id)
    if rnd.status is RoundStatus.CLOSED:
        return
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.ROUND_CLOSED, "review_round", rnd.id, before={"status": RoundStatus.OPEN.value},
                 after={"status": rnd.status.value, "decided": True}, unit_id=rnd.unit_id)
