"""Who may see and act on a dossier or a decision, asked of the object itself, and the SQL filters
that mirror those answers in lists.

A dossier is seen by anyone holding a role at the proposing unit or at any unit above it (higher
levels see what comes from below) and by administrators; a draft never submitted belongs to its unit:
above it, nobody sees it until it is submitted; to everybody else it does not exist
(NotFound). Changing it is for the proposers of the proposing unit; others who see it are told
Forbidden. A decision is seen by those who see its dossier or hold a role at or above its issuer.
"""
from __future__ import annotations

from sqlalchemy import exists, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.context import Context
from engine.db import is_postgres
from engine.errors import Forbidden, NotFound
from engine.models import (
    Council,
    CouncilMember,
    Decision,
    Dossier,
    DossierStatus,
    Nomination,
    NominationStatus,
    Role,
    RoleGrant,
    Unit,
    User,
)
from engine.operations.access import holds_role, is_admin, require_actor, visible_units


def role_units(session: Session, user: User) -> set[int]:
    """Units where the user holds any role, council membership included."""
    granted = session.scalars(select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id))
    councils = session.scalars(
        select(Council.unit_id).join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id)
    )
    return set(granted) | set(councils)


def visible_dossiers(session: Session, user: User) -> ColumnElement[bool]:
    """SQL filter on Dossier mirroring `can_see`: a draft never submitted belongs to its own unit. Whoever
    sees every unit (an administrator, the province's own people) gets no filter on the unit, so that a
    list is read off its sort index instead of sorting every dossier of every unit (SQLite's planner would)."""
    if is_admin(session, user):
        return true()
    own = select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id).union(
        select(Council.unit_id).join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id))
    unsubmitted = (Dossier.status == DossierStatus.DRAFT) & Dossier.submitted_at.is_(None)
    not_a_draft_of_others = ~unsubmitted | Dossier.proposing_unit_id.in_(own)
    if _sees_every_unit(session, user):
        return not_a_draft_of_others
    return Dossier.proposing_unit_id.in_(visible_units(user)) & not_a_draft_of_others


def _sees_every_unit(session: Session, user: User) -> bool:
    return not session.scalar(select(exists().where(Unit.id.not_in(visible_units(user)))))


def visible_decisions(session: Session, user: User) -> ColumnElement[bool]:
    """SQL filter on Decision: its dossier is visible, or its issuer is at or below the user's units."""
    if is_admin(session, user):
        return Decision.id.is_not(None)
    below = visible_units(user)
    by_dossier = exists().where(Dossier.id == Decision.dossier_id, Dossier.proposing_unit_id.in_(below))
    # a round's decision has no dossier: its nominations' dossiers count
    by_round = Decision.round_id.is_not(None) & exists().where(
        Nomination.decision_id == Decision.id, Dossier.id == Nomination.dossier_id,
        Dossier.proposing_unit_id.in_(below))
    return or_(Decision.issuer_unit_id.in_(below), by_dossier, by_round)


def _unit_and_ancestors(session: Session, unit_id: int) -> set[int]:
    unit = session.get(Unit, unit_id)
    return set() if unit is None else {unit.id, *(u.id for u in unit.ancestors())}


def _unsubmitted(dossier: Dossier) -> bool:
    return dossier.status == DossierStatus.DRAFT and dossier.submitted_at is None


def can_see(session: Session, user: User, dossier: Dossier) -> bool:
    units = role_units(session, user)
    if _unsubmitted(dossier):  # a draft belongs to its unit until submitted
        if dossier.proposing_unit_id in units:
            return True
    elif units & _unit_and_ancestors(session, dossier.proposing_unit_id):
        return True
    return is_admin(session, user)


def can_change(session: Session, user: User, dossier: Dossier) -> bool:
    """Edit, attach, submit, withdraw: a proposer of the proposing unit."""
    return holds_role(session, user, Role.PROPOSER, dossier.proposing_unit_id)


def can_see_decision(session: Session, user: User, decision: Decision) -> bool:
    units = role_units(session, user)
    if units & _unit_and_ancestors(session, decision.issuer_unit_id):
        return True
    dossier = session.get(Dossier, decision.dossier_id) if decision.dossier_id is not None else None
    if dossier is not None and units & _unit_and_ancestors(session, dossier.proposing_unit_id):
        return True
    if decision.round_id is not None and units and session.scalar(select(exists().where(
            Nomination.decision_id == decision.id, Dossier.id == Nomination.dossier_id,
            Dossier.proposing_unit_id.in_(units)))):
        return True  # a round's decision: to a unit that proposed one of its names
    return is_admin(session, user)


def visible_dossier(ctx: Context, dossier_id: int, *, for_update: bool = False) -> tuple[User, Dossier]:
    """The dossier if the caller may see it; NotFound otherwise (absent and invisible look alike).

    `for_update` locks the row on PostgreSQL so that two state changes of one dossier queue up;
    SQLite already serializes writers.
    """
    user = require_actor(ctx.actor)
    if for_update and is_postgres(ctx.session):
        dossier = ctx.session.scalar(
            select(Dossier).where(Dossier.id == dossier_id).with_for_update().execution_options(
                populate_existing=True)
        )
    else:
        dossier = ctx.session.get(Dossier, dossier_id)
    if dossier is None or not can_see(ctx.session, user, dossier):
        raise NotFound(f"Không tìm thấy hồ sơ số {dossier_id}.")
    return user, dossier


def changeable_dossier(ctx: Context, dossier_id: int) -> tuple[User, Dossier]:
    """The dossier, locked, if the caller is a proposer of its unit; 404 or 403 otherwise."""
    user, dossier = visible_dossier(ctx, dossier_id, for_update=True)
    if not can_change(ctx.session, user, dossier):
        raise Forbidden("Chỉ cán bộ đề nghị khen thưởng của đơn vị lập hồ sơ được thay đổi hồ sơ này.")
    return user, dossier


def proposer_units(session: Session, user: User) -> list[Unit]:
    """Units where the user may propose, by code."""
    return list(session.scalars(
        select(Unit).join(RoleGrant, RoleGrant.unit_id == Unit.id)
        .where(RoleGrant.user_id == user.id, RoleGrant.role == Role.PROPOSER).order_by(Unit.code)
    ))


def drafts_waiting(session: Session, user: User, limit: int = 5) -> list[Dossier]:
    """The drafts of the units where the user proposes, the latest changed first (the empty inbox
    points to them: a draft has no task yet)."""
    return list(session.scalars(
        select(Dossier).join(RoleGrant, RoleGrant.unit_id == Dossier.proposing_unit_id)
        .where(RoleGrant.user_id == user.id, RoleGrant.role == Role.PROPOSER, Dossier.status == DossierStatus.DRAFT)
        .order_by(Dossier.updated_at.desc(), Dossier.id.desc()).limit(limit)
    ))


def load_dossier(ctx: Context, dossier_id: int) -> Dossier:
    dossier = ctx.session.get(Dossier, int(dossier_id))
    if dossier is None:
        raise NotFound(f"Không có hồ sơ số {dossier_id}.")
    return dossier


def reviewing_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit` that review awards, nearest first."""
    return [u for u in unit.ancestors() if u.reviews_awards]


def open_nominations(dossier: Dossier) -> list[Nomination]:
    """Nominations under review at the current level (frozen ones included)."""
    return [n for n in dossier.nominations if n.status in (NominationStatus.PENDING, NominationStatus.FROZEN)]
