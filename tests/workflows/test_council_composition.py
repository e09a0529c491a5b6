"""A council changed (kiện toàn) from a given day: a session opened before that day uses the old
composition, one opened on or after it the new one; the history is kept and audited."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.clock import local_today
from engine.models import AuditEvent, Council, CouncilChange, CouncilSession, Role
from engine.operations import administration
from tests.factories import make_user
from tests.workflows.journey import Journey


def _session_members(journey: Journey) -> set[int]:
    session = journey.session.scalars(
        select(CouncilSession).where(CouncilSession.dossier_id == journey.dossier_id)).one()
    return {m.user_id for m in session.members}


def _to_council(journey: Journey, office) -> None:
    journey.complete(office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(office)


def test_a_session_opened_before_the_day_keeps_the_old_council_and_one_after_uses_the_new(
        one_process_journey, tree, clock, settings):
    journey = one_process_journey
    session = journey.session
    admin = make_user(session, settings, "quan.tri", (Role.ADMIN, tree.province))
    newcomers = [make_user(session, settings, f"xa.moi{i}", full_name=f"Thành viên mới {i}") for i in range(2)]
    session.commit()
    council = session.scalars(select(Council).where(Council.unit_id == tree.commune.id)).one()
    old = {u.id for u in tree.commune_council}
    new = {u.id for u in tree.commune_council[:3]} | {u.id for u in newcomers}
    effective = local_today(clock) + timedelta(days=10)

    change = administration.record_council_change(
        journey.ctx.as_actor(admin), council.id, effective_on=effective.strftime("%d/%m/%Y"),
        chair_id=newcomers[0].id, secretary_id=tree.commune_council[1].id, member_ids=sorted(new),
        reference="Quyết định số 12/QĐ-UBND")
    session.commit()
    assert change.applied_at is None  # the day has not come

    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    _to_council(journey, tree.commune_office)
    assert _session_members(journey) == old

    clock.advance(days=10)
    journey.submit(("CSTD_TINH", "Trần Văn Nam"))
    _to_council(journey, tree.commune_office)
    assert _session_members(journey) == new
    session.refresh(council)
    assert council.chair_id == newcomers[0].id and {m.user_id for m in council.members} == new

    [kept] = administration.council_history(journey.ctx.as_actor(admin), council.id)
    assert kept.applied_at is not None and set(kept.before["members"]) == old
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "council")).all()
    assert "council_change_recorded" in actions and "council_change_applied" in actions


def test_a_change_dated_today_or_before_applies_at_once(ctx, tree, settings, session):
    admin = make_user(session, settings, "quan.tri", (Role.ADMIN, tree.province))
    session.commit()
    council = session.scalars(select(Council).where(Council.unit_id == tree.commune.id)).one()
    members = [u.id for u in tree.commune_council[:3]]
    change = administration.record_council_change(
        ctx.as_actor(admin), council.id, effective_on=local_today(ctx.clock) - timedelta(days=1),
        chair_id=members[2], secretary_id=members[1], member_ids=members)
    assert change.applied_at is not None
    assert council.chair_id == members[2] and sorted(m.user_id for m in council.members) == sorted(members)
    assert session.scalars(select(CouncilChange)).one().before["chair"] == tree.commune_council[0].id
