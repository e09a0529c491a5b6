"""An initiative that earned a title is used: once the award is granted, the next pre-check says so
(issue 14). Reproduced first: the registry kept saying "chưa dùng" after the decision."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import AuditEvent, Initiative
from engine.rules.eligibility import check_nomination
from tests.registry_factories import make_awardee, make_initiative


def _to_council(journey, office):
    journey.complete(office, "check_completeness", {"outcome": "complete"})
    journey.all_eligible(office)


def test_the_initiative_a_title_rests_on_is_marked_used_when_the_award_is_granted(journey, tree):
    tuoi = make_awardee(journey.session, "Nguyễn Thị Tươi", tree.school)
    initiative = make_initiative(journey.session, tuoi, "Sổ điểm điện tử", "province", 2025)
    spare = make_initiative(journey.session, tuoi, "Thư viện số", "grassroots", 2025)  # not what CSTD_TINH needs
    journey.session.commit()
    journey.submit(("CSTD_TINH", "Nguyễn Thị Tươi"))
    [nomination] = journey.dossier.nominations
    nomination.awardee_id = tuoi.id
    journey.session.commit()
    _to_council(journey, tree.commune_office)
    journey.vote(tree.commune_council)
    journey.decide(tree.commune_head, Nguyễn_Thị_Tươi="forward")
    _to_council(journey, tree.province_office)
    journey.vote(tree.province_council)
    journey.decide(tree.province_head, Nguyễn_Thị_Tươi="approve")
    assert journey.outcomes() == {"Nguyễn Thị Tươi": "approved"}

    used = journey.session.get(Initiative, initiative.id)
    assert used.used_by_nomination_id == nomination.id
    assert journey.session.get(Initiative, spare.id).used_by_nomination_id is None
    assert journey.session.scalar(select(AuditEvent).where(AuditEvent.action == "initiative_used",
                                                           AuditEvent.entity_id == str(initiative.id))) is not None

    journey.submit(("CSTD_CS", "Nguyễn Thị Tươi"), title="Đề nghị khác")  # any initiative serves CSTD_CS
    [later] = journey.dossier.nominations
    later.awardee_id = tuoi.id
    journey.session.commit()
    check = {c.criterion: c for c in check_nomination(journey.session, later, year=2026)}["initiative_or_research"]
    assert "Thư viện số" in check.detail and "Sổ điểm điện tử" not in check.detail
